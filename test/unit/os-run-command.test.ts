import { describe, expect, it } from 'vitest';
import { isCommandNotFound, joinTail, runCommand, runCommandSettled, scrubSecrets, spawnDetached, trimBlankLines } from '../../src/os/run-command.js';
import { pidRunning, waitUntil } from '../../src/os/process.js';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const node = process.execPath;

describe('runCommand', () => {
  it('resolves with the exit code, the whole stdout when asked, and tails of both streams', async () => {
    const r = await runCommand(node, ['-e', 'console.log("out-1"); console.error("err-1"); console.log("out-2"); process.exit(3)'], { keepStdout: true });
    expect(r.exitCode).toBe(3);
    expect(r.stdout).toBe('out-1\nout-2\n');
    expect(r.stdoutTail).toEqual(['out-1', 'out-2']);
    expect(r.stderrTail).toEqual(['err-1']);
    expect([...r.tail].sort()).toEqual(['err-1', 'out-1', 'out-2']);
    expect(r.timedOut).toBe(false);
  });

  it('keeps no stdout unless asked, and only the last tailLines lines', async () => {
    const r = await runCommand(node, ['-e', 'for (let i = 1; i <= 50; i++) console.log("line " + i)'], { tailLines: 5 });
    expect(r.stdout).toBe('');
    expect(r.stdoutTail).toEqual(['line 46', 'line 47', 'line 48', 'line 49', 'line 50']);
  });

  it('replaces secrets in tails and line callbacks, not in the kept stdout', async () => {
    const lines: string[] = [];
    const r = await runCommand(node, ['-e', 'console.log("pw=hunter2"); console.error("again hunter2")'], {
      secrets: ['hunter2'],
      keepStdout: true,
      onStdoutLine: (l) => lines.push(l),
      onStderrLine: (l) => lines.push(l),
    });
    expect(r.stdoutTail).toEqual(['pw=***']);
    expect(r.stderrTail).toEqual(['again ***']);
    expect(lines.sort()).toEqual(['again ***', 'pw=***']);
    expect(r.stdout).toBe('pw=hunter2\n');
  });

  it('passes env and cwd', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kafkaform-os-'));
    try {
      const r = await runCommand(node, ['-e', 'console.log(process.cwd(), process.env.KF_TEST)'], { cwd: dir, env: { ...process.env, KF_TEST: 'yes' }, keepStdout: true });
      expect(r.stdout.trim()).toBe(`${dir} yes`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('ends a program that runs past timeoutMs and says so', async () => {
    const started = Date.now();
    const r = await runCommand(node, ['-e', 'setTimeout(() => {}, 60000)'], { timeoutMs: 300 });
    expect(r.timedOut).toBe(true);
    expect(r.signal).toBe('SIGTERM');
    expect(r.exitCode).toBe(128);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('rejects with an AbortError when the signal aborts', async () => {
    const ac = new AbortController();
    const run = runCommand(node, ['-e', 'setTimeout(() => {}, 60000)'], { signal: ac.signal });
    setTimeout(() => ac.abort(), 100);
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('rejects when the program does not exist, recognisably', async () => {
    const err = await runCommand('kafkaform-no-such-program', []).then(() => undefined, (e: unknown) => e);
    expect(isCommandNotFound(err)).toBe(true);
  });

  it('runCommandSettled turns a start failure into exit code -1 with the reason as the tail', async () => {
    const r = await runCommandSettled('kafkaform-no-such-program', ['x']);
    expect(r.exitCode).toBe(-1);
    expect(r.tail.join('\n')).toMatch(/ENOENT/);
  });
});

describe('tail helpers', () => {
  it('trimBlankLines drops blank lines at both ends only', () => {
    expect(trimBlankLines(['', ' ', 'a', '', 'b', '  '])).toEqual(['a', '', 'b']);
  });

  it('joinTail keeps the last lines without the blank edges', () => {
    expect(joinTail(['a', 'b', 'c', ''], 2)).toBe('b\nc');
  });
});

describe('scrubSecrets', () => {
  it('hides each secret and its JSON-escaped form, longest first', () => {
    expect(scrubSecrets('a=ab b="q\\"x"', ['ab', 'q"x'])).toBe('a=*** b="***"');
  });
});

describe('spawnDetached', () => {
  it('starts a program with its output appended to a log file after the banner, and reports its exit', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kafkaform-os-'));
    try {
      const logFile = join(dir, 'server.log');
      const p = spawnDetached(node, ['-e', 'console.log("serving"); setTimeout(() => process.exit(7), 200)'], { logFile, banner: '== start ==' });
      expect(p.pid).toBeGreaterThan(0);
      expect(await p.exits).toBe(7);
      expect(await waitUntil(() => !pidRunning(p.pid), 5_000)).toBe(true);
      expect(readFileSync(logFile, 'utf8')).toBe('\n== start ==\nserving\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
