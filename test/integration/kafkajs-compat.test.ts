/**
 * What kafkajs 2.2.4 (its last release) can do against a real Kafka broker: each test is a row of the
 * README table "Kafka versions and the kafkajs client", checked on one SASL/SCRAM single-broker KRaft
 * cluster with ACLs on. Default Kafka version; `KAFKAFORM_KAFKA_VERSION=3.9.1` checks the 3.9 column.
 * Then the ClusterPort: both adapters (kafkajs and @platformatic/kafka, the default) must refuse what
 * the in-memory twin refuses, with the same Kafka error names, read a cluster as a principal without
 * DescribeConfigs on the cluster, and read the broker's topic-config defaults.
 *
 *   npx vitest run --project integration --tags-filter kafkajs-compat
 */
import kafkajs from 'kafkajs';
import type { Admin, Kafka as KafkaClient, KafkaConfig, SASLOptions } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectClusterState } from '../../src/cluster/collect.js';
import { InMemoryClusterPort } from '../../src/cluster/in-memory-cluster.js';
import { KafkajsClusterPort, kafkajsConfig } from '../../src/cluster/kafkajs-adapter.js';
import * as plt from '@platformatic/kafka';
import { PlatformaticClusterPort, platformaticAdminOptions } from '../../src/cluster/platformatic-adapter.js';
import type { ClusterPort, Connection } from '../../src/cluster/port.js';
import { KafkaProtocolError } from '../../src/cluster/protocol-error.js';
import { createDevScramUser } from '../../src/dev/cluster/scram-users.js';
import { startTestCluster, type TestCluster } from './helpers.js';

const { Kafka, ConfigResourceTypes, AclResourceTypes, AclOperationTypes, AclPermissionTypes, ResourcePatternTypes } = kafkajs;

let tc: TestCluster;
let kafka: KafkaClient;
let admin: Admin;

const config = (extra: Partial<KafkaConfig> = {}): KafkaConfig => ({
  ...kafkajsConfig(tc.connection, 'kafkaform-compat'),
  connectionTimeout: 5_000,
  requestTimeout: 15_000,
  retry: { retries: 3, initialRetryTime: 200 },
  ...extra,
});

const MANY = Array.from({ length: 25 }, (_, i) => `compat.many.${String(i).padStart(2, '0')}`);
const TOPIC = 'compat.orders';

/** kafkajs hides the broker's reason of a createTopics failure in KafkaJSAggregateError.errors. */
const reasonOf = (err: unknown): string => {
  const e = err as { errors?: Array<{ type?: string; message?: string }>; type?: string; message?: string };
  const inner = e.errors?.[0] ?? e;
  return `${inner.type ?? ''} ${inner.message ?? String(err)}`;
};

/**
 * A broker answers reads from its metadata cache, which follows the controller's log a moment after
 * an admin write returns: read until `ok` holds (bounded), then the test asserts on what was read.
 */
async function eventually<T>(read: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (ok(v) || Date.now() > until) return v;
    await new Promise((r) => setTimeout(r, 200));
  }
}

beforeAll(async () => {
  tc = await startTestCluster({ sasl: true });
  kafka = new Kafka(config());
  admin = kafka.admin();
  await admin.connect();
  process.stderr.write(`[kafkajs-compat] Kafka ${tc.cluster.kafkaVersion} at ${tc.cluster.bootstrapServers.join(',')}\n`);
});

afterAll(async () => {
  await admin?.disconnect();
  await tc?.stop();
});

