/**
 * Process liveness and bounded waiting: whether a pid is a live process (a zombie is not), sending
 * a signal to a pid that may be gone, polling a condition until a deadline, sleeping.
 */
import { existsSync, readFileSync } from 'node:fs';

const HAS_PROC = existsSync('/proc/self/stat');

/** The process exists and is not a zombie (`kill(pid, 0)` alone also succeeds on a zombie). */
export function pidRunning(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 3, after the parenthesised command name (which may itself contain ')').
    const at = stat.lastIndexOf(')') + 2;
    const stateChar = stat.slice(at, at + 1);
    return stateChar !== 'Z' && stateChar !== 'X';
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' && HAS_PROC) return false;
  }
  // No /proc (not Linux): ask the kernel; EPERM means it exists but belongs to someone else.
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The command line of a live process (arguments joined by NUL), or undefined where /proc cannot tell. */
export function processCommandLine(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return undefined;
  }
}

/** Whether this system has /proc, so `processCommandLine` returning undefined means the process is gone. */
export function hasProcFs(): boolean {
  return HAS_PROC;
}

/** Sends `sig` to `pid`; false when there is no such process (ESRCH). Other failures throw. */
export function signal(pid: number, sig: NodeJS.Signals): boolean {
  try {
    process.kill(pid, sig);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
    return false;
  }
}

/** Resolves after `ms`, or at once when `abort` fires. */
export function sleep(ms: number, abort?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (abort?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      abort?.removeEventListener('abort', done);
      resolve();
    }
    abort?.addEventListener('abort', done, { once: true });
  });
}

/**
 * Polls `condition` every `intervalMs` until it holds (true) or `timeoutMs` has passed (false,
 * after one last check). A condition that throws counts as not holding yet.
 */
export async function waitUntil(condition: () => boolean | Promise<boolean>, timeoutMs: number, intervalMs = 200): Promise<boolean> {
  const holds = async (): Promise<boolean> => {
    try {
      return await condition();
    } catch {
      return false;
    }
  };
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await holds()) return true;
    await sleep(Math.min(intervalMs, Math.max(0, deadline - Date.now())));
  }
  return holds();
}

/**
 * Waits (up to `timeoutMs`) until the pids have vanished from /proc: a dead child of this very
 * process stays a zombie until Node reaps it, and callers should see the pid truly gone.
 */
export async function waitForReaping(pids: readonly number[], timeoutMs = 3_000): Promise<void> {
  if (!HAS_PROC) return;
  await waitUntil(() => pids.every((pid) => !existsSync(`/proc/${pid}`)), timeoutMs);
}
