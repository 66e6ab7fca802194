import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { pidRunning, processCommandLine, signal, sleep, waitForReaping, waitUntil } from '../../src/os/process.js';

describe('pidRunning', () => {
  it('is true for this process and false for nonsense pids', () => {
    expect(pidRunning(process.pid)).toBe(true);
    expect(pidRunning(0)).toBe(false);
    expect(pidRunning(-5)).toBe(false);
    expect(pidRunning(1.5)).toBe(false);
  });

  it('turns false once a child has exited, even before it is reaped', async () => {
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    const pid = child.pid!;
    expect(pidRunning(pid)).toBe(true);
    expect(processCommandLine(pid)).toContain('setTimeout');
    const exited = new Promise((r) => child.once('exit', r));
    expect(signal(pid, 'SIGKILL')).toBe(true);
    expect(await waitUntil(() => !pidRunning(pid), 5_000)).toBe(true);
    await exited;
    await waitForReaping([pid]);
    expect(signal(pid, 'SIGTERM')).toBe(false);
  });
});

describe('waitUntil', () => {
  it('resolves true as soon as the condition holds', async () => {
    let n = 0;
    expect(await waitUntil(() => ++n >= 3, 5_000, 10)).toBe(true);
    expect(n).toBe(3);
  });

  it('resolves false after the timeout when it never holds, and counts a throwing condition as not holding', async () => {
    const started = Date.now();
    expect(await waitUntil(() => { throw new Error('not yet'); }, 150, 20)).toBe(false);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('accepts an async condition', async () => {
    let n = 0;
    expect(await waitUntil(async () => { await sleep(1); return ++n === 2; }, 5_000, 10)).toBe(true);
  });
});

describe('sleep', () => {
  it('waits about the time given, and ends early on abort', async () => {
    const t0 = Date.now();
    await sleep(50);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(45);
    const ac = new AbortController();
    const t1 = Date.now();
    setTimeout(() => ac.abort(), 20);
    await sleep(10_000, ac.signal);
    expect(Date.now() - t1).toBeLessThan(5_000);
  });
});
