/**
 * The real ClusterPort over kafkajs; its failures are classified in classify-error.ts.
 * Over 400 lines because it implements every ClusterPort member for one library, as its twin
 * platformatic-adapter.ts does, so the two read side by side member for member.
 */
import kafkajs from 'kafkajs';
import type { Admin, Kafka, KafkaConfig } from 'kafkajs';
import type { AclBinding } from '../manifest/types.js';
import type { ClusterPortFactory } from './collect.js';
import { aclFromWire, aclToWire } from './acl-wire.js';
import { classifyKafkajsError } from './classify-error.js';
import type { ClusterInfo, ClusterPort, Connection, ConsumerGroupListing, GroupDescription, LivePartition, LiveTopic, PartitionOffset, RecordTimestamp } from './port.js';
import { NotReadError } from './not-read.js';
import type { DescribeTopicsOptions, LiveQuota, LiveScramUser } from './port.js';
import { KafkaProtocolError } from './protocol-error.js';
import { kafkajsSasl } from './sasl.js';
import { waitUntil } from '../os/process.js';
import { ClusterError } from '../errors.js';
import { BROKER_CONFIGS_FOR_TOPIC_DEFAULTS, computeBrokerTopicDefaults } from './topic-defaults.js';

const { Kafka: KafkaClient, logLevel } = kafkajs;


/** kafkajs config for a Connection (also used by the load tester's producers and consumers). */
export function kafkajsConfig(conn: Connection, clientId = conn.clientId ?? 'kafkaform'): KafkaConfig {
  const cfg: KafkaConfig = {
    clientId,
    brokers: conn.bootstrapServers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: conn.connectTimeoutMs ?? 10_000,
    requestTimeout: conn.requestTimeoutMs ?? 30_000,
    retry: { retries: conn.retries ?? 3, initialRetryTime: 200, maxRetryTime: 2_000 },
  };
  const sasl = kafkajsSasl(conn);
  if (sasl) cfg.sasl = sasl;
  if (conn.tls?.enabled) {
    cfg.ssl = conn.tls.ca || conn.tls.cert ? { ca: conn.tls.ca, cert: conn.tls.cert, key: conn.tls.key, rejectUnauthorized: conn.tls.rejectUnauthorized } : { rejectUnauthorized: conn.tls.rejectUnauthorized };
  }
  return cfg;
}

/** The topics and partitions of a consumer-protocol member assignment; nothing for other protocols. */
function decodeAssignment(protocolType: string, buf: Buffer): Array<{ topic: string; partitions: number[] }> {
  if (protocolType !== 'consumer' || buf.length === 0) return [];
  try {
    const decoded = kafkajs.AssignerProtocol.MemberAssignment.decode(buf);
    return Object.entries(decoded?.assignment ?? {}).map(([topic, partitions]) => ({ topic, partitions: [...partitions].sort((a, b) => a - b) }));
  } catch {
    return [];
  }
}

export function createKafka(conn: Connection, clientId?: string): Kafka {
  return new KafkaClient(kafkajsConfig(conn, clientId));
}

/** The slice of kafkajs' internal Cluster the port uses for what the Admin API lacks (batched ListOffsets, Fetch without a group). */
interface KafkajsCluster {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  addMultipleTargetTopics(topics: string[]): Promise<void>;
  fetchTopicsOffset(
    topics: Array<{ topic: string; partitions: Array<{ partition: number }>; fromBeginning: boolean }>,
  ): Promise<Array<{ topic: string; partitions: Array<{ partition: number; offset: string }> }>>;
  findLeaderForPartitions(topic: string, partitions: number[]): Record<string, number[]>;
  findTopicPartitionMetadata(topic: string): Array<{ partitionId: number; leader: number }>;
  findBroker(b: { nodeId: string }): Promise<{
    fetch(r: {
      replicaId: number;
      isolationLevel: number;
      maxWaitTime: number;
      minBytes: number;
      maxBytes: number;
      topics: Array<{ topic: string; partitions: Array<{ partition: number; fetchOffset: string; maxBytes: number }> }>;
    }): Promise<{ responses: Array<{ topicName: string; partitions: Array<{ partition: number; errorCode: number; messages: Array<{ offset: string; timestamp: string }> }> }> }>;
  }>;
}

