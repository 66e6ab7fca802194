import * as plt from '@platformatic/kafka';
import { describe, expect, it } from 'vitest';
import { brokerOf, isRetriableReadError } from '../../src/cluster/classify-error.js';
import { collectClusterState, collectLiveState } from '../../src/cluster/collect.js';
import { InMemoryClusterPort } from '../../src/cluster/in-memory-cluster.js';
import { classifyPlatformaticError } from '../../src/cluster/platformatic-mapping.js';
import { KafkaProtocolError } from '../../src/cluster/protocol-error.js';
import { computeBackoffMs, isReadOperation, type ReadRetry, withReadRetries } from '../../src/cluster/retrying-port.js';
import { computeDrift } from '../../src/drift/compute-drift.js';
import { ClusterError } from '../../src/errors.js';
import { specFromYaml } from '../helpers/spec-builder.js';

const conn = { bootstrapServers: ['127.0.0.1:9092', '127.0.0.1:9093', '127.0.0.1:9094'] };
const notLeader = () => new KafkaProtocolError('NOT_LEADER_OR_FOLLOWER', 'This server is not the leader for that topic-partition');
const unknownTopic = () => new KafkaProtocolError('UNKNOWN_TOPIC_OR_PARTITION', 'This server does not host this topic-partition');
const refused = () => new ClusterError('unreachable', 'cannot reach Kafka at 127.0.0.1:9092: Connection to 127.0.0.1:9093 failed.: connect ECONNREFUSED 127.0.0.1:9093');

/** A fake clock that sleeping advances: retries happen at once, and the test sees every backoff. */
function clock(start = 1_000_000) {
  let t = start;
  const sleeps: number[] = [];
  return {
    now: () => t,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      t += ms;
    },
    sleeps,
  };
}

const cluster = () =>
  new InMemoryClusterPort({
    brokers: 3,
    topics: [
      { name: 'orders', partitions: 3, replicationFactor: 3, config: { 'retention.ms': '86400000' } },
      { name: 'audit', partitions: 1, replicationFactor: 3 },
    ],
    acls: [{ principal: 'User:billing', host: '*', operation: 'Read', permission: 'allow', resourceType: 'topic', resourceName: 'orders', patternType: 'literal' }],
  });

