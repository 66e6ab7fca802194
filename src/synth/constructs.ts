/**
 * Intent-level constructs over the Mongey/kafka bindings (kafka-bindings.ts), in the aws-cdk
 * style: `new KafkaTopic(scope, id, props)`, `topic.grantWrite(principal)`. Resource addresses
 * (Terraform logical ids) are derived from the resource itself (topic name, ACL binding), never
 * from construct ids or list positions, so inserting one ACL never replaces the others, and plans
 * map back to kafkaform resources whatever ids a composition picks.
 */
import { createHash } from 'node:crypto';
import { Construct } from 'constructs';
import { TerraformStack, type TerraformProvider } from './cdk.js';
import { Acl, Quota, Topic, UserScramCredential } from './kafka-bindings.js';
import { aclKey, deriveServiceAcls } from '../acl/derive.js';
import type { AclBinding, ResolvedQuota, ResolvedUser } from '../manifest/types.js';

/** Terraform identifiers: letters, digits, '_' and '-', starting with a letter or '_'. */
export function terraformId(prefix: string, name: string): string {
  return `${prefix}_${name.replace(/[^A-Za-z0-9_-]/g, '_')}`;
}

/** Terraform address of a topic's resource. */
export function topicAddress(name: string): string {
  return terraformId('topic', name);
}

/** Terraform address of an ACL binding's resource (a hash of the binding: stable under reordering). */
export function aclAddress(a: AclBinding): string {
  return `acl_${createHash('sha256').update(aclKey(a)).digest('hex').slice(0, 16)}`;
}

/** Terraform address of a SCRAM user's resource. */
export function userAddress(name: string): string {
  return terraformId('user', name);
}

/** Terraform address of a quota's resource. */
export function quotaAddress(q: ResolvedQuota): string {
  const entity = q.user !== undefined ? `user_${q.user}` : `client_${q.clientId ?? ''}`;
  return terraformId('quota', entity.replace('<default>', 'default'));
}

/** Kafka's PascalCase resource type names as the provider spells them. */
export const RESOURCE_TYPE: Record<AclBinding['resourceType'], string> = {
  topic: 'Topic',
  group: 'Group',
  cluster: 'Cluster',
  transactionalId: 'TransactionalID',
  delegationToken: 'DelegationToken',
  user: 'User',
};

/** Props shared by every construct: which `kafka` provider block its resources use. */
export interface KafkaResourceProps {
  /** Default: the stack's unaliased `kafka` provider. */
  provider?: TerraformProvider;
}

/** Options of {@link ITopic.grantRead}. */
export interface GrantReadOptions {
  /** The consumer group the principal reads with (default: the principal's name); ending in '-' or '*' makes it a prefix. */
  group?: string;
  /** Host the ACLs allow (default '*'). */
  host?: string;
}

/** Options of {@link ITopic.grantWrite}. */
export interface GrantWriteOptions {
  /** A transactional id (ending in '-' or '*' makes it a prefix) the producer may use. */
  transactionalId?: string;
  /** Host the ACLs allow (default '*'). */
  host?: string;
}

/** A topic that ACLs can be granted on: one this stack manages ({@link KafkaTopic}) or one referenced by name. */
export interface ITopic {
  readonly topicName: string;
  /** Lets `principal` consume the topic: the ACLs a topics.yaml consumer service gets (Read, Describe; Read on its group). */
  grantRead(principal: string, options?: GrantReadOptions): KafkaAcl[];
  /** Lets `principal` produce to the topic: the ACLs a topics.yaml producer service gets (Write, Describe; IdempotentWrite on the cluster). */
  grantWrite(principal: string, options?: GrantWriteOptions): KafkaAcl[];
}

/** `Name` out of `User:Name`: the default consumer group of a grant. */
function principalName(principal: string): string {
  const i = principal.indexOf(':');
  return i >= 0 ? principal.slice(i + 1) : principal;
}

/**
 * Adds the bindings to the stack of `scope`, each once: the construct id is the binding's address,
 * so a grant that repeats a binding (two topics' IdempotentWrite, an ACL topics.yaml also derives)
 * reuses the existing resource instead of colliding.
 */
function addAcls(scope: Construct, bindings: AclBinding[], provider: TerraformProvider | undefined): KafkaAcl[] {
  const stack = TerraformStack.of(scope);
  return bindings.map((b) => {
    const existing = stack.node.tryFindChild(aclAddress(b));
    return existing instanceof KafkaAcl ? existing : new KafkaAcl(stack, aclAddress(b), { ...b, provider });
  });
}

function strip(acls: (AclBinding & { origin?: unknown })[]): AclBinding[] {
  return acls.map(({ origin: _origin, ...b }) => b);
}

/** Grants for a topic name, shared by managed and referenced topics. */
abstract class TopicGrants extends Construct implements ITopic {
  abstract readonly topicName: string;
  protected abstract readonly grantProvider: TerraformProvider | undefined;

  grantRead(principal: string, options: GrantReadOptions = {}): KafkaAcl[] {
    const svc = { name: principalName(principal), type: 'consumer' as const, principal, host: options.host ?? '*', produces: [], consumes: [this.topicName], group: options.group };
    return addAcls(this, strip(deriveServiceAcls(svc)), this.grantProvider);
  }

  grantWrite(principal: string, options: GrantWriteOptions = {}): KafkaAcl[] {
    const svc = { name: principalName(principal), type: 'producer' as const, principal, host: options.host ?? '*', produces: [this.topicName], consumes: [], transactionalId: options.transactionalId };
    return addAcls(this, strip(deriveServiceAcls(svc)), this.grantProvider);
  }
}