const READ_UNCOMMITTED = 0;
// Per-partition bytes of one timestamp fetch: enough for the first batch of typical records; Kafka returns at
// least one whole batch for the first partition of a request even when it is larger (KIP-74).
const TIMESTAMP_FETCH_PARTITION_BYTES = 64 * 1024;
const DESCRIBE_GROUPS_BATCH = 100;
/** OffsetFetch requests in flight (one group each): enough to hide latency, few enough not to flood a coordinator (64 was slower). */
const OFFSET_FETCH_IN_FLIGHT = 16;
/** How long a created topic may take to have a leader on every partition (a loaded 2-core CI machine). */
const LEADER_WAIT_MS = 30_000;

export class KafkajsClusterPort implements ClusterPort {
  private admin: Admin;
  private readonly kafka: Kafka;
  private connected: Promise<void> | undefined;
  private lowLevel: Promise<KafkajsCluster> | undefined;
  private info: ClusterInfo | undefined;

  constructor(private readonly conn: Connection) {
    this.kafka = createKafka(conn, conn.clientId ?? 'kafkaform-admin');
    this.admin = this.kafka.admin();
  }

  /**
   * kafkajs' own Cluster (brokers, SASL, TLS, retries as configured), reached through the client's private factory
   * because the public API offers Fetch only inside a consumer group, and reading a timestamp must not create one.
   */
  private cluster(): Promise<KafkajsCluster> {
    this.lowLevel ??= (async () => {
      const key = Object.getOwnPropertySymbols(this.kafka).find((s) => s.description === 'private:Kafka:createCluster');
      const create = key ? (this.kafka as unknown as Record<symbol, unknown>)[key] : undefined;
      if (typeof create !== 'function') throw new Error('kafkajs no longer exposes its cluster factory; pin kafkajs 2.2.x');
      const cluster = (create as (o: object) => KafkajsCluster)({ isolationLevel: READ_UNCOMMITTED, allowAutoTopicCreation: false });
      await cluster.connect();
      return cluster;
    })().catch((e: unknown) => {
      this.lowLevel = undefined;
      throw classifyKafkajsError(e, this.conn);
    });
    return this.lowLevel;
  }

  private async ready(): Promise<Admin> {
    this.connected ??= this.admin.connect().catch((e: unknown) => {
      throw classifyKafkajsError(e, this.conn);
    });
    await this.connected;
    return this.admin;
  }

  private async call<T>(f: (a: Admin) => Promise<T>): Promise<T> {
    const admin = await this.ready();
    try {
      return await f(admin);
    } catch (e) {
      throw classifyKafkajsError(e, this.conn);
    }
  }

  async describeCluster(): Promise<ClusterInfo> {
    const c = await this.call((a) => a.describeCluster());
    this.info = { clusterId: c.clusterId, controller: c.controller, brokers: c.brokers.map((b) => ({ nodeId: b.nodeId, host: b.host, port: b.port })) };
    return this.info;
  }

  /** DescribeConfigs of one broker (kafkajs sends a BROKER resource to that broker, as Kafka requires). */
  async describeTopicDefaults(): Promise<Record<string, string>> {
    const info = this.info ?? (await this.describeCluster());
    const broker = info.brokers.find((b) => b.nodeId === info.controller) ?? info.brokers[0];
    if (!broker) return {};
    const res = await this.call((a) =>
      a.describeConfigs({
        includeSynonyms: false,
        resources: [{ type: kafkajs.ConfigResourceTypes.BROKER, name: String(broker.nodeId), configNames: [...BROKER_CONFIGS_FOR_TOPIC_DEFAULTS] }],
      }),
    );
    const brokerConfig: Record<string, string | null> = {};
    for (const r of res.resources) for (const e of r.configEntries) brokerConfig[e.configName] = e.configValue;
    return computeBrokerTopicDefaults(brokerConfig);
  }

  /** DescribeConfigs of one topic with every key: each config the broker knows for topics, set or default. */
  async describeTopicConfigKeys(topic: string): Promise<string[]> {
    const res = await this.call((a) => a.describeConfigs({ includeSynonyms: false, resources: [{ type: kafkajs.ConfigResourceTypes.TOPIC, name: topic }] }));
    return [...new Set(res.resources.flatMap((r) => r.configEntries.map((e) => e.configName)))].sort();
  }

  async listTopics(): Promise<string[]> {
    return (await this.call((a) => a.listTopics())).sort();
  }

