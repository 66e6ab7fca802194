import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import avsc from 'avsc';
import { describe, expect, it } from 'vitest';
import { attachSchemaPayloads, PAYLOAD_POOL_SIZE } from '../../src/loadtest/schema-payloads.js';
import { computeWorkload } from '../../src/loadtest/workload.js';
import { readManifest, requireEnvironment } from '../../src/manifest/validate.js';

const root = join(import.meta.dirname, '..', '..');
const spec = requireEnvironment(readManifest(join(root, 'topics.yaml')), 'dev');
const workload = () =>
  computeWorkload(spec, { topics: ['orders.placed', 'orders.cancelled'], durationMs: 1000, producers: 1, consumers: 1, acks: 'all', compression: 'none', useExisting: false, keepTopics: false });

describe('schema payloads for the load test', () => {
  it('gives topics with an Avro value schema a pool of values that decode with it', () => {
    const w = workload();
    expect(attachSchemaPayloads(w, spec)).toEqual(['orders.placed']);
    const placed = w.topics.find((t) => t.topic === 'orders.placed')!;
    expect(placed.payloads).toHaveLength(PAYLOAD_POOL_SIZE);
    const type = avsc.Type.forSchema(JSON.parse(readFileSync(join(root, 'schemas', 'orders.placed.avsc'), 'utf8')));
    for (const p of placed.payloads!) {
      expect(() => type.fromBuffer(p)).not.toThrow();
      expect(p.length).toBeLessThanOrEqual(placed.messageBytes);
      expect(p.length).toBeGreaterThan(placed.messageBytes * 0.8);
    }
    expect(new Set(placed.payloads!.map((p) => p.toString('hex'))).size).toBeGreaterThan(1);
  });

  it('leaves topics without a value schema on synthetic values', () => {
    const w = workload();
    attachSchemaPayloads(w, spec);
    expect(w.topics.find((t) => t.topic === 'orders.cancelled')!.payloads).toBeUndefined();
  });
});

describe('temporary topic configs', () => {
  it('keeps the declared configs, but swaps zstd for lz4 where the runtime cannot read zstd', async () => {
    const { computeLoadTopicConfig } = await import('../../src/loadtest/workload.js');
    const cfg = { 'compression.type': 'zstd', 'retention.ms': '1000' };
    expect(computeLoadTopicConfig(cfg, true)).toEqual(cfg);
    expect(computeLoadTopicConfig(cfg, false)).toEqual({ 'compression.type': 'lz4', 'retention.ms': '1000' });
    expect(computeLoadTopicConfig({ 'compression.type': 'gzip' }, false)).toEqual({ 'compression.type': 'gzip' });
  });
});
