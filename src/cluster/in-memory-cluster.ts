/**
 * The in-memory twin of a Kafka cluster behind the ClusterPort, for unit tests of everything that
 * reads or changes a cluster (drift, import, deploy planning, the load runner). It refuses what a
 * real broker refuses, with Kafka's error names (KafkaProtocolError), so a test that passes here
 * does not rely on a leniency the real cluster lacks. Faults and latency can be injected.
 */
import type { AclBinding } from '../manifest/types.js';
import { TOPIC_CONFIG_BY_NAME } from '../manifest/topic-configs.js';
import { InternalError } from '../errors.js';
import type { ClusterInfo, ClusterPort, ConsumerGroupListing, GroupDescription, GroupMember, LivePartition, LiveTopic, PartitionOffset, RecordTimestamp } from './port.js';
import type { DescribeTopicsOptions, LiveQuota, LiveScramUser } from './port.js';
import { KafkaProtocolError } from './protocol-error.js';

export interface InMemoryTopic {
  name: string;
  partitions: number;
  replicationFactor: number;
  /** Configs set on the topic itself (what LiveTopic.config reports). */
  config?: Record<string, string>;
}

/** The ClusterPort operations, for injecting a failure into one of them. */
export type ClusterOperation = Exclude<keyof ClusterPort, 'close'>;

export interface InMemoryClusterOptions {
  clusterId?: string;
  /** Broker count (ids 1..n on 127.0.0.1:9092..) or the brokers themselves; default 1. */
  brokers?: number | ClusterInfo['brokers'];
  topics?: InMemoryTopic[];
  acls?: AclBinding[];
  /** The broker's effective values of topic configs a topic inherits when it does not set them. */
  topicDefaults?: Record<string, string>;
  /** Every call waits this long first (for timeout tests). */
  latencyMs?: number;
  /** SCRAM users (what listScramUsers reports). */
  users?: LiveScramUser[];
  /** Client quotas (what listQuotas reports). */
  quotas?: LiveQuota[];
  /** Topic-config keys the broker knows beyond Apache Kafka's catalogue (a vendor's broker): accepted and described like Kafka's own. */
  vendorConfigKeys?: string[];
}

/** A consumer group as the twin holds it: describe's answer plus its committed offsets. */
export interface InMemoryGroup {
  groupId: string;
  state?: string;
  protocolType?: string;
  members?: GroupMember[];
  /** Committed offsets, keyed `topic:partition`. */
  offsets?: Record<string, number>;
}

interface PartitionLog {
  logStart: number;
  /** Timestamp of each record from logStart on. */
  timestamps: number[];
  leader: number | null;
  replicas: number[];
  isr: number[];
  offlineReplicas: number[];
}

// Kafka's Topic.validate: legal characters and length.
const LEGAL_TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/;

const aclKey = (b: AclBinding) => [b.principal, b.host, b.operation, b.permission, b.resourceType, b.resourceName, b.patternType].join('|');

/** An in-memory ClusterPort with the refusals of a real broker. */
export class InMemoryClusterPort implements ClusterPort {
  readonly info: ClusterInfo;
  private readonly topics = new Map<string, Required<InMemoryTopic>>();
  private readonly acls = new Map<string, AclBinding>();
  private readonly logs = new Map<string, PartitionLog>();
  private readonly groups = new Map<string, Required<InMemoryGroup>>();
  private readonly defaults: Record<string, string>;
  /** Every topic-config name this broker accepts (Kafka's catalogue plus vendorConfigKeys). */
  private readonly configKeys: ReadonlySet<string>;
  /** SCRAM users and quotas: tests change them directly (what kafka-configs would do). */
  readonly users: LiveScramUser[];
  readonly quotas: LiveQuota[];
  private readonly failures = new Map<ClusterOperation, unknown[]>();
  private readonly latencyMs: number;
  private closed = false;
  /** How often each operation was called (tests assert batching and that nothing was written). */
  readonly calls: Partial<Record<ClusterOperation, number>> = {};

