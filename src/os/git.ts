/** The one git wrapper: runs git synchronously in a directory and answers the questions kafkaform asks of a checkout. */
import { execFileSync } from 'node:child_process';

/** Runs `git args` in `cwd` and returns its stdout; throws when git fails or is missing. */
export function runGit(args: readonly string[], cwd: string): string {
  return execFileSync('git', [...args], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 256 * 1024 * 1024 });
}

/** The top directory of the git checkout containing `dir`, or undefined outside git. */
export function gitTopLevel(dir: string): string | undefined {
  try {
    return runGit(['rev-parse', '--show-toplevel'], dir).trim();
  } catch {
    return undefined;
  }
}

/** True when `ref` names a commit in the repository around `dir`. */
export function gitCommitExists(dir: string, ref: string): boolean {
  try {
    runGit(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], dir);
    return true;
  } catch {
    return false;
  }
}

/** The content of `path` (relative to the repository top, `/`-separated) at `ref`; throws when absent. */
export function gitShowFile(dir: string, ref: string, path: string): string {
  return runGit(['show', `${ref}:${path}`], dir);
}

/** The commits that touched `path` in the history of `ref`, newest first; empty when git fails. */
export function gitFileCommits(dir: string, ref: string, path: string): string[] {
  try {
    return runGit(['log', '--format=%H', ref, '--', path], dir).split('\n').filter(Boolean);
  } catch {
    return [];
  }
}