  async describeTopics(names: string[], opts: DescribeTopicsOptions = {}): Promise<LiveTopic[]> {
    if (names.length === 0) return [];
    const configNames = opts.configKeys ? { configNames: [...opts.configKeys] } : {};
    const out: LiveTopic[] = [];
    const CHUNK = 500;
    for (let i = 0; i < names.length; i += CHUNK) {
      const chunk = names.slice(i, i + CHUNK);
      const [meta, configs] = await Promise.all([
        this.call((a) => a.fetchTopicMetadata({ topics: chunk })),
        this.call((a) =>
          a.describeConfigs({ includeSynonyms: false, resources: chunk.map((name) => ({ type: kafkajs.ConfigResourceTypes.TOPIC, name, ...configNames })) }),
        ),
      ]);
      const cfgByTopic = new Map<string, Record<string, string>>();
      for (const r of configs.resources) {
        const cfg: Record<string, string> = {};
        for (const e of r.configEntries) {
          // configSource 1 = DYNAMIC_TOPIC_CONFIG: set on the topic itself. Everything else is a default.
          const source = (e as { configSource?: number }).configSource;
          const setOnTopic = source !== undefined ? source === 1 : !e.isDefault;
          if (setOnTopic && e.configValue !== null) cfg[e.configName] = e.configValue;
        }
        cfgByTopic.set(r.resourceName, cfg);
      }
      for (const t of meta.topics) {
        out.push({
          name: t.name,
          partitions: t.partitions.length,
          replicationFactor: t.partitions[0]?.replicas.length ?? 0,
          config: cfgByTopic.get(t.name) ?? {},
          internal: t.name.startsWith('__'),
        });
      }
    }
    return out;
  }

  async listAcls(): Promise<AclBinding[]> {
    const res = await this.call((a) =>
      a.describeAcls({
        resourceType: 1, // ANY
        resourcePatternType: 1, // ANY
        operation: 1, // ANY
        permissionType: 1, // ANY
      } as never),
    );
    const out: AclBinding[] = [];
    for (const r of res.resources as Array<{ resourceType: number; resourceName: string; resourcePatternType: number; acls: Array<{ principal: string; host: string; operation: number; permissionType: number }> }>) {
      for (const a of r.acls) {
        out.push(aclFromWire(r, a));
      }
    }
    return out;
  }

  /** kafkajs 2.2.4 has no DescribeUserScramCredentials. */
  async listScramUsers(): Promise<LiveScramUser[]> {
    throw new NotReadError('client', 'SCRAM users are not readable with the kafkajs client (it has no DescribeUserScramCredentials)');
  }

  /** kafkajs 2.2.4 has no DescribeClientQuotas. */
  async listQuotas(): Promise<LiveQuota[]> {
    throw new NotReadError('client', 'client quotas are not readable with the kafkajs client (it has no DescribeClientQuotas)');
  }

  async createTopic(t: { name: string; partitions: number; replicationFactor: number; config?: Record<string, string> }): Promise<void> {
    // kafkajs swallows TOPIC_ALREADY_EXISTS and resolves false; the port reports it like the broker does.
    // Its own waitForLeaders gives up after a few metadata retries with "This server does not host this
    // topic-partition" while a loaded broker is still electing; we poll for the leaders ourselves, bounded.
    const created = await this.call((a) =>
      a.createTopics({
        waitForLeaders: false,
        topics: [
          {
            topic: t.name,
            numPartitions: t.partitions,
            replicationFactor: t.replicationFactor,
            configEntries: Object.entries(t.config ?? {}).map(([name, value]) => ({ name, value })),
          },
        ],
      }),
    );
    if (!created) throw new KafkaProtocolError('TOPIC_ALREADY_EXISTS', `Topic '${t.name}' already exists.`);
    const timeoutMs = Math.max(this.conn.requestTimeoutMs ?? 0, LEADER_WAIT_MS);
    const led = await waitUntil(async () => {
      const md = await this.call((a) => a.fetchTopicMetadata({ topics: [t.name] }));
      const parts = md.topics[0]?.partitions ?? [];
      return parts.length === t.partitions && parts.every((p) => p.leader >= 0);
    }, timeoutMs);
    if (!led) throw new ClusterError('timeout', `topic ${t.name} was created but has no leader for every partition after ${timeoutMs / 1000} s`, 'check that the brokers are up and not overloaded');
  }

