/** The one place init touches the disk: writes rendered files, never replacing one without `force`. */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { InitFile } from './templates.js';

export interface WrittenFile {
  path: string;
  purpose: string;
  /** created: new; overwritten: replaced (--force); kept: it existed and was left as it is. */
  status: 'created' | 'overwritten' | 'kept';
}

/** Writes `files` under `dir` (created if missing); an existing file is kept unless `force` (and package.json always is). */
export function applyInitFiles(dir: string, files: readonly InitFile[], opts: { force: boolean }): WrittenFile[] {
  mkdirSync(dir, { recursive: true });
  return files.map((f) => {
    const target = join(dir, ...f.path.split('/'));
    const exists = existsSync(target);
    if (exists && (!opts.force || f.onlyIfMissing)) return { path: f.path, purpose: f.purpose, status: 'kept' };
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, f.content);
    return { path: f.path, purpose: f.purpose, status: exists ? 'overwritten' : 'created' };
  });
}
