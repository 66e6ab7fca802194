import { describe, expect, it } from 'vitest';
import { DEFAULT_ASSUMPTIONS, planCapacity, renderCapacityPlan, type CapacityMeasurements } from '../../src/capacity/compute-capacity.js';
import type { ResolvedSpec, ResolvedTopic } from '../../src/manifest/types.js';
import { resolvedSpec } from '../helpers/spec-builder.js';

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
    expect(t.recommendedPartitions).toBe(9);
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
    expect(plan.topics[0]!.recommendedPartitions).toBe(8); // 15 MB/s ÷ 2 MB/s = 7.5
    expect(plan.brokers.recommended).toBe(3);
  });

  it('renders the arithmetic in text and Markdown', () => {
    const plan = planCapacity(spec([{ ...orders, partitions: 6 }]), measured);
    expect(renderCapacityPlan(plan, 'text')).toContain('orders.placed: 9 partitions recommended (declared 6)  [partitions-too-few, retention-does-not-fit]');
    const md = renderCapacityPlan(plan, 'markdown');
    expect(md).toContain('| orders.placed | 6 | 9 | 18000 |');
    expect(md).toContain('### Does not fit');
  });
});
