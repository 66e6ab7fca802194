/**
 * Load-test payloads that conform to a topic's value schema, sized to approach a target:
 * Avro values are serialized with avsc (`toBuffer`), JSON values are checked with ajv, Protobuf
 * values are encoded with protobufjs (the file's first message, as RecordNameStrategy names it).
 * Free-text strings are the padding: constrained ones (enum, format, pattern, length bounds) are not.
 */
import type avro from 'avsc';
import { Ajv } from 'ajv';
import { createRequire } from 'node:module';
import protobuf from 'protobufjs';
import { avroType } from './compat-avro.js';
import { parseProtoSchema, type ProtoModel } from './proto-model.js';

export interface Payload {
  value: unknown;
  buffer: Buffer;
  bytes: number;
}

/** Small deterministic PRNG (mulberry32): the same seed gives the same sequence (payloads, test inputs). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
function text(rand: () => number, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += ALPHABET[Math.floor(rand() * ALPHABET.length)];
  return s;
}

type T = avro.Type & { typeName: string };

/** Builds an Avro value; every free string/bytes gets `padLen` characters; counts them in `slots`. */
function avroValue(t: T, rand: () => number, padLen: number, slots: { n: number }, depth = 0): unknown {
  const any = t as unknown as Record<string, unknown>;
  switch (t.typeName) {
    case 'null':
      return null;
    case 'boolean':
      return rand() < 0.5;
    case 'int':
      return Math.floor(rand() * 1_000_000);
    case 'long':
      // Plausible epoch millis: many longs are timestamps, and any long is valid.
      return 1_700_000_000_000 + Math.floor(rand() * 1e9);
    case 'float':
    case 'double':
      return Math.round(rand() * 1e6) / 100;
    case 'string':
      slots.n++;
      return text(rand, padLen);
    case 'bytes':
      slots.n++;
      return Buffer.from(text(rand, padLen));
    case 'fixed':
      return Buffer.from(text(rand, any.size as number));
    case 'enum': {
      const symbols = any.symbols as string[];
      return symbols[Math.floor(rand() * symbols.length)];
    }
    case 'array':
      return depth > 4 ? [] : [avroValue(any.itemsType as T, rand, padLen, slots, depth + 1)];
    case 'map':
      return depth > 4 ? {} : { [text(rand, 4)]: avroValue(any.valuesType as T, rand, padLen, slots, depth + 1) };
    case 'union:wrapped':
    case 'union:unwrapped':
    case 'union': {
      const types = any.types as T[];
      // A non-null branch carries more data, which is what a load test wants.
      const branch = types.find((b) => b.typeName !== 'null') ?? types[0]!;
      const v = avroValue(branch, rand, padLen, slots, depth + 1);
      return t.typeName === 'union:wrapped' && branch.typeName !== 'null' ? { [(branch as unknown as { branchName: string }).branchName]: v } : v;
    }
    case 'record':
    case 'error': {
      const out: Record<string, unknown> = {};
      for (const f of any.fields as { name: string; type: T }[]) out[f.name] = avroValue(f.type, rand, padLen, slots, depth + 1);
      return out;
    }
    default:
      if (t.typeName.startsWith('logical:')) return avroValue((any.underlyingType ?? t) as T, rand, padLen, slots, depth);
      return (t as unknown as { random(): unknown }).random();
  }
}

type JS = Record<string, unknown>;
const isObj = (v: unknown): v is JS => v !== null && typeof v === 'object' && !Array.isArray(v);

