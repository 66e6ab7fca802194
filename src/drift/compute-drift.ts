/**
 * computeDrift: the pure comparison of one environment's spec with what the live cluster holds.
 *
 * What is compared, and why:
 * - Declared topics: missing, partition count, replication factor, and topic configs. Only
 *   configs set on the topic itself (dynamic topic configs) take part, so broker and static
 *   defaults never show up as drift: a fresh deploy is in sync on every Kafka version.
 *   A config set on the live topic that the spec does not declare is drift too (expected null),
 *   except keys other tools own (replication throttles, policy.ignoreConfigKeys).
 * - Declared ACLs: missing bindings.
 * - Unmanaged resources, inside the managed scope only (see `isManagedTopic` / `isManagedAcl`).
 * - Users (mechanism, iterations) and quotas (per limit): missing, changed and unmanaged, see
 *   compute-user-quota-drift.ts. Passwords are never returned by Kafka: named under notChecked.
 * - Nothing is silently "in sync": whatever was not read is listed in `notChecked` with the
 *   reason and a code; a report with something unread other than passwords is `partial`.
 */
import { aclKey, formatAcl } from '../acl/derive.js';
import type { ClusterState, NotReadCode } from '../cluster/port.js';
import { computeQuotaDrift, computeUserDrift } from './compute-user-quota-drift.js';
import type { AclBinding, ResolvedSpec } from '../manifest/types.js';
import { normalizeCleanupPolicy } from '../model/cleanup-policy.js';
import { ignoredConfigKeys } from '../manifest/topic-configs.js';

export type DriftResource = 'topic' | 'acl' | 'user' | 'quota' | 'schema' | 'connector';
export type DriftKind = 'missing' | 'unmanaged' | 'changed';

export interface DriftItem {
  resource: DriftResource;
  /** Topic name, or for an ACL the readable binding (`User:a ALLOW Write topic:orders (literal) @*`). */
  name: string;
  kind: DriftKind;
  /** For `changed`: `partitions`, `replicationFactor`, `config.<key>`; a user's `mechanism` / `iterations`; a quota's limit (`producerByteRate`, …). */
  field?: string;
  /** What the spec declares; null = not set in the spec. */
  expected?: unknown;
  /** What the cluster holds; null = not set on the cluster. */
  actual?: unknown;
}

export interface NotChecked {
  /** A drift resource, or `topic-config` when some topics' configs could not be read. */
  resource: DriftResource | 'topic-config';
  reason: string;
  /** Why (see NotReadCode); absent for what drift does not read by design (schemas without a registry). */
  code?: NotReadCode;
}

export interface DriftReport {
  cluster: string;
  environment: string;
  inSync: boolean;
  /** How many declared resources were compared, and how many live ones were scanned. */
  checked: { topics: number; acls: number; users: number; quotas: number; liveTopics: number; liveAcls: number; liveUsers?: number; liveQuotas?: number; subjects?: number; connectors?: number };
  drift: DriftItem[];
  notChecked: NotChecked[];
  /** Something Kafka could have told was not read (refused, unsupported, or the client cannot ask): see notChecked. */
  partial: boolean;
}

/** A notChecked entry that makes a read partial: everything but what Kafka never returns (passwords) and what drift skips by design. */
export function isPartialRead(n: Pick<NotChecked, 'code'>): boolean {
  return n.code !== undefined && n.code !== 'never-returned';
}

/** Topics whose name starts with `_` are Kafka's or a tool's internals: never reported. */
export function isInternalTopic(name: string): boolean {
  return name.startsWith('_');
}

/** A topic is in the managed scope when its name starts with one of policy.managedPrefixes ('' = every topic). */
export function isManagedTopic(name: string, managedPrefixes: readonly string[]): boolean {
  return !isInternalTopic(name) && managedPrefixes.some((p) => name.startsWith(p));
}

/**
 * An ACL is in the managed scope when its principal is one the spec declares (a service
 * principal or the principal of a raw `acls` entry), or when it is on a topic inside the managed
 * prefixes. A prefixed or wildcard topic ACL counts only when its resource name itself starts
 * with a managed prefix, so `managedPrefixes: ['orders.']` never claims `topic:*`.
 */
export function isManagedAcl(a: AclBinding, declaredPrincipals: ReadonlySet<string>, managedPrefixes: readonly string[]): boolean {
  if (declaredPrincipals.has(a.principal)) return true;
  return a.resourceType === 'topic' && isManagedTopic(a.resourceName, managedPrefixes);
}

/** Kafka keeps list values in the order they were written; compare them as sets. */
function normalizeConfigValue(key: string, value: string): string {
  return key === 'cleanup.policy' ? normalizeCleanupPolicy(value) : value;
}