describe('kafkajs 2.2.4 against a real broker (the README table)', { tags: ['kafkajs-compat'] }, () => {
  it('describeCluster, createTopics (27 topics with configs), listTopics, createPartitions, fetchTopicMetadata', async () => {
    const d = await admin.describeCluster();
    expect(d.brokers).toHaveLength(1);
    expect(d.clusterId.length).toBeGreaterThan(0);
    const created = await admin.createTopics({
      waitForLeaders: true,
      topics: [
        {
          topic: TOPIC,
          numPartitions: 3,
          replicationFactor: 1,
          configEntries: [
            { name: 'retention.ms', value: '604800000' },
            { name: 'cleanup.policy', value: 'delete' },
            { name: 'segment.bytes', value: String(16 * 1024 * 1024) },
          ],
        },
        { topic: 'compat.compacted', numPartitions: 1, replicationFactor: 1, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] },
        ...MANY.map((topic) => ({ topic, numPartitions: 1, replicationFactor: 1 })),
      ],
    });
    expect(created).toBe(true);
    expect(await admin.listTopics()).toEqual(expect.arrayContaining([TOPIC, 'compat.compacted', ...MANY]));
    await admin.createPartitions({ topicPartitions: [{ topic: TOPIC, count: 6 }] });
    const md = await eventually(
      () => admin.fetchTopicMetadata({ topics: [TOPIC, 'compat.compacted'] }),
      (m) => m.topics.find((t) => t.name === TOPIC)?.partitions.length === 6,
    );
    expect(md.topics.find((t) => t.name === TOPIC)!.partitions).toHaveLength(6);
    expect(md.topics.find((t) => t.name === TOPIC)!.partitions[0]!.replicas).toEqual([1]);
  });

  it('createTopics validateOnly with the default waitForLeaders fails (UNKNOWN_TOPIC_OR_PARTITION)', async () => {
    const err = await admin.createTopics({ validateOnly: true, topics: [{ topic: 'compat.validate-only', numPartitions: 2 }] }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeDefined();
    expect(`${(err as { type?: string }).type ?? ''} ${(err as Error).message}`).toMatch(/UNKNOWN_TOPIC_OR_PARTITION|does not host this topic-partition/);
    expect(await admin.listTopics()).not.toContain('compat.validate-only');
  }, 90_000);

  it('createTopics validateOnly with waitForLeaders: false validates without creating', async () => {
    await admin.createTopics({ validateOnly: true, waitForLeaders: false, topics: [{ topic: 'compat.validate-only', numPartitions: 2 }] });
    expect(await admin.listTopics()).not.toContain('compat.validate-only');
  });

  it('describeConfigs reads 27 topics in one request; configSource 1 = set on the topic', async () => {
    const d = await admin.describeConfigs({ includeSynonyms: false, resources: [TOPIC, 'compat.compacted', ...MANY].map((name) => ({ type: ConfigResourceTypes.TOPIC, name })) });
    expect(d.resources).toHaveLength(27);
    const entries = d.resources.find((r) => r.resourceName === TOPIC)!.configEntries;
    const source = (name: string) => (entries.find((e) => e.configName === name) as { configSource?: number } | undefined)?.configSource;
    expect(entries.find((e) => e.configName === 'retention.ms')!.configValue).toBe('604800000');
    expect(source('retention.ms')).toBe(1);
    expect(source('max.message.bytes')).not.toBe(1);
  });

  it('alterConfigs works, but replaces the whole set (no incremental variant)', async () => {
    await admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: TOPIC, configEntries: [{ name: 'retention.ms', value: '86400000' }] }] });
    const d = await eventually(
      () => admin.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: TOPIC }] }),
      (r) => r.resources[0]?.configEntries.find((e) => e.configName === 'retention.ms')?.configValue === '86400000',
    );
    const entries = d.resources[0]!.configEntries as Array<{ configName: string; configValue: string; configSource?: number }>;
    expect(entries.find((e) => e.configName === 'retention.ms')).toMatchObject({ configValue: '86400000', configSource: 1 });
    // segment.bytes was set at creation and not named in the alter: it is gone from the topic.
    expect(entries.find((e) => e.configName === 'segment.bytes')!.configSource).not.toBe(1);
  });

  it('createAcls / describeAcls / deleteAcls (literal, prefixed, group, cluster, transactional id, DENY)', async () => {
    const principal = 'User:compat-app';
    const b = (resourceType: number, resourceName: string, pattern: number, operation: number, permissionType: number = AclPermissionTypes.ALLOW) => ({
      resourceType,
      resourceName,
      resourcePatternType: pattern,
      principal,
      host: '*',
      operation,
      permissionType,
    });
    await admin.createAcls({
      acl: [
        b(AclResourceTypes.TOPIC, TOPIC, ResourcePatternTypes.LITERAL, AclOperationTypes.WRITE),
        b(AclResourceTypes.TOPIC, 'compat.', ResourcePatternTypes.PREFIXED, AclOperationTypes.READ),
        b(AclResourceTypes.GROUP, 'compat-group', ResourcePatternTypes.LITERAL, AclOperationTypes.READ),
        b(AclResourceTypes.CLUSTER, 'kafka-cluster', ResourcePatternTypes.LITERAL, AclOperationTypes.IDEMPOTENT_WRITE),
        b(AclResourceTypes.TRANSACTIONAL_ID, 'compat-tx', ResourcePatternTypes.PREFIXED, AclOperationTypes.WRITE),
        b(AclResourceTypes.TOPIC, 'compat.compacted', ResourcePatternTypes.LITERAL, AclOperationTypes.WRITE, AclPermissionTypes.DENY),
      ],
    });
    const any = { resourceType: AclResourceTypes.ANY, resourcePatternType: ResourcePatternTypes.ANY, operation: AclOperationTypes.ANY, permissionType: AclPermissionTypes.ANY };
    const count = (r: { resources: Array<{ acls: unknown[] }> }) => r.resources.reduce((n, x) => n + x.acls.length, 0);
    expect(count(await eventually(() => admin.describeAcls({ ...any, principal }), (r) => count(r) === 6))).toBe(6);
    const d = await admin.deleteAcls({ filters: [{ ...any, principal }] });
    expect(d.filterResponses.reduce((n, f) => n + f.matchingAcls.length, 0)).toBe(6);
    expect(count(await eventually(() => admin.describeAcls({ ...any, principal }), (r) => count(r) === 0))).toBe(0);
  });

  it('produce acks=all, idempotent, transactional commit/abort; a read_committed consumer group never sees the aborted record', async () => {
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    await producer.send({ topic: TOPIC, acks: -1, messages: Array.from({ length: 30 }, (_, i) => ({ key: `k${i}`, value: `v${i}` })) });
    await producer.disconnect();
    const idempotent = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
    await idempotent.connect();
    await idempotent.send({ topic: TOPIC, messages: Array.from({ length: 10 }, (_, i) => ({ key: `i${i}`, value: `idem${i}` })) });
    await idempotent.disconnect();
    const tx = kafka.producer({ transactionalId: 'compat-tx-1', idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
    await tx.connect();
    const committed = await tx.transaction();
    await committed.send({ topic: TOPIC, messages: Array.from({ length: 10 }, (_, i) => ({ key: `t${i}`, value: `tx${i}` })) });
    await committed.commit();
    const aborted = await tx.transaction();
    await aborted.send({ topic: TOPIC, messages: [{ key: 'aborted', value: 'aborted' }] });
    await aborted.abort();
    await tx.disconnect();

    const consumer = kafka.consumer({ groupId: 'compat-group', readUncommitted: false, sessionTimeout: 10_000, heartbeatInterval: 1_000 });
    await consumer.connect();
    const seen: string[] = [];
    try {
      await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
      await new Promise<void>((done, fail) => {
        consumer.on(consumer.events.CRASH, (e) => {
          // Retriable failures are reported as a CRASH that kafkajs restarts from.
          if (!e.payload.restart) fail(new Error(`consumer crashed: ${String(e.payload.error)}`));
        });
        void consumer
          .run({
            eachMessage: async ({ message }) => {
              seen.push(message.value?.toString() ?? '');
              if (seen.length >= 50) done();
            },
          })
          .catch(fail);
      });
      // An aborted record would arrive right behind the committed ones if isolation were broken.
      await new Promise((r) => setTimeout(r, 1_000));
      const group = (await admin.describeGroups(['compat-group'])).groups[0]!;
      expect(group.state).toBe('Stable');
      expect(group.members).toHaveLength(1);
    } finally {
      await consumer.disconnect();
    }
    expect(seen).toHaveLength(50);
    expect(seen).not.toContain('aborted');
  }, 120_000);

  it('listGroups, describeGroups, fetchTopicOffsets(ByTimestamp), fetchOffsets, resetOffsets, deleteGroups', async () => {
    expect((await admin.listGroups()).groups.map((g) => g.groupId)).toContain('compat-group');
    expect((await admin.describeGroups(['compat-group'])).groups[0]!.groupId).toBe('compat-group');
    const offsets = await admin.fetchTopicOffsets(TOPIC);
    expect(offsets).toHaveLength(6);
    expect(offsets.reduce((n, p) => n + Number(p.high) - Number(p.low), 0)).toBeGreaterThanOrEqual(51);
    expect(await admin.fetchTopicOffsetsByTimestamp(TOPIC, Date.now() - 3_600_000)).toHaveLength(6);
    const committed = await admin.fetchOffsets({ groupId: 'compat-group', topics: [TOPIC] });
    expect(committed[0]!.partitions.some((p) => Number(p.offset) > 0)).toBe(true);
    await admin.resetOffsets({ groupId: 'compat-group', topic: TOPIC, earliest: true });
    const deleted = await admin.deleteGroups(['compat-group']);
    expect(deleted.map((g) => [g.groupId, g.errorCode])).toEqual([['compat-group', 0]]);
  });

  it('deleteTopics', async () => {
    await admin.deleteTopics({ topics: MANY.slice(0, 10), timeout: 15_000 });
    const left = (await admin.listTopics()).filter((t) => MANY.slice(0, 10).includes(t));
    expect(left).toEqual([]);
  });

  it('SASL SCRAM-SHA-512/256 login, wrong password rejected, ACL denial (TOPIC_AUTHORIZATION_FAILED)', async () => {
    const password = tc.cluster.sasl!.password;
    for (const mechanism of ['scram-sha-512', 'scram-sha-256'] as const) {
      const a = new Kafka(config({ sasl: { mechanism, username: 'admin', password } as SASLOptions })).admin();
      await a.connect();
      expect((await a.describeCluster()).brokers).toHaveLength(1);
      await a.disconnect();
    }
    const wrong = new Kafka(config({ retry: { retries: 0 }, sasl: { mechanism: 'scram-sha-512', username: 'admin', password: 'wrong' } })).admin();
    await expect(wrong.connect().then(() => wrong.listTopics())).rejects.toThrow(/SASL|authentication/i);
    await wrong.disconnect().catch(() => undefined);

    await createDevScramUser(tc.cluster, 'compat-denied', 'compat-denied-secret');
    const app = new Kafka(config({ sasl: { mechanism: 'scram-sha-512', username: 'compat-denied', password: 'compat-denied-secret' } }));
    const producer = app.producer({ allowAutoTopicCreation: false, retry: { retries: 0 } });
    await producer.connect();
    try {
      const err = await producer.send({ topic: TOPIC, messages: [{ value: 'x' }] }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err, 'a user without ACLs could produce').toBeDefined();
      expect(reasonOf(err)).toMatch(/TOPIC_AUTHORIZATION_FAILED|Not authorized to access topics/);
    } finally {
      await producer.disconnect();
    }
  }, 90_000);

  it('has no incremental alter configs, client quotas or SCRAM credential calls', () => {
    const calls = admin as unknown as Record<string, unknown>;
    for (const missing of ['incrementalAlterConfigs', 'describeClientQuotas', 'alterClientQuotas', 'describeUserScramCredentials', 'alterUserScramCredentials']) {
      expect(calls[missing], missing).toBeUndefined();
    }
    expect(typeof calls.alterConfigs).toBe('function');
  });
});