function jsonValue(s: unknown, rand: () => number, padLen: number, slots: { n: number }, depth = 0): unknown {
  if (!isObj(s)) return {};
  if (s.const !== undefined) return s.const;
  if (Array.isArray(s.enum)) return s.enum[Math.floor(rand() * s.enum.length)];
  const alternatives = s.anyOf ?? s.oneOf;
  if (Array.isArray(alternatives) && alternatives.length > 0) return jsonValue(alternatives[0], rand, padLen, slots, depth + 1);
  const types = typeof s.type === 'string' ? [s.type] : Array.isArray(s.type) ? (s.type as string[]) : isObj(s.properties) ? ['object'] : ['string'];
  const type = types.find((t) => t !== 'null') ?? 'null';
  switch (type) {
    case 'null':
      return null;
    case 'boolean':
      return rand() < 0.5;
    case 'integer':
    case 'number': {
      const min = typeof s.minimum === 'number' ? s.minimum : 0;
      const max = typeof s.maximum === 'number' ? s.maximum : min + 1_000_000;
      const v = min + rand() * (max - min);
      return type === 'integer' ? Math.ceil(v) <= max ? Math.ceil(v) : Math.floor(v) : Math.round(v * 100) / 100;
    }
    case 'string': {
      switch (s.format) {
        case 'date-time':
          return new Date(1_700_000_000_000 + Math.floor(rand() * 1e9)).toISOString();
        case 'date':
          return new Date(1_700_000_000_000 + Math.floor(rand() * 1e9)).toISOString().slice(0, 10);
        case 'email':
          return `${text(rand, 8)}@example.com`;
        case 'uuid':
          return '00000000-0000-4000-8000-000000000000'.replace(/0/g, () => '0123456789abcdef'[Math.floor(rand() * 16)]!);
        case 'uri':
        case 'url':
        case 'iri':
          return `https://example.com/${text(rand, 8)}`;
        case 'uri-reference':
        case 'iri-reference':
          return `/orders/${text(rand, 8)}`;
        case 'uri-template':
          return `https://example.com/${text(rand, 4)}/{id}`;
        case 'time':
        case 'iso-time':
          return new Date(1_700_000_000_000 + Math.floor(rand() * 1e9)).toISOString().slice(11);
        case 'iso-date-time':
          return new Date(1_700_000_000_000 + Math.floor(rand() * 1e9)).toISOString();
        case 'duration':
          return `P${1 + Math.floor(rand() * 9)}DT${Math.floor(rand() * 24)}H`;
        case 'hostname':
        case 'idn-hostname':
          return `${text(rand, 8).toLowerCase().replace(/[^a-z0-9]/g, 'a')}.example.com`;
        case 'ipv4':
          return [0, 0, 0, 0].map(() => Math.floor(rand() * 256)).join('.');
        case 'ipv6':
          return `2001:db8::${Math.floor(rand() * 0xffff).toString(16)}`;
        case 'json-pointer':
          return `/${text(rand, 6).replace(/[~/]/g, 'a')}`;
        case 'relative-json-pointer':
          return `0/${text(rand, 6).replace(/[~/]/g, 'a')}`;
        case 'regex':
          return '^[a-z]+$';
        case 'byte':
          return Buffer.from(text(rand, 6)).toString('base64');
      }
      const min = typeof s.minLength === 'number' ? s.minLength : 0;
      if (typeof s.maxLength === 'number' || s.pattern !== undefined) return text(rand, Math.max(min, Math.min(8, (s.maxLength as number | undefined) ?? 8)));
      slots.n++;
      return text(rand, Math.max(min, padLen));
    }
    case 'array': {
      const n = Math.max(1, typeof s.minItems === 'number' ? s.minItems : 1);
      return depth > 4 ? [] : Array.from({ length: n }, () => jsonValue(s.items ?? {}, rand, padLen, slots, depth + 1));
    }
    default: {
      const out: JS = {};
      const props = isObj(s.properties) ? s.properties : {};
      for (const [k, ps] of Object.entries(props)) out[k] = jsonValue(ps, rand, padLen, slots, depth + 1);
      return out;
    }
  }
}

const PROTO_INTS = new Set(['int32', 'uint32', 'sint32', 'fixed32', 'sfixed32']);
const PROTO_LONGS = new Set(['int64', 'uint64', 'sint64', 'fixed64', 'sfixed64']);

/** A plain object for a protobufjs message type: one field of each oneof, one item per repeated field, one entry per map. */
function protoValue(t: protobuf.Type, rand: () => number, padLen: number, slots: { n: number }, depth = 0): Record<string, unknown> {
  const scalar = (type: string, f: protobuf.Field): unknown => {
    if (PROTO_INTS.has(type)) return Math.floor(rand() * 1_000_000);
    if (PROTO_LONGS.has(type)) return 1_700_000_000_000 + Math.floor(rand() * 1e9);
    if (type === 'double' || type === 'float') return Math.round(rand() * 1e6) / 100;
    if (type === 'bool') return rand() < 0.5;
    if (type === 'string' || type === 'bytes') {
      slots.n++;
      return type === 'bytes' ? Buffer.from(text(rand, padLen)) : text(rand, padLen);
    }
    const r = f.resolvedType;
    if (r instanceof protobuf.Enum) {
      const values = Object.values(r.values);
      return values[Math.floor(rand() * values.length)];
    }
    return r instanceof protobuf.Type && depth < 4 ? protoValue(r, rand, padLen, slots, depth + 1) : {};
  };
  const out: Record<string, unknown> = {};
  const skip = new Set<string>();
  for (const o of t.oneofsArray) for (const f of o.fieldsArray.slice(1)) skip.add(f.name);
  for (const f of t.fieldsArray) {
    if (skip.has(f.name)) continue;
    if (f instanceof protobuf.MapField) out[f.name] = depth < 4 ? { [f.keyType === 'string' ? text(rand, 4) : String(Math.floor(rand() * 1000))]: scalar(f.type, f) } : {};
    else if (f.repeated) out[f.name] = depth < 4 ? [scalar(f.type, f)] : [];
    else out[f.name] = scalar(f.type, f);
  }
  return out;
}

