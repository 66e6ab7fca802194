import { describe, expect, it } from 'vitest';
import { InMemoryClusterPort } from '../../src/cluster/in-memory-cluster.js';
import { KafkaProtocolError } from '../../src/cluster/protocol-error.js';
import { computeBrokerTopicDefaults } from '../../src/cluster/topic-defaults.js';
import { ClusterError, InternalError } from '../../src/errors.js';
import type { AclBinding } from '../../src/manifest/types.js';

const acl = (over: Partial<AclBinding> = {}): AclBinding => ({
  principal: 'User:app',
  host: '*',
  operation: 'Read',
  permission: 'allow',
  resourceType: 'topic',
  resourceName: 'orders',
  patternType: 'literal',
  ...over,
});

/** Resolves to the Kafka error name the port refused with. */
async function refusal(p: Promise<unknown>): Promise<string> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(KafkaProtocolError);
  expect((e as ClusterError).code).toBe('protocol');
  return (e as KafkaProtocolError).kafkaCode;
}

describe('InMemoryClusterPort', () => {
  it('describes its brokers, with the first as controller', async () => {
    const port = new InMemoryClusterPort({ brokers: 3, clusterId: 'c1' });
    const info = await port.describeCluster();
    expect(info.clusterId).toBe('c1');
    expect(info.controller).toBe(1);
    expect(info.brokers.map((b) => b.nodeId)).toEqual([1, 2, 3]);
  });

  it('creates a topic and describes it with the configs set on it', async () => {
    const port = new InMemoryClusterPort();
    await port.createTopic({ name: 'orders', partitions: 3, replicationFactor: 1, config: { 'retention.ms': '86400000' } });
    expect(await port.listTopics()).toEqual(['orders']);
    expect(await port.describeTopics(['orders'])).toEqual([{ name: 'orders', partitions: 3, replicationFactor: 1, config: { 'retention.ms': '86400000' }, internal: false }]);
  });

  it('lists topics sorted and marks __ topics internal', async () => {
    const port = new InMemoryClusterPort({ topics: [{ name: 'b', partitions: 1, replicationFactor: 1 }, { name: '__consumer_offsets', partitions: 50, replicationFactor: 1 }, { name: 'a', partitions: 1, replicationFactor: 1 }] });
    expect(await port.listTopics()).toEqual(['__consumer_offsets', 'a', 'b']);
    expect((await port.describeTopics(['__consumer_offsets']))[0]!.internal).toBe(true);
  });

  it('refuses to create a topic that exists (TOPIC_ALREADY_EXISTS)', async () => {
    const port = new InMemoryClusterPort({ topics: [{ name: 'orders', partitions: 1, replicationFactor: 1 }] });
    expect(await refusal(port.createTopic({ name: 'orders', partitions: 1, replicationFactor: 1 }))).toBe('TOPIC_ALREADY_EXISTS');
  });

  it('refuses a replication factor above the broker count, and zero partitions', async () => {
    const port = new InMemoryClusterPort({ brokers: 1 });
    expect(await refusal(port.createTopic({ name: 'x', partitions: 1, replicationFactor: 3 }))).toBe('INVALID_REPLICATION_FACTOR');
    expect(await refusal(port.createTopic({ name: 'x', partitions: 0, replicationFactor: 1 }))).toBe('INVALID_PARTITIONS');
    expect(await port.listTopics()).toEqual([]);
  });

  it('refuses illegal topic names and unknown config names', async () => {
    const port = new InMemoryClusterPort();
    expect(await refusal(port.createTopic({ name: 'has space', partitions: 1, replicationFactor: 1 }))).toBe('INVALID_TOPIC_EXCEPTION');
    expect(await refusal(port.createTopic({ name: 'x', partitions: 1, replicationFactor: 1, config: { 'retention.weeks': '1' } }))).toBe('INVALID_CONFIG');
  });

  it('adds partitions, and refuses fewer or the same number (INVALID_PARTITIONS)', async () => {
    const port = new InMemoryClusterPort({ topics: [{ name: 'orders', partitions: 3, replicationFactor: 1 }] });
    await port.createPartitions('orders', 6);
    expect((await port.describeTopics(['orders']))[0]!.partitions).toBe(6);
    expect(await refusal(port.createPartitions('orders', 2))).toBe('INVALID_PARTITIONS');
    expect(await refusal(port.createPartitions('orders', 6))).toBe('INVALID_PARTITIONS');
  });

  it('refuses to describe, delete, alter or grow a topic that does not exist (UNKNOWN_TOPIC_OR_PARTITION)', async () => {
    const port = new InMemoryClusterPort();
    expect(await refusal(port.describeTopics(['nope']))).toBe('UNKNOWN_TOPIC_OR_PARTITION');
    expect(await refusal(port.deleteTopic('nope'))).toBe('UNKNOWN_TOPIC_OR_PARTITION');
    expect(await refusal(port.alterTopicConfig('nope', {}))).toBe('UNKNOWN_TOPIC_OR_PARTITION');
    expect(await refusal(port.createPartitions('nope', 2))).toBe('UNKNOWN_TOPIC_OR_PARTITION');
  });

  it('deletes a topic', async () => {
    const port = new InMemoryClusterPort({ topics: [{ name: 'orders', partitions: 1, replicationFactor: 1 }] });
    await port.deleteTopic('orders');
    expect(await port.listTopics()).toEqual([]);
  });

  it('replaces the whole config set on alter, as non-incremental AlterConfigs does', async () => {
    const port = new InMemoryClusterPort({ topics: [{ name: 'orders', partitions: 1, replicationFactor: 1, config: { 'retention.ms': '1000', 'cleanup.policy': 'compact' } }] });
    await port.alterTopicConfig('orders', { 'retention.ms': '2000' });
    expect((await port.describeTopics(['orders']))[0]!.config).toEqual({ 'retention.ms': '2000' });
  });

  it('creates ACLs idempotently and deletes exactly the given bindings', async () => {
    const port = new InMemoryClusterPort({ acls: [acl()] });
    await port.createAcls([acl(), acl({ operation: 'Describe' })]);
    expect((await port.listAcls()).map((a) => a.operation).sort()).toEqual(['Describe', 'Read']);
    await port.deleteAcls([acl({ operation: 'Write' }), acl()]);
    expect(await port.listAcls()).toEqual([acl({ operation: 'Describe' })]);
  });

  it('returns copies, so a caller cannot change the cluster by mutating a result', async () => {
    const port = new InMemoryClusterPort({ topics: [{ name: 'orders', partitions: 1, replicationFactor: 1, config: { 'retention.ms': '1' } }], acls: [acl()] });
    (await port.describeTopics(['orders']))[0]!.config['retention.ms'] = '2';
    (await port.listAcls())[0]!.principal = 'User:mallory';
    expect((await port.describeTopics(['orders']))[0]!.config).toEqual({ 'retention.ms': '1' });
    expect((await port.listAcls())[0]!.principal).toBe('User:app');
  });

  it('reports the topic defaults it was given', async () => {
    const port = new InMemoryClusterPort({ topicDefaults: { 'retention.ms': '86400000' } });
    expect(await port.describeTopicDefaults()).toEqual({ 'retention.ms': '86400000' });
  });

  it('fails the next call of an operation with an injected error, once', async () => {
    const down = new ClusterError('unreachable', 'cannot reach Kafka');
    const port = new InMemoryClusterPort().failNext('listTopics', down);
    await expect(port.listTopics()).rejects.toBe(down);
    expect(await port.listTopics()).toEqual([]);
    expect(port.calls.listTopics).toBe(2);
  });

  it('putTopic sets a state the broker checks would refuse (left behind by another client)', async () => {
    const port = new InMemoryClusterPort({ brokers: 1 }).putTopic({ name: 'legacy', partitions: 1, replicationFactor: 3 });
    expect((await port.describeTopics(['legacy']))[0]!.replicationFactor).toBe(3);
  });

  it('refuses every call after close (a use-after-close bug in the caller)', async () => {
    const port = new InMemoryClusterPort();
    await port.close();
    await expect(port.listTopics()).rejects.toBeInstanceOf(InternalError);
  });
});