describe('@platformatic/kafka has what kafkajs lacks', { tags: ['kafkajs-compat'] }, () => {
  it('incremental alter configs, client quotas and SCRAM credential calls', async () => {
    const a = new plt.Admin(platformaticAdminOptions(tc.connection));
    try {
      const calls = a as unknown as Record<string, unknown>;
      for (const present of ['incrementalAlterConfigs', 'describeClientQuotas', 'alterClientQuotas', 'listConsumerGroupOffsets', 'listOffsets']) expect(typeof calls[present], present).toBe('function');
      expect(await a.describeClientQuotas({ components: [{ entityType: 'user', matchType: plt.ClientQuotaMatchTypes.ANY }] })).toEqual([]);
      const port = new PlatformaticClusterPort(tc.connection);
      expect((await port.listScramUsers()).map((u) => u.name)).toContain('admin');
      await port.close();
    } finally {
      await a.close();
    }
  });
});

const ADAPTERS: Array<[string, (c: Connection) => ClusterPort]> = [
  ['kafkajs', (c) => new KafkajsClusterPort(c)],
  ['@platformatic/kafka', (c) => new PlatformaticClusterPort(c)],
];

let readerCreated = false;

describe.each(ADAPTERS)('the ClusterPort over %s agrees with its in-memory twin', { tags: ['kafkajs-compat'] }, (name, adapter) => {
  /** Kafka's error name a port refused with. */
  const refusal = async (p: Promise<unknown>): Promise<string> => {
    const e = await p.then(
      () => undefined,
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(KafkaProtocolError);
    return (e as KafkaProtocolError).kafkaCode;
  };

  it.each([
    ['creating a topic that exists', (p: ClusterPort) => p.createTopic({ name: 'compat.port', partitions: 2, replicationFactor: 1 }), 'TOPIC_ALREADY_EXISTS'],
    ['fewer partitions', (p: ClusterPort) => p.createPartitions('compat.port', 1), 'INVALID_PARTITIONS'],
    ['the same partition count', (p: ClusterPort) => p.createPartitions('compat.port', 2), 'INVALID_PARTITIONS'],
    ['a replication factor above the broker count', (p: ClusterPort) => p.createTopic({ name: 'compat.rf', partitions: 1, replicationFactor: 3 }), 'INVALID_REPLICATION_FACTOR'],
    ['an unknown topic config', (p: ClusterPort) => p.createTopic({ name: 'compat.bad-config', partitions: 1, replicationFactor: 1, config: { 'retention.weeks': '1' } }), 'INVALID_CONFIG'],
    ['describing a topic that does not exist', (p: ClusterPort) => p.describeTopics(['compat.nope']), 'UNKNOWN_TOPIC_OR_PARTITION'],
    ['deleting a topic that does not exist', (p: ClusterPort) => p.deleteTopic('compat.nope'), 'UNKNOWN_TOPIC_OR_PARTITION'],
  ])('both refuse %s with the same Kafka error', async (_, op, code) => {
    const real = adapter({ ...tc.connection, retries: 0 });
    const twin = new InMemoryClusterPort();
    try {
      if (!(await real.listTopics()).includes('compat.port')) await real.createTopic({ name: 'compat.port', partitions: 2, replicationFactor: 1 });
      await twin.createTopic({ name: 'compat.port', partitions: 2, replicationFactor: 1 });
      expect(await refusal(op(real))).toBe(code);
      expect(await refusal(op(twin))).toBe(code);
    } finally {
      await real.close();
    }
  });

  it('reads the whole cluster as a principal without DescribeConfigs on the cluster, leaving out only the broker defaults', async () => {
    if (!readerCreated) await createDevScramUser(tc.cluster, 'compat-reader', 'compat-reader-secret');
    readerCreated = true;
    const grant = (resourceType: number, resourceName: string, pattern: number, operation: number) => ({
      resourceType,
      resourceName,
      resourcePatternType: pattern,
      principal: 'User:compat-reader',
      host: '*',
      operation,
      permissionType: AclPermissionTypes.ALLOW,
    });
    await admin.createAcls({
      acl: [
        grant(AclResourceTypes.CLUSTER, 'kafka-cluster', ResourcePatternTypes.LITERAL, AclOperationTypes.DESCRIBE),
        grant(AclResourceTypes.TOPIC, 'compat.', ResourcePatternTypes.PREFIXED, AclOperationTypes.DESCRIBE),
        grant(AclResourceTypes.TOPIC, 'compat.', ResourcePatternTypes.PREFIXED, AclOperationTypes.DESCRIBE_CONFIGS),
      ],
    });
    const reader = { bootstrapServers: tc.connection.bootstrapServers, sasl: { mechanism: 'scram-sha512' as const, username: 'compat-reader', password: 'compat-reader-secret' } };
    const read = async () => {
      const port = adapter(reader);
      try {
        return await collectClusterState(port);
      } finally {
        await port.close();
      }
    };
    // ACLs reach the broker's authorizer a moment after createAcls returns.
    const state = await eventually(
      () => read().catch(() => undefined),
      (s) => (s?.topics.length ?? 0) > 0,
    );
    expect(state?.topics.map((t) => t.name)).toContain(TOPIC);
    expect(state?.brokerDefaults).toBeUndefined();
    // DescribeClientQuotas needs DescribeConfigs on the cluster; DescribeUserScramCredentials only Describe. kafkajs has neither.
    expect(state?.notChecked.map((n) => [n.resource, n.code])).toEqual(
      name === 'kafkajs'
        ? [
            ['user', 'client'],
            ['quota', 'client'],
          ]
        : [['quota', 'unauthorized']],
    );
  });

  it('reads the broker’s topic-config defaults (retention.ms from log.retention.hours=168)', async () => {
    const real = adapter(tc.connection);
    try {
      const d = await real.describeTopicDefaults();
      expect(d['retention.ms']).toBe('604800000');
      expect(d['cleanup.policy']).toBe('delete');
      expect(Number(d['max.message.bytes'])).toBeGreaterThan(0);
    } finally {
      await real.close();
    }
  });
});
