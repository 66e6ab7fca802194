/** Schema references: the files a schema uses, the order to register them in, and a cycle named file by file. */
import { describe, expect, it } from 'vitest';
import { computeDependencyOrder, computeSchemaDependencies } from '../../src/schema/schema-deps.js';
import { schemaFormatOf } from '../../src/schema/schema-file.js';
import { specBuilder } from '../helpers/spec-builder.js';

const files: Record<string, string> = {
  'schemas/order.proto': 'syntax = "proto3";\nimport "money.proto";\nimport "google/protobuf/timestamp.proto";\nmessage Order { Money m = 1; }\n',
  'schemas/money.proto': 'syntax = "proto3";\nimport "currency.proto";\nmessage Money { int64 cents = 1; }\n',
  'schemas/currency.proto': 'syntax = "proto3";\nmessage Currency { string code = 1; }\n',
  'schemas/return.json': JSON.stringify({ $id: 'https://shop.test/return.json', properties: { a: { $ref: 'address.json#/definitions/x' }, b: { $ref: '#/definitions/local' }, c: { $ref: 'https://shop.test/address.json' } } }),
  'schemas/a.proto': 'syntax = "proto3";\nimport "b.proto";\nmessage A { int32 x = 1; }\n',
  'schemas/b.proto': 'syntax = "proto3";\nimport "a.proto";\nmessage B { int32 x = 1; }\n',
};
const format = (f: string) => schemaFormatOf(f)!;

describe('computeSchemaDependencies', () => {
  it('takes a .proto file\'s imports (not the well-known types) and a JSON Schema\'s $refs to other files, once each', () => {
    expect(computeSchemaDependencies(files['schemas/order.proto']!, 'protobuf', 'schemas/order.proto')).toEqual([{ name: 'money.proto', file: 'schemas/money.proto' }]);
    expect(computeSchemaDependencies(files['schemas/return.json']!, 'json', 'schemas/return.json')).toEqual([{ name: 'address.json', file: 'schemas/address.json' }]);
  });
});

describe('computeDependencyOrder', () => {
  it('puts every used file before its users', () => {
    const r = computeDependencyOrder(['schemas/order.proto'], format, (f) => files[f]);
    expect(r.ok && r.order.map((o) => o.file)).toEqual(['schemas/currency.proto', 'schemas/money.proto', 'schemas/order.proto']);
  });

  it('names a cycle of references', () => {
    expect(computeDependencyOrder(['schemas/a.proto'], format, (f) => files[f])).toEqual({ ok: false, cycle: ['schemas/a.proto', 'schemas/b.proto', 'schemas/a.proto'] });
  });
});

describe('validate and schema references', () => {
  const spec = () => specBuilder().topic('orders', { schema: { value: 'schemas/a.proto' } });

  it('reports a cycle of imports at the topic entry', () => {
    const r = spec().withFile('schemas/a.proto', files['schemas/a.proto']!).withFile('schemas/b.proto', files['schemas/b.proto']!).validate();
    expect(r.diagnostics).toMatchObject([{ code: 'schema-parse', path: 'topics.orders.schema.value', found: 'references form a cycle: a.proto → b.proto → a.proto' }]);
  });

  it('reports an import that is not beside the file', () => {
    const r = spec().withFile('schemas/a.proto', files['schemas/a.proto']!).validate();
    expect(r.diagnostics).toMatchObject([{ code: 'schema-parse', found: 'uses b.proto, which does not exist beside it' }]);
  });

  it('accepts imports that resolve, and the well-known types', () => {
    const r = specBuilder()
      .topic('orders', { schema: { value: 'schemas/order.proto' } })
      .withFile('schemas/order.proto', files['schemas/order.proto']!)
      .withFile('schemas/money.proto', files['schemas/money.proto']!)
      .withFile('schemas/currency.proto', files['schemas/currency.proto']!)
      .validate();
    expect(r.diagnostics).toEqual([]);
  });
});
