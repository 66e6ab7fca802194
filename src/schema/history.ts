/** Previous versions of a schema file from git history (`git log` + `git show`). */
import { execFileSync } from 'node:child_process';
import { UserError } from '../errors.js';

export interface SchemaFileVersion {
  /** 1 = the oldest version of the file in the history of `ref`. */
  number: number;
  commit: string;
  text: string;
}

function git(args: string[], cwd: string): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
}

/** The top directory of the git checkout containing `dir`, or undefined outside git. */
export function gitTopLevel(dir: string): string | undefined {
  try {
    return git(['rev-parse', '--show-toplevel'], dir).trim();
  } catch {
    return undefined;
  }
}

/** Throws a UserError when `ref` is not a commit in the repository. */
export function requireGitRef(repoDir: string, ref: string): void {
  try {
    git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], repoDir);
  } catch {
    throw new UserError(`--against ${ref}: no such git ref`, 'use a branch, tag or commit (main, v1.2.0, HEAD~1)');
  }
}

/**
 * Every distinct version of `file` (path relative to `repoDir`, the repository top) in the
 * history of `ref`, oldest first. Commits that delete the file are skipped; consecutive identical
 * contents count once (a commit that only touched whitespace elsewhere is not a new version).
 */
export function collectSchemaHistory(repoDir: string, file: string, ref = 'HEAD'): SchemaFileVersion[] {
  const rel = file.split('\\').join('/');
  let commits: string[];
  try {
    commits = git(['log', '--format=%H', ref, '--', rel], repoDir).split('\n').filter(Boolean).reverse();
  } catch {
    return [];
  }
  const out: SchemaFileVersion[] = [];
  for (const commit of commits) {
    let text: string;
    try {
      text = git(['show', `${commit}:${rel}`], repoDir);
    } catch {
      continue;
    }
    if (out.at(-1)?.text === text) continue;
    out.push({ number: out.length + 1, commit, text });
  }
  return out;
}
