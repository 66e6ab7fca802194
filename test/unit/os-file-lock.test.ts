import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { acquireFileLock } from '../../src/os/file-lock.js';
import { pidRunning, waitUntil } from '../../src/os/process.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'kafkaform-lock-'));
  dirs.push(d);
  return d;
}

describe('acquireFileLock', () => {
  it('creates the lock with this pid and host, and the release removes it (twice is harmless)', async () => {
    const lock = join(tempDir(), 'sub', '.lock');
    const release = await acquireFileLock(lock, 'testing');
    expect(readFileSync(lock, 'utf8')).toBe(`${process.pid} ${hostname()}\n`);
    release();
    release();
    expect(existsSync(lock)).toBe(false);
  });

  it('makes a second taker wait until the first releases, and says so once', async () => {
    const lock = join(tempDir(), '.lock');
    const release = await acquireFileLock(lock, 'testing');
    const messages: string[] = [];
    let second = false;
    const waiting = acquireFileLock(lock, 'the test', { onProgress: (m) => messages.push(m), pollMs: 20 }).then((r) => {
      second = true;
      return r;
    });
    await new Promise((r) => setTimeout(r, 150));
    expect(second).toBe(false);
    release();
    (await waiting)();
    expect(messages).toEqual([`Waiting for another kafkaform process (pid ${process.pid}) to finish the test…`]);
  });

  it('takes over a lock whose owner process is dead', async () => {
    const lock = join(tempDir(), '.lock');
    const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
    await new Promise((r) => child.once('exit', r));
    await waitUntil(() => !pidRunning(child.pid!), 5_000);
    writeFileSync(lock, `${child.pid} ${hostname()}\n`);
    const release = await acquireFileLock(lock, 'testing', { timeoutMs: 2_000 });
    expect(readFileSync(lock, 'utf8')).toContain(String(process.pid));
    release();
  });

  it('takes over an old lock left as a directory by an older kafkaform', async () => {
    const lock = join(tempDir(), '.lock');
    mkdirSync(lock);
    const old = new Date(Date.now() - 3_600_000);
    utimesSync(lock, old, old);
    const release = await acquireFileLock(lock, 'testing', { timeoutMs: 2_000 });
    release();
  });

  it('times out with a UserError naming the lock file while a live process holds it', async () => {
    const lock = join(tempDir(), '.lock');
    writeFileSync(lock, `${process.pid} ${hostname()}\n`);
    const err = await acquireFileLock(lock, 'testing', { timeoutMs: 100, pollMs: 20 }).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).message).toMatch(/Timed out waiting for another kafkaform process \(pid \d+\) to finish testing/);
    expect((err as UserError).hint).toContain(lock);
  });

  it('treats a lock from another host as stale only after staleMs', async () => {
    const lock = join(tempDir(), '.lock');
    writeFileSync(lock, `4242 some-other-host\n`);
    await expect(acquireFileLock(lock, 'testing', { timeoutMs: 100, pollMs: 20, staleMs: 60_000 })).rejects.toBeInstanceOf(UserError);
    const old = new Date(Date.now() - 120_000);
    utimesSync(lock, old, old);
    const release = await acquireFileLock(lock, 'testing', { timeoutMs: 1_000, staleMs: 60_000 });
    release();
  });
});
