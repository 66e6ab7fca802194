/**
 * ACL bindings in Kafka's wire enums (the numbers are the protocol's, the same for every client
 * library): the one mapping both adapters use to read and write ACLs. Pure.
 */
import type { AclBinding, AclOperation, PatternType, ResourceType } from '../manifest/types.js';

const RESOURCE_TYPES: Record<ResourceType, number> = { topic: 2, group: 3, cluster: 4, transactionalId: 5, delegationToken: 6, user: 7 };
const OPERATIONS: Record<AclOperation, number> = {
  All: 2,
  Read: 3,
  Write: 4,
  Create: 5,
  Delete: 6,
  Alter: 7,
  Describe: 8,
  ClusterAction: 9,
  DescribeConfigs: 10,
  AlterConfigs: 11,
  IdempotentWrite: 12,
  CreateTokens: 13,
  DescribeTokens: 14,
};
const PATTERNS: Record<PatternType, number> = { literal: 3, prefixed: 4 };
const PERMISSION = { deny: 2, allow: 3 } as const;
const invert = <K extends string>(m: Record<K, number>) => new Map<number, K>(Object.entries(m).map(([k, v]) => [v as number, k as K]));
const RESOURCE_BY_CODE = invert(RESOURCE_TYPES);
const OPERATION_BY_CODE = invert(OPERATIONS);
const PATTERN_BY_CODE = invert(PATTERNS);

/** The ANY filter of DescribeAcls: every binding on the cluster. */
export const ANY_ACL_FILTER = { resourceType: 1, resourceName: null, resourcePatternType: 1, principal: null, host: null, operation: 1, permissionType: 1 } as const;

/** A binding as the wire carries it (DescribeAcls' resource + ACL, CreateAcls' creation, DeleteAcls' filter). */
export interface WireAcl {
  resourceType: number;
  resourceName: string;
  resourcePatternType: number;
  principal: string;
  host: string;
  operation: number;
  permissionType: number;
}

/** The wire form of a binding. */
export function aclToWire(b: AclBinding): WireAcl {
  return {
    resourceType: RESOURCE_TYPES[b.resourceType],
    resourceName: b.resourceName,
    resourcePatternType: PATTERNS[b.patternType],
    principal: b.principal,
    host: b.host,
    operation: OPERATIONS[b.operation],
    permissionType: PERMISSION[b.permission],
  };
}

/** A binding from DescribeAcls' resource and one of its ACLs. */
export function aclFromWire(r: { resourceType: number; resourceName: string; resourcePatternType: number }, a: { principal: string; host: string; operation: number; permissionType: number }): AclBinding {
  return {
    principal: a.principal,
    host: a.host,
    operation: OPERATION_BY_CODE.get(a.operation) ?? 'All',
    permission: a.permissionType === PERMISSION.deny ? 'deny' : 'allow',
    resourceType: RESOURCE_BY_CODE.get(r.resourceType) ?? 'topic',
    resourceName: r.resourceName,
    patternType: PATTERN_BY_CODE.get(r.resourcePatternType) ?? 'literal',
  };
}
