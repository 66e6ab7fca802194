/**
 * Schema references: which other files a schema uses (a JSON Schema's `$ref` to another file, a
 * .proto's imports, an Avro named type defined by another .avsc file beside it), and the order to
 * register them in (each after the files it uses). Pure: file texts come through `read`, the
 * names of the files in a directory through `list`.
 */
import { posix } from 'node:path';
import { computeAvroTypeIndex, inlineAvroReferences, type AvroTypeIndex } from './avro-model.js';
import { parseProtoSchema } from './proto-model.js';
import type { SchemaFormat } from './schema-file.js';

/** A reference as the registry takes it: `name` is how the schema names the other file (for Avro, the full name of its top-level type). */
export interface SchemaDependency {
  name: string;
  /** Path of the used file, relative to the directory of the schema files (posix separators). */
  file: string;
}

const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
/** Imports the registry knows without a reference (the well-known types). */
const BUILT_IN = /^google\/(protobuf|type|rpc)\//;

/**
 * The other files `text` uses, in the order it names them. `file` is the schema's own path (posix,
 * relative); `avroTypes` indexes the .avsc files beside it (an Avro schema without it uses none).
 */
export function computeSchemaDependencies(text: string, format: SchemaFormat, file: string, avroTypes?: AvroTypeIndex | (() => AvroTypeIndex | undefined)): SchemaDependency[] {
  const dir = posix.dirname(file);
  const out = new Map<string, SchemaDependency>();
  if (format === 'avro') {
    if (!avroTypes) return [];
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch {
      return []; // validate reports the file
    }
    // The index (every .avsc file beside it) is built only for a schema that names a type it does not define.
    let index: AvroTypeIndex | undefined;
    const types = () => (index ??= (typeof avroTypes === 'function' ? avroTypes() : avroTypes) ?? new Map());
    inlineAvroReferences(doc, (n) => types().get(n)?.doc, (n, depth) => {
      const home = types().get(n);
      // Only the types the schema names itself: the registry resolves the references of references.
      if (depth === 0 && home && home.file !== file) out.set(home.file, { name: n, file: home.file });
    });
  } else if (format === 'protobuf') {
    for (const imp of parseProtoSchema(text).imports) if (!BUILT_IN.test(imp)) out.set(imp, { name: imp, file: posix.normalize(posix.join(dir, imp)) });
  } else if (format === 'json') {
    const walk = (v: unknown) => {
      if (Array.isArray(v)) v.forEach(walk);
      else if (isObj(v)) {
        if (typeof v.$ref === 'string' && !v.$ref.startsWith('#')) {
          const uri = v.$ref.split('#')[0]!;
          let name = uri;
          try {
            name = posix.basename(new URL(uri).pathname);
          } catch {
            // a relative reference is the file name itself
          }
          if (name) out.set(name, { name, file: posix.normalize(posix.join(dir, name)) });
        }
        for (const [k, x] of Object.entries(v)) if (k !== 'enum' && k !== 'const' && k !== 'default' && k !== 'examples') walk(x);
      }
    };
    walk(JSON.parse(text));
  }
  return [...out.values()];
}

export type DependencyOrder = { ok: true; order: { file: string; dependencies: SchemaDependency[] }[] } | { ok: false; cycle: string[] };

/**
 * Every file reachable from `roots`, each after the files it uses (depth first), or the first
 * cycle found (`a.proto → b.proto → a.proto`). `read` returns a file's text (undefined: missing).
 */
export function computeDependencyOrder(
  roots: readonly string[],
  format: (file: string) => SchemaFormat,
  read: (file: string) => string | undefined,
  list?: (dir: string) => string[] | undefined,
): DependencyOrder {
  const order: { file: string; dependencies: SchemaDependency[] }[] = [];
  const done = new Set<string>();
  const indexes = new Map<string, AvroTypeIndex>();
  const avroIndex = (dir: string): AvroTypeIndex | undefined => {
    if (!list) return undefined;
    let index = indexes.get(dir);
    if (!index) {
      index = computeAvroTypeIndex(avroSiblings(dir, read, list));
      indexes.set(dir, index);
    }
    return index;
  };
  const visit = (file: string, path: string[]): string[] | undefined => {
    if (done.has(file)) return undefined;
    if (path.includes(file)) return [...path.slice(path.indexOf(file)), file];
    const text = read(file);
    const f = format(file);
    const deps = text === undefined ? [] : computeSchemaDependencies(text, f, file, f === 'avro' ? () => avroIndex(posix.dirname(file)) : undefined);
    for (const d of deps) {
      const cycle = visit(d.file, [...path, file]);
      if (cycle) return cycle;
    }
    done.add(file);
    order.push({ file, dependencies: deps });
    return undefined;
  };
  for (const r of roots) {
    const cycle = visit(posix.normalize(r), []);
    if (cycle) return { ok: false, cycle };
  }
  return { ok: true, order };
}

/** The parsed .avsc files of a directory, by file name (the ones that do not parse are left out). */
function avroSiblings(dir: string, read: (file: string) => string | undefined, list: (dir: string) => string[] | undefined): { file: string; doc: unknown }[] {
  const out: { file: string; doc: unknown }[] = [];
  for (const name of (list(dir) ?? []).filter((n) => n.toLowerCase().endsWith('.avsc')).sort()) {
    const file = posix.join(dir, name);
    try {
      out.push({ file, doc: JSON.parse(read(file) ?? '') as unknown });
    } catch {
      // reported when a topic names it
    }
  }
  return out;
}

/**
 * Every schema `root` uses, directly or through another, by the name its user gives it, with
 * its text: what compatibility needs to read the schema as the registry does. Undefined when
 * the references form a cycle (validate reports it).
 */
export function computeReferencedTexts(
  root: string,
  format: (file: string) => SchemaFormat,
  read: (file: string) => string | undefined,
  list?: (dir: string) => string[] | undefined,
): Map<string, string> | undefined {
  const order = computeDependencyOrder([root], format, read, list);
  if (!order.ok) return undefined;
  const out = new Map<string, string>();
  for (const o of order.order) {
    for (const d of o.dependencies) {
      const text = read(d.file);
      if (text !== undefined && !out.has(d.name)) out.set(d.name, text);
    }
  }
  return out;
}
