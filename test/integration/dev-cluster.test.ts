/**
 * The local KRaft cluster against real Apache Kafka brokers (jars from Maven Central, no fakes).
 * Each test starts a private cluster on free loopback ports in a temp dir and stops it again.
 * KAFKAFORM_KAFKA_VERSION selects the Kafka version (default: the 4.x default).
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import kafkajs from 'kafkajs';
import type { KafkaConfig } from 'kafkajs';
import { afterEach, describe, expect, it } from 'vitest';
import { devClusterConnection } from '../../src/dev/cluster/admin-connection.js';
import {
  devClusterStatus,
  ensureDevCluster,
  findFreeBasePort,
  killBroker,
  startBroker,
  startDevCluster,
  stopDevCluster,
  type DevCluster,
} from '../../src/dev/cluster/lifecycle.js';
import { createDevScramUser } from '../../src/dev/cluster/scram-users.js';
import { pidRunning, waitUntil } from '../../src/os/process.js';
import { UserError } from '../../src/errors.js';
import { kafkajsConfig } from '../../src/cluster/kafkajs-adapter.js';

const { Kafka } = kafkajs;
// Each test starts JVMs (and the SASL test two more for kafka-configs): generous for a loaded 2-core machine.
const TEST_TIMEOUT = { timeout: 300_000 };
const kafkaVersion = process.env.KAFKAFORM_KAFKA_VERSION || undefined;

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function tempDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kafkaform-devcluster-'));
  cleanups.push(async () => {
    await stopDevCluster({ dataDir: dir, purge: true });
    rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}

function clientConfig(cluster: DevCluster, extra: Partial<KafkaConfig> = {}): KafkaConfig {
  return { ...kafkajsConfig(devClusterConnection(cluster), 'dev-cluster-test'), ...extra };
}

async function consumeValues(cluster: DevCluster, topic: string, count: number, config: Partial<KafkaConfig> = {}): Promise<string[]> {
  const consumer = new Kafka(clientConfig(cluster, config)).consumer({ groupId: `g-${topic}`, heartbeatInterval: 1_000 });
  await consumer.connect();
  const values: string[] = [];
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`only ${values.length}/${count} records after 60 s`)), 60_000);
      // kafkajs reports retriable failures (e.g. COORDINATOR_LOAD_IN_PROGRESS) as a CRASH it restarts from.
      consumer.on(consumer.events.CRASH, (e) => {
        if (!e.payload.restart) reject(new Error(String(e.payload.error)));
      });
      consumer
        .run({
          eachMessage: async ({ message }) => {
            // A rebalance on a loaded machine redelivers uncommitted records: count each value once.
            const value = message.value?.toString() ?? '';
            if (!values.includes(value)) values.push(value);
            if (values.length >= count) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return values;
}

describe('dev cluster (real Kafka, KRaft)', () => {
  it('starts a single broker that creates topics, accepts records and serves them to a consumer group', TEST_TIMEOUT, async () => {
    const dataDir = tempDataDir();
    const basePort = await findFreeBasePort(1);
    const cluster = await startDevCluster({ name: 'it-plain', dataDir, basePort, kafkaVersion });

    expect(cluster.bootstrapServers).toEqual([`127.0.0.1:${basePort}`]);
    expect(cluster.brokers).toHaveLength(1);
    expect(cluster.brokers[0]!.controllerPort).toBe(basePort + 100);
    expect(cluster.sasl).toBeUndefined();
    expect(pidRunning(cluster.brokers[0]!.pid)).toBe(true);

    const admin = new Kafka(clientConfig(cluster)).admin();
    await admin.connect();
    try {
      expect((await admin.describeCluster()).brokers.map((b) => b.nodeId)).toEqual([1]);
      expect(await admin.createTopics({ topics: [{ topic: 'orders', numPartitions: 3 }], waitForLeaders: true })).toBe(true);
      const md = await admin.fetchTopicMetadata({ topics: ['orders'] });
      expect(md.topics[0]!.partitions).toHaveLength(3);
    } finally {
      await admin.disconnect();
    }

    // Auto topic creation is off: producing to an unknown topic must not create it.
    const producer = new Kafka(clientConfig(cluster, { retry: { retries: 1 } })).producer({ allowAutoTopicCreation: true });
    await producer.connect();
    try {
      await producer.send({ topic: 'orders', acks: -1, messages: [1, 2, 3, 4, 5].map((i) => ({ key: `k${i}`, value: `order-${i}` })) });
      await expect(producer.send({ topic: 'not-declared', messages: [{ value: 'x' }] })).rejects.toThrow();
    } finally {
      await producer.disconnect();
    }

    const values = await consumeValues(cluster, 'orders', 5);
    expect(values.sort()).toEqual(['order-1', 'order-2', 'order-3', 'order-4', 'order-5']);

    const status = await devClusterStatus({ dataDir });
    expect(status?.running).toBe(true);
    expect(status?.brokers[0]).toMatchObject({ nodeId: 1, pid: cluster.brokers[0]!.pid, alive: true, portOpen: true });
    expect(statSync(join(dataDir, 'cluster.json')).mode & 0o777).toBe(0o600);

    // ensure returns the running cluster instead of starting another one.
    const again = await ensureDevCluster({ name: 'it-plain', dataDir });
    expect(again.brokers.map((b) => b.pid)).toEqual(cluster.brokers.map((b) => b.pid));

    const { stopped } = await stopDevCluster({ dataDir });
    expect(stopped).toEqual([cluster.brokers[0]!.pid]);
    expect(pidRunning(cluster.brokers[0]!.pid)).toBe(false);
    const after = await devClusterStatus({ dataDir });
    expect(after?.running).toBe(false);
    expect(after?.brokers[0]?.alive).toBe(false);

    // Restarting keeps the data: the topic and its records are still there.
    const restarted = await ensureDevCluster({ name: 'it-plain', dataDir });
    expect(restarted.brokers[0]!.pid).not.toBe(cluster.brokers[0]!.pid);
    const admin2 = new Kafka(clientConfig(restarted)).admin();
    await admin2.connect();
    try {
      expect(await admin2.listTopics()).toContain('orders');
      const offsets = await admin2.fetchTopicOffsets('orders');
      expect(offsets.reduce((n, p) => n + Number(p.high), 0)).toBe(5);
    } finally {
      await admin2.disconnect();
    }
  });

  it('with --sasl admits the admin over SCRAM-SHA-512, rejects a wrong password and denies users without ACLs', TEST_TIMEOUT, async () => {
    const dataDir = tempDataDir();
    const cluster = await startDevCluster({ name: 'it-sasl', dataDir, sasl: true, basePort: await findFreeBasePort(1), kafkaVersion });
    expect(cluster.sasl).toMatchObject({ mechanism: 'scram-sha512', username: 'admin' });
    expect(cluster.sasl!.password.length).toBeGreaterThanOrEqual(32);
    const status = await devClusterStatus({ dataDir });
    expect(JSON.stringify(status)).not.toContain(cluster.sasl!.password);

    const admin = new Kafka(clientConfig(cluster)).admin();
    await admin.connect();
    try {
      expect(await admin.createTopics({ topics: [{ topic: 'payments' }], waitForLeaders: true })).toBe(true);
      expect(await admin.listTopics()).toContain('payments');
    } finally {
      await admin.disconnect();
    }

    const sha256 = new Kafka(
      clientConfig(cluster, { sasl: { mechanism: 'scram-sha-256', username: 'admin', password: cluster.sasl!.password } }),
    ).admin();
    await sha256.connect();
    await expect(sha256.listTopics()).resolves.toContain('payments');
    await sha256.disconnect();

    const wrong = new Kafka(
      clientConfig(cluster, { retry: { retries: 0 }, sasl: { mechanism: 'scram-sha-512', username: 'admin', password: 'not-the-password' } }),
    ).admin();
    await expect(wrong.connect()).rejects.toThrow(/SASL|authentication/i);
    await wrong.disconnect().catch(() => {});

    // A PLAINTEXT client cannot talk to the SASL listener at all.
    const plain = new Kafka({ ...clientConfig({ ...cluster, sasl: undefined }), connectionTimeout: 3_000, requestTimeout: 5_000, retry: { retries: 0 } }).admin();
    await expect(plain.connect().then(() => plain.listTopics())).rejects.toThrow();
    await plain.disconnect().catch(() => {});

    // No allow.everyone.if.no.acl.found: an authenticated user without ACLs is denied.
    await createDevScramUser(cluster, 'alice', 'alice-secret');
    const alice = new Kafka(
      clientConfig(cluster, { retry: { retries: 0 }, sasl: { mechanism: 'scram-sha-512', username: 'alice', password: 'alice-secret' } }),
    );
    const producer = alice.producer({ allowAutoTopicCreation: false, retry: { retries: 0 } });
    await producer.connect();
    try {
      await expect(producer.send({ topic: 'payments', messages: [{ value: 'x' }] })).rejects.toThrow(/authoriz/i);
    } finally {
      await producer.disconnect();
    }
    const aliceAdmin = alice.admin();
    await aliceAdmin.connect();
    try {
      // kafkajs wraps per-topic failures in a KafkaJSAggregateError ('Topic creation errors').
      const failure = await aliceAdmin.createTopics({ topics: [{ topic: 'alice-topic' }] }).then(
        () => undefined,
        (err: { errors?: Array<{ type?: string }> }) => err,
      );
      expect(failure?.errors?.map((e) => e.type)).toEqual(['TOPIC_AUTHORIZATION_FAILED']);
    } finally {
      await aliceAdmin.disconnect();
    }

    const pid = cluster.brokers[0]!.pid;
    expect((await stopDevCluster({ dataDir })).stopped).toEqual([pid]);
    expect(pidRunning(pid)).toBe(false);
  });

  it('runs three combined nodes that survive one broker being killed and restarted', TEST_TIMEOUT, async () => {
    const dataDir = tempDataDir();
    const cluster = await startDevCluster({ name: 'it-three', dataDir, brokers: 3, basePort: await findFreeBasePort(3), kafkaVersion });
    expect(cluster.brokers.map((b) => b.nodeId)).toEqual([1, 2, 3]);
    expect(cluster.bootstrapServers).toHaveLength(3);

    const kafka = new Kafka(clientConfig(cluster));
    const admin = kafka.admin();
    await admin.connect();
    try {
      expect((await admin.describeCluster()).brokers).toHaveLength(3);
      await admin.createTopics({ topics: [{ topic: 'replicated', numPartitions: 3, replicationFactor: 3 }], waitForLeaders: true });
      const md = await admin.fetchTopicMetadata({ topics: ['replicated'] });
      expect(md.topics[0]!.partitions.every((p) => p.replicas.length === 3)).toBe(true);

      const victim = cluster.brokers[1]!;
      const oldPid = victim.pid;
      await killBroker(cluster, 2);
      expect(pidRunning(oldPid)).toBe(false);
      expect((await devClusterStatus({ dataDir }))?.brokers.find((b) => b.nodeId === 2)?.alive).toBe(false);

      // Quorum (2 of 3) survives: the controller fences the dead broker after broker.session.timeout.ms
      // (9 s) and moves its leaderships. (Producing before that fails in kafkajs: it keeps dialling the
      // dead leader until its retries run out.)
      // While leadership moves, a metadata request itself can fail (seen: "This server does not host
      // this topic-partition", from a broker whose metadata view lags the controller's); that only
      // means "not yet", so the bounded poll treats a failed request like an unmet condition.
      let leaders: number[] = [];
      const moved = await waitUntil(async () => {
        leaders = (await admin.fetchTopicMetadata({ topics: ['replicated'] })).topics[0]!.partitions.map((p) => p.leader);
        return leaders.every((l) => l !== 2 && l >= 0);
      }, 60_000, 500);
      if (!moved) throw new Error(`leaders still ${leaders.join(',')} 60 s after killing node 2`);
      const producer = kafka.producer({ allowAutoTopicCreation: false });
      await producer.connect();
      await producer.send({ topic: 'replicated', acks: -1, messages: [{ key: 'a', value: 'while-node-2-down' }] });
      await producer.disconnect();

      const restarted = await startBroker(cluster, 2);
      expect(restarted.pid).not.toBe(oldPid);
      expect(cluster.brokers[1]!.pid).toBe(restarted.pid);
      const status = await devClusterStatus({ dataDir });
      expect(status?.running).toBe(true);
    } finally {
      await admin.disconnect();
    }
    const pids = cluster.brokers.map((b) => b.pid);
    const { stopped } = await stopDevCluster({ dataDir });
    expect(stopped.sort()).toEqual([...pids].sort());
    for (const pid of pids) expect(pidRunning(pid)).toBe(false);
  });

  it('stops what it started and quotes the broker log when the cluster does not answer in time', TEST_TIMEOUT, async () => {
    const dataDir = tempDataDir();
    const attempt = startDevCluster({ name: 'it-slow', dataDir, basePort: await findFreeBasePort(1), kafkaVersion, timeoutMs: 300 });
    const err = await attempt.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).message).toMatch(/did not answer within 0 s; node 1 is not ready\. Last lines of .*kafka\.log:\n/);
    const status = await devClusterStatus({ dataDir });
    expect(status?.brokers[0]?.pid).toBeGreaterThan(0);
    expect(pidRunning(status!.brokers[0]!.pid)).toBe(false);
  });

  it('refuses to start on a busy port and names the port and --base-port', TEST_TIMEOUT, async () => {
    const dataDir = tempDataDir();
    const basePort = await findFreeBasePort(1);
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(basePort + 100, '127.0.0.1', resolve));
    try {
      const attempt = startDevCluster({ name: 'it-busy', dataDir, basePort, kafkaVersion });
      await expect(attempt).rejects.toBeInstanceOf(UserError);
      await expect(attempt).rejects.toThrow(new RegExp(`Port ${basePort + 100}`));
      await attempt.catch((err: UserError) => expect(err.hint).toContain('--base-port'));
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
    expect(await devClusterStatus({ dataDir })).toBeUndefined();
  });
});
