import { describe, expect, it } from 'vitest';
import { collectClusterState, collectLiveState } from '../../src/cluster/collect.js';
import { InMemoryClusterPort } from '../../src/cluster/in-memory-cluster.js';
import { NotReadError } from '../../src/cluster/not-read.js';
import { KafkaProtocolError } from '../../src/cluster/protocol-error.js';
import { ClusterError } from '../../src/errors.js';

const conn = { bootstrapServers: ['127.0.0.1:9092'] };

const cluster = () =>
  new InMemoryClusterPort({
    topics: [
      { name: 'orders', partitions: 3, replicationFactor: 1, config: { 'retention.ms': '1000' } },
      { name: '__consumer_offsets', partitions: 50, replicationFactor: 1 },
      { name: 'audit', partitions: 1, replicationFactor: 1 },
    ],
    acls: [{ principal: 'User:a', host: '*', operation: 'Read', permission: 'allow', resourceType: 'topic', resourceName: 'orders', patternType: 'literal' }],
    topicDefaults: { 'retention.ms': '604800000' },
  });

describe('collectClusterState', () => {
  it('reads topics (sorted, without __ internals), ACLs and the broker defaults in one describe per kind', async () => {
    const port = cluster();
    const s = await collectClusterState(port);
    expect(s.topics.map((t) => t.name)).toEqual(['audit', 'orders']);
    expect(s.acls).toHaveLength(1);
    expect(s.brokerDefaults).toEqual({ 'retention.ms': '604800000' });
    expect(port.calls).toEqual({ describeCluster: 1, listTopics: 1, describeTopics: 1, listAcls: 1, describeTopicDefaults: 1, listScramUsers: 1, listQuotas: 1 });
  });

  it('reads SCRAM users (sorted) and quotas, with nothing left unread', async () => {
    const port = new InMemoryClusterPort({
      users: [
        { name: 'zed', credentials: [{ mechanism: 'SCRAM-SHA-256', iterations: 8192 }] },
        { name: 'alice', credentials: [{ mechanism: 'SCRAM-SHA-512', iterations: 4096 }] },
      ],
      quotas: [{ user: 'alice', producerByteRate: 1024 }],
    });
    const s = await collectClusterState(port);
    expect(s.users?.map((u) => u.name)).toEqual(['alice', 'zed']);
    expect(s.quotas).toEqual([{ user: 'alice', producerByteRate: 1024 }]);
    expect(s.notChecked).toEqual([]);
  });

  it.each([
    ['the principal is refused', new ClusterError('unauthorized', 'not authorized: CLUSTER_AUTHORIZATION_FAILED'), 'unauthorized', /SCRAM users could not be read: the broker refused \(DescribeUserScramCredentials needs Describe on the cluster\)/],
    ['the broker lacks the request', new NotReadError('unsupported', 'SCRAM users could not be read: the broker does not support DescribeUserScramCredentials'), 'unsupported', /does not support/],
    ['the client cannot ask', new NotReadError('client', 'SCRAM users are not readable with the kafkajs client'), 'client', /kafkajs/],
  ])('leaves users out, named in notChecked with a code, when %s', async (_, error, code, reason) => {
    const s = await collectClusterState(cluster().failNext('listScramUsers', error));
    expect(s.users).toBeUndefined();
    expect(s.quotas).toEqual([]);
    expect(s.notChecked).toEqual([{ resource: 'user', code, reason: expect.stringMatching(reason) }]);
  });

  it('names the topics whose configs could not be read', async () => {
    const port = cluster();
    const describe = port.describeTopics.bind(port);
    port.describeTopics = async (names) => (await describe(names)).map((t) => (t.name === 'orders' ? { ...t, config: {}, configNotRead: 'unauthorized' as const } : t));
    const s = await collectClusterState(port);
    expect(s.notChecked).toEqual([{ resource: 'topic-config', code: 'unauthorized', reason: expect.stringMatching(/^the configs of 1 topic\(s\) could not be read \(orders\): DescribeConfigs was refused/) }]);
  });

  it('fails when the cluster drops while reading the users', async () => {
    const down = new ClusterError('unreachable', 'cannot reach Kafka');
    await expect(collectClusterState(cluster().failNext('listScramUsers', down))).rejects.toBe(down);
  });

  it('includes internal topics when asked', async () => {
    expect((await collectClusterState(cluster(), { includeInternal: true })).topics.map((t) => t.name)).toContain('__consumer_offsets');
  });

  it.each([
    ['not authorized', new ClusterError('unauthorized', 'not authorized: Cluster authorization failed')],
    ['refused by the broker', new KafkaProtocolError('INVALID_REQUEST', 'Unexpected broker id')],
  ])('leaves brokerDefaults out when the broker configs are %s', async (_, error) => {
    const s = await collectClusterState(cluster().failNext('describeTopicDefaults', error));
    expect(s.brokerDefaults).toBeUndefined();
    expect(s.topics).toHaveLength(2);
  });

  it('fails when the cluster cannot be reached for the defaults either', async () => {
    const down = new ClusterError('unreachable', 'cannot reach Kafka');
    await expect(collectClusterState(cluster().failNext('describeTopicDefaults', down))).rejects.toBe(down);
  });
});

describe('collectLiveState', () => {
  it('reads through the port the factory builds, with the timeouts bounded, and closes it', async () => {
    const port = cluster();
    let given: unknown;
    const s = await collectLiveState({ ...conn, requestTimeoutMs: 60_000 }, { timeoutMs: 5_000, ports: (c) => ((given = c), port) });
    expect(s.topics).toHaveLength(2);
    expect(given).toMatchObject({ connectTimeoutMs: 5_000, requestTimeoutMs: 5_000 });
    await expect(port.listTopics()).rejects.toThrow(/after close/);
  });

  it('fails with a ClusterError (timeout) naming the servers when the read takes too long', async () => {
    const slow = new InMemoryClusterPort({ latencyMs: 200 });
    const e = await collectLiveState(conn, { timeoutMs: 50, ports: () => slow }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ClusterError);
    expect((e as ClusterError).code).toBe('timeout');
    expect((e as ClusterError).message).toBe('cannot read the cluster at 127.0.0.1:9092 within 0s');
  });
});
