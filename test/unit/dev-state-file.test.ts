import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import {
  logTail,
  publicView,
  purgeDataDir,
  readState,
  redact,
  resolveRef,
  statusView,
  writeState,
  type DevClusterState,
} from '../../src/dev/cluster/state-file.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'kafkaform-state-'));
  dirs.push(d);
  return d;
}

function state(dataDir: string): DevClusterState {
  return {
    stateVersion: 1,
    name: 'demo',
    dataDir,
    kafkaVersion: '4.3.1',
    bootstrapServers: ['127.0.0.1:29092'],
    brokers: [{ nodeId: 1, pid: 123, port: 29092, controllerPort: 29192, logFile: join(dataDir, 'node-1', 'kafka.log') }],
    sasl: { mechanism: 'scram-sha512', username: 'admin', password: 'very-secret-pw' },
    clusterId: 'AAAAAAAAAAAAAAAAAAAAAA',
    libDir: '/lib',
    heapMb: 512,
    createdAt: '2026-01-01T00:00:00.000Z',
    startedAt: '2026-01-01T00:00:00.000Z',
  };
}

describe('the state file', () => {
  it('is written 0600 and read back as written', () => {
    const dir = tempDir();
    writeState(state(dir));
    expect(statSync(join(dir, 'cluster.json')).mode & 0o777).toBe(0o600);
    expect(readState(dir)).toEqual(state(dir));
    expect(readState(tempDir())).toBeUndefined();
  });

  it('an unreadable one is a UserError naming the file', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'cluster.json'), '{"stateVersion": 2}');
    expect(() => readState(dir)).toThrow(UserError);
    expect(() => readState(dir)).toThrow(/cluster\.json is unreadable \(unknown format\)/);
  });
});

describe('what may be shown', () => {
  it('the status carries the SASL user but never the password', () => {
    const s = state('/d');
    const status = statusView(s, [{ ...s.brokers[0]!, alive: true, processAlive: true, portOpen: true }]);
    expect(status.sasl).toEqual({ mechanism: 'scram-sha512', username: 'admin' });
    expect(status.running).toBe(true);
    expect(JSON.stringify(status)).not.toContain('very-secret-pw');
  });

  it('the status is not running when one broker is down', () => {
    const s = state('/d');
    expect(statusView(s, [{ ...s.brokers[0]!, alive: false, processAlive: true, portOpen: false }]).running).toBe(false);
  });

  it('log tails and other text have the password replaced', () => {
    const dir = tempDir();
    const s = state(dir);
    expect(redact(s, 'password=very-secret-pw;')).toBe('password=***;');
    mkdirSync(join(dir, 'node-1'));
    writeFileSync(s.brokers[0]!.logFile, ['a', 'b', 'jaas very-secret-pw', 'c', ''].join('\n'));
    expect(logTail(s, s.brokers[0]!.logFile, 2)).toBe('jaas ***\nc');
    expect(logTail(s, join(dir, 'missing.log'))).toBe('(no log written)');
  });

  it('the public view is a copy without the restart details', () => {
    const s = state('/d');
    const v = publicView(s);
    expect(Object.keys(v).sort()).toEqual(['bootstrapServers', 'brokers', 'dataDir', 'kafkaVersion', 'name', 'sasl']);
    v.brokers[0]!.pid = 999;
    expect(s.brokers[0]!.pid).toBe(123);
  });
});

describe('resolveRef and purgeDataDir', () => {
  it('defaults the name, validates it, and puts the data under the cache dir', () => {
    expect(resolveRef({ dataDir: '/x/y' })).toEqual({ name: 'default', dataDir: '/x/y' });
    expect(resolveRef({ name: 'dtest' }).dataDir).toMatch(/clusters\/dtest$/);
    expect(() => resolveRef({ name: '../etc' })).toThrow(UserError);
  });

  it('deletes only a directory that looks like a dev cluster', () => {
    const foreign = tempDir();
    writeFileSync(join(foreign, 'precious.txt'), 'x');
    expect(() => purgeDataDir(foreign, false)).toThrow(/Refusing to delete/);
    expect(readFileSync(join(foreign, 'precious.txt'), 'utf8')).toBe('x');
    const ours = tempDir();
    writeState(state(ours));
    purgeDataDir(ours, false);
    expect(() => statSync(ours)).toThrow();
  });
});
