/**
 * Bindings of the Mongey/kafka 0.13.1 Terraform provider: the provider block and the four
 * resources kafkaform writes, with only the attributes it sets. Hand-written rather than
 * generated: the prebuilt @cdktf-providers package is compiled against cdktf and crashes under
 * cdktn, and five small mappings are less to keep honest than a generator plus its output.
 * Attribute names are the provider's, listed in the order the generated bindings used, so the
 * Terraform JSON stays byte-identical. A new attribute is one field here (the integration tests
 * apply these resources with the real provider).
 */
import type { IResolvable } from './cdk.js';
import { providerBinding, resourceBinding, type ProviderRef, type ResourceMeta } from './provider-binding.js';

export const KAFKA_TF_PROVIDER: ProviderRef = { name: 'kafka', source: 'Mongey/kafka', version: '0.13.1' };

export interface KafkaProviderConfig {
  bootstrapServers: string[];
  tlsEnabled?: boolean | IResolvable;
  skipTlsVerify?: boolean | IResolvable;
  caCertFile?: string;
  clientCertFile?: string;
  clientKeyFile?: string;
  kafkaVersion?: string;
  saslMechanism?: string;
  saslUsername?: string;
  saslPassword?: string;
}

/** The `kafka` provider block. */
export const KafkaProvider = providerBinding<KafkaProviderConfig>(KAFKA_TF_PROVIDER, (c) => ({
  bootstrap_servers: c.bootstrapServers,
  ca_cert_file: c.caCertFile,
  client_cert_file: c.clientCertFile,
  client_key_file: c.clientKeyFile,
  kafka_version: c.kafkaVersion,
  sasl_mechanism: c.saslMechanism,
  sasl_password: c.saslPassword,
  sasl_username: c.saslUsername,
  skip_tls_verify: c.skipTlsVerify,
  tls_enabled: c.tlsEnabled,
}));
export type KafkaProvider = InstanceType<typeof KafkaProvider>;

export interface TopicConfig extends ResourceMeta {
  name: string;
  partitions: number;
  replicationFactor: number;
  config?: Record<string, string>;
}

/** `kafka_topic`. */
export const Topic = resourceBinding<TopicConfig>(KAFKA_TF_PROVIDER, 'kafka_topic', (c) => ({ config: c.config, name: c.name, partitions: c.partitions, replication_factor: c.replicationFactor }));
export type Topic = InstanceType<typeof Topic>;

export interface AclConfig extends ResourceMeta {
  aclPrincipal: string;
  aclHost: string;
  aclOperation: string;
  aclPermissionType: string;
  resourceName: string;
  resourceType: string;
  resourcePatternTypeFilter?: string;
}

/** `kafka_acl`. */
export const Acl = resourceBinding<AclConfig>(KAFKA_TF_PROVIDER, 'kafka_acl', (c) => ({
  acl_host: c.aclHost,
  acl_operation: c.aclOperation,
  acl_permission_type: c.aclPermissionType,
  acl_principal: c.aclPrincipal,
  resource_name: c.resourceName,
  resource_pattern_type_filter: c.resourcePatternTypeFilter,
  resource_type: c.resourceType,
}));
export type Acl = InstanceType<typeof Acl>;

export interface QuotaConfig extends ResourceMeta {
  entityType: 'user' | 'client-id';
  /** Absent for the default entity. */
  entityName?: string;
  config?: Record<string, number>;
}

/** `kafka_quota`. */
export const Quota = resourceBinding<QuotaConfig>(KAFKA_TF_PROVIDER, 'kafka_quota', (c) => ({ config: c.config, entity_name: c.entityName, entity_type: c.entityType }));
export type Quota = InstanceType<typeof Quota>;

export interface UserScramCredentialConfig extends ResourceMeta {
  username: string;
  scramMechanism: string;
  scramIterations?: number;
  /** Stored in the Terraform state: only for Terraform < 1.11. */
  password?: string;
  /** Write-only (Terraform ≥ 1.11): sent to the provider, never stored. */
  passwordWo?: string;
  /** Changing it makes Terraform send `password_wo` again. */
  passwordWoVersion?: string;
}

/** `kafka_user_scram_credential`. */
export const UserScramCredential = resourceBinding<UserScramCredentialConfig>(KAFKA_TF_PROVIDER, 'kafka_user_scram_credential', (c, writeOnly) => ({
  password: c.password,
  password_wo: writeOnly(c.passwordWo),
  password_wo_version: c.passwordWoVersion,
  scram_iterations: c.scramIterations,
  scram_mechanism: c.scramMechanism,
  username: c.username,
}));
export type UserScramCredential = InstanceType<typeof UserScramCredential>;
