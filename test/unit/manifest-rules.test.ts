/** The rules list, and validation reading files only through the FileSource (no disk: in-memory specs and files). */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rules } from '../../src/manifest/rules/index.js';
import type { FileSource } from '../../src/manifest/file-source.js';
import { validateSchemaText } from '../../src/schema/schema-file.js';
import { FAKE_SPEC_FILE, specBuilder } from '../helpers/spec-builder.js';

const ORDER_AVRO = JSON.stringify({ type: 'record', name: 'Order', namespace: 'shop', fields: [{ name: 'id', type: 'string' }] });

describe('rules', () => {
  it('lists every rule module of src/manifest/rules once', () => {
    const modules = readdirSync(join(import.meta.dirname, '..', '..', 'src', 'manifest', 'rules')).filter((f) => !['index.ts', 'rule.ts'].includes(f));
    expect(new Set(rules).size).toBe(rules.length);
    expect(rules).toHaveLength(modules.length);
  });
});

describe('validateSpec reads files only through the FileSource', () => {
  const withSchema = () => specBuilder().topic('orders', { schema: { value: 'schemas/order.avsc', subjectNameStrategy: 'RecordNameStrategy' } });

  it('takes record names for subjects from in-memory schema files', () => {
    const spec = withSchema().withFile('schemas/order.avsc', ORDER_AVRO).resolve();
    expect(spec.topics[0]!.schema?.value).toEqual({ subject: 'shop.Order', file: 'schemas/order.avsc', format: 'avro' });
  });

  it('reports a file the FileSource does not have, at the reference', () => {
    const r = withSchema().validate();
    expect(r.diagnostics).toMatchObject([{ code: 'schema-missing', path: 'topics.orders.schema.value', found: '/virtual/kafkaform/schemas/order.avsc' }]);
  });

  it('checks no file without a FileSource, and then names subjects by topic', () => {
    const r = withSchema().validate({ files: undefined });
    expect(r.diagnostics).toEqual([]);
    expect(r.specs.get('default')!.topics[0]!.schema?.value?.subject).toBe('orders-value');
  });

  it('asks the FileSource, never the disk: schema files and passwordFrom files', () => {
    const asked: string[] = [];
    const files: FileSource = { readText: (p) => (asked.push(`read ${p}`), ORDER_AVRO), exists: (p) => (asked.push(`exists ${p}`), !p.endsWith('pw')) };
    const r = withSchema().user('app', { passwordFrom: 'file:secrets/pw' }).validate({ files });
    expect(asked.sort()).toEqual(['exists /virtual/kafkaform/schemas/order.avsc', 'exists /virtual/kafkaform/secrets/pw', 'read /virtual/kafkaform/schemas/order.avsc']);
    expect(r.diagnostics).toMatchObject([{ severity: 'warning', code: 'secret-file-missing', path: 'users.app.passwordFrom' }]);
    expect(r.file).toBe(FAKE_SPEC_FILE);
  });

  it('applies the docs policy to in-memory schema files', () => {
    const r = withSchema().set('policy.requireSchemaDocs', true).withFile('schemas/order.avsc', ORDER_AVRO).validate();
    expect(r.diagnostics).toMatchObject([{ code: 'schema-docs', message: 'schemas/order.avsc: 1 field(s) without documentation: id' }]);
  });
});

describe('validateSchemaText (the one schema-file check)', () => {
  it('parses Avro with avsc and JSON Schema with ajv, and says which step failed', () => {
    expect(validateSchemaText(ORDER_AVRO, 'avro')).toMatchObject({ ok: true, recordName: 'shop.Order' });
    expect(validateSchemaText('{"title":"Shipping","type":"object"}', 'json')).toMatchObject({ ok: true, recordName: 'Shipping' });
    expect(validateSchemaText('{', 'avro')).toMatchObject({ ok: false, problem: 'json' });
    expect(validateSchemaText('{"type":"record","name":"R"}', 'avro')).toMatchObject({ ok: false, problem: 'schema', message: expect.stringContaining('fields') });
    expect(validateSchemaText('{"type":"record","name":"R","fields":[{"name":"a"}]}', 'avro')).toMatchObject({ ok: false, problem: 'schema', message: expect.stringContaining('has no "type"') });
    expect(validateSchemaText('{"type":"nonsense"}', 'json')).toMatchObject({ ok: false, problem: 'schema', message: expect.stringContaining('type') });
    expect(validateSchemaText('syntax = "proto3";', 'protobuf')).toMatchObject({ ok: true, parsed: { syntax: 'proto3' } });
  });
});
