/**
 * Measures which kafkajs 2.2.4 calls work against which real Kafka version.
 *
 *   npx tsx scripts/probe-kafkajs.ts [version ...]     (default: the 4.x default and 3.9.1)
 *
 * Starts a private single-broker dev cluster per version (plus a SASL/SCRAM one for the auth rows),
 * runs every admin/producer/consumer call kafkaform relies on, prints a call × version table and
 * stops everything it started.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import kafkajs from 'kafkajs';
import type { Admin, ITopicConfig, KafkaConfig, SASLOptions } from 'kafkajs';
import { findFreeBasePort, startDevCluster, stopDevCluster, type DevCluster } from '../src/dev/cluster/lifecycle.js';
import { createDevScramUser } from '../src/dev/cluster/scram-users.js';
import { DEFAULT_KAFKA_VERSION, KAFKA_3_VERSION } from '../src/dev/kafka-dist.js';

const {
  Kafka,
  logLevel,
  ConfigResourceTypes,
  AclResourceTypes,
  AclOperationTypes,
  AclPermissionTypes,
  ResourcePatternTypes,
} = kafkajs;

type Outcome = { ok: true; note?: string } | { ok: false; error: string };
const STEP_TIMEOUT_MS = 30_000;

const versions = process.argv.slice(2).length > 0 ? process.argv.slice(2) : [DEFAULT_KAFKA_VERSION, KAFKA_3_VERSION];
const results = new Map<string, Map<string, Outcome>>(); // call -> version -> outcome
const order: string[] = [];

function record(call: string, version: string, outcome: Outcome): void {
  if (!results.has(call)) {
    results.set(call, new Map());
    order.push(call);
  }
  results.get(call)!.set(version, outcome);
  const text = outcome.ok ? `ok${outcome.note ? ` (${outcome.note})` : ''}` : `ERROR ${outcome.error}`;
  console.error(`  [${version}] ${call}: ${text}`);
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms / 1000} s (${what})`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

function describeError(err: unknown): string {
  const e = err as { name?: string; message?: string; type?: string; errors?: unknown[] };
  let text = `${e.name ?? 'Error'}: ${e.message ?? String(err)}${e.type ? ` [${e.type}]` : ''}`;
  // KafkaJSAggregateError hides the broker's per-topic reason in .errors.
  if (Array.isArray(e.errors) && e.errors.length > 0) {
    text += ` ← ${e.errors.map((inner) => describeError(inner)).join('; ')}`;
  }
  return text.replace(/\s+/g, ' ').slice(0, 400);
}

/** The broker's own reason: the first inner error of a KafkaJSAggregateError, else the error itself. */
function innerMessage(err: unknown): string {
  const e = err as { errors?: Array<{ type?: string; message?: string }>; message?: string; type?: string };
  const inner = e.errors?.[0] ?? e;
  return `${inner.type ?? ''} ${inner.message ?? String(err)}`.trim().replace(/\s+/g, ' ');
}

async function step(version: string, call: string, fn: () => Promise<string | void>): Promise<boolean> {
  try {
    const note = await withTimeout(fn(), STEP_TIMEOUT_MS, call);
    record(call, version, note ? { ok: true, note } : { ok: true });
    return true;
  } catch (err) {
    record(call, version, { ok: false, error: describeError(err) });
    return false;
  }
}

function expect(condition: boolean, message: string): void {
  if (!condition) throw new Error(`unexpected result: ${message}`);
}

function clientConfig(cluster: DevCluster, extra: Partial<KafkaConfig> = {}): KafkaConfig {
  return {
    clientId: 'kafkaform-probe',
    brokers: cluster.bootstrapServers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 5_000,
    requestTimeout: 15_000,
    retry: { retries: 3, initialRetryTime: 200 },
    ...extra,
  };
}

