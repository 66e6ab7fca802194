/**
 * Drift of SCRAM users and client quotas: the declared ones against what the cluster reports, plus
 * the live ones nobody declared inside the managed scope. Pure; computeDrift merges the items.
 *
 * - A user is compared by its declared mechanism and iterations. Kafka never returns a password,
 *   so a changed password is not drift (computeDrift names it under notChecked). A credential of
 *   another mechanism on a declared user is not drift either: the file declares one mechanism per
 *   user, and `kafkaform import` keeps the strongest.
 * - A quota is compared limit by limit; a limit set on the cluster but not declared is `changed`
 *   with expected null, as a topic config is.
 * - Unmanaged: a user whose name is a declared principal or starts with a managed prefix (never
 *   the user the read logged in as: it exists by necessity, whoever made it); a quota
 *   whose user is declared or whose user / client id starts with a managed prefix.
 */
import { type ClusterState, type LiveQuota, quotaEntityKey } from '../cluster/port.js';
import type { ResolvedSpec } from '../manifest/types.js';
import type { DriftItem } from './compute-drift.js';

const QUOTA_LIMITS = ['producerByteRate', 'consumerByteRate', 'requestPercentage'] as const;

const inScope = (name: string, managedPrefixes: readonly string[]) => !name.startsWith('_') && managedPrefixes.some((p) => name.startsWith(p));

/** Users missing, changed (mechanism, iterations) and unmanaged; nothing when the users were not read. */
export function computeUserDrift(spec: ResolvedSpec, state: Pick<ClusterState, 'users' | 'connectedAs'>): DriftItem[] {
  if (!state.users) return [];
  const drift: DriftItem[] = [];
  const live = new Map(state.users.map((u) => [u.name, u]));
  for (const u of spec.users) {
    const l = live.get(u.name);
    if (!l) {
      drift.push({ resource: 'user', name: u.name, kind: 'missing', expected: { mechanism: u.mechanism, iterations: u.iterations } });
      continue;
    }
    const cred = l.credentials.find((c) => c.mechanism === u.mechanism);
    if (!cred) drift.push({ resource: 'user', name: u.name, kind: 'changed', field: 'mechanism', expected: u.mechanism, actual: l.credentials.map((c) => c.mechanism).join(',') });
    else if (cred.iterations !== u.iterations) drift.push({ resource: 'user', name: u.name, kind: 'changed', field: 'iterations', expected: u.iterations, actual: cred.iterations });
  }
  const declared = new Set(spec.users.map((u) => u.name));
  const principals = new Set(spec.services.map((s) => s.principal.replace(/^User:/, '')));
  for (const l of state.users) {
    if (declared.has(l.name) || l.name === state.connectedAs || !(principals.has(l.name) || inScope(l.name, spec.policy.managedPrefixes))) continue;
    drift.push({ resource: 'user', name: l.name, kind: 'unmanaged', actual: { credentials: l.credentials } });
  }
  return drift;
}

const limitsOf = (q: Partial<Record<(typeof QUOTA_LIMITS)[number], number>>) => Object.fromEntries(QUOTA_LIMITS.filter((k) => q[k] !== undefined).map((k) => [k, q[k]]));

/** Quotas missing, changed (per limit) and unmanaged, by entity (`user=alice`, `client-id=<default>`); nothing when the quotas were not read. */
export function computeQuotaDrift(spec: ResolvedSpec, state: Pick<ClusterState, 'quotas'>): DriftItem[] {
  if (!state.quotas) return [];
  const drift: DriftItem[] = [];
  const live = new Map<string, LiveQuota>(state.quotas.map((q) => [quotaEntityKey(q), q]));
  const declared = new Set<string>();
  for (const q of spec.quotas) {
    const name = quotaEntityKey(q);
    declared.add(name);
    const l = live.get(name);
    if (!l) {
      drift.push({ resource: 'quota', name, kind: 'missing', expected: limitsOf(q) });
      continue;
    }
    for (const field of QUOTA_LIMITS) {
      if (q[field] === l[field]) continue;
      drift.push({ resource: 'quota', name, kind: 'changed', field, expected: q[field] ?? null, actual: l[field] ?? null });
    }
  }
  const users = new Set([...spec.users.map((u) => u.name), ...spec.services.map((s) => s.principal.replace(/^User:/, ''))]);
  const prefixes = spec.policy.managedPrefixes;
  for (const [name, l] of live) {
    if (declared.has(name)) continue;
    const scoped = (l.user !== undefined && (users.has(l.user) || inScope(l.user, prefixes))) || (l.clientId !== undefined && inScope(l.clientId, prefixes));
    if (scoped) drift.push({ resource: 'quota', name, kind: 'unmanaged', actual: limitsOf(l) });
  }
  return drift;
}
