/** Previous versions of a schema file from git history (`git log` + `git show`). */
import { UserError } from '../errors.js';
import { gitCommitExists, gitFileCommits, gitShowFile, runGit } from '../os/git.js';

export { gitTopLevel } from '../os/git.js';

export interface SchemaFileVersion {
  /** 1 = the oldest version of the file in the history of `ref`. */
  number: number;
  commit: string;
  text: string;
}

/** Throws a UserError when `ref` is not a commit in the repository. */
export function requireGitRef(repoDir: string, ref: string): void {
  if (!gitCommitExists(repoDir, ref)) throw new UserError(`--against ${ref}: no such git ref`, 'use a branch, tag or commit (main, v1.2.0, HEAD~1)');
}

/**
 * Every distinct version of `file` (path relative to `repoDir`, the repository top) in the
 * history of `ref`, oldest first. Commits that delete the file are skipped; consecutive identical
 * contents count once (a commit that only touched whitespace elsewhere is not a new version).
 */
export function collectSchemaHistory(repoDir: string, file: string, ref = 'HEAD'): SchemaFileVersion[] {
  const rel = file.split('\\').join('/');
  const commits = gitFileCommits(repoDir, ref, rel).reverse();
  const out: SchemaFileVersion[] = [];
  for (const commit of commits) {
    let text: string;
    try {
      text = gitShowFile(repoDir, commit, rel);
    } catch {
      continue;
    }
    if (out.at(-1)?.text === text) continue;
    out.push({ number: out.length + 1, commit, text });
  }
  return out;
}

/** A file's text at `ref` (path relative to the repository top), undefined when it is not there. */
export function readFileAtRef(repoDir: string, ref: string, file: string): string | undefined {
  try {
    return gitShowFile(repoDir, ref, file);
  } catch {
    return undefined;
  }
}

/** The names of the files in a directory at `ref` (path relative to the repository top), undefined when it is not there. */
export function listFilesAtRef(repoDir: string, ref: string, dir: string): string[] | undefined {
  try {
    return runGit(['ls-tree', '--name-only', `${ref}:${dir === '.' ? '' : dir}`], repoDir).split('\n').filter((l) => l !== '');
  } catch {
    return undefined;
  }
}
