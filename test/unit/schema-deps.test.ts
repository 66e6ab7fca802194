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
/** Avro: shop.Order names shop.common.Address (address.avsc, which defines the enum Country too) and shop.common.Customer (customer.avsc, which names Address). */
const avsc: Record<string, string> = {
  'schemas/address.avsc': JSON.stringify({ type: 'record', name: 'Address', namespace: 'shop.common', fields: [{ name: 'street', type: 'string' }, { name: 'country', type: { type: 'enum', name: 'Country', symbols: ['NL', 'DE'] } }] }),
  'schemas/customer.avsc': JSON.stringify({ type: 'record', name: 'Customer', namespace: 'shop.common', fields: [{ name: 'name', type: 'string' }, { name: 'home', type: 'Address' }] }),
  'schemas/order.avsc': JSON.stringify({
    type: 'record',
    name: 'Order',
    namespace: 'shop',
    fields: [
      { name: 'id', type: 'string' },
      { name: 'buyer', type: 'shop.common.Customer' },
      { name: 'shipTo', type: 'shop.common.Address' },
      { name: 'origin', type: 'shop.common.Country' },
    ],
  }),
};
const listAvsc = (dir: string) => Object.keys(avsc).filter((f) => f.startsWith(`${dir}/`)).map((f) => f.slice(dir.length + 1));
const format = (f: string) => schemaFormatOf(f)!;

describe('computeSchemaDependencies', () => {
  it('takes a .proto file\'s imports (not the well-known types) and a JSON Schema\'s $refs to other files, once each', () => {
    expect(computeSchemaDependencies(files['schemas/order.proto']!, 'protobuf', 'schemas/order.proto')).toEqual([{ name: 'money.proto', file: 'schemas/money.proto' }]);
    expect(computeSchemaDependencies(files['schemas/return.json']!, 'json', 'schemas/return.json')).toEqual([{ name: 'address.json', file: 'schemas/address.json' }]);
  });
});

describe('Avro named types from other files', () => {
  it('are the files whose top-level type the schema names, each once, by that type\'s full name', async () => {
    const { computeAvroTypeIndex } = await import('../../src/schema/avro-model.js');
    const index = computeAvroTypeIndex(Object.entries(avsc).map(([file, text]) => ({ file, doc: JSON.parse(text) as unknown })));
    // Country is nested in address.avsc: naming it uses that file (already taken for Customer's Address).
    expect(computeSchemaDependencies(avsc['schemas/order.avsc']!, 'avro', 'schemas/order.avsc', index)).toEqual([
      { name: 'shop.common.Customer', file: 'schemas/customer.avsc' },
      { name: 'shop.common.Address', file: 'schemas/address.avsc' },
    ]);
    expect(computeSchemaDependencies(avsc['schemas/customer.avsc']!, 'avro', 'schemas/customer.avsc', index)).toEqual([{ name: 'shop.common.Address', file: 'schemas/address.avsc' }]);
    expect(computeSchemaDependencies(avsc['schemas/order.avsc']!, 'avro', 'schemas/order.avsc')).toEqual([]);
  });

  it('are registered before their users, found among the .avsc files of the directory', () => {
    const r = computeDependencyOrder(['schemas/order.avsc'], format, (f) => avsc[f], listAvsc);
    expect(r.ok && r.order.map((o) => o.file)).toEqual(['schemas/address.avsc', 'schemas/customer.avsc', 'schemas/order.avsc']);
  });

  it('are written out at their first use, so the schema parses on its own and keeps its names', async () => {
    const { inlineAvroReferences, parseAvroSchema } = await import('../../src/schema/avro-model.js');
    const lookup = (n: string) => Object.values(avsc).map((t) => JSON.parse(t) as { name: string; namespace: string }).find((d) => `${d.namespace}.${d.name}` === n);
    const node = parseAvroSchema(inlineAvroReferences(JSON.parse(avsc['schemas/order.avsc']!), lookup));
    expect(node.kind === 'record' && node.fields.map((f) => [f.name, 'fullName' in f.type ? f.type.fullName : f.type.kind])).toEqual([
      ['id', 'string'],
      ['buyer', 'shop.common.Customer'],
      ['shipTo', 'shop.common.Address'],
      ['origin', 'shop.common.Country'],
    ]);
    // A type without a namespace keeps none where it is written out.
    const bare = inlineAvroReferences({ type: 'record', name: 'R', namespace: 'x', fields: [{ name: 'p', type: 'P' }, { name: 'q', type: 'P' }] }, (n) => (n === 'P' ? { type: 'fixed', name: 'P', size: 2 } : undefined));
    const r = parseAvroSchema(bare);
    expect(r.kind === 'record' && r.fields.map((f) => ('fullName' in f.type ? f.type.fullName : ''))).toEqual(['P', 'P']);
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

  it('accepts an Avro schema naming types of the .avsc files beside it, and names a type found nowhere', () => {
    const avroSpec = () => specBuilder().topic('orders', { schema: { value: 'schemas/order.avsc' } }).withFile('schemas/order.avsc', avsc['schemas/order.avsc']!);
    expect(avroSpec().withFile('schemas/address.avsc', avsc['schemas/address.avsc']!).withFile('schemas/customer.avsc', avsc['schemas/customer.avsc']!).validate().diagnostics).toEqual([]);
    expect(avroSpec().withFile('schemas/address.avsc', avsc['schemas/address.avsc']!).validate().diagnostics).toMatchObject([
      { code: 'schema-parse', path: 'topics.orders.schema.value', found: expect.stringContaining('undefined type name "shop.common.Customer"') },
    ]);
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