describe('computeBrokerTopicDefaults', () => {
  it('takes log.retention.ms when the broker sets it', () => {
    expect(computeBrokerTopicDefaults({ 'log.retention.ms': '3600000', 'log.retention.hours': '168' })['retention.ms']).toBe('3600000');
  });

  it('falls back to minutes, then hours, in milliseconds (Kafka’s precedence)', () => {
    expect(computeBrokerTopicDefaults({ 'log.retention.ms': null, 'log.retention.minutes': '30', 'log.retention.hours': '168' })['retention.ms']).toBe('1800000');
    expect(computeBrokerTopicDefaults({ 'log.retention.ms': null, 'log.retention.minutes': null, 'log.retention.hours': '168' })['retention.ms']).toBe('604800000');
  });

  it('keeps -1 (forever) as -1', () => {
    expect(computeBrokerTopicDefaults({ 'log.retention.hours': '-1' })['retention.ms']).toBe('-1');
  });

  it('maps broker names to topic names and leaves out what the broker does not report', () => {
    expect(computeBrokerTopicDefaults({ 'log.cleanup.policy': 'delete', 'message.max.bytes': '1048588', 'min.insync.replicas': '2' })).toEqual({
      'cleanup.policy': 'delete',
      'max.message.bytes': '1048588',
      'min.insync.replicas': '2',
    });
  });
});
