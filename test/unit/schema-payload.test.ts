/** Load-test payloads: valid against the topic's value schema, and close to the requested size. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import avro from 'avsc';
import { describe, expect, it } from 'vitest';
import { generatePayload, validateJsonPayload } from '../../src/schema/payload.js';

const schemas = join(import.meta.dirname, '..', '..', 'schemas');
const orderPlaced = JSON.parse(readFileSync(join(schemas, 'orders.placed.avsc'), 'utf8')) as avro.Schema;
const shipping = JSON.parse(readFileSync(join(schemas, 'shipping.dispatched.json'), 'utf8')) as object;

describe('generatePayload (Avro)', () => {
  it('produces a value the schema accepts and that round-trips through avsc', () => {
    const type = avro.Type.forSchema(orderPlaced);
    const p = generatePayload(orderPlaced, 'avro', 1024, 7);
    expect(type.isValid(p.value)).toBe(true);
    expect(type.fromBuffer(p.buffer)).toEqual(type.fromBuffer(type.toBuffer(p.value)));
  });

  for (const target of [100, 1024, 10 * 1024, 100 * 1024]) {
    it(`approaches ${target} bytes without going over`, () => {
      const p = generatePayload(orderPlaced, 'avro', target, 3);
      expect(p.bytes).toBeLessThanOrEqual(target);
      expect(p.bytes).toBeGreaterThanOrEqual(target * 0.95 - 16);
      expect(p.buffer.length).toBe(p.bytes);
    });
  }

  it('is deterministic for a seed and differs across seeds', () => {
    expect(generatePayload(orderPlaced, 'avro', 512, 1).buffer.equals(generatePayload(orderPlaced, 'avro', 512, 1).buffer)).toBe(true);
    expect(generatePayload(orderPlaced, 'avro', 512, 1).buffer.equals(generatePayload(orderPlaced, 'avro', 512, 2).buffer)).toBe(false);
  });

  it('returns the smallest valid value when the target is below the fixed part', () => {
    const p = generatePayload({ type: 'record', name: 'N', fields: [{ name: 'n', type: 'long' }] }, 'avro', 1000);
    expect(p.bytes).toBeLessThan(16);
  });
});

describe('generatePayload (JSON Schema)', () => {
  it('produces an object valid against the schema (enum, format, required, closed model)', () => {
    const p = generatePayload(shipping, 'json', 600, 5);
    expect(validateJsonPayload(shipping, p.value)).toBeUndefined();
    const v = p.value as Record<string, unknown>;
    expect(['dhl', 'ups', 'postnl']).toContain(v.carrier);
    expect(Number.isNaN(Date.parse(v.dispatchedAt as string))).toBe(false);
  });

  it('approaches the target size', () => {
    for (const target of [300, 2048, 20_000]) {
      const p = generatePayload(shipping, 'json', target, 9);
      expect(p.bytes).toBeLessThanOrEqual(target);
      expect(p.bytes).toBeGreaterThanOrEqual(target - 8);
    }
  });

  it('respects numeric bounds and length limits', () => {
    const schema = { type: 'object', required: ['q', 'code'], properties: { q: { type: 'integer', minimum: 1, maximum: 5 }, code: { type: 'string', maxLength: 3 } }, additionalProperties: false };
    const p = generatePayload(schema, 'json', 5000);
    expect(validateJsonPayload(schema, p.value)).toBeUndefined();
  });

  it('the validator rejects an invalid value (the check can fail)', () => {
    expect(validateJsonPayload(shipping, { shipmentId: 's' })).toMatch(/required/);
  });
});

describe('generatePayload (JSON Schema formats)', () => {
  const FORMATS = ['date-time', 'date', 'time', 'iso-time', 'iso-date-time', 'duration', 'email', 'uuid', 'uri', 'url', 'uri-reference', 'uri-template', 'hostname', 'ipv4', 'ipv6', 'json-pointer', 'relative-json-pointer', 'regex', 'byte'];

  it('writes a value every format of ajv-formats accepts, for each format it knows', () => {
    const schema = { type: 'object', required: FORMATS, properties: Object.fromEntries(FORMATS.map((f) => [f, { type: 'string', format: f }])) };
    for (const seed of [1, 2, 3]) {
      const p = generatePayload(schema, 'json', undefined, seed);
      expect(validateJsonPayload(schema, p.value), JSON.stringify(p.value)).toBeUndefined();
    }
  });

  it('checks formats when it validates a value', () => {
    expect(validateJsonPayload({ type: 'string', format: 'ipv4' }, 'not-an-address')).toContain('must match format "ipv4"');
    expect(validateJsonPayload({ type: 'string', format: 'ipv4' }, '10.0.0.1')).toBeUndefined();
  });
});
