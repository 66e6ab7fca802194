/** JSON Schema files as validate reads them: every draft the registry knows, `$ref`s to files beside them, and positioned diagnostics for what does not parse. */
import { describe, expect, it } from 'vitest';
import { jsonSchemaDraftOf, jsonSchemaProblem } from '../../src/schema/json-schema-check.js';
import { validateSchemaText } from '../../src/schema/schema-file.js';
import { specBuilder } from '../helpers/spec-builder.js';

const D = {
  4: 'http://json-schema.org/draft-04/schema#',
  6: 'http://json-schema.org/draft-06/schema#',
  7: 'http://json-schema.org/draft-07/schema#',
  2019: 'https://json-schema.org/draft/2019-09/schema',
  2020: 'https://json-schema.org/draft/2020-12/schema',
};

describe('jsonSchemaProblem', () => {
  it('accepts each draft with its own keywords', () => {
    expect(jsonSchemaProblem({ $schema: D[4], id: 'http://x.test/n.json', type: 'number', maximum: 5, exclusiveMaximum: true })).toBeUndefined();
    expect(jsonSchemaProblem({ $schema: D[6], const: 1, propertyNames: { maxLength: 3 } })).toBeUndefined();
    expect(jsonSchemaProblem(JSON.parse(`{"$schema":"${D[7]}","if":{"type":"string"},"then":{"minLength":1}}`))).toBeUndefined();
    expect(jsonSchemaProblem({ $schema: D[2019], type: 'object', dependentRequired: { a: ['b'] }, $defs: { n: { type: 'integer' } } })).toBeUndefined();
    expect(jsonSchemaProblem({ $schema: D[2020], type: 'array', prefixItems: [{ type: 'string' }], items: false })).toBeUndefined();
    expect(jsonSchemaProblem(true)).toBeUndefined();
    expect(jsonSchemaDraftOf({})).toBe('draft-07');
    expect(jsonSchemaDraftOf({ $schema: D[2020] })).toBe('2020-12');
  });

  it('names an unknown draft, a $ref that does not resolve, and a cycle of refs', () => {
    expect(jsonSchemaProblem({ $schema: 'http://json-schema.org/draft-03/schema#' })).toContain('unknown draft "http://json-schema.org/draft-03/schema#"');
    expect(jsonSchemaProblem({ properties: { a: { $ref: '#/definitions/nope' } } })).toBe('$ref "#/definitions/nope" does not resolve');
    expect(jsonSchemaProblem({ properties: { a: { $ref: 'address.json' } } })).toContain('$ref "address.json" does not resolve (other documents are looked up beside the schema file)');
    expect(jsonSchemaProblem({ definitions: { a: { $ref: '#/definitions/b' }, b: { $ref: '#/definitions/a' } }, $ref: '#/definitions/a' })).toContain('cycle of references');
    expect(jsonSchemaProblem({ type: 'nonsense' })).toContain('type');
  });

  it('accepts a recursive definition (a cycle through a schema is fine)', () => {
    expect(jsonSchemaProblem({ definitions: { node: { type: 'object', properties: { next: { $ref: '#/definitions/node' } } } }, $ref: '#/definitions/node' })).toBeUndefined();
  });

  it('compiles the same $id twice (one file, two topics)', () => {
    const text = JSON.stringify({ $id: 'https://shop.test/event.json', type: 'object' });
    expect(validateSchemaText(text, 'json').ok).toBe(true);
    expect(validateSchemaText(text, 'json').ok).toBe(true);
  });

  it('resolves a $ref to another document through the lookup, by $id or relative path', () => {
    const address = { $id: 'https://shop.test/address.json', definitions: { street: { type: 'string' } } };
    const lookup = (uri: string) => (uri === 'https://shop.test/address.json' ? address : undefined);
    expect(jsonSchemaProblem({ $id: 'https://shop.test/order.json', properties: { a: { $ref: 'address.json#/definitions/street' } } }, lookup)).toBeUndefined();
  });
});

describe('draft-04 against its own meta-schema', () => {
  const d4 = 'http://json-schema.org/draft-04/schema#';

  it('takes draft-04 as written: `id`, boolean exclusive bounds', () => {
    expect(jsonSchemaProblem({ $schema: d4, id: 'https://shop.test/order.json', type: 'object', properties: { n: { type: 'number', minimum: 0, exclusiveMinimum: true } } })).toBeUndefined();
  });

  it('refuses what the draft-04 meta-schema refuses, where later drafts allow it', () => {
    expect(jsonSchemaProblem({ $schema: d4, type: 'number', exclusiveMinimum: 0 })).toContain('must have property minimum when property exclusiveMinimum is present');
    expect(jsonSchemaProblem({ $schema: d4, type: 'object', required: [] })).toContain('data/required must NOT have fewer than 1 items');
    expect(jsonSchemaProblem({ type: 'object', required: [] })).toBeUndefined();
  });
});

describe('validate with JSON Schema files', () => {
  const order = JSON.stringify({ $schema: D[2020], $id: 'https://shop.test/order.json', type: 'object', properties: { ship: { $ref: 'address.json' } } });
  const address = JSON.stringify({ $schema: D[2020], $id: 'https://shop.test/address.json', type: 'object', properties: { street: { type: 'string' } } });

  it('one file with an $id named by two topics validates', () => {
    const r = specBuilder()
      .topic('orders', { schema: { value: 'schemas/address.json' } })
      .topic('returns', { schema: { value: 'schemas/address.json' } })
      .withFile('schemas/address.json', address)
      .validate();
    expect(r.diagnostics).toEqual([]);
  });

  it('follows a $ref to a file beside the schema', () => {
    const r = specBuilder().topic('orders', { schema: { value: 'schemas/order.json' } }).withFile('schemas/order.json', order).withFile('schemas/address.json', address).validate();
    expect(r.diagnostics).toEqual([]);
  });

  it('reports a $ref to a missing file at the topic\'s schema entry', () => {
    const r = specBuilder().topic('orders', { schema: { value: 'schemas/order.json' } }).withFile('schemas/order.json', order).validate();
    expect(r.diagnostics).toMatchObject([{ code: 'schema-parse', path: 'topics.orders.schema.value', found: expect.stringContaining('$ref "https://shop.test/address.json" does not resolve') }]);
  });
});
