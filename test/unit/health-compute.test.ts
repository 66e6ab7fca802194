import { describe, expect, it } from 'vitest';
import { InMemoryClusterPort } from '../../src/cluster/in-memory-cluster.js';
import { collectHealth, collectHealthRead, collectHealthState } from '../../src/health/collect-health.js';
import { computeHealth, groupMatches } from '../../src/health/compute-health.js';
import { FakeSpec } from '../helpers/spec-builder.js';

const NOW = 1_800_000_000_000;
const now = () => NOW;

function spec(maxLag: number | string = 100) {
  return new FakeSpec({ version: 1, cluster: { brokers: 3 } })
    .topic('orders', { partitions: 2, replicationFactor: 3, config: { 'min.insync.replicas': 2 } })
    .topic('payments', { partitions: 1, replicationFactor: 3 })
    .service('billing', { principal: 'User:billing', consumes: ['orders'], maxLag })
    .service('audit', { principal: 'User:audit', consumes: ['orders', 'payments'], group: 'audit-' })
    .resolve();
}

function cluster() {
  return new InMemoryClusterPort({
    brokers: 3,
    topics: [
      { name: 'orders', partitions: 2, replicationFactor: 3, config: { 'min.insync.replicas': '2' } },
      { name: 'payments', partitions: 1, replicationFactor: 3 },
    ],
  });
}

const member = { memberId: 'm1', clientId: 'billing-1', clientHost: '/10.0.0.1', assignment: [{ topic: 'orders', partitions: [0, 1] }] };

describe('health: lag of declared consuming services', () => {
  it('counts records from the committed offset to the log end, and the age of the oldest unconsumed record', async () => {
    const port = cluster()
      .produce('orders', 0, Array.from({ length: 50 }, (_, i) => NOW - 600_000 + i))
      .produce('orders', 1, Array.from({ length: 30 }, () => NOW - 10_000))
      .putGroup({ groupId: 'billing', members: [member], offsets: { 'orders:0': 20, 'orders:1': 30 } });
    const report = computeHealth(spec(), await collectHealthState(port, spec(), now));
    const billing = report.services.find((s) => s.name === 'billing')!;
    expect(billing).toMatchObject({ group: 'billing', groups: ['billing'], state: 'Stable', members: 1, lag: 30, budget: 'ok' });
    expect(billing.lagMs).toBe(600_000 - 20);
    expect(billing.topics[0]!.partitions.map((p) => [p.partition, p.committed, p.lag])).toEqual([[0, 20, 30], [1, 30, 0]]);
    expect(report.healthy).toBe(true);
  });

  it('is unhealthy when a service lags over its record budget', async () => {
    const port = cluster().produce('orders', 0, Array.from({ length: 500 }, () => NOW)).putGroup({ groupId: 'billing', offsets: { 'orders:0': 0, 'orders:1': 0 } });
    const report = computeHealth(spec(100), await collectHealthState(port, spec(100), now));
    expect(report.services.find((s) => s.name === 'billing')).toMatchObject({ lag: 500, budget: 'over' });
    expect(report.healthy).toBe(false);
    expect(report.problems.join('\n')).toMatch(/billing .* lags 500 records, over its maxLag 100 records/);
  });

  it('judges a duration budget by the age of the oldest unconsumed record', async () => {
    const port = cluster().produce('orders', 1, [NOW - 10 * 60_000, NOW]).putGroup({ groupId: 'billing', offsets: { 'orders:0': 0, 'orders:1': 0 } });
    const report = computeHealth(spec('5m'), await collectHealthState(port, spec('5m'), now));
    expect(report.services.find((s) => s.name === 'billing')).toMatchObject({ lag: 2, lagMs: 600_000, budget: 'over' });
  });

  it('counts a partition without a committed offset from the log start and names it so', async () => {
    const port = cluster().produce('orders', 0, [NOW, NOW, NOW, NOW]).truncateLog('orders', 0, 1);
    const report = computeHealth(spec(), await collectHealthState(port, spec(), now));
    const billing = report.services.find((s) => s.name === 'billing')!;
    expect(billing.state).toBe('missing');
    expect(billing.topics[0]).toMatchObject({ lag: 3, partitionsWithoutCommit: 2 });
    expect(billing.topics[0]!.partitions[0]).toMatchObject({ committed: null, fromLogStart: true, logStart: 1, logEnd: 4, lag: 3 });
  });

  it('adds up the groups a prefixed group matches', async () => {
    const port = cluster()
      .produce('payments', 0, [NOW, NOW, NOW])
      .putGroup({ groupId: 'audit-eu', offsets: { 'payments:0': 1, 'orders:0': 0, 'orders:1': 0 } })
      .putGroup({ groupId: 'audit-us', state: 'Empty', offsets: { 'payments:0': 2, 'orders:0': 0, 'orders:1': 0 } });
    const audit = computeHealth(spec(), await collectHealthState(port, spec(), now)).services.find((s) => s.name === 'audit')!;
    expect(audit).toMatchObject({ group: 'audit-', groups: ['audit-eu', 'audit-us'], state: 'mixed', lag: 3, budget: 'none' });
  });

  it('lists groups within policy.managedPrefixes that no service declares', async () => {
    const port = cluster().putGroup({ groupId: 'billing' }).putGroup({ groupId: 'stray' }).putGroup({ groupId: 'legacy.reader' });
    const s = new FakeSpec({ version: 1, policy: { managedPrefixes: ['stray', 'billing'] } }).topic('orders', { partitions: 2 }).service('billing', { principal: 'User:b', consumes: ['orders'] }).resolve();
    const report = computeHealth(s, await collectHealthState(port, s, now));
    expect(report.unownedGroups.map((g) => g.groupId)).toEqual(['stray']);
  });
});

