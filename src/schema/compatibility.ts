/**
 * Compatibility of a new schema with its previous versions, with Confluent Schema Registry's
 * semantics: BACKWARD = the new schema (reader) reads data written with the previous one;
 * FORWARD = the previous schema reads data written with the new one; FULL = both;
 * *_TRANSITIVE = against every previous version instead of only the latest; NONE = no check.
 */
import { inlineAvroReferences } from './avro-model.js';
import { avroReadProblems, type ReaderSide } from './compat-avro.js';
import { jsonReadProblems } from './compat-json.js';
import { protoReadProblems, protoReservedProblems } from './compat-proto.js';
import type { SchemaFormat } from './schema-file.js';

export const COMPATIBILITY_LEVELS = ['BACKWARD', 'BACKWARD_TRANSITIVE', 'FORWARD', 'FORWARD_TRANSITIVE', 'FULL', 'FULL_TRANSITIVE', 'NONE'] as const;
export type CompatibilityLevel = (typeof COMPATIBILITY_LEVELS)[number];

/**
 * The schemas a schema uses, by the name it uses for each — an Avro type's full name, a `$ref`'s
 * file, an import path — with the ones they use in turn (texts).
 */
export type SchemaReferences = ReadonlyMap<string, string>;

export interface PreviousVersion {
  /** How the version is named in messages: `v3`, `v3 (commit 1a2b3c4)`, `registry version 2`. */
  label: string;
  /** Schema text or parsed schema. */
  schema: unknown;
  /** The schemas this version used, as they were then. */
  references?: SchemaReferences;
}

export interface CompatibilityResult {
  compatible: boolean;
  messages: string[];
}

/** Schema text or a parsed schema; Avro's bare primitive names (`int`, the usual key schema) included. */
function parse(s: unknown): unknown {
  if (typeof s !== 'string') return s;
  try {
    return JSON.parse(s) as unknown;
  } catch (e) {
    if (/^\s*[A-Za-z_][\w.]*\s*$/.test(s)) return s.trim();
    throw e;
  }
}

export function isCompatibilityLevel(s: string): s is CompatibilityLevel {
  return (COMPATIBILITY_LEVELS as readonly string[]).includes(s);
}

/** A `$ref`'s document among the references: by the URI as written, or by its file name. */
function jsonRefsOf(refs: SchemaReferences | undefined): ((uri: string) => unknown) | undefined {
  if (!refs || refs.size === 0) return undefined;
  return (uri) => {
    let name = uri;
    try {
      name = new URL(uri).pathname.split('/').pop() ?? uri;
    } catch {
      // a relative reference is the file name itself
    }
    const text = refs.get(uri) ?? refs.get(name);
    return text === undefined ? undefined : (JSON.parse(text) as unknown);
  };
}

/** An Avro schema with the named types its references define written out (parse() first). */
function avroWithRefs(schema: unknown, refs: SchemaReferences | undefined): unknown {
  if (!refs || refs.size === 0) return schema;
  return inlineAvroReferences(schema, (name) => {
    const text = refs.get(name);
    return text === undefined ? undefined : (JSON.parse(text) as unknown);
  });
}

/**
 * Checks `newSchema` against `previousVersions` (oldest first; the last one is the latest) under
 * `level`. Each side is read with the references of its own version (`newReferences` for the new
 * schema), so a change in a used file is judged here. Pure. Each message says what broke, under
 * which level, and against which version.
 */
export function checkCompatibility(
  level: string,
  newSchema: unknown,
  previousVersions: readonly (PreviousVersion | string | object)[],
  format: SchemaFormat,
  newReferences?: SchemaReferences,
): CompatibilityResult {
  const lvl = level.toUpperCase();
  if (!isCompatibilityLevel(lvl)) return { compatible: false, messages: [`unknown compatibility level ${level} (allowed: ${COMPATIBILITY_LEVELS.join(', ')})`] };
  if (lvl === 'NONE' || previousVersions.length === 0) return { compatible: true, messages: [] };
  const versions: PreviousVersion[] = previousVersions.map((v, i) =>
    typeof v === 'object' && v !== null && 'label' in v && 'schema' in v ? (v as PreviousVersion) : { label: `v${i + 1}`, schema: v },
  );
  const against = lvl.endsWith('_TRANSITIVE') ? versions : versions.slice(-1);
  const sides: ReaderSide[] = lvl.startsWith('BACKWARD') ? ['new'] : lvl.startsWith('FORWARD') ? ['old'] : ['new', 'old'];
  // .proto files stay text; Avro and JSON Schema are compared parsed.
  const read = (s: unknown, refs: SchemaReferences | undefined) => (format === 'protobuf' ? String(s) : format === 'avro' ? avroWithRefs(parse(s), refs) : parse(s));
  const next = read(newSchema, newReferences);
  const messages: string[] = [];
  // Newest first: the most recent break is the one a reviewer recognises.
  for (const prev of [...against].reverse()) {
    const old = read(prev.schema, prev.references);
    if (format === 'protobuf') {
      for (const p of protoReservedProblems(String(old), String(next), prev.references, newReferences)) {
        messages.push(`${p} under ${lvl}: records written with versions before ${prev.label} reserved it would be read as the new field`);
      }
    }
    for (const side of sides) {
      const [reader, readerRefs] = side === 'new' ? [next, newReferences] : [old, prev.references];
      const [writer, writerRefs] = side === 'new' ? [old, prev.references] : [next, newReferences];
      const problems =
        format === 'avro'
          ? avroReadProblems(reader, writer, side)
          : format === 'json'
            ? jsonReadProblems(reader, writer, side, jsonRefsOf(readerRefs), jsonRefsOf(writerRefs))
            : protoReadProblems(String(reader), String(writer), side, readerRefs, writerRefs);
      const consequence =
        side === 'new'
          ? `consumers on the new schema cannot read records written with ${prev.label}`
          : `consumers still on ${prev.label} cannot read records written with the new schema`;
      for (const p of problems) messages.push(`${p} under ${lvl}: ${consequence}`);
    }
  }
  return { compatible: messages.length === 0, messages };
}
