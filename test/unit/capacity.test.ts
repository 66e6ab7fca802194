import { describe, expect, it } from 'vitest';
import { DEFAULT_ASSUMPTIONS, measurementsFromReport, planCapacity, renderCapacityPlan, type CapacityMeasurements } from '../../src/capacity/compute-capacity.js';
import type { LoadTestReport } from '../../src/loadtest/report-types.js';
import type { ResolvedSpec, ResolvedTopic } from '../../src/manifest/types.js';
import { resolvedSpec, specFromYaml } from '../helpers/spec-builder.js';

const MB = 1_000_000;

function spec(topics: ResolvedTopic[], brokers = 3): ResolvedSpec {
  return resolvedSpec({
    file: '/x/topics.yaml',
    environment: 'prod',
    cluster: { name: 'shop', bootstrapServers: ['k:9092'], brokers, kafkaMajor: 4, connection: { bootstrapServers: ['k:9092'] } },
    topics,
  });
}

const DAY = 86_400_000;
const orders: ResolvedTopic = {
  name: 'orders.placed',
  partitions: 12,
  replicationFactor: 3,
  config: { 'retention.ms': String(7 * DAY) },
  expected: { messagesPerSecond: 5000, messageBytes: 1000, peakFactor: 3 },
};
const measured: CapacityMeasurements = { topics: { 'orders.placed': { produceBytesPerSecond: 2 * MB, consumeBytesPerSecond: 4 * MB } }, source: 'test' };