  constructor(opts: InMemoryClusterOptions = {}) {
    const brokers =
      typeof opts.brokers === 'object' ? opts.brokers : Array.from({ length: opts.brokers ?? 1 }, (_, i) => ({ nodeId: i + 1, host: '127.0.0.1', port: 9092 + i }));
    this.info = { clusterId: opts.clusterId ?? 'in-memory', controller: brokers[0]?.nodeId ?? null, brokers };
    this.defaults = { ...opts.topicDefaults };
    this.configKeys = new Set([...TOPIC_CONFIG_BY_NAME.keys(), ...(opts.vendorConfigKeys ?? [])]);
    this.latencyMs = opts.latencyMs ?? 0;
    this.users = structuredClone(opts.users ?? []);
    this.quotas = structuredClone(opts.quotas ?? []);
    for (const t of opts.topics ?? []) this.addTopic(t);
    for (const a of opts.acls ?? []) this.acls.set(aclKey(a), { ...a });
  }

  /** The next call of `op` fails with `error` (queued: call again for the call after). */
  failNext(op: ClusterOperation, error: unknown): this {
    this.failures.set(op, [...(this.failures.get(op) ?? []), error]);
    return this;
  }

  /** Sets a topic directly, bypassing the broker's checks (a state some other client left behind). */
  putTopic(t: InMemoryTopic): this {
    this.topics.set(t.name, { name: t.name, partitions: t.partitions, replicationFactor: t.replicationFactor, config: { ...t.config } });
    return this;
  }

  /** Appends records with the given timestamps to one partition (what a producer would leave). */
  produce(topic: string, partition: number, timestampsMs: number[]): this {
    this.log(topic, partition).timestamps.push(...timestampsMs);
    return this;
  }

  /** Moves a partition's log start (retention deleted the records before it). */
  truncateLog(topic: string, partition: number, logStart: number): this {
    const log = this.log(topic, partition);
    const end = log.logStart + log.timestamps.length;
    log.timestamps = log.timestamps.slice(Math.max(0, logStart - log.logStart));
    log.logStart = Math.min(logStart, end);
    return this;
  }

  /** Sets a partition's leader, ISR or offline replicas (a broken partition). */
  putPartitionState(topic: string, partition: number, state: Partial<Pick<PartitionLog, 'leader' | 'replicas' | 'isr' | 'offlineReplicas'>>): this {
    Object.assign(this.log(topic, partition), state);
    return this;
  }

  /** Sets a consumer group (its members and committed offsets), as running consumers would. */
  putGroup(g: InMemoryGroup): this {
    this.groups.set(g.groupId, { groupId: g.groupId, state: g.state ?? 'Stable', protocolType: g.protocolType ?? 'consumer', members: g.members ?? [], offsets: { ...g.offsets } });
    return this;
  }

  private log(topic: string, partition: number): PartitionLog {
    const t = this.topic(topic);
    if (partition < 0 || partition >= t.partitions) throw new KafkaProtocolError('UNKNOWN_TOPIC_OR_PARTITION', `This server does not host this topic-partition (${topic}-${partition}).`);
    const key = `${topic}:${partition}`;
    let log = this.logs.get(key);
    if (!log) {
      const ids = this.info.brokers.map((b) => b.nodeId);
      const replicas = Array.from({ length: Math.min(t.replicationFactor, ids.length) }, (_, i) => ids[(partition + i) % ids.length] as number);
      log = { logStart: 0, timestamps: [], leader: replicas[0] ?? null, replicas, isr: [...replicas], offlineReplicas: [] };
      this.logs.set(key, log);
    }
    return log;
  }

  private addTopic(t: InMemoryTopic): void {
    if (!LEGAL_TOPIC_NAME.test(t.name) || t.name === '.' || t.name === '..') {
      throw new KafkaProtocolError('INVALID_TOPIC_EXCEPTION', `Topic name "${t.name}" is illegal: it must be 1-249 characters of [a-zA-Z0-9._-], not '.' or '..'`);
    }
    if (this.topics.has(t.name)) throw new KafkaProtocolError('TOPIC_ALREADY_EXISTS', `Topic '${t.name}' already exists.`);
    if (!Number.isInteger(t.partitions) || t.partitions < 1) throw new KafkaProtocolError('INVALID_PARTITIONS', 'Number of partitions must be larger than 0.');
    if (!Number.isInteger(t.replicationFactor) || t.replicationFactor < 1) throw new KafkaProtocolError('INVALID_REPLICATION_FACTOR', 'Replication factor must be larger than 0.');
    if (t.replicationFactor > this.info.brokers.length) {
      throw new KafkaProtocolError('INVALID_REPLICATION_FACTOR', `Replication factor: ${t.replicationFactor} larger than available brokers: ${this.info.brokers.length}.`);
    }
    this.checkConfig(t.config ?? {});
    this.putTopic(t);
  }

