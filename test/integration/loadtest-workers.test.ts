/**
 * `kafkaform loadtest --workers 3` on a real broker: the CLI as a process, which starts three
 * `kafkaform loadtest worker` processes that meet on a control topic. The merged report must add up
 * to its workers; a worker killed mid-run must be reported as lost, with exit code 1, in bounded time.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KafkajsClusterPort } from '../../src/cluster/kafkajs-adapter.js';
import type { LoadTestReport } from '../../src/loadtest/report-types.js';
import { scratchProject, startTestCluster, type TestCluster } from './helpers.js';

const ROOT = join(import.meta.dirname, '..', '..');
const SPEC = `version: 1
cluster:
  name: workers-it
  brokers: 1
defaults:
  partitions: 6
  replicationFactor: 1
environments:
  dev:
    cluster: { bootstrapServers: [], brokers: 1 }
topics:
  orders.placed:
    partitions: 6
    retention: 1h
`;

let tc: TestCluster;
let project: ReturnType<typeof scratchProject>;
let work: string;

beforeAll(async () => {
  tc = await startTestCluster();
  project = scratchProject(SPEC, { withSchemas: false });
  work = mkdtempSync(join(tmpdir(), 'kafkaform-ltw-'));
});

afterAll(async () => {
  project?.cleanup();
  if (work) rmSync(work, { recursive: true, force: true });
  await tc?.stop();
});

interface CliRun {
  code: number | null;
  stderr: string;
}

/** Runs the CLI as a process (its workers are its children); `onStderr` sees every line as it comes. Bounded by `timeoutMs`. */
function cli(args: string[], timeoutMs: number, onStderr?: (line: string) => void): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'kafkaform.js'), ...args], { cwd: project.dir, env: { ...process.env, KAFKAFORM_FROM_SOURCE: '1', NO_COLOR: '1' }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    let partial = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (d: string) => {
      stderr += d;
      partial += d;
      const lines = partial.split('\n');
      partial = lines.pop() ?? '';
      for (const l of lines) onStderr?.(l);
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`kafkaform ${args.join(' ')} did not end within ${timeoutMs / 1000}s\n${stderr.slice(-3000)}`));
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

function loadArgs(out: string, ...extra: string[]): string[] {
  return ['loadtest', '-f', project.file, '--env', 'dev', '--bootstrap-servers', tc.cluster.bootstrapServers.join(','), '--topic', 'orders.placed', '--message-bytes', '512', '--format', 'json', '--out', out, ...extra];
}

async function loadTestTopicsOnCluster(): Promise<string[]> {
  const port = new KafkajsClusterPort(tc.connection);
  try {
    return (await port.listTopics()).filter((t) => t.startsWith('kafkaform-loadtest.'));
  } finally {
    await port.close();
  }
}

describe('kafkaform loadtest --workers (real broker, worker processes)', () => {
  // Generous bounds: four Node processes start from the TypeScript sources, on a CI machine that may be busy.
  it('three workers: nothing lost, merged counts equal the sum of the workers, topics deleted', { timeout: 300_000 }, async () => {
    const out = join(work, 'three.json');
    const r = await cli(loadArgs(out, '--workers', '3', '--rate', '3000', '--duration', '5s'), 290_000);
    expect(r.code, r.stderr.slice(-3000)).toBe(0);
    const report = JSON.parse(readFileSync(out, 'utf8')) as LoadTestReport;
    const m = report.messages;
    expect(m.acknowledged).toBeGreaterThan(3000 * 5 * 0.5);
    expect(m).toMatchObject({ sent: m.acknowledged, consumed: m.acknowledged, lost: 0, duplicated: 0, failed: 0 });
    expect(report.settings.workers).toBe(3);
    const workers = report.workers!;
    expect(workers.map((w) => [w.name, w.status])).toEqual([
      ['local-1', 'finished'],
      ['local-2', 'finished'],
      ['local-3', 'finished'],
    ]);
    // Three processes, each its own pid, each writing its own partitions.
    expect(new Set(workers.map((w) => w.pid)).size).toBe(3);
    expect(workers.map((w) => w.partitions[report.topics[0]!.loadTopic])).toEqual([[0, 3], [1, 4], [2, 5]]);
    for (const k of ['sent', 'acknowledged', 'consumed'] as const) expect(workers.reduce((n, w) => n + w.messages[k], 0)).toBe(m[k]);
    expect(workers.every((w) => w.messages.acknowledged > 0 && w.messages.consumed > 0)).toBe(true);
    expect(report.latencyMs.publish.count).toBe(m.acknowledged);
    expect(report.latencyMs.endToEnd.count).toBe(m.consumed);
    expect(await loadTestTopicsOnCluster()).toEqual([]);
  });

  it('a worker killed mid-run is reported as lost by name and the run exits 1 without hanging', { timeout: 300_000 }, async () => {
    const out = join(work, 'killed.json');
    let victim: number | undefined;
    let killed = false;
    const t0 = Date.now();
    const r = await cli(loadArgs(out, '--workers', '3', '--rate', '1500', '--duration', '8s', '--heartbeat-timeout', '8s'), 290_000, (line) => {
      const started = /started worker local-2 \(pid (\d+)\)/.exec(line);
      if (started) victim = Number(started[1]);
      // Killed while producing: after the coordinator's go, before the end of the 8 s.
      if (!killed && victim && /worker\(s\) producing/.test(line)) {
        killed = true;
        setTimeout(() => process.kill(victim!, 'SIGKILL'), 2000);
      }
    });
    expect(killed, r.stderr.slice(-3000)).toBe(true);
    expect(r.code, r.stderr.slice(-3000)).toBe(1);
    expect(Date.now() - t0).toBeLessThan(290_000);
    const report = JSON.parse(readFileSync(out, 'utf8')) as LoadTestReport;
    const lost = report.workers!.find((w) => w.name === 'local-2')!;
    expect(lost.status).toBe('lost');
    expect(lost.reason).toMatch(/heartbeat/);
    expect(report.workers!.filter((w) => w.status === 'finished').map((w) => w.name)).toEqual(['local-1', 'local-3']);
    // The others' records are all accounted for; the lost worker's are not counted as lost.
    expect(report.messages.lost).toBe(0);
    expect(report.messages.duplicated).toBe(0);
    expect(r.stderr).toMatch(/worker local-2 lost/);
    expect(await loadTestTopicsOnCluster()).toEqual([]);
  });
});