describe('health: brokers and partitions', () => {
  it('reports offline and under-min-ISR partitions and missing brokers as unhealthy; under-replicated alone is not', async () => {
    const port = new InMemoryClusterPort({ brokers: 2, topics: [{ name: 'orders', partitions: 2, replicationFactor: 2, config: { 'min.insync.replicas': '2' } }, { name: 'payments', partitions: 1, replicationFactor: 2 }] })
      .putPartitionState('orders', 0, { leader: null, isr: [] })
      .putPartitionState('orders', 1, { isr: [2] })
      .putPartitionState('payments', 0, { isr: [1] });
    const s = spec();
    const report = computeHealth(s, await collectHealthState(port, s, now));
    expect(report.partitions.offline.map((p) => `${p.topic}-${p.partition}`)).toEqual(['orders-0']);
    expect(report.partitions.underMinIsr.map((p) => `${p.topic}-${p.partition}`)).toEqual(['orders-1']);
    expect(report.partitions.underReplicated.map((p) => `${p.topic}-${p.partition}`)).toEqual(['orders-0', 'orders-1', 'payments-0']);
    expect(report.cluster.brokers).toEqual({ expected: 3, online: 2, ids: [1, 2] });
    expect(report.problems).toHaveLength(3);
    expect(report.healthy).toBe(false);
  });

  it('is healthy on a sound cluster with no lag', async () => {
    const report = computeHealth(spec(), await collectHealthState(cluster(), spec(), now));
    expect(report).toMatchObject({ healthy: true, problems: [], partitions: { checked: 3, offline: [], underMinIsr: [] } });
  });
});