  private checkConfig(config: Record<string, string>): void {
    for (const name of Object.keys(config)) {
      if (!this.configKeys.has(name)) throw new KafkaProtocolError('INVALID_CONFIG', `Unknown topic config name: ${name}`);
    }
  }

  private topic(name: string): Required<InMemoryTopic> {
    const t = this.topics.get(name);
    if (!t) throw new KafkaProtocolError('UNKNOWN_TOPIC_OR_PARTITION', `This server does not host this topic-partition (${name}).`);
    return t;
  }

  /** Every operation goes through here: closed check, latency, injected failure, call count. */
  private async enter(op: ClusterOperation): Promise<void> {
    if (this.closed) throw new InternalError(`InMemoryClusterPort.${op} called after close()`);
    this.calls[op] = (this.calls[op] ?? 0) + 1;
    if (this.latencyMs > 0) await new Promise((r) => setTimeout(r, this.latencyMs));
    const queued = this.failures.get(op);
    if (queued && queued.length > 0) throw queued.shift();
  }

  async describeCluster(): Promise<ClusterInfo> {
    await this.enter('describeCluster');
    return structuredClone(this.info);
  }

  async listTopics(): Promise<string[]> {
    await this.enter('listTopics');
    return [...this.topics.keys()].sort();
  }

  async describeTopics(names: string[], opts: DescribeTopicsOptions = {}): Promise<LiveTopic[]> {
    await this.enter('describeTopics');
    const keys = opts.configKeys ? new Set(opts.configKeys) : undefined;
    return names.map((n) => {
      const t = this.topic(n);
      const config = keys ? Object.fromEntries(Object.entries(t.config).filter(([k]) => keys.has(k))) : { ...t.config };
      return { name: t.name, partitions: t.partitions, replicationFactor: t.replicationFactor, config, internal: t.name.startsWith('__') };
    });
  }

  async describePartitions(names: string[]): Promise<LivePartition[]> {
    await this.enter('describePartitions');
    return names.flatMap((n) =>
      Array.from({ length: this.topic(n).partitions }, (_, p) => {
        const l = this.log(n, p);
        return { topic: n, partition: p, leader: l.leader, replicas: [...l.replicas], isr: [...l.isr], offlineReplicas: [...l.offlineReplicas] };
      }),
    );
  }

  async listConsumerGroups(): Promise<ConsumerGroupListing[]> {
    await this.enter('listConsumerGroups');
    return [...this.groups.values()].map((g) => ({ groupId: g.groupId, state: g.state, protocolType: g.protocolType })).sort((a, b) => a.groupId.localeCompare(b.groupId));
  }

  async describeConsumerGroups(groupIds: string[]): Promise<GroupDescription[]> {
    await this.enter('describeConsumerGroups');
    return groupIds.map((id) => {
      const g = this.groups.get(id);
      return g ? { groupId: id, state: g.state, protocolType: g.protocolType, protocol: g.members.length > 0 ? 'range' : '', members: structuredClone(g.members) } : { groupId: id, state: 'Dead', protocolType: '', protocol: '', members: [] };
    });
  }

  async listCommittedOffsets(groupId: string): Promise<PartitionOffset[]> {
    await this.enter('listCommittedOffsets');
    return this.committedOffsetsOf(groupId);
  }

  private committedOffsetsOf(groupId: string): PartitionOffset[] {
    return Object.entries(this.groups.get(groupId)?.offsets ?? {}).map(([k, offset]) => {
      const i = k.lastIndexOf(':');
      return { topic: k.slice(0, i), partition: Number(k.slice(i + 1)), offset };
    });
  }

  async listGroupsCommittedOffsets(groupIds: string[]): Promise<Record<string, PartitionOffset[]>> {
    await this.enter('listGroupsCommittedOffsets');
    return Object.fromEntries(groupIds.map((g) => [g, this.committedOffsetsOf(g)]));
  }

