/**
 * The ClusterPort: everything kafkaform reads from or does to a live cluster goes through it.
 * The real adapters are platformatic-adapter.ts (the default) and kafkajs-adapter.ts; unit tests use the in-memory twin
 * (in-memory-cluster.ts). Broker refusals surface as KafkaProtocolError, connection failures as
 * ClusterError, from every implementation alike.
 */
import type { AclBinding } from '../manifest/types.js';

export interface Connection {
  bootstrapServers: string[];
  sasl?: { mechanism: 'plain' | 'scram-sha256' | 'scram-sha512'; username: string; password: string };
  tls?: { enabled: boolean; ca?: string; cert?: string; key?: string; rejectUnauthorized: boolean };
  clientId?: string;
  /** Bounded wait for the first connection. */
  connectTimeoutMs?: number;
  requestTimeoutMs?: number;
  /** Client retries per request (default 3); 0 for readiness probes that poll themselves. */
  retries?: number;
}

export interface LiveTopic {
  name: string;
  partitions: number;
  replicationFactor: number;
  /** Only configs set on the topic itself (dynamic topic configs), never broker or static defaults. */
  config: Record<string, string>;
  internal: boolean;
  /** Set when the topic's configs could not be read (DescribeConfigs refused): `config` is then empty, not known to be empty. */
  configNotRead?: NotReadCode;
}

/** One partition's replica placement (describePartitions). `leader` is null when the partition has none (offline). */
export interface LivePartition {
  topic: string;
  partition: number;
  leader: number | null;
  replicas: number[];
  isr: number[];
  offlineReplicas: number[];
}

export interface ConsumerGroupListing {
  groupId: string;
  /** Empty, Stable, PreparingRebalance, CompletingRebalance, Dead (when the listing carries it). */
  state?: string;
  /** 'consumer' for Kafka consumers; '' for groups that only commit offsets. */
  protocolType?: string;
}

export interface GroupMember {
  memberId: string;
  clientId: string;
  clientHost: string;
  /** Decoded consumer-protocol assignment; empty for other protocols or before a sync. */
  assignment: Array<{ topic: string; partitions: number[] }>;
}

export interface GroupDescription {
  groupId: string;
  state: string;
  protocolType: string;
  protocol: string;
  members: GroupMember[];
}

/** An offset of one partition (log start, log end, or a committed position). */
export interface PartitionOffset {
  topic: string;
  partition: number;
  offset: number;
}

/** The timestamp of the first record at or after `offset`; null when none is readable there (empty, compacted away). */
export interface RecordTimestamp {
  topic: string;
  partition: number;
  offset: number;
  timestampMs: number | null;
}

export type ScramMechanism = 'SCRAM-SHA-256' | 'SCRAM-SHA-512';

/** A SCRAM user as Kafka describes it: its credentials' mechanisms and iterations (Kafka never returns a password). */
export interface LiveScramUser {
  name: string;
  credentials: Array<{ mechanism: ScramMechanism; iterations: number }>;
}

/**
 * One client-quota entity and its limits. `user` / `clientId` name the entity ('<default>' is Kafka's
 * default entity); both are set for a user + client-id entity. Limits Kafka reports that kafkaform
 * does not model (e.g. controller_mutation_rate) are left out.
 */
export interface LiveQuota {
  user?: string;
  clientId?: string;
  producerByteRate?: number;
  consumerByteRate?: number;
  requestPercentage?: number;
}

/** `user=alice,client-id=app`: the stable key (and readable name) of a quota's entity. */
export function quotaEntityKey(q: Pick<LiveQuota, 'user' | 'clientId'>): string {
  return [q.user !== undefined ? `user=${q.user}` : '', q.clientId !== undefined ? `client-id=${q.clientId}` : ''].filter(Boolean).join(',');
}

/**
 * Why something was not read: `client` (the adapter's client library cannot ask), `unauthorized`
 * (the broker refused the principal), `unsupported` (the broker does not have the request),
 * `never-returned` (Kafka never tells, e.g. passwords). Only `never-returned` is a complete read.
 */
export type NotReadCode = 'client' | 'unauthorized' | 'unsupported' | 'never-returned';

/** What a read left out: `user`, `quota`, `topic-config` (configs of some or all topics), `broker-defaults`, `password`, … */
export interface NotRead {
  resource: string;
  reason: string;
  code?: NotReadCode;
}

export interface ClusterInfo {
  clusterId: string;
  controller: number | null;
  brokers: Array<{ nodeId: number; host: string; port: number }>;
}

