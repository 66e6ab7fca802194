/**
 * Least-privilege ACLs derived from service roles. The README's role table is generated from
 * ROLE_TABLE and a unit test checks derivation against it, so docs and code cannot drift apart.
 */
import type { AclBinding, AclOperation, PatternType, ResolvedAcl, ResourceType } from '../model/acl-binding.js';
import type { ServiceRole } from './service-role.js';

export const CLUSTER_RESOURCE = 'kafka-cluster';

/** `name-` or `name*` means "every id starting with name": a prefixed pattern. */
export function resourcePattern(name: string): { name: string; patternType: PatternType } {
  if (name.endsWith('*')) return { name: name.slice(0, -1), patternType: 'prefixed' };
  if (name.endsWith('-')) return { name, patternType: 'prefixed' };
  return { name, patternType: 'literal' };
}

export interface RoleRule {
  role: string;
  when: string;
  resource: string;
  pattern: string;
  operations: AclOperation[];
}

/** The exact ACL set per role, as documented in the README. */
export const ROLE_TABLE: readonly RoleRule[] = [
  { role: 'producer', when: 'each topic in `produces`', resource: 'topic `<topic>`', pattern: 'literal', operations: ['Write', 'Describe'] },
  { role: 'producer', when: 'any `produces`', resource: 'cluster', pattern: 'literal', operations: ['IdempotentWrite'] },
  { role: 'producer', when: '`transactionalId` set', resource: 'transactionalId `<transactionalId>`', pattern: "prefixed if it ends in '-' or '*'", operations: ['Write', 'Describe'] },
  { role: 'consumer', when: 'each topic in `consumes`', resource: 'topic `<topic>`', pattern: 'literal', operations: ['Read', 'Describe'] },
  { role: 'consumer', when: 'each topic in `consumes` that has `deadLetter`', resource: 'topic `<topic>.dlq`', pattern: 'literal', operations: ['Write', 'Describe'] },
  { role: 'consumer', when: 'any `consumes`', resource: 'group `<group>` (default: service name)', pattern: "prefixed if it ends in '-' or '*'", operations: ['Read'] },
  { role: 'streams', when: 'always', resource: 'topic `<applicationId>`', pattern: 'prefixed', operations: ['All'] },
  { role: 'streams', when: 'always', resource: 'group `<applicationId>`', pattern: 'prefixed', operations: ['Read'] },
  { role: 'streams', when: '`exactlyOnce: true`', resource: 'transactionalId `<applicationId>`', pattern: 'prefixed', operations: ['Write', 'Describe'] },
  { role: 'streams', when: '`exactlyOnce: true`', resource: 'cluster', pattern: 'literal', operations: ['IdempotentWrite'] },
  { role: 'connect', when: 'always', resource: 'group `<group>` (worker group)', pattern: 'literal', operations: ['Read'] },
  { role: 'connect', when: 'always', resource: 'topic `<internalTopicPrefix>` (default `connect-<service>-`)', pattern: 'prefixed', operations: ['Read', 'Write', 'Describe', 'Create', 'DescribeConfigs'] },
  { role: 'connect', when: 'any `consumes` (sink connectors)', resource: 'group `connect-`', pattern: 'prefixed', operations: ['Read'] },
];

type Add = (resourceType: ResourceType, name: string, patternType: PatternType, ops: AclOperation[]) => void;

/** Derives the ACL bindings of one service. `dlqTopics` names the topics that have a dead-letter topic. */
export function deriveServiceAcls(svc: ServiceRole, dlqTopics: ReadonlySet<string> = new Set()): ResolvedAcl[] {
  const out: ResolvedAcl[] = [];
  const add: Add = (resourceType, resourceName, patternType, ops) => {
    for (const operation of ops) {
      out.push({
        principal: svc.principal,
        host: svc.host,
        operation,
        permission: 'allow',
        resourceType,
        resourceName,
        patternType,
        origin: { kind: 'service', name: svc.name },
      });
    }
  };

  for (const t of svc.produces) add('topic', t, 'literal', ['Write', 'Describe']);
  if (svc.produces.length > 0) add('cluster', CLUSTER_RESOURCE, 'literal', ['IdempotentWrite']);
  if (svc.transactionalId) {
    const p = resourcePattern(svc.transactionalId);
    add('transactionalId', p.name, p.patternType, ['Write', 'Describe']);
  }

  if (svc.type !== 'connect') {
    for (const t of svc.consumes) {
      add('topic', t, 'literal', ['Read', 'Describe']);
      if (dlqTopics.has(t)) add('topic', `${t}.dlq`, 'literal', ['Write', 'Describe']);
    }
    if (svc.consumes.length > 0 && svc.type !== 'streams') {
      const g = resourcePattern(svc.group ?? svc.name);
      add('group', g.name, g.patternType, ['Read']);
    }
  }

  if (svc.type === 'streams' && svc.applicationId) {
    add('topic', svc.applicationId, 'prefixed', ['All']);
    add('group', svc.applicationId, 'prefixed', ['Read']);
    if (svc.exactlyOnce) {
      add('transactionalId', svc.applicationId, 'prefixed', ['Write', 'Describe']);
      if (svc.produces.length === 0) add('cluster', CLUSTER_RESOURCE, 'literal', ['IdempotentWrite']);
    }
  }

  if (svc.type === 'connect') {
    for (const t of svc.consumes) {
      add('topic', t, 'literal', ['Read', 'Describe']);
      if (dlqTopics.has(t)) add('topic', `${t}.dlq`, 'literal', ['Write', 'Describe']);
    }
    add('group', svc.group ?? svc.name, 'literal', ['Read']);
    add('topic', svc.internalTopicPrefix ?? `connect-${svc.name}-`, 'prefixed', ['Read', 'Write', 'Describe', 'Create', 'DescribeConfigs']);
    if (svc.consumes.length > 0) add('group', 'connect-', 'prefixed', ['Read']);
  }
  return out;
}

/** A stable identity for a binding (used for dedup, resource keys and drift). */
export function aclKey(a: AclBinding): string {
  return [a.principal, a.host, a.permission, a.operation, a.resourceType, a.resourceName, a.patternType].join('|');
}

/** `User:a ALLOW Write topic:orders (literal) @*` */
export function formatAcl(a: AclBinding): string {
  return `${a.principal} ${a.permission.toUpperCase()} ${a.operation} ${a.resourceType}:${a.resourceName} (${a.patternType}) @${a.host}`;
}

/** Deduplicates bindings (first origin wins) and sorts them stably. */
export function normalizeAcls(acls: ResolvedAcl[]): ResolvedAcl[] {
  // Keys are computed once: tens of thousands of bindings would otherwise rebuild them in every comparison.
  const seen = new Map<string, ResolvedAcl>();
  for (const a of acls) {
    const k = aclKey(a);
    if (!seen.has(k)) seen.set(k, a);
  }
  return [...seen.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, v]) => v);
}

/** Operations Kafka accepts per resource type (a binding outside them cannot be created). */
export const VALID_OPERATIONS: Record<ResourceType, AclOperation[]> = {
  topic: ['All', 'Read', 'Write', 'Create', 'Delete', 'Alter', 'Describe', 'DescribeConfigs', 'AlterConfigs'],
  group: ['All', 'Read', 'Describe', 'Delete'],
  cluster: ['All', 'Create', 'ClusterAction', 'DescribeConfigs', 'AlterConfigs', 'IdempotentWrite', 'Alter', 'Describe'],
  transactionalId: ['All', 'Describe', 'Write'],
  delegationToken: ['All', 'Describe'],
  user: ['All', 'CreateTokens', 'DescribeTokens'],
};
