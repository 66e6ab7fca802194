/**
 * The normalized, per-environment view of topics.yaml that every later step consumes
 * (synth, drift, plan, loadtest, capacity). Values are already defaulted, merged with the
 * environment overlay and converted to Kafka's units; nothing here needs the YAML again.
 */

export {
  ACL_OPERATIONS,
  type AclBinding,
  type AclOperation,
  type AclOrigin,
  type AclPermission,
  type PatternType,
  type ResolvedAcl,
  type ResourceType,
} from '../model/acl-binding.js';
export type { ServiceType } from '../acl/service-role.js';
import type { ResolvedAcl } from '../model/acl-binding.js';
import type { ServiceRole } from '../acl/service-role.js';
import type { ClusterFlavor } from './topic-configs.js';

export type { LagBudget } from '../model/lag-budget.js';
import type { LagBudget } from '../model/lag-budget.js';

/** A service of one environment, resolved: what ACL derivation needs, plus its lag budget (health). */
export type ResolvedService = ServiceRole & { maxLag?: LagBudget; /** Instances that run (absent: 1). */ instances?: number };

export interface SchemaRef {
  subject: string;
  file: string; // path relative to the spec file's directory
  format: 'avro' | 'json' | 'protobuf';
}

export interface ResolvedTopicSchema {
  key?: SchemaRef;
  value?: SchemaRef;
  compatibility: string; // BACKWARD by default
  subjectNameStrategy: 'TopicNameStrategy' | 'RecordNameStrategy' | 'TopicRecordNameStrategy';
}

export interface TopicExpectation {
  messagesPerSecond: number;
  messageBytes: number;
  peakFactor: number;
  /** Consumers each consumer group runs at the peak: a group uses at most one consumer per partition. */
  consumers?: number;
}

export interface ResolvedTopic {
  name: string;
  partitions: number;
  replicationFactor: number;
  /** Every config kafkaform sets on the topic, as Kafka strings (sugar already applied). */
  config: Record<string, string>;
  schema?: ResolvedTopicSchema;
  expected?: TopicExpectation;
  /** Set on a generated `<name>.dlq` topic: the topic it serves. */
  deadLetterOf?: string;
}

export interface ResolvedUser {
  name: string;
  mechanism: 'SCRAM-SHA-256' | 'SCRAM-SHA-512';
  iterations: number;
  /**
   * `env:NAME` or `file:PATH`; the secret itself is resolved only at deploy time. Absent (an imported
   * user): kafkaform checks the user exists with its mechanism and never sets its password.
   */
  passwordFrom?: string;
  /** Bump to rotate: a new version makes Terraform write the password again (write-only attributes). */
  passwordVersion?: number;
}

export interface ResolvedQuota {
  /** Exactly one of user / clientId is set (the provider has no combined entity). '<default>' is the default entity. */
  user?: string;
  clientId?: string;
  producerByteRate?: number;
  consumerByteRate?: number;
  requestPercentage?: number;
}

export interface ConnectionSpec {
  bootstrapServers: string[];
  sasl?: {
    mechanism: 'plain' | 'scram-sha256' | 'scram-sha512';
    username: string;
    /** `env:NAME` / `file:PATH`; never the secret. */
    passwordFrom: string;
  };
  tls?: {
    enabled: boolean;
    caFile?: string;
    certFile?: string;
    keyFile?: string;
    insecureSkipVerify?: boolean;
  };
}

export interface Policy {
  topicName?: string;
  maxPartitions: number;
  minReplicationFactor: number;
  allowTopicDeletion: boolean;
  /** A connector dropped from topics.yaml is deleted from the worker only when true (default false). */
  allowConnectorDeletion?: boolean;
  managedPrefixes: string[];
  requireSchemaDocs: boolean;
  /** Topic-config keys other tools own, beyond the default replication throttles: never drift, never changed by a deploy (see ignoredConfigKeys). */
  ignoreConfigKeys?: string[];
  /** Globs of topic-config keys accepted beyond the catalogue and cluster.flavor's (a broker's own keys). */
  extraConfigKeys?: string[];
}

export interface ResolvedCluster {
  name: string;
  /** Empty when the environment names no servers: the embedded dev cluster is used. */
  bootstrapServers: string[];
  /** Expected broker count, when the spec says it. */
  brokers?: number;
  kafkaMajor: 3 | 4;
  kafkaVersion?: string;
  /** Whose Kafka (default apache): the vendor's documented topic configs are accepted too. */
  flavor?: ClusterFlavor;
  connection: ConnectionSpec;
}

export interface ResolvedSpec {
  /** Absolute path of topics.yaml. */
  file: string;
  environment: string;
  cluster: ResolvedCluster;
  policy: Policy;
  topics: ResolvedTopic[];
  services: ResolvedService[];
  /** Derived (from services) and raw ACLs, deduplicated, in a stable order. */
  acls: ResolvedAcl[];
  users: ResolvedUser[];
  quotas: ResolvedQuota[];
  backend?: BackendSpec;
  /** Merged top-level and environment `schemaRegistry`, when either is set. */
  schemaRegistry?: SchemaRegistrySpec;
  /** Merged top-level and environment `connect`, when either is set. */
  connect?: ConnectSpec;
  /** The declared connectors (none when the file has no `connectors:`). */
  connectors?: ResolvedConnector[];
}

export interface ConnectSpec {
  url?: string;
  username?: string;
  /** `env:NAME` / `file:PATH`; never the secret. */
  passwordFrom?: string;
}

export type ConnectorState = 'running' | 'paused' | 'stopped';

export interface ResolvedConnector {
  name: string;
  /** `connector.class`. */
  class: string;
  tasksMax: number;
  state: ConnectorState;
  /** The connector's own config keys, values as strings (Connect's REST API only has strings). */
  config: Record<string, string>;
}

export interface SchemaRegistrySpec {
  url?: string;
  username?: string;
  /** `env:NAME` / `file:PATH`; never the secret. */
  passwordFrom?: string;
  /** api: kafkaform deploy registers subjects through the REST API; terraform: they are resources of the stack. */
  manageWith: 'api' | 'terraform';
}

export interface BackendSpec {
  type: 'local' | 's3' | 'gcs' | 'remote' | 'pg';
  config: Record<string, string | number | boolean>;
}