describe('withReadRetries', () => {
  it('asks a read again through retriable Kafka errors, with growing capped backoff, and returns the true answer', async () => {
    const c = clock();
    const inner = cluster().failNext('listTopics', notLeader()).failNext('listTopics', unknownTopic()).failNext('listTopics', notLeader());
    const retries: ReadRetry[] = [];
    const port = withReadRetries(inner, { deadlineAt: c.now() + 30_000, now: c.now, sleep: c.sleep, random: () => 0.5, onRetry: (r) => retries.push(r) });
    expect(await port.listTopics()).toEqual(['audit', 'orders']);
    expect(inner.calls.listTopics).toBe(4);
    expect(c.sleeps).toEqual([75, 150, 300]);
    expect(retries.map((r) => [r.operation, r.attempt])).toEqual([
      ['listTopics', 1],
      ['listTopics', 2],
      ['listTopics', 3],
    ]);
  });

  it('fails at once when the cluster was never reached (a wrong address is not a restart)', async () => {
    const c = clock();
    const inner = cluster().failNext('describeCluster', refused());
    const port = withReadRetries(inner, { deadlineAt: c.now() + 30_000, now: c.now, sleep: c.sleep });
    await expect(port.describeCluster()).rejects.toMatchObject({ code: 'unreachable' });
    expect(inner.calls.describeCluster).toBe(1);
    expect(c.sleeps).toEqual([]);
  });

  it('retries a lost connection once the cluster has answered (one broker died, the others are up)', async () => {
    const c = clock();
    const inner = cluster();
    const port = withReadRetries(inner, { deadlineAt: c.now() + 30_000, now: c.now, sleep: c.sleep, random: () => 0 });
    await port.describeCluster();
    inner.failNext('listAcls', refused()).failNext('listAcls', new ClusterError('timeout', 'a request to Kafka timed out'));
    expect(await port.listAcls()).toHaveLength(1);
    expect(inner.calls.listAcls).toBe(3);
  });

  it.each([
    ['authentication', new ClusterError('auth', 'authentication failed')],
    ['authorization', new ClusterError('unauthorized', 'not authorized')],
    ['TLS', new ClusterError('tls', 'certificate unknown')],
    ['a non-retriable Kafka error', new KafkaProtocolError('INVALID_REQUEST', 'bad request')],
    ['an unknown error', new Error('boom')],
  ])('never retries %s', async (_, error) => {
    const c = clock();
    const inner = cluster();
    const port = withReadRetries(inner, { deadlineAt: c.now() + 30_000, now: c.now, sleep: c.sleep });
    await port.describeCluster();
    inner.failNext('describeTopics', error);
    await expect(port.describeTopics(['orders'])).rejects.toBe(error);
    expect(inner.calls.describeTopics).toBe(1);
  });

  it('never retries a write: a lost answer may mean it happened', async () => {
    const c = clock();
    const inner = cluster();
    const port = withReadRetries(inner, { deadlineAt: c.now() + 30_000, now: c.now, sleep: c.sleep });
    await port.describeCluster();
    for (const op of ['createTopic', 'deleteTopic', 'createPartitions', 'alterTopicConfig', 'createAcls', 'deleteAcls'] as const) inner.failNext(op, new KafkaProtocolError('NOT_CONTROLLER', 'not the controller'));
    await expect(port.createTopic({ name: 'x', partitions: 1, replicationFactor: 1 })).rejects.toMatchObject({ kafkaCode: 'NOT_CONTROLLER' });
    await expect(port.deleteTopic('orders')).rejects.toMatchObject({ kafkaCode: 'NOT_CONTROLLER' });
    await expect(port.createPartitions('orders', 6)).rejects.toMatchObject({ kafkaCode: 'NOT_CONTROLLER' });
    await expect(port.alterTopicConfig('orders', {})).rejects.toMatchObject({ kafkaCode: 'NOT_CONTROLLER' });
    await expect(port.createAcls([])).rejects.toMatchObject({ kafkaCode: 'NOT_CONTROLLER' });
    await expect(port.deleteAcls([])).rejects.toMatchObject({ kafkaCode: 'NOT_CONTROLLER' });
    expect(inner.calls).toMatchObject({ createTopic: 1, deleteTopic: 1, createPartitions: 1, alterTopicConfig: 1, createAcls: 1, deleteAcls: 1 });
    expect(c.sleeps).toEqual([]);
  });

  it('gives up at the deadline with one ClusterError naming the operation, the broker and the last error', async () => {
    const c = clock();
    const inner = cluster();
    const port = withReadRetries(inner, { deadlineAt: c.now() + 5_000, now: c.now, sleep: c.sleep, random: () => 1, bootstrapServers: conn.bootstrapServers });
    await port.describeCluster();
    for (let i = 0; i < 50; i++) inner.failNext('listQuotas', refused());
    const e = (await port.listQuotas().catch((x: unknown) => x)) as ClusterError;
    expect(e).toBeInstanceOf(ClusterError);
    expect(e.code).toBe('unreachable');
    expect(e.broker).toBe('127.0.0.1:9093');
    expect(e.message).toMatch(/^listQuotas from broker 127\.0\.0\.1:9093 still failed after \d+ attempt\(s\) in 3\.\ds: cannot reach Kafka/);
    expect(e.hint).toMatch(/--timeout/);
    // 100, 200, 400, 800, 1600 (all below the deadline), then 2000 would pass it.
    expect(c.sleeps).toEqual([100, 200, 400, 800, 1600]);
    expect(c.now()).toBeLessThan(1_000_000 + 5_000);
  });

  it('turns a Kafka error that outlasted the deadline into a timeout (not a refusal that a partial read would skip)', async () => {
    const c = clock();
    const inner = cluster();
    const port = withReadRetries(inner, { deadlineAt: c.now() + 1_000, now: c.now, sleep: c.sleep, bootstrapServers: conn.bootstrapServers });
    for (let i = 0; i < 50; i++) inner.failNext('listScramUsers', new KafkaProtocolError('COORDINATOR_LOAD_IN_PROGRESS', 'The coordinator is loading'));
    const e = (await port.listScramUsers().catch((x: unknown) => x)) as ClusterError;
    expect(e).not.toBeInstanceOf(KafkaProtocolError);
    expect(e.code).toBe('timeout');
    expect(e.message).toMatch(/^listScramUsers from the cluster at 127\.0\.0\.1:9092,127\.0\.0\.1:9093,127\.0\.0\.1:9094 still failed .*: COORDINATOR_LOAD_IN_PROGRESS: The coordinator is loading$/);
  });

  it('stops retrying once closed', async () => {
    const c = clock();
    const inner = cluster();
    let port: ReturnType<typeof withReadRetries> | undefined;
    const sleep = async (ms: number) => {
      await c.sleep(ms);
      await port!.close();
    };
    port = withReadRetries(inner, { deadlineAt: c.now() + 30_000, now: c.now, sleep });
    inner.failNext('listTopics', notLeader()).failNext('listTopics', notLeader());
    await expect(port.listTopics()).rejects.toMatchObject({ kafkaCode: 'NOT_LEADER_OR_FOLLOWER' });
    expect(inner.calls.listTopics).toBe(1);
  });

  it('reads the same state through a rolling restart as without one: no false drift', async () => {
    const spec = specFromYaml(`
version: 1
environments: { dev: { cluster: { bootstrapServers: [127.0.0.1:9092] } } }
topics:
  orders: { partitions: 3, replicationFactor: 3, retention: 1d }
  audit: { partitions: 1, replicationFactor: 3 }
`).resolve('dev');
    const calm = await collectClusterState(cluster());
    const c = clock();
    const inner = cluster();
    const port = withReadRetries(inner, { deadlineAt: c.now() + 30_000, now: c.now, sleep: c.sleep });
    await port.describeCluster();
    inner
      .failNext('describeCluster', refused())
      .failNext('listTopics', new KafkaProtocolError('LEADER_NOT_AVAILABLE', 'leader election'))
      .failNext('describeTopics', unknownTopic())
      .failNext('describeTopics', notLeader())
      .failNext('listAcls', new ClusterError('timeout', 'a request to Kafka timed out'))
      .failNext('describeTopicDefaults', new KafkaProtocolError('NOT_CONTROLLER', 'not the controller'))
      .failNext('listScramUsers', new KafkaProtocolError('COORDINATOR_NOT_AVAILABLE', 'coordinator moving'))
      .failNext('listQuotas', refused());
    const rolled = await collectClusterState(port);
    expect(rolled).toEqual(calm);
    expect(rolled.notChecked).toEqual([]);
    expect(computeDrift(spec, rolled)).toEqual(computeDrift(spec, calm));
    expect(computeDrift(spec, rolled).drift.filter((d) => d.resource === 'topic')).toEqual([]);
  });

  it('tells reads from writes by the port verbs, members added later included', () => {
    for (const r of ['describeCluster', 'listTopics', 'describeTopics', 'listAcls', 'describeTopicDefaults', 'listScramUsers', 'listQuotas', 'readRecordTimestamps', 'listGroupsCommittedOffsets']) {
      expect(isReadOperation(r)).toBe(true);
    }
    for (const w of ['createTopic', 'deleteTopic', 'createPartitions', 'alterTopicConfig', 'createAcls', 'deleteAcls', 'close', 'listener']) expect(isReadOperation(w)).toBe(false);
  });

  it('backs off exponentially, capped, with jitter in [delay/2, delay]', () => {
    expect([1, 2, 3, 4, 5, 6, 10].map((a) => computeBackoffMs(a, 1))).toEqual([100, 200, 400, 800, 1600, 2000, 2000]);
    expect([1, 2, 6].map((a) => computeBackoffMs(a, 0))).toEqual([50, 100, 1000]);
  });
});

