/** topics.schema.json (for editors) is generated from buildJsonSchema() and must stay current. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { buildJsonSchema, renderJsonSchemaFile } from '../../src/manifest/json-schema.js';

const ROOT = join(import.meta.dirname, '..', '..');

describe('topics.schema.json', () => {
  it('equals buildJsonSchema() output', () => {
    const committed = readFileSync(join(ROOT, 'topics.schema.json'), 'utf8');
    expect(committed, 'topics.schema.json is out of date: run `npx tsx scripts/write-schema.ts`').toBe(renderJsonSchemaFile());
  });

  it('is a schema ajv compiles, and the repository topics.yaml satisfies it', () => {
    const validate = new Ajv({ strict: false, allowUnionTypes: true }).compile(buildJsonSchema());
    expect(validate(parse(readFileSync(join(ROOT, 'topics.yaml'), 'utf8'))), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ version: 1, topics: { a: { partitons: 1 } } })).toBe(false);
  });

  it('allows x- keys at the top level only (anchors for merge keys), as editors read it', () => {
    const validate = new Ajv({ strict: false, allowUnionTypes: true }).compile(buildJsonSchema());
    expect(validate({ version: 1, 'x-defaults': { partitions: 3 }, 'x-anything': [1] })).toBe(true);
    expect(validate({ version: 1, xdefaults: {} })).toBe(false);
    expect(validate({ version: 1, topics: { a: { 'x-note': 1 } } })).toBe(false);
  });

  it('documents users.passwordVersion', () => {
    const schema = buildJsonSchema() as { properties: { users: { additionalProperties: { properties: Record<string, unknown> } } } };
    expect(schema.properties.users.additionalProperties.properties.passwordVersion).toMatchObject({ type: 'integer', minimum: 1 });
  });
});