export interface ClusterState {
  info: ClusterInfo;
  topics: LiveTopic[];
  acls: AclBinding[];
  /**
   * The broker's effective values for topic configs a topic inherits when it does not set them
   * (e.g. `retention.ms` from log.retention.ms/minutes/hours), keyed by topic-config name. Absent
   * when the broker's configs could not be read (the principal lacks DescribeConfigs on the cluster).
   */
  brokerDefaults?: Record<string, string>;
  /** SCRAM users; absent when they could not be read (notChecked says why). */
  users?: LiveScramUser[];
  /** The SASL user the read logged in as: it exists by necessity, so drift never calls it unmanaged. */
  connectedAs?: string;
  /** Client quotas; absent when they could not be read (notChecked says why). */
  quotas?: LiveQuota[];
  /**
   * Every topic-config key the broker reports for one existing topic (asked for with
   * `topicConfigKeys: true`): the broker's own catalogue, vendor keys included. Absent when not
   * asked for, when the cluster has no topic, or when DescribeConfigs was refused (`topicConfigKeysNotRead` says why).
   */
  topicConfigKeys?: { topic: string; keys: string[] };
  /** Why `topicConfigKeys` is absent although it was asked for. */
  topicConfigKeysNotRead?: string;
  /** What could not be read and why (e.g. SCRAM users with kafkajs); nothing listed here may be planned as a create. */
  notChecked: NotRead[];
}

export interface DescribeTopicsOptions {
  /** Read only these topic configs (the others are absent from `config`, as if not set). */
  configKeys?: readonly string[];
}

export interface ClusterPort {
  describeCluster(): Promise<ClusterInfo>;
  listTopics(): Promise<string[]>;
  /**
   * Partitions, RF and dynamic configs of the given topics, in batched requests. With `configKeys`, only those
   * configs are asked for (DescribeConfigs with a key list: a far smaller answer when a reader needs one or two keys).
   */
  describeTopics(names: string[], opts?: DescribeTopicsOptions): Promise<LiveTopic[]>;
  listAcls(): Promise<AclBinding[]>;
  /** The broker's effective values for inheritable topic configs, keyed by topic-config name (see ClusterState.brokerDefaults). */
  describeTopicDefaults(): Promise<Record<string, string>>;
  /** Every config key the broker reports for an existing topic, whatever its source (DescribeConfigs, read-only): the broker's topic-config catalogue. */
  describeTopicConfigKeys(topic: string): Promise<string[]>;
  /** Leader, replicas, ISR and offline replicas of every partition of the given topics (one metadata request per batch). */
  describePartitions(names: string[]): Promise<LivePartition[]>;
  listConsumerGroups(): Promise<ConsumerGroupListing[]>;
  /** Groups the cluster does not know come back with state 'Dead' and no members, as Kafka answers. */
  describeConsumerGroups(groupIds: string[]): Promise<GroupDescription[]>;
  /** Every committed offset of the group; a partition without a commit is absent. */
  listCommittedOffsets(groupId: string): Promise<PartitionOffset[]>;
  /**
   * Every committed offset of each group, keyed by group id (a group without commits maps to []): batched where the
   * client can (FindCoordinator v4+ and OffsetFetch v8+ name many groups, KIP-699/KIP-709: one request per coordinator).
   */
  listGroupsCommittedOffsets(groupIds: string[]): Promise<Record<string, PartitionOffset[]>>;
  /** Log start ('earliest') or log end ('latest', the high watermark) of every partition of the topics, batched per leader. */
  listOffsets(topics: string[], spec: 'earliest' | 'latest'): Promise<PartitionOffset[]>;
  /**
   * Log start and log end of the given partitions at once (ListOffsets per leader, both kinds side by side); partitions
   * without a leader are left out. Takes the partitions a describePartitions just returned, so no metadata read of its own is needed.
   */
  listLogOffsets(partitions: ReadonlyArray<Pick<LivePartition, 'topic' | 'partition' | 'leader'>>): Promise<{ earliest: PartitionOffset[]; latest: PartitionOffset[] }>;
  /** Reads the record at each position (a bounded fetch, no consumer group) for its timestamp. */
  readRecordTimestamps(positions: PartitionOffset[]): Promise<RecordTimestamp[]>;
  /** Every SCRAM user with its mechanisms and iterations (DescribeUserScramCredentials); an adapter whose client cannot ask throws NotReadError (`client`). */
  listScramUsers(): Promise<LiveScramUser[]>;
  /** Every client-quota entity: user, client-id, user + client-id and the defaults (DescribeClientQuotas). */
  listQuotas(): Promise<LiveQuota[]>;
  createTopic(t: { name: string; partitions: number; replicationFactor: number; config?: Record<string, string> }): Promise<void>;
  deleteTopic(name: string): Promise<void>;
  createPartitions(name: string, count: number): Promise<void>;
  alterTopicConfig(name: string, config: Record<string, string>): Promise<void>;
  createAcls(acls: AclBinding[]): Promise<void>;
  deleteAcls(acls: AclBinding[]): Promise<void>;
  close(): Promise<void>;
}
