/**
 * Reads the previous version of topics.yaml for `validate --against`: a file path, or a git ref
 * whose copy of the same file is read with `git show <ref>:<path from the repository root>`.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';
import { UserError } from '../errors.js';
import { gitCommitExists, gitShowFile, gitTopLevel } from '../os/git.js';

export interface PreviousSpecText {
  /** Shown in diagnostics: the file path, or `<ref>:<path>`. */
  label: string;
  text: string;
}

/** `against` is an existing file, or else a git ref (branch, tag, commit, HEAD~1). */
export function readPreviousSpecText(against: string, specFile: string): PreviousSpecText {
  const asFile = resolve(against);
  if (existsSync(asFile) && statSync(asFile).isFile()) return { label: against, text: readFileSync(asFile, 'utf8') };
  const abs = resolve(specFile);
  const dir = dirname(abs);
  const top = gitTopLevel(dir);
  if (top === undefined) {
    throw new UserError(`--against ${against}: not a file, and ${dir} is not inside a git repository`, 'pass a file path, or run in a git checkout to compare against a ref such as main or HEAD~1');
  }
  const rel = relative(top, abs).split(sep).join('/');
  if (!gitCommitExists(dir, against)) {
    throw new UserError(`--against ${against}: no such file, and no such git ref`, 'use a branch, tag or commit (main, v1.2.0, HEAD~1), or a path to a copy of topics.yaml');
  }
  try {
    return { label: `${against}:${rel}`, text: gitShowFile(dir, against, rel) };
  } catch {
    throw new UserError(`${rel} does not exist at ${against}`, 'compare against a ref where the file exists, or skip --against for a new file');
  }
}