async function probeVersion(version: string): Promise<void> {
  console.error(`\n== Kafka ${version}`);
  const dataDir = mkdtempSync(join(tmpdir(), `kafkaform-probe-${version}-`));
  const saslDir = mkdtempSync(join(tmpdir(), `kafkaform-probe-${version}-sasl-`));
  const progress = (m: string): void => console.error(`  ${m}`);
  try {
    const t0 = Date.now();
    const cluster = await startDevCluster({
      name: 'probe',
      dataDir,
      kafkaVersion: version,
      basePort: await findFreeBasePort(1),
      onProgress: progress,
    });
    record('(cluster start, 1 broker)', version, { ok: true, note: `${((Date.now() - t0) / 1000).toFixed(1)} s` });
    await probeCalls(version, cluster);
    await stopDevCluster({ dataDir });

    const saslCluster = await startDevCluster({
      name: 'probe-sasl',
      dataDir: saslDir,
      kafkaVersion: version,
      sasl: true,
      basePort: await findFreeBasePort(1),
      onProgress: progress,
    });
    await probeSasl(version, saslCluster);
  } catch (err) {
    record('(cluster start, 1 broker)', version, { ok: false, error: describeError(err) });
  } finally {
    await stopDevCluster({ dataDir, purge: true }).catch(() => {});
    await stopDevCluster({ dataDir: saslDir, purge: true }).catch(() => {});
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(saslDir, { recursive: true, force: true });
  }
}

async function probeCalls(version: string, cluster: DevCluster): Promise<void> {
  const kafka = new Kafka(clientConfig(cluster));
  const admin = kafka.admin();
  await admin.connect();
  try {
    await probeAdmin(version, admin);
    await probeClients(version, kafka, admin);
  } finally {
    await admin.disconnect();
  }
}

