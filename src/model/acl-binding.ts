/**
 * Kafka's ACL vocabulary: what a binding is, exactly as the broker stores it, and where kafkaform
 * got one from. Pure types and the one list of operations; every layer (manifest, acl, cluster,
 * drift, synth) speaks it.
 */

export type PatternType = 'literal' | 'prefixed';
export type ResourceType = 'topic' | 'group' | 'cluster' | 'transactionalId' | 'delegationToken' | 'user';
export type AclPermission = 'allow' | 'deny';
/** Every ACL operation Kafka knows (the one list: the JSON Schema's enum and the rules use it). */
export const ACL_OPERATIONS = [
  'All', 'Read', 'Write', 'Create', 'Delete', 'Alter', 'Describe', 'ClusterAction', 'DescribeConfigs', 'AlterConfigs',
  'IdempotentWrite', 'CreateTokens', 'DescribeTokens',
] as const;
export type AclOperation = (typeof ACL_OPERATIONS)[number];

/** One Kafka ACL binding: exactly what the broker stores. */
export interface AclBinding {
  principal: string; // User:name
  host: string; // '*' by default
  operation: AclOperation;
  permission: AclPermission;
  resourceType: ResourceType;
  resourceName: string; // 'kafka-cluster' for the cluster resource
  patternType: PatternType;
}

/** Where a binding came from: a service role, or an entry of the raw `acls` list. */
export interface AclOrigin {
  kind: 'service' | 'raw';
  name: string; // service name, or `acls[3]`
}

export interface ResolvedAcl extends AclBinding {
  origin: AclOrigin;
}
