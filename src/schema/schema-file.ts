/**
 * Schema files (Avro .avsc, JSON Schema .json): the only module that parses them (validate, schemas
 * apply and the load test agree on what a valid file is), reading, and the normalized form compared in drift.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, extname, resolve } from 'node:path';
import { AvroSchemaError, computeAvroTypeIndex, inlineAvroReferences, parseAvroSchema, type AvroTypeLookup } from './avro-model.js';
import { jsonSchemaProblem, type JsonRefLookup } from './json-schema-check.js';
import { parseProtoSchema, ProtoSchemaError } from './proto-model.js';
import { UserError } from '../errors.js';

export type SchemaFormat = 'avro' | 'json' | 'protobuf';

/** The registry's name for each format (`schemaType` in the Confluent REST API). */
export const REGISTRY_SCHEMA_TYPE: Record<SchemaFormat, 'AVRO' | 'JSON' | 'PROTOBUF'> = { avro: 'AVRO', json: 'JSON', protobuf: 'PROTOBUF' };

export interface SchemaFile {
  path: string;
  format: SchemaFormat;
  /** The file as written (what is registered). */
  text: string;
  /** Parsed JSON (Avro: with the named types of other files written out); for protobuf the ProtoModel. */
  parsed: unknown;
}

/** Format from the file extension: .avsc → avro, .json → json, .proto → protobuf. */
export function schemaFormatOf(path: string): SchemaFormat | undefined {
  const ext = extname(path).toLowerCase();
  return ext === '.avsc' ? 'avro' : ext === '.json' ? 'json' : ext === '.proto' ? 'protobuf' : undefined;
}

/** What one schema text is: parsed (with the record name subject strategies use), or why not. */
export type SchemaTextCheck =
  | { ok: true; parsed: unknown; recordName?: string }
  | { ok: false; problem: 'json' | 'schema'; message: string };

/**
 * The one check of a schema file's text, used by `validate` and by every command that registers
 * or generates from schemas: JSON first, then the Avro model for Avro and an ajv compile for
 * JSON Schema; protobufjs for .proto. `refs` finds the documents a JSON Schema's `$ref`s name,
 * `avroTypes` the named types an Avro schema takes from other files (the parsed result then has
 * them written out). Pure.
 */
export function validateSchemaText(text: string, format: SchemaFormat, refs?: JsonRefLookup, avroTypes?: AvroTypeLookup): SchemaTextCheck {
  if (format === 'protobuf') return protoCheck(text);
  let written: unknown;
  try {
    written = JSON.parse(text);
  } catch (e) {
    return { ok: false, problem: 'json', message: (e as Error).message };
  }
  const parsed = format === 'avro' && avroTypes ? inlineAvroReferences(written, avroTypes) : written;
  const message = format === 'avro' ? avroProblem(parsed) : jsonSchemaProblem(parsed, refs);
  if (message !== undefined) return { ok: false, problem: 'schema', message };
  const recordName = recordNameOf(written, format);
  return recordName === undefined ? { ok: true, parsed } : { ok: true, parsed, recordName };
}

/** A .proto file: parsed by protobufjs (its message names the line); the subject's record name is the first message. */
function protoCheck(text: string): SchemaTextCheck {
  try {
    const model = parseProtoSchema(text);
    return model.firstMessage ? { ok: true, parsed: model, recordName: model.firstMessage } : { ok: true, parsed: model };
  } catch (e) {
    if (e instanceof ProtoSchemaError) return { ok: false, problem: 'schema', message: e.message };
    throw e;
  }
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** RecordNameStrategy's name: an Avro full name (namespace.name), a JSON Schema's title. */
function recordNameOf(s: unknown, format: 'avro' | 'json'): string | undefined {
  if (!isObj(s)) return undefined;
  if (format === 'json') return typeof s.title === 'string' ? s.title : undefined;
  if (typeof s.name !== 'string') return undefined;
  return typeof s.namespace === 'string' && !s.name.includes('.') ? `${s.namespace}.${s.name}` : s.name;
}

/** Apache Avro's parser rules (avro-model.ts): avsc refuses empty unions, which Avro accepts. */
function avroProblem(s: unknown): string | undefined {
  try {
    parseAvroSchema(s);
    return undefined;
  } catch (e) {
    if (e instanceof AvroSchemaError) return e.message;
    throw e;
  }
}

/**
 * How a JSON Schema file's `$ref`s to other documents find them: a relative ref is a file beside
 * it; an absolute one (resolved against an `$id`) is the file of the same name beside it. `read`
 * returns a file's text (undefined when it does not exist).
 */
export function siblingRefLookup(schemaPath: string, read: (absPath: string) => string | undefined): JsonRefLookup {
  const dir = dirname(schemaPath);
  return (uri) => {
    let file: string;
    try {
      file = basename(new URL(uri).pathname);
    } catch {
      file = uri;
    }
    const text = file ? read(resolve(dir, file)) : undefined;
    if (text === undefined) return undefined;
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return undefined;
    }
  };
}