async function probeAdmin(version: string, admin: Admin): Promise<void> {
  const many = Array.from({ length: 25 }, (_, i) => `probe.many.${String(i).padStart(2, '0')}`);

  await step(version, 'describeCluster', async () => {
    const d = await admin.describeCluster();
    expect(d.brokers.length === 1, `brokers ${d.brokers.length}`);
    return `controller=${d.controller}, clusterId set=${d.clusterId.length > 0}`;
  });

  await step(version, 'createTopics', async () => {
    const topics: ITopicConfig[] = [
      {
        topic: 'probe.orders',
        numPartitions: 3,
        replicationFactor: 1,
        configEntries: [
          { name: 'retention.ms', value: '604800000' },
          { name: 'cleanup.policy', value: 'delete' },
          { name: 'segment.bytes', value: String(16 * 1024 * 1024) },
        ],
      },
      { topic: 'probe.compacted', numPartitions: 1, replicationFactor: 1, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] },
      ...many.map((topic) => ({ topic, numPartitions: 1, replicationFactor: 1 })),
    ];
    const created = await admin.createTopics({ topics, waitForLeaders: true });
    expect(created, 'createTopics returned false');
    return `${topics.length} topics`;
  });

  await step(version, 'createTopics (validateOnly, default waitForLeaders)', async () => {
    await admin.createTopics({ validateOnly: true, topics: [{ topic: 'probe.validate-only', numPartitions: 2 }] });
    const listed = await admin.listTopics();
    expect(!listed.includes('probe.validate-only'), 'validateOnly created the topic');
  });

  await step(version, 'createTopics (validateOnly, waitForLeaders:false)', async () => {
    await admin.createTopics({
      validateOnly: true,
      waitForLeaders: false,
      topics: [{ topic: 'probe.validate-only', numPartitions: 2 }],
    });
    const listed = await admin.listTopics();
    expect(!listed.includes('probe.validate-only'), 'validateOnly created the topic');
    try {
      await admin.createTopics({
        validateOnly: true,
        waitForLeaders: false,
        topics: [{ topic: 'probe.validate-bad', numPartitions: 1, configEntries: [{ name: 'cleanup.policy', value: 'bogus' }] }],
      });
      return 'valid → ok; invalid config NOT rejected';
    } catch (err) {
      return `valid → ok; invalid config rejected (${innerMessage(err)})`;
    }
  });

  await step(version, 'createTopics (existing → error)', async () => {
    try {
      await admin.createTopics({ topics: [{ topic: 'probe.orders', numPartitions: 3 }] });
    } catch (err) {
      return `rejected: ${describeError(err).slice(0, 60)}`;
    }
    return 'returned false, no error';
  });

  await step(version, 'createTopics (segment.bytes < 1 MiB)', async () => {
    try {
      await admin.createTopics({ topics: [{ topic: 'probe.small-segments', configEntries: [{ name: 'segment.bytes', value: '102400' }] }] });
      return 'accepted';
    } catch (err) {
      return `rejected: ${innerMessage(err)}`;
    }
  });

  await step(version, 'listTopics', async () => {
    const topics = await admin.listTopics();
    expect(topics.includes('probe.orders'), 'probe.orders missing');
    return `${topics.length} topics`;
  });

  await step(version, 'createPartitions', async () => {
    await admin.createPartitions({ topicPartitions: [{ topic: 'probe.orders', count: 6 }] });
    const md = await admin.fetchTopicMetadata({ topics: ['probe.orders'] });
    expect(md.topics[0]?.partitions.length === 6, `partitions ${md.topics[0]?.partitions.length}`);
  });

  await step(version, 'fetchTopicMetadata (named)', async () => {
    const md = await admin.fetchTopicMetadata({ topics: ['probe.orders', 'probe.compacted'] });
    expect(md.topics.length === 2, `topics ${md.topics.length}`);
    const p = md.topics[0]?.partitions[0];
    return `leader=${p?.leader}, replicas=[${p?.replicas.join(',')}], isr=[${p?.isr.join(',')}]`;
  });

  await step(version, 'fetchTopicMetadata (all)', async () => {
    const md = await admin.fetchTopicMetadata();
    return `${md.topics.length} topics`;
  });

  await step(version, 'describeConfigs (27 topics at once)', async () => {
    const d = await admin.describeConfigs({
      includeSynonyms: false,
      resources: ['probe.orders', 'probe.compacted', ...many].map((name) => ({ type: ConfigResourceTypes.TOPIC, name })),
    });
    expect(d.resources.length === 27, `resources ${d.resources.length}`);
    const orders = d.resources.find((r) => r.resourceName === 'probe.orders');
    const retention = orders?.configEntries.find((c) => c.configName === 'retention.ms');
    expect(retention?.configValue === '604800000', `retention.ms=${retention?.configValue}`);
    expect(retention?.isDefault === false, 'retention.ms isDefault');
    const dflt = orders?.configEntries.find((c) => c.configName === 'max.message.bytes');
    return `retention.ms source=${retention?.configSource}; default max.message.bytes isDefault=${dflt?.isDefault} source=${dflt?.configSource}`;
  });

  await step(version, 'describeConfigs (includeSynonyms)', async () => {
    const d = await admin.describeConfigs({
      includeSynonyms: true,
      resources: [{ type: ConfigResourceTypes.TOPIC, name: 'probe.orders' }],
    });
    const entry = d.resources[0]?.configEntries.find((c) => c.configName === 'retention.ms');
    return `retention.ms synonyms=${entry?.configSynonyms?.length ?? 0}`;
  });

  await step(version, 'describeConfigs (broker)', async () => {
    const d = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: ConfigResourceTypes.BROKER, name: '1' }],
    });
    const e = d.resources[0]?.configEntries.find((c) => c.configName === 'auto.create.topics.enable');
    return `${d.resources[0]?.configEntries.length} entries, auto.create.topics.enable=${e?.configValue}`;
  });

  await step(version, 'alterConfigs (topic)', async () => {
    await admin.alterConfigs({
      validateOnly: false,
      resources: [
        {
          type: ConfigResourceTypes.TOPIC,
          name: 'probe.orders',
          configEntries: [{ name: 'retention.ms', value: '86400000' }],
        },
      ],
    });
    const d = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: ConfigResourceTypes.TOPIC, name: 'probe.orders' }],
    });
    const entries = d.resources[0]?.configEntries ?? [];
    const retention = entries.find((c) => c.configName === 'retention.ms')?.configValue;
    const cleanup = entries.find((c) => c.configName === 'cleanup.policy');
    const segment = entries.find((c) => c.configName === 'segment.bytes');
    expect(retention === '86400000', `retention.ms=${retention}`);
    // Non-incremental AlterConfigs replaces the whole set: what happened to the other overrides?
    return `non-incremental: segment.bytes now ${segment?.isDefault ? 'reset to default' : `kept (${segment?.configValue})`}, cleanup.policy isDefault=${cleanup?.isDefault}`;
  });

  await step(version, 'alterConfigs (validateOnly)', async () => {
    await admin.alterConfigs({
      validateOnly: true,
      resources: [{ type: ConfigResourceTypes.TOPIC, name: 'probe.orders', configEntries: [{ name: 'retention.ms', value: '1000' }] }],
    });
  });

  const principal = 'User:probe-app';
  await step(version, 'createAcls', async () => {
    await admin.createAcls({
      acl: [
        {
          resourceType: AclResourceTypes.TOPIC,
          resourceName: 'probe.orders',
          resourcePatternType: ResourcePatternTypes.LITERAL,
          principal,
          host: '*',
          operation: AclOperationTypes.WRITE,
          permissionType: AclPermissionTypes.ALLOW,
        },
        {
          resourceType: AclResourceTypes.TOPIC,
          resourceName: 'probe.',
          resourcePatternType: ResourcePatternTypes.PREFIXED,
          principal,
          host: '*',
          operation: AclOperationTypes.READ,
          permissionType: AclPermissionTypes.ALLOW,
        },
        {
          resourceType: AclResourceTypes.GROUP,
          resourceName: 'probe-group',
          resourcePatternType: ResourcePatternTypes.LITERAL,
          principal,
          host: '*',
          operation: AclOperationTypes.READ,
          permissionType: AclPermissionTypes.ALLOW,
        },
        {
          resourceType: AclResourceTypes.CLUSTER,
          resourceName: 'kafka-cluster',
          resourcePatternType: ResourcePatternTypes.LITERAL,
          principal,
          host: '*',
          operation: AclOperationTypes.IDEMPOTENT_WRITE,
          permissionType: AclPermissionTypes.ALLOW,
        },
        {
          resourceType: AclResourceTypes.TRANSACTIONAL_ID,
          resourceName: 'probe-tx',
          resourcePatternType: ResourcePatternTypes.PREFIXED,
          principal,
          host: '*',
          operation: AclOperationTypes.WRITE,
          permissionType: AclPermissionTypes.ALLOW,
        },
        {
          resourceType: AclResourceTypes.TOPIC,
          resourceName: 'probe.compacted',
          resourcePatternType: ResourcePatternTypes.LITERAL,
          principal,
          host: '*',
          operation: AclOperationTypes.WRITE,
          permissionType: AclPermissionTypes.DENY,
        },
      ],
    });
    return '6 bindings';
  });

  await step(version, 'describeAcls (ANY filter)', async () => {
    const d = await admin.describeAcls({
      resourceType: AclResourceTypes.ANY,
      resourcePatternType: ResourcePatternTypes.ANY,
      operation: AclOperationTypes.ANY,
      permissionType: AclPermissionTypes.ANY,
    });
    const bindings = d.resources.reduce((n, r) => n + r.acls.length, 0);
    expect(bindings === 6, `bindings ${bindings}`);
    return `${d.resources.length} resources, ${bindings} bindings`;
  });

  await step(version, 'describeAcls (by principal)', async () => {
    const d = await admin.describeAcls({
      resourceType: AclResourceTypes.TOPIC,
      resourcePatternType: ResourcePatternTypes.MATCH,
      resourceName: 'probe.orders',
      principal,
      operation: AclOperationTypes.ANY,
      permissionType: AclPermissionTypes.ANY,
    });
    const bindings = d.resources.reduce((n, r) => n + r.acls.length, 0);
    return `MATCH probe.orders → ${bindings} bindings`;
  });

  await step(version, 'deleteAcls', async () => {
    const d = await admin.deleteAcls({
      filters: [
        {
          resourceType: AclResourceTypes.ANY,
          resourcePatternType: ResourcePatternTypes.ANY,
          principal,
          operation: AclOperationTypes.ANY,
          permissionType: AclPermissionTypes.ANY,
        },
      ],
    });
    const deleted = d.filterResponses.reduce((n, f) => n + f.matchingAcls.length, 0);
    expect(deleted === 6, `deleted ${deleted}`);
    const after = await admin.describeAcls({
      resourceType: AclResourceTypes.ANY,
      resourcePatternType: ResourcePatternTypes.ANY,
      operation: AclOperationTypes.ANY,
      permissionType: AclPermissionTypes.ANY,
    });
    expect(after.resources.length === 0, `left ${after.resources.length}`);
    return `${deleted} deleted`;
  });

  await step(version, 'deleteTopics', async () => {
    await admin.deleteTopics({ topics: many.slice(0, 10), timeout: 15_000 });
    const left = (await admin.listTopics()).filter((t) => many.slice(0, 10).includes(t));
    expect(left.length === 0, `still listed: ${left.join(',')}`);
    return '10 topics';
  });
}