  async deleteTopic(name: string): Promise<void> {
    await this.call((a) => a.deleteTopics({ topics: [name] }));
  }

  async createPartitions(name: string, count: number): Promise<void> {
    await this.call((a) => a.createPartitions({ topicPartitions: [{ topic: name, count }] }));
  }

  /** Non-incremental AlterConfigs (kafkajs has no incremental variant): pass the full desired set. */
  async alterTopicConfig(name: string, config: Record<string, string>): Promise<void> {
    await this.call((a) =>
      a.alterConfigs({
        validateOnly: false,
        resources: [{ type: kafkajs.ConfigResourceTypes.TOPIC, name, configEntries: Object.entries(config).map(([n, value]) => ({ name: n, value })) }],
      }),
    );
  }

  private toFilter(b: AclBinding) {
    return aclToWire(b);
  }

  async createAcls(acls: AclBinding[]): Promise<void> {
    if (acls.length === 0) return;
    await this.call((a) => a.createAcls({ acl: acls.map((b) => this.toFilter(b)) as never }));
  }

  async deleteAcls(acls: AclBinding[]): Promise<void> {
    if (acls.length === 0) return;
    await this.call((a) => a.deleteAcls({ filters: acls.map((b) => this.toFilter(b)) as never }));
  }

  async describePartitions(names: string[]): Promise<LivePartition[]> {
    if (names.length === 0) return [];
    const out: LivePartition[] = [];
    const CHUNK = 500;
    for (let i = 0; i < names.length; i += CHUNK) {
      const meta = await this.call((a) => a.fetchTopicMetadata({ topics: names.slice(i, i + CHUNK) }));
      for (const t of meta.topics) {
        for (const p of t.partitions) {
          out.push({
            topic: t.name,
            partition: p.partitionId,
            leader: p.leader >= 0 ? p.leader : null,
            replicas: [...p.replicas],
            isr: [...p.isr],
            offlineReplicas: [...(p.offlineReplicas ?? [])],
          });
        }
      }
    }
    return out;
  }

  async listConsumerGroups(): Promise<ConsumerGroupListing[]> {
    const res = await this.call((a) => a.listGroups());
    return res.groups.map((g) => ({ groupId: g.groupId, protocolType: g.protocolType })).sort((x, y) => x.groupId.localeCompare(y.groupId));
  }

  async describeConsumerGroups(groupIds: string[]): Promise<GroupDescription[]> {
    const out: GroupDescription[] = [];
    for (let i = 0; i < groupIds.length; i += DESCRIBE_GROUPS_BATCH) {
      const res = await this.call((a) => a.describeGroups(groupIds.slice(i, i + DESCRIBE_GROUPS_BATCH)));
      for (const g of res.groups) {
        out.push({
          groupId: g.groupId,
          state: g.state,
          protocolType: g.protocolType,
          protocol: g.protocol,
          members: g.members.map((m) => ({ memberId: m.memberId, clientId: m.clientId, clientHost: m.clientHost, assignment: decodeAssignment(g.protocolType, m.memberAssignment) })),
        });
      }
    }
    return out;
  }

  async listCommittedOffsets(groupId: string): Promise<PartitionOffset[]> {
    const res = await this.call((a) => a.fetchOffsets({ groupId }));
    const out: PartitionOffset[] = [];
    for (const t of res) for (const p of t.partitions) if (Number(p.offset) >= 0) out.push({ topic: t.topic, partition: p.partition, offset: Number(p.offset) });
    return out;
  }

  /** kafkajs 2.2 sends OffsetFetch with one group per request: a bounded number in flight hides the round trips. */
  async listGroupsCommittedOffsets(groupIds: string[]): Promise<Record<string, PartitionOffset[]>> {
    const out: Record<string, PartitionOffset[]> = {};
    let next = 0;
    const worker = async () => {
      while (next < groupIds.length) {
        const g = groupIds[next++]!;
        out[g] = await this.listCommittedOffsets(g);
      }
    };
    await Promise.all(Array.from({ length: Math.min(OFFSET_FETCH_IN_FLIGHT, groupIds.length) }, worker));
    return Object.fromEntries(groupIds.map((g) => [g, out[g] ?? []]));
  }

