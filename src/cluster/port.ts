/**
 * The ClusterPort: everything kafkaform reads from or does to a live cluster goes through it.
 * The kafkajs adapter (kafkajs-adapter.ts) is the real one; unit tests use the in-memory twin
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
  /** What could not be read and why (e.g. SCRAM users with kafkajs). */
  notChecked: Array<{ resource: string; reason: string }>;
}

export interface ClusterPort {
  describeCluster(): Promise<ClusterInfo>;
  listTopics(): Promise<string[]>;
  /** Partitions, RF and dynamic configs of the given topics, in batched requests. */
  describeTopics(names: string[]): Promise<LiveTopic[]>;
  listAcls(): Promise<AclBinding[]>;
  /** The broker's effective values for inheritable topic configs, keyed by topic-config name (see ClusterState.brokerDefaults). */
  describeTopicDefaults(): Promise<Record<string, string>>;
  createTopic(t: { name: string; partitions: number; replicationFactor: number; config?: Record<string, string> }): Promise<void>;
  deleteTopic(name: string): Promise<void>;
  createPartitions(name: string, count: number): Promise<void>;
  alterTopicConfig(name: string, config: Record<string, string>): Promise<void>;
  createAcls(acls: AclBinding[]): Promise<void>;
  deleteAcls(acls: AclBinding[]): Promise<void>;
  close(): Promise<void>;
}