async function probeClients(version: string, kafka: InstanceType<typeof Kafka>, admin: Admin): Promise<void> {
  const topic = 'probe.orders';
  await step(version, 'producer.send (acks=-1)', async () => {
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    try {
      const md = await producer.send({
        topic,
        acks: -1,
        messages: Array.from({ length: 30 }, (_, i) => ({ key: `k${i}`, value: `v${i}`, headers: { n: String(i) } })),
      });
      return `${md.length} partition responses`;
    } finally {
      await producer.disconnect();
    }
  });

  await step(version, 'producer (idempotent)', async () => {
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
    await producer.connect();
    try {
      await producer.send({ topic, messages: Array.from({ length: 10 }, (_, i) => ({ key: `i${i}`, value: `idem${i}` })) });
    } finally {
      await producer.disconnect();
    }
  });

  await step(version, 'producer (transactional commit)', async () => {
    const producer = kafka.producer({
      transactionalId: 'probe-tx-1',
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
    });
    await producer.connect();
    try {
      const tx = await producer.transaction();
      await tx.send({ topic, messages: Array.from({ length: 10 }, (_, i) => ({ key: `t${i}`, value: `tx${i}` })) });
      await tx.commit();
      const aborted = await producer.transaction();
      await aborted.send({ topic, messages: [{ key: 'aborted', value: 'aborted' }] });
      await aborted.abort();
      return 'commit + abort';
    } finally {
      await producer.disconnect();
    }
  });

  await step(version, 'consumer group (eachMessage, read_committed)', async () => {
    const consumer = kafka.consumer({ groupId: 'probe-group', readUncommitted: false, sessionTimeout: 10_000, heartbeatInterval: 1_000 });
    await consumer.connect();
    const seen: string[] = [];
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      const expected = 30 + 10 + 10;
      await new Promise<void>((resolveDone, rejectDone) => {
        consumer.on(consumer.events.CRASH, (e) => {
          // Retriable failures are reported as a CRASH that kafkajs restarts from.
          if (!e.payload.restart) rejectDone(new Error(`consumer crashed: ${String(e.payload.error)}`));
        });
        void consumer
          .run({
            eachMessage: async ({ message }) => {
              seen.push(message.value?.toString() ?? '');
              if (seen.length >= expected) resolveDone();
            },
          })
          .catch(rejectDone);
      });
      // Give an aborted record a chance to show up if isolation were broken.
      await new Promise((r) => setTimeout(r, 1_000));
      await step(version, 'describeGroups (active member)', async () => {
        const d = await admin.describeGroups(['probe-group']);
        const g = d.groups[0];
        const member = g?.members[0];
        const assignment = member ? kafkajs.AssignerProtocol.MemberAssignment.decode(member.memberAssignment) : null;
        const partitions = assignment ? Object.values(assignment.assignment).reduce((n, ps) => n + ps.length, 0) : 0;
        expect(g?.state === 'Stable', `state ${g?.state}`);
        return `state=${g?.state}, protocol=${g?.protocol}, members=${g?.members.length}, assigned partitions=${partitions}`;
      });
      expect(!seen.includes('aborted'), 'aborted transactional record was delivered');
      return `${seen.length} records, no aborted one`;
    } finally {
      await consumer.disconnect();
    }
  });

  await step(version, 'listGroups', async () => {
    const g = await admin.listGroups();
    expect(g.groups.some((x) => x.groupId === 'probe-group'), `groups ${JSON.stringify(g.groups)}`);
    return g.groups.map((x) => `${x.groupId}/${x.protocolType}`).join(', ');
  });

  await step(version, 'describeGroups (after disconnect)', async () => {
    const d = await admin.describeGroups(['probe-group']);
    const g = d.groups[0];
    expect(g?.groupId === 'probe-group', 'group missing');
    return `state=${g?.state}, protocol=${g?.protocol}, members=${g?.members.length}`;
  });

  await step(version, 'fetchTopicOffsets', async () => {
    const o = await admin.fetchTopicOffsets(topic);
    const total = o.reduce((n, p) => n + (Number(p.high) - Number(p.low)), 0);
    return `${o.length} partitions, ${total} offsets (incl. tx markers)`;
  });

  await step(version, 'fetchTopicOffsetsByTimestamp', async () => {
    const o = await admin.fetchTopicOffsetsByTimestamp(topic, Date.now() - 3_600_000);
    return `${o.length} partitions`;
  });

  await step(version, 'fetchOffsets (group)', async () => {
    const o = await admin.fetchOffsets({ groupId: 'probe-group', topics: [topic] });
    const committed = o[0]?.partitions.filter((p) => Number(p.offset) >= 0).length ?? 0;
    return `${committed} partitions with committed offsets`;
  });

  await step(version, 'resetOffsets (group)', async () => {
    await admin.resetOffsets({ groupId: 'probe-group', topic, earliest: true });
  });

  await step(version, 'deleteGroups', async () => {
    const d = await admin.deleteGroups(['probe-group']);
    return d.map((x) => `${x.groupId}:${x.errorCode}`).join(',');
  });
}