  async listOffsets(topics: string[], spec: 'earliest' | 'latest'): Promise<PartitionOffset[]> {
    if (topics.length === 0) return [];
    const cluster = await this.cluster();
    try {
      // The cluster's own metadata (one request for every topic) says which partitions have a leader to ask.
      await cluster.addMultipleTargetTopics(topics);
      const byTopic = new Map(topics.map((t) => [t, cluster.findTopicPartitionMetadata(t).filter((p) => p.leader >= 0).map((p) => ({ partition: p.partitionId }))]));
      const res = await cluster.fetchTopicsOffset([...byTopic].map(([topic, ps]) => ({ topic, partitions: ps, fromBeginning: spec === 'earliest' })));
      return res.flatMap((t) => t.partitions.map((p) => ({ topic: t.topic, partition: p.partition, offset: Number(p.offset) })));
    } catch (e) {
      throw classifyKafkajsError(e, this.conn);
    }
  }

  /** One Fetch per partition leader (all its positions in one request), maxWaitTime 0 so an empty log answers at once. */
  /** Both listOffsets side by side, kept to the partitions asked for (kafkajs asks per topic). */
  async listLogOffsets(partitions: ReadonlyArray<Pick<LivePartition, 'topic' | 'partition' | 'leader'>>): Promise<{ earliest: PartitionOffset[]; latest: PartitionOffset[] }> {
    const led = partitions.filter((p) => p.leader !== null);
    const key = (p: { topic: string; partition: number }) => `${p.topic}\u0000${p.partition}`;
    const wanted = new Set(led.map(key));
    const topics = [...new Set(led.map((p) => p.topic))].sort();
    const [earliest, latest] = await Promise.all([this.listOffsets(topics, 'earliest'), this.listOffsets(topics, 'latest')]);
    return { earliest: earliest.filter((o) => wanted.has(key(o))), latest: latest.filter((o) => wanted.has(key(o))) };
  }

  async readRecordTimestamps(positions: PartitionOffset[]): Promise<RecordTimestamp[]> {
    if (positions.length === 0) return [];
    const cluster = await this.cluster();
    const found = new Map<string, number>();
    const key = (topic: string, partition: number) => `${topic}\u0000${partition}`;
    try {
      await cluster.addMultipleTargetTopics([...new Set(positions.map((p) => p.topic))]);
      const perLeader = new Map<string, Map<string, Array<{ partition: number; fetchOffset: string; maxBytes: number }>>>();
      for (const p of positions) {
        for (const [nodeId] of Object.entries(cluster.findLeaderForPartitions(p.topic, [p.partition]))) {
          const topics = perLeader.get(nodeId) ?? new Map();
          topics.set(p.topic, [...(topics.get(p.topic) ?? []), { partition: p.partition, fetchOffset: String(p.offset), maxBytes: TIMESTAMP_FETCH_PARTITION_BYTES }]);
          perLeader.set(nodeId, topics);
        }
      }
      const wanted = new Map(positions.map((p) => [key(p.topic, p.partition), p.offset]));
      await Promise.all(
        [...perLeader].map(async ([nodeId, topics]) => {
          const broker = await cluster.findBroker({ nodeId });
          const res = await broker.fetch({
            replicaId: -1,
            isolationLevel: READ_UNCOMMITTED,
            maxWaitTime: 0,
            minBytes: 0,
            maxBytes: 16 * 1024 * 1024,
            topics: [...topics].map(([topic, partitions]) => ({ topic, partitions })),
          });
          for (const t of res.responses) {
            for (const p of t.partitions) {
              const from = wanted.get(key(t.topicName, p.partition)) ?? 0;
              // A batch starts at its first offset, which may lie before the one asked for.
              const m = p.messages.find((r) => Number(r.offset) >= from);
              if (m) found.set(key(t.topicName, p.partition), Number(m.timestamp));
            }
          }
        }),
      );
    } catch (e) {
      throw classifyKafkajsError(e, this.conn);
    }
    return positions.map((p) => ({ ...p, timestampMs: found.get(key(p.topic, p.partition)) ?? null }));
  }

  async close(): Promise<void> {
    if (this.connected) await this.admin.disconnect().catch(() => undefined);
    if (this.lowLevel) await (await this.lowLevel.catch(() => undefined))?.disconnect().catch(() => undefined);
  }
}

/** The real cluster, over kafkajs (no SCRAM users or quotas); here, not in collect.ts, so a read over the default port never loads kafkajs. */
export const kafkajsPorts: ClusterPortFactory = (connection) => new KafkajsClusterPort(connection);