/**
 * How an Avro schema file finds named types it does not define: among the .avsc files beside it,
 * by the full name of each one's top-level type (like the Avro Maven plugin's imports). `read`
 * and `list` (file names in a directory) are the file access; the index is built on first use.
 */
export function siblingAvroTypes(schemaPath: string, read: (absPath: string) => string | undefined, list: (absDir: string) => string[] | undefined): AvroTypeLookup {
  let index: ReturnType<typeof computeAvroTypeIndex> | undefined;
  return (fullName) => {
    if (!index) {
      const dir = dirname(schemaPath);
      const docs: { file: string; doc: unknown }[] = [];
      for (const name of (list(dir) ?? []).filter((f) => f.toLowerCase().endsWith('.avsc')).sort()) {
        const abs = resolve(dir, name);
        if (abs === resolve(schemaPath)) continue;
        try {
          docs.push({ file: abs, doc: JSON.parse(read(abs) ?? '') as unknown });
        } catch {
          // a sibling that does not parse is reported when a topic names it
        }
      }
      index = computeAvroTypeIndex(docs);
    }
    return index.get(fullName)?.doc;
  };
}

/** File names in a directory, or undefined when it cannot be read. */
export const listIfThere = (absDir: string): string[] | undefined => {
  try {
    return readdirSync(absDir);
  } catch {
    return undefined;
  }
};

const readIfThere = (abs: string): string | undefined => {
  try {
    return readFileSync(abs, 'utf8');
  } catch {
    return undefined;
  }
};

/** Parses schema text; throws a UserError naming the file when it is not a valid schema. */
export function parseSchemaText(text: string, format: SchemaFormat, label: string, refs?: JsonRefLookup, avroTypes?: AvroTypeLookup): unknown {
  const r = validateSchemaText(text, format, refs, avroTypes);
  if (r.ok) return r.parsed;
  if (r.problem === 'json') throw new UserError(`${label} is not valid JSON: ${r.message}`, 'fix the schema file');
  if (format === 'avro') throw new UserError(`${label} is not a valid Avro schema: ${r.message}`, 'see https://avro.apache.org/docs/current/specification/');
  if (format === 'protobuf') throw new UserError(`${label} is not a valid Protobuf schema: ${r.message}`, 'fix the .proto file; the registry would reject it');
  throw new UserError(`${label} is not a valid JSON Schema: ${r.message}`, 'fix the schema file; the registry would reject it');
}

/** Reads and parses one schema file. */
export function readSchemaFile(path: string, format: SchemaFormat | undefined = schemaFormatOf(path)): SchemaFile {
  if (!format) throw new UserError(`${path}: unknown schema file type`, 'use .avsc (Avro), .json (JSON Schema) or .proto (Protobuf)');
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new UserError(`cannot read schema file ${path}`, 'check the path in topics.yaml (relative to the spec file)');
  }
  return { path, format, text, parsed: parseSchemaText(text, format, path, siblingRefLookup(path, readIfThere), siblingAvroTypes(path, readIfThere, listIfThere)) };
}

/** JSON with object keys sorted at every level (array order kept: Avro field order matters). */
export function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    return `{${Object.keys(obj)
      .sort()
      .filter((k) => obj[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${stableStringify(obj[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * The form two schemas are compared in: whitespace and key order do not matter, everything else
 * (docs, defaults, field order) does, because the registry would store it as a new version.
 */
export function normalizeSchemaText(text: string, format: SchemaFormat): string {
  if (format === 'protobuf') return text.replace(/\s+/g, ' ').trim();
  try {
    return stableStringify(JSON.parse(text));
  } catch {
    return text.trim();
  }
}
