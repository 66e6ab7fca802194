/** The event-schema files a manifest references, read through the FileSource and checked once per file. */
import { dirname, relative, resolve } from 'node:path';
import { schemaFormatOf, siblingAvroTypes, siblingRefLookup, validateSchemaText, type SchemaFormat, type SchemaTextCheck } from '../schema/schema-file.js';
import type { FileSource } from './file-source.js';
import { computeDependencyOrder } from '../schema/schema-deps.js';

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
      const check: SchemaTextCheck = text === undefined ? { ok: false, problem: 'json', message: `cannot read ${abs}` } : validateSchemaText(text, format, siblingRefLookup(abs, (p) => files.readText(p)), siblingAvroTypes(abs, (p) => files.readText(p), listOf(files)));
      state = { kind: 'checked', abs, check: check.ok && (format !== 'avro' || files.list) ? (referenceProblem(abs, files) ?? check) : check };
    }
    cache.set(`${format}:${abs}`, state);
    return state;
  };
}

/** Directory listings through the FileSource (none without `list`: Avro types are then not looked up in other files). */
const listOf = (files: FileSource) => (dir: string) => files.list?.(dir);

/** The files a schema uses (imports, $refs to other files): one that is missing, or a cycle of them, as the schema's problem. */
function referenceProblem(abs: string, files: FileSource): SchemaTextCheck | undefined {
  const missing: string[] = [];
  const read = (f: string) => {
    const text = files.readText(f);
    if (text === undefined && f !== abs) missing.push(f);
    return text;
  };
  let order: ReturnType<typeof computeDependencyOrder>;
  try {
    order = computeDependencyOrder([abs], (f) => schemaFormatOf(f) ?? 'json', read, listOf(files));
  } catch (e) {
    // A used file that does not parse: reported when a topic names it, or here by its own message.
    return { ok: false, problem: 'schema', message: `a referenced file does not parse: ${(e as Error).message.split('\n')[0]}` };
  }
  if (!order.ok) return { ok: false, problem: 'schema', message: `references form a cycle: ${order.cycle.map((f) => relative(dirname(abs), f) || f).join(' → ')}` };
  if (missing.length > 0) return { ok: false, problem: 'schema', message: `uses ${missing.map((f) => relative(dirname(abs), f)).join(', ')}, which does not exist beside it` };
  return undefined;
}