/** A Kafka topic by name that this stack does not manage, for granting access to it. */
class ReferencedTopic extends TopicGrants {
  protected readonly grantProvider: TerraformProvider | undefined;
  constructor(
    scope: Construct,
    id: string,
    readonly topicName: string,
    provider: TerraformProvider | undefined,
  ) {
    super(scope, id);
    this.grantProvider = provider;
  }
}

/** Props of {@link KafkaTopic}. */
export interface KafkaTopicProps extends KafkaResourceProps {
  /** The topic's name in Kafka. */
  name: string;
  partitions: number;
  replicationFactor: number;
  /** Topic configs as Kafka strings (`retention.ms`, `cleanup.policy`, …). */
  config?: Record<string, string>;
  /** Adds lifecycle.prevent_destroy, so Terraform refuses to delete the topic (default true). */
  preventDestroy?: boolean;
}

/** A topic this stack manages (`kafka_topic`). */
export class KafkaTopic extends TopicGrants {
  /** A topic managed elsewhere, by name: `KafkaTopic.fromTopicName(stack, 'Orders', 'orders').grantRead('User:billing')`. */
  static fromTopicName(scope: Construct, id: string, topicName: string, options: KafkaResourceProps = {}): ITopic {
    return new ReferencedTopic(scope, id, topicName, options.provider);
  }

  readonly resource: Topic;
  readonly topicName: string;
  protected readonly grantProvider: TerraformProvider | undefined;

  constructor(scope: Construct, id: string, props: KafkaTopicProps) {
    super(scope, id);
    const address = topicAddress(props.name);
    this.topicName = props.name;
    this.grantProvider = props.provider;
    const config = props.config && Object.keys(props.config).length > 0 ? { ...props.config } : undefined;
    this.resource = new Topic(this, 'topic', {
      name: props.name,
      partitions: props.partitions,
      replicationFactor: props.replicationFactor,
      config,
      provider: props.provider,
      lifecycle: (props.preventDestroy ?? true) ? { preventDestroy: true } : undefined,
    });
    this.resource.overrideLogicalId(address);
  }
}

/** Props of {@link KafkaAcl}: one binding, exactly as the broker stores it. */
export interface KafkaAclProps extends AclBinding, KafkaResourceProps {}

/** One ACL binding (`kafka_acl`); most compositions use {@link ITopic.grantRead} / {@link ITopic.grantWrite} instead. */
export class KafkaAcl extends Construct {
  readonly resource: Acl;
  constructor(scope: Construct, id: string, props: KafkaAclProps) {
    super(scope, id);
    const address = aclAddress(props);
    this.resource = new Acl(this, 'acl', {
      aclPrincipal: props.principal,
      aclHost: props.host,
      aclOperation: props.operation,
      aclPermissionType: props.permission === 'allow' ? 'Allow' : 'Deny',
      resourceName: props.resourceName,
      resourceType: RESOURCE_TYPE[props.resourceType],
      resourcePatternTypeFilter: props.patternType === 'prefixed' ? 'Prefixed' : 'Literal',
      provider: props.provider,
    });
    this.resource.overrideLogicalId(address);
  }
}

/** Props of {@link KafkaScramUser}. */
export interface KafkaUserProps extends KafkaResourceProps {
  user: ResolvedUser;
  /** A Terraform expression for the password (a sensitive variable), never the secret. */
  passwordExpression: string;
  /** Write-only attributes keep the password out of the state (Terraform ≥ 1.11; default true). */
  writeOnly?: boolean;
  /** Bump to rotate: Terraform sends a write-only password again only when this changes (default '1'). */
  passwordVersion?: string;
}

/** A SCRAM user (`kafka_user_scram_credential`). */
export class KafkaScramUser extends Construct {
  readonly resource: UserScramCredential;
  constructor(scope: Construct, id: string, props: KafkaUserProps) {
    super(scope, id);
    const address = userAddress(props.user.name);
    this.resource = new UserScramCredential(this, 'user', {
      username: props.user.name,
      scramMechanism: props.user.mechanism,
      scramIterations: props.user.iterations,
      ...((props.writeOnly ?? true)
        ? { passwordWo: props.passwordExpression, passwordWoVersion: props.passwordVersion ?? '1' }
        : { password: props.passwordExpression }),
      provider: props.provider,
    });
    this.resource.overrideLogicalId(address);
  }
}

/** Props of {@link KafkaQuota}: exactly one of `user` / `clientId` ('<default>' for the default entity). */
export interface KafkaQuotaProps extends ResolvedQuota, KafkaResourceProps {}

/** A client quota (`kafka_quota`) on a user or a client id. */
export class KafkaQuota extends Construct {
  readonly resource: Quota;
  constructor(scope: Construct, id: string, quota: KafkaQuotaProps) {
    super(scope, id);
    const address = quotaAddress(quota);
    const config: Record<string, number> = {};
    if (quota.producerByteRate !== undefined) config.producer_byte_rate = quota.producerByteRate;
    if (quota.consumerByteRate !== undefined) config.consumer_byte_rate = quota.consumerByteRate;
    if (quota.requestPercentage !== undefined) config.request_percentage = quota.requestPercentage;
    const isUser = quota.user !== undefined;
    const name = isUser ? quota.user : quota.clientId;
    this.resource = new Quota(this, 'quota', {
      entityType: isUser ? 'user' : 'client-id',
      entityName: name === '<default>' ? undefined : name,
      config,
      provider: quota.provider,
    });
    this.resource.overrideLogicalId(address);
  }
}