describe('isRetriableReadError and brokerOf', () => {
  it.each([
    ['NOT_LEADER_OR_FOLLOWER', true],
    ['UNKNOWN_TOPIC_OR_PARTITION', true],
    ['COORDINATOR_LOAD_IN_PROGRESS', true],
    ['COORDINATOR_NOT_AVAILABLE', true],
    ['REQUEST_TIMED_OUT', true],
    ['TOPIC_ALREADY_EXISTS', false],
    ['INVALID_PARTITIONS', false],
  ])('Kafka error %s retriable: %s (whether or not the cluster answered before)', (code, want) => {
    expect(isRetriableReadError(new KafkaProtocolError(code, 'x'), false)).toBe(want);
    expect(isRetriableReadError(new KafkaProtocolError(code, 'x'), true)).toBe(want);
  });

  it('gives @platformatic/kafka errors the same classification: a Kafka error name, a refused broker named', () => {
    const response = new plt.ResponseError(3, 12, { '/topics/0/partitions/0': [6, null] }, {});
    const classified = classifyPlatformaticError(response, conn);
    expect(classified).toBeInstanceOf(KafkaProtocolError);
    expect((classified as KafkaProtocolError).kafkaCode).toBe('NOT_LEADER_OR_FOLLOWER');
    expect(isRetriableReadError(classified, false)).toBe(true);

    const cause = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9093'), { code: 'ECONNREFUSED' });
    const down = new plt.MultipleErrors('Cannot connect to any broker.', [new plt.NetworkError('Connection to 127.0.0.1:9093 failed.', { cause })]);
    const unreachable = classifyPlatformaticError(down, conn) as ClusterError;
    expect(unreachable.code).toBe('unreachable');
    expect(isRetriableReadError(unreachable, false)).toBe(false);
    expect(isRetriableReadError(unreachable, true)).toBe(true);
    expect(brokerOf(unreachable)).toBe('127.0.0.1:9093');
  });

  it('a raw @platformatic/kafka error that says it can be retried is retried once the cluster answered', () => {
    const raw = new plt.NetworkError('Connection closed');
    expect(isRetriableReadError(raw, false)).toBe(false);
    expect(isRetriableReadError(raw, true)).toBe(true);
    expect(isRetriableReadError(new plt.AuthenticationError('bad'), true)).toBe(false);
  });

  it('names the broker of a kafkajs error from its own field', () => {
    expect(brokerOf(new ClusterError('unreachable', 'cannot reach', undefined, 'kafka-2:9092'))).toBe('kafka-2:9092');
    expect(brokerOf(new Error('nothing here'))).toBeUndefined();
  });
});

describe('collectLiveState through a restart', () => {
  it('retries within the read bound and returns the state', async () => {
    const inner = cluster().failNext('listTopics', notLeader());
    const s = await collectLiveState(conn, { timeoutMs: 10_000, ports: () => inner });
    expect(s.topics.map((t) => t.name)).toEqual(['audit', 'orders']);
    expect(inner.calls.listTopics).toBe(2);
  });

  it('names the last retried error in the timeout message when the bound passes during a retry', async () => {
    const slow = new InMemoryClusterPort({ latencyMs: 30 });
    for (let i = 0; i < 100; i++) slow.failNext('listTopics', new KafkaProtocolError('LEADER_NOT_AVAILABLE', 'There is no leader for this topic-partition'));
    const e = (await collectLiveState(conn, { timeoutMs: 400, ports: () => slow }).catch((x: unknown) => x)) as ClusterError;
    expect(e).toBeInstanceOf(ClusterError);
    expect(e.code).toBe('timeout');
    expect(e.message).toMatch(/listTopics.*There is no leader for this topic-partition/);
  });
});
