import { describe, expect, it } from 'vitest';
import { computePartitionDecreases, computePlan, computeRisks } from '../../src/plan/risk.js';
import { planExitCode } from '../../src/cli/plan-exit-code.js';
import { computePlanChanges } from '../../src/plan/terraform-plan.js';
import { requireEnvironment } from '../../src/manifest/validate.js';
import type { ResolvedSpec } from '../../src/manifest/types.js';
import { specFromYaml } from '../helpers/spec-builder.js';

function spec(extra = '', allowDeletion = false): ResolvedSpec {
  const fake = specFromYaml(
    `version: 1
cluster: { name: shop, bootstrapServers: ['127.0.0.1:9092'], brokers: 3 }
defaults: { partitions: 3, replicationFactor: 1 }
policy: { allowTopicDeletion: ${allowDeletion} }
topics:
  orders:
    retention: 7d
  customers:
    cleanupPolicy: compact
  payments:
    schema: { key: key.avsc }
services:
  order-service:
    principal: User:order-service
    produces: [orders]
${extra}`,
  ).withFile('key.avsc', JSON.stringify({ type: 'record', name: 'K', fields: [{ name: 'id', type: 'string' }] }));
  const r = fake.validate();
  expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return requireEnvironment(r);
}

/** A `terraform show -json` resource change, as terraform prints it. */
function rc(type: string, actions: string[], before: Record<string, unknown> | null, after: Record<string, unknown> | null, extra: Record<string, unknown> = {}) {
  const name = String((after ?? before)!.name ?? 'x').replace(/\W/g, '_');
  return { address: `${type}.${name}`, type, change: { actions, before, after, ...extra } };
}
const topic = (name: string, partitions: number, config: Record<string, string> = {}, rf = 1) => ({ name, partitions, replication_factor: rf, config });
const acl = (principal: string, op: string, topicName: string) => ({
  acl_principal: principal, acl_host: '*', acl_operation: op, acl_permission_type: 'Allow',
  resource_type: 'Topic', resource_name: topicName, resource_pattern_type_filter: 'Literal',
});
const plan = (...resource_changes: unknown[]) => ({ format_version: '1.2', resource_changes });

function risksOf(s: ResolvedSpec, p: unknown, live = []) {
  return computeRisks(s, computePlanChanges(p), live).map((c) => ({ name: c.name, action: c.action, risk: c.risk, reasons: c.reasons }));
}

