/** The Avro schema model: Apache Avro's parser rules that avsc does not follow (empty unions), names, and defaults against their types. */
import { describe, expect, it } from 'vitest';
import { AvroSchemaError, parseAvroSchema } from '../../src/schema/avro-model.js';
import { validateSchemaText } from '../../src/schema/schema-file.js';

const problem = (s: unknown) => {
  try {
    parseAvroSchema(s);
    return undefined;
  } catch (e) {
    expect(e).toBeInstanceOf(AvroSchemaError);
    return (e as Error).message;
  }
};

describe('parseAvroSchema', () => {
  it('accepts primitive schemas and empty unions', () => {
    expect(parseAvroSchema('int')).toEqual({ kind: 'int' });
    expect(parseAvroSchema([])).toEqual({ kind: 'union', branches: [] });
    expect(validateSchemaText('"long"', 'avro')).toEqual({ ok: true, parsed: 'long' });
    expect(validateSchemaText('[]', 'avro').ok).toBe(true);
  });

  it('resolves full names from namespaces and aliases against the namespace', () => {
    const r = parseAvroSchema({ type: 'record', name: 'R', namespace: 'shop', aliases: ['Old', 'x.Y'], fields: [{ name: 'e', type: { type: 'enum', name: 'E', symbols: ['A'] } }, { name: 'e2', type: 'E' }] });
    expect(r).toMatchObject({ kind: 'record', fullName: 'shop.R', name: 'R', aliases: ['shop.Old', 'x.Y'] });
    if (r.kind !== 'record') throw new Error('not a record');
    expect(r.fields[0]!.type).toMatchObject({ fullName: 'shop.E' });
    expect(r.fields[1]!.type).toBe(r.fields[0]!.type);
  });

  it('checks defaults against their types, a union against its first branch, with the field position', () => {
    expect(problem({ type: 'record', name: 'R', fields: [{ name: 'n', type: 'int', default: 'x' }] })).toBe('default "x" of field "n" does not match its type (at .fields[0])');
    expect(problem({ type: 'record', name: 'R', fields: [{ name: 'n', type: ['null', 'int'], default: 1 }] })).toContain('a union default matches the first branch');
    expect(problem({ type: 'record', name: 'R', fields: [{ name: 'n', type: 'int', default: 2147483648 }] })).toContain('does not match');
    expect(problem({ type: 'record', name: 'R', fields: [{ name: 'f', type: { type: 'fixed', name: 'F', size: 2 }, default: 'abc' }] })).toContain('does not match');
    expect(problem({ type: 'record', name: 'R', fields: [{ name: 'n', type: ['null', 'int'], default: null }] })).toBeUndefined();
  });

  it('refuses unknown names, duplicates and malformed shapes', () => {
    expect(problem({ type: 'record', name: 'R', fields: [{ name: 'x', type: 'Nope' }] })).toBe('undefined type name "Nope" (at .fields[0].type)');
    expect(problem(['int', 'int'])).toContain('union has int twice');
    expect(problem({ type: 'record', name: 'R', fields: [{ name: 'x' }] })).toContain('has no "type"');
    expect(problem({ type: 'enum', name: 'E', symbols: ['A', 'A'] })).toContain('duplicate symbol');
    expect(problem({ type: 'record', name: '1R', fields: [] })).toContain('invalid name');
    expect(problem({ type: 'wat' })).toContain('undefined type name "wat"');
  });
});
