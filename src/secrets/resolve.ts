/** Secrets are references (`env:NAME`, `file:PATH`) resolved at the last moment, never printed. */
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { UserError } from '../errors.js';

/** Resolves `env:NAME` or `file:PATH` (relative to baseDir). Throws a UserError naming the reference, never the value. */
export function resolveSecret(ref: string, what: string, baseDir = process.cwd(), env: NodeJS.ProcessEnv = process.env): string {
  if (ref.startsWith('env:')) {
    const name = ref.slice(4);
    const v = env[name];
    if (v === undefined || v === '') throw new UserError(`${what}: environment variable ${name} is not set`, `export ${name}=… before running kafkaform (the secret is never written in topics.yaml)`);
    return v;
  }
  if (ref.startsWith('file:')) {
    const p = ref.slice(5);
    const abs = isAbsolute(p) ? p : resolve(baseDir, p);
    try {
      return readFileSync(abs, 'utf8').replace(/\r?\n$/, '');
    } catch {
      throw new UserError(`${what}: cannot read secret file ${abs}`, 'create the file or point passwordFrom at another one');
    }
  }
  throw new UserError(`${what}: "${ref.split(':')[0]}:" is not a secret reference`, 'use env:VAR_NAME or file:/path');
}

