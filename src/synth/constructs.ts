/**
 * Intent-level constructs over the Mongey/kafka bindings (kafka-bindings.ts). Resource
 * addresses are derived from the resource itself (topic name, ACL binding), never from list
 * positions, so inserting one ACL never replaces the others and plans map back to kafkaform
 * resources.
 */
import { createHash } from 'node:crypto';
import { Construct } from 'constructs';
import type { TerraformProvider } from './cdk.js';
import { Acl, Quota, Topic, UserScramCredential } from './kafka-bindings.js';
import { aclKey } from '../acl/derive.js';
import type { AclBinding, ResolvedQuota, ResolvedTopic, ResolvedUser } from '../manifest/types.js';

/** Terraform identifiers: letters, digits, '_' and '-', starting with a letter or '_'. */
export function terraformId(prefix: string, name: string): string {
  return `${prefix}_${name.replace(/[^A-Za-z0-9_-]/g, '_')}`;
}

export function topicAddress(name: string): string {
  return terraformId('topic', name);
}

export function aclAddress(a: AclBinding): string {
  return `acl_${createHash('sha256').update(aclKey(a)).digest('hex').slice(0, 16)}`;
}

export function userAddress(name: string): string {
  return terraformId('user', name);
}

export function quotaAddress(q: ResolvedQuota): string {
  const entity = q.user !== undefined ? `user_${q.user}` : `client_${q.clientId ?? ''}`;
  return terraformId('quota', entity.replace('<default>', 'default'));
}

/** Kafka's PascalCase operation names as the provider spells them. */
const RESOURCE_TYPE: Record<AclBinding['resourceType'], string> = {
  topic: 'Topic',
  group: 'Group',
  cluster: 'Cluster',
  transactionalId: 'TransactionalID',
  delegationToken: 'DelegationToken',
  user: 'User',
};

export interface KafkaTopicProps {
  topic: ResolvedTopic;
  /** Adds lifecycle.prevent_destroy unless the policy allows deletion. */
  preventDestroy: boolean;
  provider?: TerraformProvider;
}

export class KafkaTopic extends Construct {
  readonly resource: Topic;
  constructor(scope: Construct, props: KafkaTopicProps) {
    const address = topicAddress(props.topic.name);
    super(scope, address);
    const config = Object.keys(props.topic.config).length > 0 ? { ...props.topic.config } : undefined;
    this.resource = new Topic(this, 'topic', {
      name: props.topic.name,
      partitions: props.topic.partitions,
      replicationFactor: props.topic.replicationFactor,
      config,
      provider: props.provider,
      lifecycle: props.preventDestroy ? { preventDestroy: true } : undefined,
    });
    this.resource.overrideLogicalId(address);
  }
}

export class KafkaAcl extends Construct {
  readonly resource: Acl;
  constructor(scope: Construct, binding: AclBinding, provider?: TerraformProvider) {
    const address = aclAddress(binding);
    super(scope, address);
    this.resource = new Acl(this, 'acl', {
      aclPrincipal: binding.principal,
      aclHost: binding.host,
      aclOperation: binding.operation,
      aclPermissionType: binding.permission === 'allow' ? 'Allow' : 'Deny',
      resourceName: binding.resourceName,
      resourceType: RESOURCE_TYPE[binding.resourceType],
      resourcePatternTypeFilter: binding.patternType === 'prefixed' ? 'Prefixed' : 'Literal',
      provider,
    });
    this.resource.overrideLogicalId(address);
  }
}

export interface KafkaUserProps {
  user: ResolvedUser;
  /** A Terraform expression for the password (a sensitive variable), never the secret. */
  passwordExpression: string;
  /** Write-only attributes keep the password out of the state (Terraform ≥ 1.11). */
  writeOnly: boolean;
  passwordVersion: string;
  provider?: TerraformProvider;
}

export class KafkaScramUser extends Construct {
  readonly resource: UserScramCredential;
  constructor(scope: Construct, props: KafkaUserProps) {
    const address = userAddress(props.user.name);
    super(scope, address);
    this.resource = new UserScramCredential(this, 'user', {
      username: props.user.name,
      scramMechanism: props.user.mechanism,
      scramIterations: props.user.iterations,
      ...(props.writeOnly
        ? { passwordWo: props.passwordExpression, passwordWoVersion: props.passwordVersion }
        : { password: props.passwordExpression }),
      provider: props.provider,
    });
    this.resource.overrideLogicalId(address);
  }
}

export class KafkaQuota extends Construct {
  readonly resource: Quota;
  constructor(scope: Construct, quota: ResolvedQuota, provider?: TerraformProvider) {
    const address = quotaAddress(quota);
    super(scope, address);
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
      provider,
    });
    this.resource.overrideLogicalId(address);
  }
}