describe('planCapacity', () => {
  it('sizes partitions by the slower of produce and consume per partition at rate × peak × headroom', () => {
    const plan = planCapacity(spec([{ ...orders, config: { 'retention.ms': String(DAY) } }]), measured);
    const t = plan.topics[0]!;
    // 5000 × 3 × 1.2 = 18000 msg/s × 1000 B = 18 MB/s; ÷ 2 MB/s produce = 9; ÷ 4 MB/s consume = 4.5 → 9
    expect(t.targetMessagesPerSecond).toBe(18_000);
    expect(t.targetBytesPerSecond).toBe(18 * MB);
    expect(t.neededPartitions).toBe(9);
    // Declared 12: never fewer than declared (Kafka cannot reduce partitions), the rest is headroom.
    expect(t.recommendedPartitions).toBe(12);
    expect(t.headroom).toBe('declared 12, needs 9');
    expect(t.flags).toEqual([]);
    expect(t.arithmetic.join('\n')).toContain('5000 msg/s × peak 3 × headroom 1.2 = 18000 msg/s');
  });

  it('flags a topic that declares fewer partitions than it needs', () => {
    const plan = planCapacity(spec([{ ...orders, partitions: 6 }]), measured);
    expect(plan.topics[0]!.flags).toContain('partitions-too-few');
    expect(plan.flags[0]!.message).toBe('orders.placed declares 6 partitions; the expected peak needs at least 9');
  });

  it('computes storage as rate × size × retention × RF plus headroom', () => {
    const t = planCapacity(spec([orders]), measured).topics[0]!;
    // 5000 × 1000 × 604800 s × 3 × 1.2
    expect(t.storageBytes).toBe(5000 * 1000 * 604_800 * 3 * 1.2);
  });

  it('takes brokers as the max of network, disk, storage and RF', () => {
    const plan = planCapacity(spec([orders]), measured);
    const b = plan.brokers;
    // storage 10.886 TB ÷ (1 TiB × 0.7) = 14.15 → 15; network in = 54 MB/s ÷ 87.5 MB/s → 1; disk 54 ÷ 146.8 → 1
    expect(b.byStorage).toBe(15);
    expect(b.byNetwork).toBe(1);
    expect(b.byDisk).toBe(1);
    expect(b.byReplication).toBe(3);
    expect(b.recommended).toBe(15);
    expect(b.storagePerBrokerBytes).toBe(Math.round((5000 * 1000 * 604_800 * 3 * 1.2) / 15));
    expect(plan.flags.map((f) => f.flag)).toEqual(expect.arrayContaining(['retention-does-not-fit', 'brokers-too-few']));
  });

  it('lets network dominate for a high-rate, short-retention topic', () => {
    const hot: ResolvedTopic = { ...orders, config: { 'retention.ms': String(3_600_000) }, expected: { messagesPerSecond: 50_000, messageBytes: 1000, peakFactor: 2 } };
    const plan = planCapacity(spec([hot], 6), { topics: { 'orders.placed': { produceBytesPerSecond: 10 * MB, consumeBytesPerSecond: 10 * MB } }, source: 't' });
    // 50000 × 2 × 1.2 × 1000 = 120 MB/s; in = 360 MB/s, out = 120 × (1 + 2) = 360 MB/s; ÷ 87.5 → 5 (4.11)
    expect(plan.brokers.byNetwork).toBe(5);
    // disk: 360 MB/s ÷ (200 MiB × 0.7 = 146.8 MB/s) = 2.45 → 3
    expect(plan.brokers.byDisk).toBe(3);
    expect(plan.brokers.recommended).toBe(5);
    expect(plan.topics[0]!.recommendedPartitions).toBe(12);
  });

  it('treats compacted and forever topics as unbounded storage and skips topics without expected', () => {
    const compacted: ResolvedTopic = { ...orders, name: 'customers.profile', config: { 'cleanup.policy': 'compact' } };
    const plain: ResolvedTopic = { name: 'audit', partitions: 1, replicationFactor: 3, config: {} };
    const plan = planCapacity(spec([compacted, plain]), { topics: {}, fallback: { produceBytesPerSecond: 2 * MB, consumeBytesPerSecond: 2 * MB }, source: 't' });
    expect(plan.topics[0]!.storageBytes).toBeNull();
    expect(plan.topics[0]!.flags).toEqual(['not-measured', 'unbounded-retention']);
    expect(plan.skipped).toEqual(['audit']);
  });

  it('caps storage by retention.bytes when that is smaller', () => {
    const capped: ResolvedTopic = { ...orders, config: { 'retention.ms': String(7 * DAY), 'retention.bytes': String(1024 ** 3) } };
    const t = planCapacity(spec([capped]), measured).topics[0]!;
    expect(t.storageBytes).toBe(Math.round(1024 ** 3 * 12 * 3 * 1.2));
  });

  it('honours the assumptions', () => {
    const plan = planCapacity(spec([orders]), measured, { ...DEFAULT_ASSUMPTIONS, headroom: 1, brokerStorageBytes: 100 * 1024 ** 4 });
    expect(plan.topics[0]!.neededPartitions).toBe(8); // 15 MB/s ÷ 2 MB/s = 7.5
    expect(plan.brokers.recommended).toBe(3);
  });

  it('renders the arithmetic in text and Markdown', () => {
    const plan = planCapacity(spec([{ ...orders, partitions: 6 }]), measured);
    expect(renderCapacityPlan(plan, 'text')).toContain('orders.placed: 9 partitions recommended (declared 6, needs 9)  [partitions-too-few, retention-does-not-fit]');
    const md = renderCapacityPlan(plan, 'markdown');
    expect(md).toContain('| orders.placed | 6 | 9 | 9 | 18000 |');
    expect(md).toContain('### Does not fit');
  });

  it('never recommends fewer partitions than declared, and shows the headroom', () => {
    const fast: CapacityMeasurements = { topics: { 'orders.placed': { produceBytesPerSecond: 20 * MB, consumeBytesPerSecond: 20 * MB } }, source: 't' };
    const t = planCapacity(spec([orders]), fast).topics[0]!;
    expect(t.neededPartitions).toBe(1);
    expect(t.recommendedPartitions).toBe(12);
    expect(t.headroom).toBe('declared 12, needs 1');
    expect(t.flags).not.toContain('partitions-too-few');
    expect(t.arithmetic.join('\n')).toContain('declared 12, needs 1: keep 12 (Kafka cannot reduce partitions; the rest is headroom)');
  });

  it('counts consumer parallelism: a group uses at most one consumer per partition', () => {
    const fast: CapacityMeasurements = { topics: { 'orders.placed': { produceBytesPerSecond: 20 * MB, consumeBytesPerSecond: 20 * MB } }, source: 't' };
    const consumed = { ...orders, partitions: 4, expected: { ...orders.expected!, consumers: 6 } };
    const consumer = (name: string) => ({ name, type: 'consumer' as const, principal: `User:${name}`, produces: [], consumes: ['orders.placed'], group: name, host: '*' });
    const s = { ...spec([consumed]), services: [consumer('billing'), consumer('shipping'), consumer('audit')] };
    const plan = planCapacity(s, fast);
    const t = plan.topics[0]!;
    expect(t.consumerGroups).toBe(3);
    expect(t.consumersPerGroup).toBe(6);
    expect(t.neededPartitions).toBe(6);
    expect(t.flags).toContain('partitions-too-few');
    expect(t.arithmetic.join('\n')).toContain('6 consumer(s) in each of 3 group(s)) → 6');
    // Egress counts every consuming group: 18 MB/s × (3 groups + RF 3 − 1).
    expect(plan.brokers.arithmetic[0]).toContain('out 90.00 MB/s');
  });

  it('uses the consuming services\' declared instances as the consumers of their groups, and gives per-instance throughput', () => {
    const fast: CapacityMeasurements = { topics: { 'orders.placed': { produceBytesPerSecond: 20 * MB, consumeBytesPerSecond: 20 * MB } }, source: 't' };
    const consumed = { ...orders, partitions: 4 };
    const svc = (name: string, role: 'produces' | 'consumes', instances?: number) => ({
      name,
      type: role === 'produces' ? ('producer' as const) : ('consumer' as const),
      principal: `User:${name}`,
      produces: role === 'produces' ? ['orders.placed'] : [],
      consumes: role === 'consumes' ? ['orders.placed'] : [],
      group: name,
      host: '*',
      ...(instances ? { instances } : {}),
    });
    const s = { ...spec([consumed]), services: [svc('checkout', 'produces', 4), svc('web', 'produces'), svc('billing', 'consumes', 8), svc('audit', 'consumes', 2)] };
    const t = planCapacity(s, fast).topics[0]!;
    expect(t.consumersPerGroup).toBe(8);
    expect(t.consumersSource).toBe('instances');
    expect(t.neededPartitions).toBe(8);
    expect(t.flags).toContain('partitions-too-few');
    expect(t.producerInstances).toBe(5);
    expect(t.perInstance.producerMessagesPerSecond).toBeCloseTo(t.targetMessagesPerSecond / 5, 1);
    expect(t.perInstance.consumerMessagesPerSecond).toBeCloseTo(t.targetMessagesPerSecond / 8, 1);
    expect(t.arithmetic.join('\n')).toContain('÷ 5 producer instance(s)');
    // expected.consumers still wins over instances.
    const pinned = planCapacity({ ...s, topics: [{ ...consumed, expected: { ...orders.expected!, consumers: 3 } }] }, fast).topics[0]!;
    expect([pinned.consumersPerGroup, pinned.consumersSource]).toEqual([3, 'expected.consumers']);
    // Without instances anywhere: one consumer per group.
    expect(planCapacity(spec([consumed]), fast).topics[0]!.consumersSource).toBe('default');
  });

  it('reads instances from topics.yaml (default 1)', () => {
    const r = specFromYaml(`version: 1
cluster: { name: c }
topics:
  orders.placed: { partitions: 3 }
services:
  billing: { principal: 'User:billing', consumes: [orders.placed], instances: 6 }
  audit: { principal: 'User:audit', consumes: [orders.placed] }
`).resolve();
    expect(r.services.find((x) => x.name === 'billing')!.instances).toBe(6);
    expect(r.services.find((x) => x.name === 'audit')!.instances).toBeUndefined();
  });

  it('says when the plan rests on a lower bound, and when the measurement differs from the topic', () => {
    const m: CapacityMeasurements = {
      topics: { 'orders.placed': { produceBytesPerSecond: 2 * MB, consumeBytesPerSecond: 4 * MB, conditions: { messageBytes: 512, compression: 'lz4', acks: '1' } } },
      source: 't',
      lowerBound: 'the --rate max run ended before it bracketed the limit',
    };
    const plan = planCapacity(spec([{ ...orders, config: { ...orders.config, 'compression.type': 'zstd' } }]), m);
    expect(plan.topics[0]!.flags).toEqual(expect.arrayContaining(['lower-bound', 'measured-differently']));
    const text = renderCapacityPlan(plan, 'text');
    expect(text).toContain('rests on a lower bound: the --rate max run ended before it bracketed the limit');
    expect(text).toContain('orders.placed was measured with 512 B records (the topic expects 1000 B), with lz4 compression (the topic has zstd), with acks=1');
    expect(text).toContain('Notes:');
  });
});