  async listOffsets(topics: string[], spec: 'earliest' | 'latest'): Promise<PartitionOffset[]> {
    await this.enter('listOffsets');
    return topics.flatMap((n) =>
      Array.from({ length: this.topic(n).partitions }, (_, p) => {
        const l = this.log(n, p);
        return { topic: n, partition: p, offset: spec === 'earliest' ? l.logStart : l.logStart + l.timestamps.length };
      }),
    );
  }

  async listLogOffsets(partitions: ReadonlyArray<Pick<LivePartition, 'topic' | 'partition' | 'leader'>>): Promise<{ earliest: PartitionOffset[]; latest: PartitionOffset[] }> {
    await this.enter('listLogOffsets');
    const led = partitions.filter((p) => p.leader !== null);
    const at = (p: { topic: string; partition: number }, end: boolean) => {
      const l = this.log(p.topic, p.partition);
      return { topic: p.topic, partition: p.partition, offset: end ? l.logStart + l.timestamps.length : l.logStart };
    };
    return { earliest: led.map((p) => at(p, false)), latest: led.map((p) => at(p, true)) };
  }

  async readRecordTimestamps(positions: PartitionOffset[]): Promise<RecordTimestamp[]> {
    await this.enter('readRecordTimestamps');
    return positions.map((p) => {
      const l = this.log(p.topic, p.partition);
      return { ...p, timestampMs: l.timestamps[Math.max(p.offset, l.logStart) - l.logStart] ?? null };
    });
  }

  async listAcls(): Promise<AclBinding[]> {
    await this.enter('listAcls');
    return [...this.acls.values()].map((a) => ({ ...a }));
  }

  async listScramUsers(): Promise<LiveScramUser[]> {
    await this.enter('listScramUsers');
    return structuredClone(this.users);
  }

  async listQuotas(): Promise<LiveQuota[]> {
    await this.enter('listQuotas');
    return structuredClone(this.quotas);
  }

  async createTopic(t: { name: string; partitions: number; replicationFactor: number; config?: Record<string, string> }): Promise<void> {
    await this.enter('createTopic');
    this.addTopic(t);
  }

  async deleteTopic(name: string): Promise<void> {
    await this.enter('deleteTopic');
    const t = this.topic(name);
    for (let p = 0; p < t.partitions; p++) this.logs.delete(`${name}:${p}`);
    this.topics.delete(name);
  }

  async createPartitions(name: string, count: number): Promise<void> {
    await this.enter('createPartitions');
    const t = this.topic(name);
    if (count === t.partitions) throw new KafkaProtocolError('INVALID_PARTITIONS', `Topic already has ${t.partitions} partitions.`);
    if (count < t.partitions) throw new KafkaProtocolError('INVALID_PARTITIONS', `Topic currently has ${t.partitions} partitions, which is higher than the requested ${count}.`);
    t.partitions = count;
  }

  /** Non-incremental, as the kafkajs adapter's AlterConfigs: the given set replaces the topic's configs. */
  async alterTopicConfig(name: string, config: Record<string, string>): Promise<void> {
    await this.enter('alterTopicConfig');
    const t = this.topic(name);
    this.checkConfig(config);
    t.config = { ...config };
  }

  async describeTopicDefaults(): Promise<Record<string, string>> {
    await this.enter('describeTopicDefaults');
    return { ...this.defaults };
  }

  async describeTopicConfigKeys(topic: string): Promise<string[]> {
    await this.enter('describeTopicConfigKeys');
    this.topic(topic);
    return [...this.configKeys].sort();
  }

  /** Creating a binding that exists is a no-op, as on a broker. */
  async createAcls(acls: AclBinding[]): Promise<void> {
    await this.enter('createAcls');
    for (const a of acls) this.acls.set(aclKey(a), { ...a });
  }

  /** Deletes exactly the given bindings; one that does not exist matches nothing (no error, as on a broker). */
  async deleteAcls(acls: AclBinding[]): Promise<void> {
    await this.enter('deleteAcls');
    for (const a of acls) this.acls.delete(aclKey(a));
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}
