/**
 * A cross-process lock file, so that two CLI invocations or test files never download, build or
 * start the same thing at once. The file holds the owner's pid and host; a lock whose owner is
 * dead (same host) or that is older than `staleMs` (another host) is taken over.
 */
import { mkdirSync, openSync, closeSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { UserError } from '../errors.js';
import { noProgress, type Progress } from '../progress.js';
import { pidRunning, sleep } from './process.js';

export interface FileLockOptions {
  /** Told once when another process holds the lock. */
  onProgress?: Progress;
  /** How long to wait for the owner; default 15 min. */
  timeoutMs?: number;
  /** A lock from another host older than this is stale; default 30 min. */
  staleMs?: number;
  pollMs?: number;
}

/** A lock file without readable owner (being written, or left half-written) is stale after this. */
const UNREADABLE_STALE_MS = 30_000;

/** Releases the lock (idempotent). */
export type ReleaseLock = () => void;

/**
 * Takes the lock at `lockFile` (`what` says what it guards, for messages), waiting while a live
 * process holds it; throws a UserError after `timeoutMs`.
 */
export async function acquireFileLock(lockFile: string, what: string, opts: FileLockOptions = {}): Promise<ReleaseLock> {
  const progress = opts.onProgress ?? noProgress;
  const deadline = Date.now() + (opts.timeoutMs ?? 15 * 60_000);
  let announced = false;
  mkdirSync(dirname(lockFile), { recursive: true });
  for (;;) {
    if (tryCreate(lockFile)) {
      let released = false;
      return () => {
        if (released) return;
        released = true;
        rmSync(lockFile, { recursive: true, force: true });
      };
    }
    const owner = readOwner(lockFile);
    if (isStale(lockFile, owner, opts.staleMs ?? 30 * 60_000)) {
      // Recursive: a lock left as a directory by an older kafkaform is taken over too.
      rmSync(lockFile, { recursive: true, force: true });
      continue;
    }
    if (Date.now() > deadline) {
      throw new UserError(
        `Timed out waiting for another kafkaform process${owner ? ` (pid ${owner.pid})` : ''} to finish ${what}.`,
        `If no such process is running, delete ${lockFile} and retry.`,
      );
    }
    if (!announced) {
      progress(`Waiting for another kafkaform process${owner ? ` (pid ${owner.pid})` : ''} to finish ${what}…`);
      announced = true;
    }
    await sleep(opts.pollMs ?? 500);
  }
}

function tryCreate(lockFile: string): boolean {
  let fd: number;
  try {
    fd = openSync(lockFile, 'wx', 0o644);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  try {
    writeSync(fd, `${process.pid} ${hostname()}\n`);
  } finally {
    closeSync(fd);
  }
  return true;
}

function readOwner(lockFile: string): { pid: number; host: string } | undefined {
  try {
    const [pidText, host] = readFileSync(lockFile, 'utf8').trim().split(/\s+/);
    const pid = Number(pidText);
    return Number.isInteger(pid) && pid > 0 && host ? { pid, host } : undefined;
  } catch {
    return undefined;
  }
}

function isStale(lockFile: string, owner: { pid: number; host: string } | undefined, staleMs: number): boolean {
  let ageMs: number;
  try {
    ageMs = Date.now() - statSync(lockFile).mtimeMs;
  } catch {
    // Vanished meanwhile: not stale, just try again.
    return false;
  }
  if (!owner) return ageMs > UNREADABLE_STALE_MS;
  if (owner.host === hostname()) return !pidRunning(owner.pid);
  return ageMs > staleMs;
}
