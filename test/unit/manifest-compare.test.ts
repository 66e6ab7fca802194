/** compareSpecs: plan-time safety between two versions of topics.yaml. */
import { describe, expect, it } from 'vitest';
import { compareSpecs, computeLiveBaseline } from '../../src/manifest/compare.js';
import { parseSpecDocument } from '../../src/manifest/document.js';
import { requireEnvironment, validateSpec } from '../../src/manifest/validate.js';
import type { ResolvedSpec } from '../../src/manifest/types.js';
import type { TopicFacts } from '../../src/safety/topic-facts.js';

function resolved(yaml: string): { spec: ResolvedSpec; positionOf: ReturnType<typeof parseSpecDocument>['positionOf'] } {
  const doc = parseSpecDocument(`version: 1\n${yaml}`, '/virtual/topics.yaml');
  const result = validateSpec(doc, { skipFileChecks: true });
  return { spec: requireEnvironment(result), positionOf: doc.positionOf };
}

function compare(before: string, after: string) {
  const next = resolved(after);
  return compareSpecs(resolved(before).spec, next.spec, { positionOf: next.positionOf, previousLabel: 'main:topics.yaml' });
}

describe('compareSpecs', () => {
  it('finds nothing between identical versions', () => {
    const y = 'topics:\n  orders: { partitions: 3, retention: 7d }\n';
    expect(compare(y, y)).toEqual([]);
  });

  it('a partition decrease is an error at the partitions line', () => {
    const d = compare('topics:\n  orders:\n    partitions: 6\n', 'topics:\n  orders:\n    partitions: 3\n');
    expect(d).toHaveLength(1);
    expect(d[0]).toMatchObject({ severity: 'error', code: 'partition-decrease', path: 'topics.orders.partitions', line: 4, column: 17, found: '3' });
    expect(d[0]!.hint).toMatch(/destroy and recreate/);
  });

  it('a removed topic is an error while policy.allowTopicDeletion is false', () => {
    const d = compare('topics:\n  orders: {}\n  payments: {}\n', 'topics:\n  orders: {}\n');
    expect(d).toMatchObject([{ severity: 'error', code: 'topic-deletion', path: 'topics', line: 2, column: 1 }]);
    expect(d[0]!.message).toContain('"payments"');
    expect(d[0]!.message).toContain('allowTopicDeletion');
  });

  it('a removed topic is only a warning when deletion is allowed', () => {
    const d = compare('topics:\n  orders: {}\n  payments: {}\n', 'policy: { allowTopicDeletion: true }\ntopics:\n  orders: {}\n');
    expect(d).toMatchObject([{ severity: 'warning', code: 'topic-deletion' }]);
  });

  it('dropping deadLetter deletes the .dlq topic: reported at the source topic', () => {
    const d = compare('topics:\n  orders: { deadLetter: true }\n', 'topics:\n  orders: {}\n');
    expect(d).toMatchObject([{ severity: 'error', code: 'topic-deletion', path: 'topics.orders' }]);
    expect(d[0]!.message).toContain('orders.dlq');
  });

  it('a replication-factor change is a warning', () => {
    const d = compare('cluster: { brokers: 3 }\ntopics:\n  orders: { replicationFactor: 1 }\n', 'cluster: { brokers: 3 }\ntopics:\n  orders: { replicationFactor: 3 }\n');
    expect(d).toMatchObject([{ severity: 'warning', code: 'replication-factor-change', path: 'topics.orders.replicationFactor' }]);
  });

  it('any cleanup.policy change is a warning (leaving compaction, entering it, adding delete)', () => {
    expect(compare('topics:\n  p: { cleanupPolicy: compact }\n', 'topics:\n  p: { cleanupPolicy: delete }\n')).toMatchObject([{ severity: 'warning', code: 'cleanup-policy-change', path: 'topics.p.cleanupPolicy' }]);
    expect(compare('topics:\n  p: { cleanupPolicy: delete }\n', 'topics:\n  p: { cleanupPolicy: compact }\n')).toMatchObject([{ severity: 'warning', code: 'cleanup-policy-change' }]);
    expect(compare('topics:\n  p: { cleanupPolicy: compact }\n', 'topics:\n  p: { cleanupPolicy: [compact, delete] }\n')).toMatchObject([{ severity: 'warning', code: 'cleanup-policy-change' }]);
    expect(compare('topics:\n  p: { cleanupPolicy: [delete, compact] }\n', 'topics:\n  p: { cleanupPolicy: [compact, delete] }\n')).toEqual([]);
  });

  it('a retention cut by more than half is a warning; by half or less it is not', () => {
    expect(compare('topics:\n  o: { retention: 7d }\n', 'topics:\n  o: { retention: 3d }\n')).toMatchObject([{ severity: 'warning', code: 'retention-cut', path: 'topics.o.retention' }]);
    expect(compare('topics:\n  o: { retention: 8d }\n', 'topics:\n  o: { retention: 4d }\n')).toEqual([]);
    expect(compare('topics:\n  o: { retention: forever }\n', 'topics:\n  o: { retention: 30d }\n')).toMatchObject([{ code: 'retention-cut' }]);
    expect(compare('topics:\n  o: { retention: 1d }\n', 'topics:\n  o: { retention: forever }\n')).toEqual([]);
  });

  it('a partition increase is a warning on a compacted topic, not on a plain one', () => {
    expect(compare('topics:\n  p: { cleanupPolicy: compact, partitions: 3 }\n', 'topics:\n  p: { cleanupPolicy: compact, partitions: 6 }\n')).toMatchObject([
      { severity: 'warning', code: 'partition-increase-keyed' },
    ]);
    expect(compare('topics:\n  p: { partitions: 3 }\n', 'topics:\n  p: { partitions: 6 }\n')).toEqual([]);
  });

  it('a partition increase on a keyed topic (schema key) is a warning like a compacted one', () => {
    const keyed = (n: number) => `topics:\n  p: { partitions: ${n}, schema: { key: p-key.avsc } }\n`;
    expect(compare(keyed(3), keyed(6))).toMatchObject([{ severity: 'warning', code: 'partition-increase-keyed', path: 'topics.p.partitions' }]);
    expect(compare(keyed(3), keyed(6))[0]!.message).toMatch(/on a keyed topic/);
  });

  it("an unset retention is Kafka's default unless the broker's is given, and the message says which", () => {
    const [d] = compare('topics:\n  o: {}\n', 'topics:\n  o: { retention: 1d }\n');
    expect(d).toMatchObject({ severity: 'warning', code: 'retention-cut', path: 'topics.o.retention' });
    expect(d!.message).toMatch(/retention 1w \(unset: Kafka's default; the broker's was not read\) → 1d/);
    const next = resolved('topics:\n  o: { retention: 1d }\n');
    const withBroker = compareSpecs(resolved('topics:\n  o: {}\n').spec, next.spec, { brokerDefaults: { 'retention.ms': String(36 * 3_600_000) } });
    expect(withBroker).toEqual([]);
  });

  it('a new topic is not a risk', () => {
    expect(compare('topics:\n  a: {}\n', 'topics:\n  a: {}\n  b: {}\n')).toEqual([]);
  });

  it('a partition decrease through defaults points at the topic', () => {
    const d = compare('defaults: { partitions: 6 }\ntopics:\n  a: {}\n', 'defaults: { partitions: 3 }\ntopics:\n  a: {}\n');
    expect(d).toMatchObject([{ code: 'partition-decrease', path: 'topics.a.partitions', line: 4 }]);
  });
});

describe('computeLiveBaseline', () => {
  it('takes only declared topics from the cluster, so unmanaged topics are never deletions', () => {
    const next = resolved('topics:\n  orders: { partitions: 3, retention: 1d }\n  fresh: {}\n');
    const live: TopicFacts[] = [
      { name: 'orders', partitions: 6, replicationFactor: 1, config: { 'retention.ms': String(7 * 86_400_000) } },
      { name: 'someone-elses', partitions: 1, replicationFactor: 1, config: {} },
    ];
    const baseline = computeLiveBaseline(next.spec, live);
    expect(baseline.topics.map((t) => t.name)).toEqual(['orders']);
    const d = compareSpecs(baseline, next.spec, { positionOf: next.positionOf, previousLabel: 'the live cluster' });
    expect(d.map((x) => [x.severity, x.code, x.path])).toEqual([
      ['error', 'partition-decrease', 'topics.orders.partitions'],
      ['warning', 'retention-cut', 'topics.orders.retention'],
    ]);
  });
});