async function probeSasl(version: string, cluster: DevCluster): Promise<void> {
  const password = cluster.sasl!.password;
  for (const mechanism of ['scram-sha-512', 'scram-sha-256'] as const) {
    await step(version, `SASL ${mechanism} admin login`, async () => {
      const admin = new Kafka(clientConfig(cluster, { sasl: { mechanism, username: 'admin', password } as SASLOptions })).admin();
      await admin.connect();
      try {
        await admin.createTopics({ topics: [{ topic: `probe.sasl.${mechanism}` }] });
        const d = await admin.describeCluster();
        return `createTopics ok, ${d.brokers.length} broker`;
      } finally {
        await admin.disconnect();
      }
    });
  }
  await step(version, 'SASL wrong password rejected', async () => {
    const admin = new Kafka(
      clientConfig(cluster, { retry: { retries: 0 }, sasl: { mechanism: 'scram-sha-512', username: 'admin', password: 'wrong' } }),
    ).admin();
    try {
      await admin.connect();
      await admin.listTopics();
    } catch (err) {
      return `rejected (${(err as Error).name})`;
    } finally {
      await admin.disconnect().catch(() => {});
    }
    throw new Error('a wrong password was accepted');
  });

  // A non-admin SCRAM user: denied without ACLs, allowed after createAcls (what kafkaform deploys).
  await createDevScramUser(cluster, 'probe-app', 'probe-app-secret');
  // Default retries: the first group use creates __consumer_offsets, and FindCoordinator answers
  // COORDINATOR_NOT_AVAILABLE until it exists.
  const app = new Kafka(
    clientConfig(cluster, { sasl: { mechanism: 'scram-sha-512', username: 'probe-app', password: 'probe-app-secret' } }),
  );
  const topic = 'probe.sasl.scram-sha-512';
  await step(version, 'ACL: user without ACLs is denied (produce)', async () => {
    const producer = app.producer({ allowAutoTopicCreation: false, retry: { retries: 0 } });
    await producer.connect();
    try {
      await producer.send({ topic, messages: [{ value: 'x' }] });
    } catch (err) {
      return `denied: ${describeError(err).slice(0, 90)}`;
    } finally {
      await producer.disconnect();
    }
    throw new Error('a user without ACLs could produce');
  });
  await step(version, 'ACL: allowed after createAcls (produce + consume)', async () => {
    const admin = new Kafka(clientConfig(cluster, { sasl: { mechanism: 'scram-sha-512', username: 'admin', password } })).admin();
    await admin.connect();
    try {
      const binding = (resourceType: number, resourceName: string, operation: number) => ({
        resourceType,
        resourceName,
        resourcePatternType: ResourcePatternTypes.LITERAL,
        principal: 'User:probe-app',
        host: '*',
        operation,
        permissionType: AclPermissionTypes.ALLOW,
      });
      await admin.createAcls({
        acl: [
          binding(AclResourceTypes.TOPIC, topic, AclOperationTypes.WRITE),
          binding(AclResourceTypes.TOPIC, topic, AclOperationTypes.READ),
          binding(AclResourceTypes.TOPIC, topic, AclOperationTypes.DESCRIBE),
          binding(AclResourceTypes.GROUP, 'probe-app-group', AclOperationTypes.READ),
        ],
      });
    } finally {
      await admin.disconnect();
    }
    // ACLs propagate through the metadata log; give the broker a moment.
    await new Promise((r) => setTimeout(r, 1_000));
    const producer = app.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    await producer.send({ topic, acks: -1, messages: [{ value: 'acl-ok' }] });
    await producer.disconnect();
    const consumer = app.consumer({ groupId: 'probe-app-group' });
    await consumer.connect();
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      await new Promise<void>((resolveDone, rejectDone) => {
        consumer.on(consumer.events.CRASH, (e) => {
          // Retriable failures are reported as a CRASH that kafkajs restarts from.
          if (!e.payload.restart) rejectDone(new Error(`consumer crashed: ${String(e.payload.error)}`));
        });
        void consumer.run({ eachMessage: async ({ message }) => (message.value?.toString() === 'acl-ok' ? resolveDone() : undefined) }).catch(rejectDone);
      });
    } finally {
      await consumer.disconnect();
    }
    return 'produced and consumed as probe-app';
  });
}

function renderTable(): string {
  const header = ['call', ...versions];
  const rows = order.map((call) => [
    call,
    ...versions.map((v) => {
      const o = results.get(call)?.get(v);
      if (!o) return '—';
      return o.ok ? `ok${o.note ? ` — ${o.note}` : ''}` : `**FAIL** ${o.error}`;
    }),
  ]);
  const line = (cells: string[]): string => `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

for (const version of versions) {
  await probeVersion(version);
}
console.log(`\nkafkajs 2.2.4 against real Kafka (single broker, KRaft, StandardAuthorizer):\n`);
console.log(renderTable());
const failures = [...results.values()].flatMap((m) => [...m.values()]).filter((o) => !o.ok).length;
console.log(`\n${failures} failing cell(s).`);