describe('health: the read', () => {
  it('reads everything in a fixed number of batched calls, whatever the number of topics', async () => {
    const port = cluster().produce('orders', 0, [NOW]).putGroup({ groupId: 'billing', offsets: { 'orders:0': 0 } }).putGroup({ groupId: 'other' });
    await collectHealthState(port, spec(), now);
    expect(port.calls).toMatchObject({ describePartitions: 1, listConsumerGroups: 1, describeConsumerGroups: 1, listGroupsCommittedOffsets: 1, listLogOffsets: 1, readRecordTimestamps: 1 });
    expect(port.calls.createTopic ?? 0).toBe(0);
  });

  it('reads the lag chain over its own port when given one, and the drift read over the other', async () => {
    const general = cluster();
    const lag = cluster().produce('orders', 0, [NOW]).putGroup({ groupId: 'billing', offsets: { 'orders:0': 0 } });
    const state = await collectHealthState(general, spec(), now, lag);
    expect(state.committed).toEqual({ billing: [{ topic: 'orders', partition: 0, offset: 0 }] });
    expect(general.calls).not.toHaveProperty('listGroupsCommittedOffsets');
    expect(lag.calls).not.toHaveProperty('describeTopics');
  });

  it('health alone reads only what it judges: the topics in scope, their min.insync.replicas, no ACLs, users or quotas', async () => {
    const port = new InMemoryClusterPort({
      brokers: 2,
      topics: [
        { name: 'orders', partitions: 2, replicationFactor: 2, config: { 'min.insync.replicas': '2', 'retention.ms': '1000' } },
        { name: 'payments', partitions: 1, replicationFactor: 2 },
        { name: 'legacy.unmanaged', partitions: 1, replicationFactor: 2 },
      ],
    }).putPartitionState('orders', 1, { isr: [2] });
    const asked: Array<{ names: string[]; keys?: readonly string[] }> = [];
    const describe = port.describeTopics.bind(port);
    port.describeTopics = async (names, opts) => {
      asked.push({ names, ...(opts?.configKeys ? { keys: opts.configKeys } : {}) });
      return describe(names, opts);
    };
    const declared = spec();
    const s = { ...declared, policy: { ...declared.policy, managedPrefixes: ['orders', 'pay'] } };
    const light = await collectHealthState(port, s, now, port, 'health');
    expect(asked).toEqual([{ names: ['orders', 'payments'], keys: ['min.insync.replicas'] }]);
    expect(light.cluster.topics.find((t) => t.name === 'orders')!.config).toEqual({ 'min.insync.replicas': '2' });
    for (const op of ['listAcls', 'listScramUsers', 'listQuotas'] as const) expect(port.calls).not.toHaveProperty(op);
    expect(light.cluster.notChecked.map((n) => n.resource)).toEqual(['acl', 'user', 'quota']);
    // The judgement is the same as over drift's general read.
    const full = await collectHealthState(port, s, now);
    expect(computeHealth(s, light)).toEqual(computeHealth(s, full));
    expect(computeHealth(s, light).partitions.underMinIsr.map((p) => `${p.topic}-${p.partition}`)).toEqual(['orders-1']);
  });

  it('fails with a ClusterError timeout when the cluster does not answer within the bound', async () => {
    const slow = new InMemoryClusterPort({ latencyMs: 2_000 });
    await expect(collectHealth(spec(), { bootstrapServers: ['127.0.0.1:1'] }, { timeoutMs: 100, ports: () => slow })).rejects.toMatchObject({ code: 'timeout' });
  });

  it('computes the drift of the same read', async () => {
    const read = await collectHealthRead(spec(), { bootstrapServers: ['x:9092'] }, { ports: () => new InMemoryClusterPort({ brokers: 3, topics: [{ name: 'orders', partitions: 2, replicationFactor: 3 }] }), now });
    expect(read.drift.drift.map((d) => `${d.resource}:${d.name}:${d.kind}`)).toContain('topic:payments:missing');
  });
});

describe('groupMatches', () => {
  it('matches exactly, or by prefix for a trailing - or *', () => {
    expect(groupMatches('billing', 'billing')).toBe(true);
    expect(groupMatches('billing', 'billing-2')).toBe(false);
    expect(groupMatches('audit-', 'audit-eu')).toBe(true);
    expect(groupMatches('c*', 'cx')).toBe(true);
  });
});

describe('health: the batched port members, on the twin', () => {
  it('listGroupsCommittedOffsets answers what listCommittedOffsets answers per group, [] for a group without commits', async () => {
    const port = cluster().putGroup({ groupId: 'billing', offsets: { 'orders:0': 3, 'orders:1': 4 } }).putGroup({ groupId: 'empty' });
    const batched = await port.listGroupsCommittedOffsets(['billing', 'empty', 'unknown']);
    expect(batched).toEqual({ billing: await port.listCommittedOffsets('billing'), empty: [], unknown: [] });
    expect(batched.billing).toHaveLength(2);
  });

  it('listLogOffsets answers both listOffsets kinds for the partitions asked, leaving out those without a leader', async () => {
    const port = cluster().produce('orders', 1, [NOW, NOW]);
    const partitions = await port.describePartitions(['orders', 'payments']);
    const both = await port.listLogOffsets([...partitions.filter((p) => p.topic === 'orders'), { topic: 'payments', partition: 0, leader: null }]);
    expect(both).toEqual({ earliest: await port.listOffsets(['orders'], 'earliest'), latest: await port.listOffsets(['orders'], 'latest') });
    expect(both.latest.map((o) => o.offset)).toEqual([0, 2]);
  });
});