/** The message a .proto payload is made of; refuses a file whose types come from imports (not linked here). */
function protoMessageType(schema: unknown): protobuf.Type {
  const model = (typeof schema === 'string' ? parseProtoSchema(schema) : schema) as ProtoModel;
  if (!model.firstMessage) throw new Error('the .proto file declares no message');
  try {
    model.root.resolveAll();
  } catch (e) {
    throw new Error(`cannot generate payloads from ${model.firstMessage}: ${(e as Error).message} (types from imports are not resolved)`);
  }
  return model.root.lookupType(model.firstMessage);
}

function sized(make: (padLen: number, slots: { n: number }) => Buffer, targetBytes: number | undefined): { padLen: number } {
  if (targetBytes === undefined) return { padLen: 8 };
  const slots = { n: 0 };
  const base = make(0, slots).length;
  if (slots.n === 0 || targetBytes <= base) return { padLen: 0 };
  let padLen = Math.floor((targetBytes - base) / slots.n);
  // Length prefixes (Avro varints) grow with the strings: step down until we do not overshoot.
  for (let i = 0; i < 8 && padLen > 0 && make(padLen, { n: 0 }).length > targetBytes; i++) padLen = Math.max(0, padLen - Math.ceil((make(padLen, { n: 0 }).length - targetBytes) / slots.n));
  return { padLen };
}

// A CommonJS plugin: TypeScript's NodeNext interop types its default import as the module object.
const addFormats = createRequire(import.meta.url)('ajv-formats') as (ajv: Ajv) => Ajv;
let ajv: Ajv | undefined;
function jsonValidator(): Ajv {
  if (!ajv) {
    ajv = new Ajv({ strict: false, allErrors: true, allowUnionTypes: true });
    // Generated values are checked with every format ajv-formats knows (as a consumer validating
    // formats would), so a format the generator does not write fails here, not in the consumer.
    addFormats(ajv);
  }
  return ajv;
}

/** Checks a value against a JSON Schema; returns ajv's error text, or undefined when valid. */
export function validateJsonPayload(schema: unknown, value: unknown): string | undefined {
  const s = { ...(schema as JS) };
  delete s.$schema; // ajv 8 default (2019/07 drafts) rejects an unknown meta-schema URI
  const validate = jsonValidator().compile(s);
  return validate(value) ? undefined : jsonValidator().errorsText(validate.errors);
}

/**
 * A value valid against `schema` (Avro or JSON Schema, object or text; a .proto text or model), serialized, with free-text
 * strings sized so the serialized form approaches `targetBytes` (never above it unless the
 * schema's fixed part is larger). Deterministic for a given seed.
 */
export function generatePayload(schema: unknown, format: 'avro' | 'json' | 'protobuf', targetBytes?: number, seed = 1): Payload {
  if (format === 'protobuf') {
    const type = protoMessageType(schema);
    const encode = (v: Record<string, unknown>) => Buffer.from(type.encode(type.fromObject(v)).finish());
    const { padLen } = sized((n, slots) => encode(protoValue(type, rng(seed), n, slots)), targetBytes);
    const value = protoValue(type, rng(seed), padLen, { n: 0 });
    const buffer = encode(value);
    return { value, buffer, bytes: buffer.length };
  }
  const parsed = typeof schema === 'string' ? (JSON.parse(schema) as unknown) : schema;
  if (format === 'avro') {
    const type = avroType(parsed) as T;
    const make = (padLen: number, slots: { n: number }) => type.toBuffer(avroValue(type, rng(seed), padLen, slots));
    const { padLen } = sized(make, targetBytes);
    const value = avroValue(type, rng(seed), padLen, { n: 0 });
    const buffer = type.toBuffer(value);
    return { value, buffer, bytes: buffer.length };
  }
  const make = (padLen: number, slots: { n: number }) => Buffer.from(JSON.stringify(jsonValue(parsed, rng(seed), padLen, slots)));
  const { padLen } = sized(make, targetBytes);
  const value = jsonValue(parsed, rng(seed), padLen, { n: 0 });
  const err = validateJsonPayload(parsed, value);
  if (err) throw new Error(`generated payload does not match the JSON Schema: ${err}`);
  const buffer = Buffer.from(JSON.stringify(value));
  return { value, buffer, bytes: buffer.length };
}
