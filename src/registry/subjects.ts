/** The registry subjects a spec declares: one per topic key/value schema, deduplicated by subject name. */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { ResolvedSpec } from '../manifest/types.js';
import { normalizeSchemaText, REGISTRY_SCHEMA_TYPE, type SchemaFormat } from '../schema/schema-file.js';

export interface DeclaredSubject {
  subject: string;
  /** Path relative to the spec file's directory, as written in topics.yaml. */
  file: string;
  format: SchemaFormat;
  schemaType: 'AVRO' | 'JSON' | 'PROTOBUF';
  compatibility: string;
  topic: string;
  part: 'key' | 'value';
}

/** Every subject the spec declares, in topic order (RecordNameStrategy subjects shared by topics appear once). */
export function computeDeclaredSubjects(spec: ResolvedSpec): DeclaredSubject[] {
  const out = new Map<string, DeclaredSubject>();
  for (const t of spec.topics) {
    if (!t.schema || t.deadLetterOf) continue;
    for (const part of ['key', 'value'] as const) {
      const ref = t.schema[part];
      if (!ref || out.has(ref.subject)) continue;
      out.set(ref.subject, { subject: ref.subject, file: ref.file, format: ref.format, schemaType: REGISTRY_SCHEMA_TYPE[ref.format], compatibility: t.schema.compatibility.toUpperCase(), topic: t.name, part });
    }
  }
  return [...out.values()];
}

/** Reads the text of every schema file the spec references, keyed by the path written in topics.yaml. */
export function readSpecSchemas(spec: ResolvedSpec): Map<string, string> {
  const base = dirname(spec.file);
  const texts = new Map<string, string>();
  for (const s of computeDeclaredSubjects(spec)) if (!texts.has(s.file)) texts.set(s.file, readFileSync(resolve(base, s.file), 'utf8'));
  return texts;
}

/** True when two schema texts are the same schema (whitespace and key order ignored). */
export function sameSchema(a: string, b: string, format: SchemaFormat): boolean {
  return normalizeSchemaText(a, format) === normalizeSchemaText(b, format);
}
