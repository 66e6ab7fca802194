/** The event-schema files a manifest references, read through the FileSource and checked once per file. */
import { dirname, resolve } from 'node:path';
import { siblingRefLookup, validateSchemaText, type SchemaFormat, type SchemaTextCheck } from '../schema/schema-file.js';
import type { FileSource } from './file-source.js';

export type SchemaFileState = { kind: 'missing'; abs: string } | { kind: 'checked'; abs: string; check: SchemaTextCheck };

/** Looks up (and caches) the state of a schema file written relative to topics.yaml. */
export type SchemaFiles = (file: string, format: SchemaFormat) => SchemaFileState;

/** Undefined when there are no files to look at (file checks off): references are then taken as written. */
export function schemaFilesOf(specFile: string, files: FileSource | undefined): SchemaFiles | undefined {
  if (!files) return undefined;
  const cache = new Map<string, SchemaFileState>();
  return (file, format) => {
    const abs = resolve(dirname(specFile), file);
    const hit = cache.get(`${format}:${abs}`);
    if (hit) return hit;
    let state: SchemaFileState;
    if (!files.exists(abs)) state = { kind: 'missing', abs };
    else {
      const text = files.readText(abs);
      const check: SchemaTextCheck = text === undefined ? { ok: false, problem: 'json', message: `cannot read ${abs}` } : validateSchemaText(text, format, siblingRefLookup(abs, (p) => files.readText(p)));
      state = { kind: 'checked', abs, check };
    }
    cache.set(`${format}:${abs}`, state);
    return state;
  };
}