/** Compares a resolved spec with a collected cluster state. Pure. */
export function computeDrift(spec: ResolvedSpec, state: ClusterState): DriftReport {
  const drift: DriftItem[] = [];
  const live = new Map(state.topics.map((t) => [t.name, t]));
  const declaredTopics = new Set(spec.topics.map((t) => t.name));
  const ignored = new Set(ignoredConfigKeys(spec.policy));

  for (const t of spec.topics) {
    const l = live.get(t.name);
    if (!l) {
      drift.push({ resource: 'topic', name: t.name, kind: 'missing', expected: { partitions: t.partitions, replicationFactor: t.replicationFactor, config: t.config } });
      continue;
    }
    if (l.partitions !== t.partitions) drift.push({ resource: 'topic', name: t.name, kind: 'changed', field: 'partitions', expected: t.partitions, actual: l.partitions });
    if (l.replicationFactor !== t.replicationFactor) {
      drift.push({ resource: 'topic', name: t.name, kind: 'changed', field: 'replicationFactor', expected: t.replicationFactor, actual: l.replicationFactor });
    }
    // Configs that could not be read are not known to differ (notChecked names them).
    if (l.configNotRead) continue;
    // Keys other tools own (replication throttles, policy.ignoreConfigKeys) are never drift.
    const keys = [...new Set([...Object.keys(t.config), ...Object.keys(l.config)])].filter((k) => !ignored.has(k)).sort();
    for (const key of keys) {
      const want = t.config[key];
      const have = l.config[key];
      if (want !== undefined && have !== undefined && normalizeConfigValue(key, want) === normalizeConfigValue(key, have)) continue;
      drift.push({ resource: 'topic', name: t.name, kind: 'changed', field: `config.${key}`, expected: want ?? null, actual: have ?? null });
    }
  }
  for (const l of state.topics) {
    if (declaredTopics.has(l.name) || l.internal || !isManagedTopic(l.name, spec.policy.managedPrefixes)) continue;
    drift.push({ resource: 'topic', name: l.name, kind: 'unmanaged', actual: { partitions: l.partitions, replicationFactor: l.replicationFactor, config: l.config } });
  }

  const liveAcls = new Set(state.acls.map(aclKey));
  const declaredAcls = new Set(spec.acls.map(aclKey));
  const declaredPrincipals = new Set([...spec.services.map((s) => s.principal), ...spec.acls.map((a) => a.principal)]);
  for (const a of spec.acls) {
    if (!liveAcls.has(aclKey(a))) drift.push({ resource: 'acl', name: formatAcl(a), kind: 'missing' });
  }
  const seen = new Set<string>();
  for (const a of state.acls) {
    const key = aclKey(a);
    if (declaredAcls.has(key) || seen.has(key) || !isManagedAcl(a, declaredPrincipals, spec.policy.managedPrefixes)) continue;
    seen.add(key);
    drift.push({ resource: 'acl', name: formatAcl(a), kind: 'unmanaged' });
  }

  drift.push(...computeUserDrift(spec, state), ...computeQuotaDrift(spec, state));

  const notChecked: NotChecked[] = state.notChecked.map((n) => ({ resource: n.resource as NotChecked['resource'], reason: n.reason, ...(n.code ? { code: n.code } : {}) }));
  const has = (r: NotChecked['resource']) => notChecked.some((n) => n.resource === r);
  if (!state.users && !has('user')) notChecked.push({ resource: 'user', code: 'client', reason: `SCRAM users were not read; ${spec.users.length} declared` });
  if (!state.quotas && !has('quota')) notChecked.push({ resource: 'quota', code: 'client', reason: `client quotas were not read; ${spec.quotas.length} declared` });
  if (state.users && spec.users.length > 0) {
    notChecked.push({ resource: 'user', code: 'never-returned', reason: `passwords: Kafka never returns them, so ${spec.users.length} declared user(s) are compared by mechanism and iterations only` });
  }
  const schemas = spec.topics.filter((t) => t.schema).length;
  if (schemas > 0 && !has('schema')) notChecked.push({ resource: 'schema', reason: `drift does not read the schema registry; ${schemas} topic(s) declare a schema` });

  const order: Record<DriftResource, number> = { topic: 0, acl: 1, user: 2, quota: 3, schema: 4, connector: 5 };
  const kindOrder: Record<DriftKind, number> = { missing: 0, changed: 1, unmanaged: 2 };
  drift.sort((a, b) => order[a.resource] - order[b.resource] || kindOrder[a.kind] - kindOrder[b.kind] || a.name.localeCompare(b.name) || (a.field ?? '').localeCompare(b.field ?? ''));

  return {
    cluster: spec.cluster.name,
    environment: spec.environment,
    inSync: drift.length === 0,
    checked: {
      topics: spec.topics.length,
      acls: spec.acls.length,
      users: state.users ? spec.users.length : 0,
      quotas: state.quotas ? spec.quotas.length : 0,
      liveTopics: state.topics.filter((t) => !isInternalTopic(t.name)).length,
      liveAcls: state.acls.length,
      ...(state.users ? { liveUsers: state.users.length } : {}),
      ...(state.quotas ? { liveQuotas: state.quotas.length } : {}),
    },
    drift,
    notChecked,
    partial: notChecked.some(isPartialRead),
  };
}
