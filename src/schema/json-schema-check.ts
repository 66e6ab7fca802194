/**
 * Whether a document is a JSON Schema the registry would take, for each draft it supports:
 * draft-04 (checked against the draft-04 meta-schema and compiled with its own semantics — `id`,
 * boolean exclusive bounds — by ajv-draft-04, the ajv project's class for it: ajv 8 has no
 * draft-04 built in), draft-06, draft-07 (also when `$schema` is absent), 2019-09 and 2020-12. A
 * fresh ajv per check, so one file with an `$id` named by two topics is not "already added".
 */
import { createRequire } from 'node:module';
import { Ajv, type AnySchemaObject, type Options } from 'ajv';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { resolveJsonRef } from './json-ref.js';

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);
const require = createRequire(import.meta.url);
// A CommonJS class: TypeScript's NodeNext interop types its default import as the module object.
const AjvDraft04 = require('ajv-draft-04') as new (opts: Options) => Ajv;

export type JsonSchemaDraft = 'draft-04' | 'draft-06' | 'draft-07' | '2019-09' | '2020-12';

/** Another schema document by the URI a `$ref` names (a file in schemas/, or a registry reference). */
export type JsonRefLookup = (uri: string) => unknown;

const DRAFTS: [RegExp, JsonSchemaDraft][] = [
  [/^https?:\/\/json-schema\.org\/draft-04\/schema#?$/, 'draft-04'],
  [/^https?:\/\/json-schema\.org\/draft-06\/schema#?$/, 'draft-06'],
  [/^https?:\/\/json-schema\.org\/draft-07\/schema#?$/, 'draft-07'],
  [/^https?:\/\/json-schema\.org\/draft\/2019-09\/schema#?$/, '2019-09'],
  [/^https?:\/\/json-schema\.org\/draft\/2020-12\/schema#?$/, '2020-12'],
];

/** The draft a schema declares (`$schema`), draft-07 when it declares none; undefined for an unknown one. */
export function jsonSchemaDraftOf(s: unknown): JsonSchemaDraft | undefined {
  if (!isObj(s) || s.$schema === undefined) return 'draft-07';
  if (typeof s.$schema !== 'string') return undefined;
  return DRAFTS.find(([re]) => re.test(s.$schema as string))?.[1];
}

function ajvFor(draft: JsonSchemaDraft): Ajv {
  // Formats (date-time, …) are the registry's business; ajv must not print warnings into kafkaform's output.
  const opts = { strict: false, allErrors: false, validateSchema: true, validateFormats: false, logger: false } as const;
  if (draft === '2019-09') return new Ajv2019(opts);
  if (draft === '2020-12') return new Ajv2020(opts);
  if (draft === 'draft-04') return new AjvDraft04(opts);
  const ajv = new Ajv(opts);
  if (draft === 'draft-06') ajv.addMetaSchema(require('ajv/dist/refs/json-schema-draft-06.json') as AnySchemaObject);
  return ajv;
}

/** A `$ref` chain that only leads to itself (`a` → `b` → `a`): no schema at its end. */
function refCycle(doc: unknown, refs: JsonRefLookup | undefined): string | undefined {
  const stack = [doc];
  while (stack.length > 0) {
    const v = stack.pop();
    if (Array.isArray(v)) stack.push(...v);
    else if (isObj(v)) {
      if (typeof v.$ref === 'string') {
        if (resolveJsonRef({ root: doc, ...(refs ? { external: refs } : {}) }, v).cycle) return v.$ref;
      }
      for (const [k, x] of Object.entries(v)) if (k !== 'enum' && k !== 'const' && k !== 'default' && k !== 'examples') stack.push(x);
    }
  }
  return undefined;
}

/** Why `s` is not a valid JSON Schema, or undefined. `refs` supplies the documents other `$ref`s name. */
export function jsonSchemaProblem(s: unknown, refs?: JsonRefLookup): string | undefined {
  if (!isObj(s) && typeof s !== 'boolean') return 'a JSON Schema is an object (or true/false)';
  const draft = jsonSchemaDraftOf(s);
  if (!draft) return `unknown draft ${JSON.stringify((s as Json).$schema)} (kafkaform and the registry know draft-04, draft-06, draft-07, 2019-09 and 2020-12)`;
  const cycle = refCycle(s, refs);
  if (cycle !== undefined) return `$ref "${cycle}" is part of a cycle of references that never reaches a schema`;
  const ajv = ajvFor(draft);
  const prepare = (x: unknown) => x as AnySchemaObject;
  const added = new Set<string>();
  // Each missing document is looked up once and added; a bounded loop, one round per document.
  for (let round = 0; round < 50; round++) {
    try {
      ajv.compile(prepare(s));
      return undefined;
    } catch (e) {
      const missing = (e as { missingSchema?: string; missingRef?: string }).missingSchema;
      const ref = (e as { missingRef?: string }).missingRef;
      if (missing === undefined && ref === undefined) return (e as Error).message.split('\n')[0];
      const uri = missing ?? ref!;
      const doc = added.has(uri) ? undefined : refs?.(uri);
      if (doc === undefined || !isObj(doc)) return `$ref "${ref ?? uri}" does not resolve${(ref ?? uri).startsWith('#') ? '' : ' (other documents are looked up beside the schema file)'}`;
      added.add(uri);
      try {
        ajv.addSchema(prepare(doc), uri);
      } catch (err) {
        return `${uri}: ${(err as Error).message.split('\n')[0]}`;
      }
    }
  }
  return 'too many referenced schema documents';
}