describe('computeRisks', () => {
  it('a new topic is safe', () => {
    const r = risksOf(spec(), plan(rc('kafka_topic', ['create'], null, topic('orders', 3))));
    expect(r).toEqual([{ name: 'orders', action: 'create', risk: 'safe', reasons: [] }]);
  });

  it('a topic deletion is destructive', () => {
    const [c] = risksOf(spec(), plan(rc('kafka_topic', ['delete'], topic('old', 3), null)));
    expect(c!.risk).toBe('destructive');
    expect(c!.reasons[0]).toMatch(/deletes the topic/);
  });

  it('a topic replace is destructive and names what forces it', () => {
    const [c] = risksOf(spec(), plan(rc('kafka_topic', ['delete', 'create'], topic('orders', 6), topic('orders', 3), { replace_paths: [['partitions']] })));
    expect(c!.action).toBe('replace');
    expect(c!.risk).toBe('destructive');
    expect(c!.reasons.join(' ')).toMatch(/forced by partitions/);
    expect(c!.reasons.join(' ')).toMatch(/partitions 6 → 3: Kafka cannot remove partitions/);
  });

  it('a partition increase on a plain topic is safe', () => {
    const [c] = risksOf(spec(), plan(rc('kafka_topic', ['update'], topic('orders', 3), topic('orders', 6))));
    expect(c).toMatchObject({ risk: 'safe', reasons: [] });
  });

  it('a partition increase on a compacted topic is risky', () => {
    const [c] = risksOf(spec(), plan(rc('kafka_topic', ['update'], topic('customers', 3, { 'cleanup.policy': 'compact' }), topic('customers', 6, { 'cleanup.policy': 'compact' }))));
    expect(c!.risk).toBe('risky');
    expect(c!.reasons[0]).toMatch(/partitions 3 → 6 on a compacted topic/);
  });

  it('a partition increase on a keyed topic (schema key) is risky', () => {
    const [c] = risksOf(spec(), plan(rc('kafka_topic', ['update'], topic('payments', 3), topic('payments', 4))));
    expect(c!.risk).toBe('risky');
    expect(c!.reasons[0]).toMatch(/keyed topic/);
  });

  it('a replication-factor change is risky', () => {
    const [c] = risksOf(spec(), plan(rc('kafka_topic', ['update'], topic('orders', 3, {}, 1), topic('orders', 3, {}, 3))));
    expect(c!.risk).toBe('risky');
    expect(c!.reasons[0]).toMatch(/replication factor 1 → 3/);
  });

  it('a retention cut by more than half is risky; by half or less is safe', () => {
    const s = spec();
    const cut = risksOf(s, plan(rc('kafka_topic', ['update'], topic('orders', 3, { 'retention.ms': '604800000' }), topic('orders', 3, { 'retention.ms': '86400000' }))));
    expect(cut[0]!.risk).toBe('risky');
    expect(cut[0]!.reasons[0]).toMatch(/retention 1w → 1d/);
    const half = risksOf(s, plan(rc('kafka_topic', ['update'], topic('orders', 3, { 'retention.ms': '604800000' }), topic('orders', 3, { 'retention.ms': '302400000' }))));
    expect(half[0]!.risk).toBe('safe');
    const longer = risksOf(s, plan(rc('kafka_topic', ['update'], topic('orders', 3, { 'retention.ms': '86400000' }), topic('orders', 3, { 'retention.ms': '-1' }))));
    expect(longer[0]!.risk).toBe('safe');
    const fromForever = risksOf(s, plan(rc('kafka_topic', ['update'], topic('orders', 3, { 'retention.ms': '-1' }), topic('orders', 3, { 'retention.ms': '604800000' }))));
    expect(fromForever[0]!.risk).toBe('risky');
  });

  it('a cleanup policy change is risky, and says what compaction loses', () => {
    const [c] = risksOf(spec(), plan(rc('kafka_topic', ['update'], topic('customers', 3, { 'cleanup.policy': 'compact' }), topic('customers', 3, { 'cleanup.policy': 'delete' }))));
    expect(c!.risk).toBe('risky');
    expect(c!.reasons[0]).toMatch(/cleanup.policy compact → delete: the latest value per key is no longer kept/);
  });

  it('entering compaction is risky too: keyless producers start failing', () => {
    const [c] = risksOf(spec(), plan(rc('kafka_topic', ['update'], topic('orders', 3, { 'cleanup.policy': 'delete' }), topic('orders', 3, { 'cleanup.policy': 'compact' }))));
    expect(c!.risk).toBe('risky');
    expect(c!.reasons[0]).toMatch(/^cleanup.policy delete → compact: .*records without a key are rejected/);
  });

  it('an ACL removal from a declared service is risky; from an undeclared principal it is safe', () => {
    const r = risksOf(
      spec(),
      plan(rc('kafka_acl', ['delete'], acl('User:order-service', 'Read', 'orders'), null), rc('kafka_acl', ['delete'], acl('User:gone', 'Read', 'orders'), null)),
    );
    const svc = r.find((c) => c.name.startsWith('User:order-service'))!;
    expect(svc.risk).toBe('risky');
    expect(svc.reasons[0]).toMatch(/takes Read on topic orders away from service order-service/);
    expect(r.find((c) => c.name.startsWith('User:gone'))!.risk).toBe('safe');
  });

  it('a config change that touches neither partitions nor policy on a compacted topic is safe', () => {
    const p = plan(rc('kafka_topic', ['update'], topic('customers', 3, { 'cleanup.policy': 'compact' }), topic('customers', 3, { 'cleanup.policy': 'compact', 'segment.bytes': '1048576' })));
    expect(risksOf(spec(), p)[0]!.risk).toBe('safe');
  });

  it('uses the live retention when terraform does not know the old value (else Kafka\'s 7d default)', () => {
    const p = plan(rc('kafka_topic', ['update'], topic('orders', 3), topic('orders', 3, { 'retention.ms': String(5 * 86_400_000) })));
    expect(risksOf(spec(), p)[0]!.risk).toBe('safe');
    const live = [{ name: 'orders', partitions: 3, replicationFactor: 1, config: { 'retention.ms': '-1' } }];
    const withLive = computeRisks(spec(), computePlanChanges(p), live);
    expect(withLive[0]!.risk).toBe('risky');
    expect(withLive[0]!.reasons[0]).toMatch(/retention forever → 5d/);
  });

  it("says when an unset old retention was taken as Kafka's default, or as the broker's", () => {
    const p = plan(rc('kafka_topic', ['update'], topic('orders', 3), topic('orders', 3, { 'retention.ms': String(86_400_000) })));
    const [c] = risksOf(spec(), p);
    expect(c!.risk).toBe('risky');
    expect(c!.reasons[0]).toMatch(/^retention 1w \(unset: Kafka's default; the broker's was not read\) → 1d/);
    const broker = computePlan({ spec: spec(), changes: computePlanChanges(p), defaults: { retentionMs: 30 * 86_400_000, source: 'broker' } });
    expect(broker.changes[0]!.reasons[0]).toMatch(/^retention 30d \(unset: the broker's default\) → 1d/);
  });
});

describe('computePlan and exit codes', () => {
  it('no changes → exit 0; safe changes → exit 2', () => {
    const s = spec();
    expect(planExitCode(computePlan({ spec: s, changes: [] }))).toBe(0);
    expect(planExitCode(computePlan({ spec: s, changes: computePlanChanges(plan(rc('kafka_topic', ['create'], null, topic('orders', 3)))) }))).toBe(2);
  });

  it('a deletion without policy.allowTopicDeletion is a violation naming the policy key → exit 1', () => {
    const p = computePlan({ spec: spec(), changes: computePlanChanges(plan(rc('kafka_topic', ['delete'], topic('old', 3), null))) });
    expect(p.violations).toEqual([{ change: 'delete topic old', policyKey: 'policy.allowTopicDeletion', message: expect.stringMatching(/deleting topic old loses its data/) }]);
    expect(planExitCode(p)).toBe(1);
  });

  it('with policy.allowTopicDeletion the deletion is still labelled destructive but allowed → exit 2', () => {
    const p = computePlan({ spec: spec('', true), changes: computePlanChanges(plan(rc('kafka_topic', ['delete'], topic('old', 3), null))) });
    expect(p.violations).toEqual([]);
    expect(p.summary).toMatchObject({ delete: 1, destructive: 1 });
    expect(planExitCode(p)).toBe(2);
  });

  it('orders changes destructive, risky, safe', () => {
    const p = computePlan({
      spec: spec('', true),
      changes: computePlanChanges(plan(
        rc('kafka_topic', ['create'], null, topic('a-new', 3)),
        rc('kafka_topic', ['update'], topic('orders', 3, {}, 1), topic('orders', 3, {}, 3)),
        rc('kafka_topic', ['delete'], topic('z-old', 3), null),
      )),
    });
    expect(p.changes.map((c) => `${c.risk}:${c.name}`)).toEqual(['destructive:z-old', 'risky:orders', 'safe:a-new']);
  });
});

describe('computePartitionDecreases', () => {
  it('names the topic, both counts and why', () => {
    const errs = computePartitionDecreases(spec(), [{ name: 'orders', partitions: 6, replicationFactor: 1, config: {} }, { name: 'customers', partitions: 3, replicationFactor: 1, config: {} }]);
    expect(errs).toHaveLength(1);
    expect(errs[0]!.message).toBe('topic orders: partitions 6 → 3 is a decrease; Kafka cannot remove partitions from a topic (only delete and recreate it, losing its data)');
    expect(errs[0]!.hint).toMatch(/topics.orders.partitions back to 6/);
  });

  it('ignores topics that do not exist yet and increases', () => {
    expect(computePartitionDecreases(spec(), [{ name: 'orders', partitions: 2, replicationFactor: 1, config: {} }])).toEqual([]);
  });
});
