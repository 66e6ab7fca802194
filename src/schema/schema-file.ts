/** Schema files (Avro .avsc, JSON Schema .json): reading, parsing and the normalized form compared in drift. */
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import avro from 'avsc';
import { UserError } from '../errors.js';

export type SchemaFormat = 'avro' | 'json' | 'protobuf';

/** The registry's name for each format (`schemaType` in the Confluent REST API). */
export const REGISTRY_SCHEMA_TYPE: Record<SchemaFormat, 'AVRO' | 'JSON' | 'PROTOBUF'> = { avro: 'AVRO', json: 'JSON', protobuf: 'PROTOBUF' };

export interface SchemaFile {
  path: string;
  format: SchemaFormat;
  /** The file as written (what is registered). */
  text: string;
  /** Parsed JSON (undefined for protobuf). */
  parsed: unknown;
}

/** Format from the file extension, as validate does: .avsc → avro, .json → json, .proto → protobuf. */
export function schemaFormatOf(path: string): SchemaFormat | undefined {
  const ext = extname(path).toLowerCase();
  return ext === '.avsc' ? 'avro' : ext === '.json' ? 'json' : ext === '.proto' ? 'protobuf' : undefined;
}

/** Parses schema text; throws a UserError naming the file when it is not a valid schema. */
export function parseSchemaText(text: string, format: SchemaFormat, label: string): unknown {
  if (format === 'protobuf') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new UserError(`${label} is not valid JSON: ${(e as Error).message}`, 'fix the schema file');
  }
  if (format === 'avro') {
    try {
      avro.Type.forSchema(parsed as avro.Schema);
    } catch (e) {
      throw new UserError(`${label} is not a valid Avro schema: ${(e as Error).message}`, 'see https://avro.apache.org/docs/current/specification/');
    }
  }
  return parsed;
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
  return { path, format, text, parsed: parseSchemaText(text, format, path) };
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