describe('measurementsFromReport', () => {
  const base = {
    reportVersion: 1,
    runId: 'r1',
    settings: { mode: 'max', acks: 'all', compression: 'topic' },
    maxRate: { limitReached: true },
    topics: [{ topic: 'orders.placed', partitions: 4, messageBytes: 1000, compression: 'lz4', sustainableMessagesPerSecond: 8000, perPartition: { producer: { megabytesPerSecond: 1 }, consumer: { megabytesPerSecond: 1 } } }],
  } as unknown as LoadTestReport;

  it('takes the sustainable rate of a --rate max run that reached the limit, with how it was measured', () => {
    const m = measurementsFromReport(base);
    expect(m.topics['orders.placed']).toEqual({ produceBytesPerSecond: 2_000_000, consumeBytesPerSecond: 2_000_000, conditions: { messageBytes: 1000, compression: 'lz4', acks: 'all' } });
    expect(m.lowerBound).toBeUndefined();
  });

  it('calls a run that did not reach the limit, or a fixed-rate run, a lower bound', () => {
    expect(measurementsFromReport({ ...base, maxRate: { ...base.maxRate!, limitReached: false } }).lowerBound).toBe('the --rate max run ended before it bracketed the limit');
    expect(measurementsFromReport({ ...base, settings: { ...base.settings, mode: 'fixed' } }).lowerBound).toBe('a fixed-rate run measures the load it offered, not what a partition takes');
  });
});
