/**
 * Bindings of the Mongey/kafka 0.13.1 Terraform provider: the provider block and the four
 * resources kafkaform writes, with only the attributes it sets. Hand-written on the CDK base
 * classes (through ./cdk.js) rather than generated: the prebuilt @cdktf-providers package is
 * compiled against cdktf and crashes under cdktn, and five small classes are less to keep honest
 * than a generator plus its output. Attribute names are the provider's; synthesizeAttributes
 * lists them in the order the generated bindings did, so the Terraform JSON stays byte-identical.
 * A new attribute means one field here (the integration tests apply it with the real provider).
 */
import type { Construct } from 'constructs';
import { TerraformProvider, TerraformResource, type IResolvable, type TerraformProviderGeneratorMetadata, type TerraformResourceLifecycle } from './cdk.js';

export const KAFKA_TF_PROVIDER = { source: 'Mongey/kafka', version: '0.13.1' } as const;

// required_providers takes the version constraint from here (and `source` from the provider).
const metadata: TerraformProviderGeneratorMetadata = { providerName: 'kafka', providerVersion: KAFKA_TF_PROVIDER.version, providerVersionConstraint: KAFKA_TF_PROVIDER.version };

/** Meta-arguments kafkaform sets on a resource. */
interface ResourceMeta {
  provider?: TerraformProvider;
  lifecycle?: TerraformResourceLifecycle;
}

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
export class KafkaProvider extends TerraformProvider {
  constructor(
    scope: Construct,
    id: string,
    private readonly config: KafkaProviderConfig,
  ) {
    super(scope, id, { terraformResourceType: 'kafka', terraformGeneratorMetadata: metadata, terraformProviderSource: KAFKA_TF_PROVIDER.source });
  }

  protected override synthesizeAttributes(): Record<string, unknown> {
    const c = this.config;
    return {
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
    };
  }
}

export interface TopicConfig extends ResourceMeta {
  name: string;
  partitions: number;
  replicationFactor: number;
  config?: Record<string, string>;
}

/** `kafka_topic`. */
export class Topic extends TerraformResource {
  constructor(
    scope: Construct,
    id: string,
    private readonly config: TopicConfig,
  ) {
    super(scope, id, { terraformResourceType: 'kafka_topic', terraformGeneratorMetadata: metadata, provider: config.provider, lifecycle: config.lifecycle });
  }

  protected override synthesizeAttributes(): Record<string, unknown> {
    const c = this.config;
    return { config: c.config, name: c.name, partitions: c.partitions, replication_factor: c.replicationFactor };
  }
}

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
export class Acl extends TerraformResource {
  constructor(
    scope: Construct,
    id: string,
    private readonly config: AclConfig,
  ) {
    super(scope, id, { terraformResourceType: 'kafka_acl', terraformGeneratorMetadata: metadata, provider: config.provider, lifecycle: config.lifecycle });
  }

  protected override synthesizeAttributes(): Record<string, unknown> {
    const c = this.config;
    return {
      acl_host: c.aclHost,
      acl_operation: c.aclOperation,
      acl_permission_type: c.aclPermissionType,
      acl_principal: c.aclPrincipal,
      resource_name: c.resourceName,
      resource_pattern_type_filter: c.resourcePatternTypeFilter,
      resource_type: c.resourceType,
    };
  }
}

export interface QuotaConfig extends ResourceMeta {
  entityType: 'user' | 'client-id';
  /** Absent for the default entity. */
  entityName?: string;
  config?: Record<string, number>;
}

/** `kafka_quota`. */
export class Quota extends TerraformResource {
  constructor(
    scope: Construct,
    id: string,
    private readonly config: QuotaConfig,
  ) {
    super(scope, id, { terraformResourceType: 'kafka_quota', terraformGeneratorMetadata: metadata, provider: config.provider, lifecycle: config.lifecycle });
  }

  protected override synthesizeAttributes(): Record<string, unknown> {
    const c = this.config;
    return { config: c.config, entity_name: c.entityName, entity_type: c.entityType };
  }
}

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
export class UserScramCredential extends TerraformResource {
  constructor(
    scope: Construct,
    id: string,
    private readonly config: UserScramCredentialConfig,
  ) {
    super(scope, id, { terraformResourceType: 'kafka_user_scram_credential', terraformGeneratorMetadata: metadata, provider: config.provider, lifecycle: config.lifecycle });
  }

  protected override synthesizeAttributes(): Record<string, unknown> {
    const c = this.config;
    return {
      password: c.password,
      password_wo: this.writeOnly(c.passwordWo),
      password_wo_version: c.passwordWoVersion,
      scram_iterations: c.scramIterations,
      scram_mechanism: c.scramMechanism,
      username: c.username,
    };
  }

  /**
   * cdktn checks write-only attributes against the App's `targetVersions` context (as its
   * generated bindings do through markWriteOnlyAttribute); cdktf has no such check and no method.
   */
  private writeOnly(value: string | undefined): unknown {
    const mark = (this as unknown as { markWriteOnlyAttribute?: (v: unknown) => unknown }).markWriteOnlyAttribute;
    return typeof mark === 'function' ? mark.call(this, value) : value;
  }
}
