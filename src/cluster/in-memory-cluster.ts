/**
 * The in-memory twin of a Kafka cluster behind the ClusterPort, for unit tests of everything that
 * reads or changes a cluster (drift, import, deploy planning, the load runner). It refuses what a
 * real broker refuses, with Kafka's error names (KafkaProtocolError), so a test that passes here
 * does not rely on a leniency the real cluster lacks. Faults and latency can be injected.
 */
import type { AclBinding } from '../manifest/types.js';
import { TOPIC_CONFIG_BY_NAME } from '../manifest/topic-configs.js';
import { InternalError } from '../errors.js';
import type { ClusterInfo, ClusterPort, LiveTopic } from './port.js';
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
}

// Kafka's Topic.validate: legal characters and length.
const LEGAL_TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/;

const aclKey = (b: AclBinding) => [b.principal, b.host, b.operation, b.permission, b.resourceType, b.resourceName, b.patternType].join('|');

/** An in-memory ClusterPort with the refusals of a real broker. */
export class InMemoryClusterPort implements ClusterPort {
  readonly info: ClusterInfo;
  private readonly topics = new Map<string, Required<InMemoryTopic>>();
  private readonly acls = new Map<string, AclBinding>();
  private readonly defaults: Record<string, string>;
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
    this.latencyMs = opts.latencyMs ?? 0;
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
      if (!TOPIC_CONFIG_BY_NAME.has(name)) throw new KafkaProtocolError('INVALID_CONFIG', `Unknown topic config name: ${name}`);
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

  async describeTopics(names: string[]): Promise<LiveTopic[]> {
    await this.enter('describeTopics');
    return names.map((n) => {
      const t = this.topic(n);
      return { name: t.name, partitions: t.partitions, replicationFactor: t.replicationFactor, config: { ...t.config }, internal: t.name.startsWith('__') };
    });
  }

  async listAcls(): Promise<AclBinding[]> {
    await this.enter('listAcls');
    return [...this.acls.values()].map((a) => ({ ...a }));
  }

  async createTopic(t: { name: string; partitions: number; replicationFactor: number; config?: Record<string, string> }): Promise<void> {
    await this.enter('createTopic');
    this.addTopic(t);
  }

  async deleteTopic(name: string): Promise<void> {
    await this.enter('deleteTopic');
    this.topic(name);
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
