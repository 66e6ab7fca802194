/**
 * Compatibility verdicts, one fixture folder per case: test/fixtures/schemas/compat/<case>/
 * holds v1, v2 (, v3) — the last file is the new schema, the others its previous versions —
 * and expected.json with the level, the verdict and message fragments the explanation must contain.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkCompatibility, COMPATIBILITY_LEVELS } from '../../src/schema/compatibility.js';

const root = join(import.meta.dirname, '..', 'fixtures', 'schemas', 'compat');
const cases = readdirSync(root).sort();

interface Expected {
  level: string;
  format: 'avro' | 'json' | 'protobuf';
  compatible: boolean;
  messagesContain?: string[];
}

describe('checkCompatibility fixtures', () => {
  it('covers every level, compatible and not, for Avro, JSON Schema and Protobuf', () => {
    const seen = new Set<string>();
    for (const c of cases) {
      const e = JSON.parse(readFileSync(join(root, c, 'expected.json'), 'utf8')) as Expected;
      seen.add(`${e.format}/${e.level}/${e.compatible}`);
    }
    for (const format of ['avro', 'json', 'protobuf']) {
      for (const level of COMPATIBILITY_LEVELS) {
        expect(seen.has(`${format}/${level}/true`), `${format} ${level} compatible`).toBe(true);
        if (level !== 'NONE') expect(seen.has(`${format}/${level}/false`), `${format} ${level} incompatible`).toBe(true);
      }
    }
  });

  for (const c of cases) {
    it(c, () => {
      const dir = join(root, c);
      const e = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as Expected;
      const files = readdirSync(dir)
        .filter((f) => /^v\d+\./.test(f))
        .sort((a, b) => Number(a.slice(1).split('.')[0]) - Number(b.slice(1).split('.')[0]));
      const texts = files.map((f) => readFileSync(join(dir, f), 'utf8'));
      const next = texts.pop()!;
      const previous = texts.map((schema, i) => ({ label: `v${i + 1}`, schema }));
      const r = checkCompatibility(e.level, next, previous, e.format);
      expect(r.compatible, r.messages.join('\n')).toBe(e.compatible);
      if (!e.compatible) expect(r.messages.length).toBeGreaterThan(0);
      else expect(r.messages).toEqual([]);
      for (const fragment of e.messagesContain ?? []) {
        expect(r.messages.some((m) => m.includes(fragment)), `expected a message containing ${JSON.stringify(fragment)}, got:\n${r.messages.join('\n')}`).toBe(true);
      }
    });
  }
});

describe('checkCompatibility with references', () => {
  const refs = (entries: Record<string, string>) => new Map(Object.entries(entries));

  it('reads each Avro version with the named types of its own references', () => {
    const order = JSON.stringify({ type: 'record', name: 'Order', namespace: 'shop', fields: [{ name: 'total', type: 'shop.Money' }] });
    const money = (fields: object[]) => JSON.stringify({ type: 'record', name: 'Money', namespace: 'shop', fields: [{ name: 'cents', type: 'long' }, ...fields] });
    const previous = [{ label: 'v1', schema: order, references: refs({ 'shop.Money': money([]) }) }];
    expect(checkCompatibility('BACKWARD', order, previous, 'avro', refs({ 'shop.Money': money([{ name: 'currency', type: 'string', default: 'EUR' }]) })).compatible).toBe(true);
    const r = checkCompatibility('BACKWARD', order, previous, 'avro', refs({ 'shop.Money': money([{ name: 'currency', type: 'string' }]) }));
    expect(r.messages).toEqual(['field `total.currency` added without a default under BACKWARD: consumers on the new schema cannot read records written with v1']);
  });

  it('follows a JSON Schema $ref into the other file as each version had it', () => {
    const order = JSON.stringify({ type: 'object', properties: { to: { $ref: 'address.json' } } });
    const address = (zip: object) => JSON.stringify({ type: 'object', properties: { zip } });
    const previous = [{ label: 'v1', schema: order, references: refs({ 'address.json': address({ type: 'string' }) }) }];
    expect(checkCompatibility('BACKWARD', order, previous, 'json', refs({ 'address.json': address({ type: 'string' }) })).compatible).toBe(true);
    const r = checkCompatibility('BACKWARD', order, previous, 'json', refs({ 'address.json': address({ type: 'integer' }) }));
    expect(r.compatible).toBe(false);
    expect(r.messages.join('\n')).toContain('zip');
  });

  it('links a .proto file\'s imports, so a change to an imported message is judged, and dropping an import removes nothing', () => {
    const credit = 'syntax = "proto3";\npackage shop.v1;\nimport "money.proto";\nmessage Credit { string id = 1; shop.common.Money amount = 2; }\n';
    const money = (cents: string) => `syntax = "proto3";\npackage shop.common;\nmessage Money { ${cents} cents = 1; string currency = 2; }\n`;
    const previous = [{ label: 'v1', schema: credit, references: refs({ 'money.proto': money('int64') }) }];
    expect(checkCompatibility('BACKWARD', credit, previous, 'protobuf', refs({ 'money.proto': money('int32') })).compatible).toBe(true);
    const r = checkCompatibility('BACKWARD', credit, previous, 'protobuf', refs({ 'money.proto': money('string') }));
    expect(r.messages).toEqual([expect.stringContaining('shop.common.Money.cents = 1: field scalar kind changed (int64 → string)')]);
    const alone = 'syntax = "proto3";\npackage shop.v1;\nmessage Credit { string id = 1; }\n';
    expect(checkCompatibility('BACKWARD', alone, previous, 'protobuf').compatible).toBe(true);
  });
});

describe('checkCompatibility edge cases', () => {
  it('accepts anything when there is no previous version', () => {
    expect(checkCompatibility('FULL_TRANSITIVE', { type: 'string' }, [], 'avro')).toEqual({ compatible: true, messages: [] });
  });

  it('rejects an unknown level with the allowed list', () => {
    const r = checkCompatibility('SIDEWAYS', { type: 'string' }, ['"string"'], 'avro');
    expect(r.compatible).toBe(false);
    expect(r.messages[0]).toContain('BACKWARD_TRANSITIVE');
  });

  it('names the version in transitive messages and checks every one of them', () => {
    const v = (fields: object[]) => ({ type: 'record', name: 'R', fields });
    const r = checkCompatibility('BACKWARD_TRANSITIVE', v([{ name: 'a', type: 'int' }, { name: 'b', type: 'int' }]), [
      { label: 'v1', schema: v([]) },
      { label: 'v2', schema: v([{ name: 'a', type: 'int' }]) },
    ], 'avro');
    expect(r.compatible).toBe(false);
    expect(r.messages.filter((m) => m.includes('with v1'))).toHaveLength(2);
    expect(r.messages.filter((m) => m.includes('with v2'))).toHaveLength(1);
  });
});
