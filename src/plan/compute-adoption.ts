/**
 * Adoption: which declared resources already exist on the cluster but not in the Terraform state.
 * Each becomes a Terraform import block instead of a create (a create of an existing topic fails;
 * a lost or emptied state recovers the same way). Pure: takes what was read, returns values.
 *
 * Quotas: the provider's kafka_quota (0.13.1) has no importer, but AlterClientQuotas is an upsert, so
 * an existing quota is adopted by the create that writes the declared values; the plan shows it as
 * an import, then the declared limits that differ from the live ones as an update (see
 * computePlanChanges' `adopted` and `adoptedLive`). A live limit the file does not declare is left
 * by that create; the next plan, refreshed, replaces the quota to remove it.
 */
import { aclKey } from '../acl/derive.js';
import type { AclBinding, ResolvedSpec } from '../manifest/types.js';
import { quotaAddress } from '../synth/constructs.js';
import { aclImport, topicImport, userImport, type ImportBlock } from '../synth/import-blocks.js';
import type { PlanError } from './risk.js';

/**
 * Creates of resources the live read could not see (users or quotas absent from it): the resource may
 * exist, so creating it is not safe to plan. One PlanError per kind, naming why the read left it out.
 */
export function computeUnreadCreates(changes: ReadonlyArray<{ resource: string; action: string; name: string }>, live: AdoptionLive & { notChecked?: ReadonlyArray<{ resource: string; reason: string }> }): PlanError[] {
  const out: PlanError[] = [];
  for (const [kind, read] of [['user', live.users], ['quota', live.quotas]] as const) {
    if (read !== undefined) continue;
    const creates = changes.filter((c) => c.resource === kind && c.action === 'create');
    if (creates.length === 0) continue;
    const why = live.notChecked?.find((n) => n.resource === kind || n.resource === `${kind}s`)?.reason ?? 'the cluster read left them out';
    out.push({
      code: 'not-read',
      resource: `${kind} ${creates.map((c) => c.name).join(', ')}`,
      message: `cannot plan creating ${kind} ${creates.map((c) => c.name).join(', ')}: the ${kind}s on the cluster could not be read (${why}), so it may already exist`,
      hint: `give kafkaform's principal permission to describe ${kind === 'user' ? 'SCRAM credentials (DescribeUserScramCredentials: Describe on the cluster)' : 'client quotas (DescribeConfigs on the cluster)'}, then plan again`,
    });
  }
  return out;
}

/** What adoption needs of a live read (a ClusterState is one); absent users/quotas were not read. */
export interface AdoptionLive {
  topics: ReadonlyArray<{ name: string }>;
  acls: readonly AclBinding[];
  users?: ReadonlyArray<{ name: string; credentials: ReadonlyArray<{ mechanism: string }> }>;
  quotas?: ReadonlyArray<{ user?: string; clientId?: string; producerByteRate?: number; consumerByteRate?: number; requestPercentage?: number }>;
}

export interface Adoption {
  imports: ImportBlock[];
  /** Addresses of kafka_quota resources that exist on the cluster (created = adopted). */
  adoptedQuotas: string[];
  /**
   * The live limits of each adopted quota, by address, in the provider's `config` form
   * (`producer_byte_rate`: bytes/s): the plan shows the declared values that differ as an update.
   */
  adoptedQuotaLive?: Record<string, Record<string, number>>;
}

/** A live quota's limits as kafka_quota's `config` map. */
function quotaConfigOf(q: { producerByteRate?: number; consumerByteRate?: number; requestPercentage?: number }): Record<string, number> {
  return {
    ...(q.producerByteRate !== undefined ? { producer_byte_rate: q.producerByteRate } : {}),
    ...(q.consumerByteRate !== undefined ? { consumer_byte_rate: q.consumerByteRate } : {}),
    ...(q.requestPercentage !== undefined ? { request_percentage: q.requestPercentage } : {}),
  };
}

/**
 * Import blocks for every declared topic, ACL and SCRAM credential that exists on the cluster and
 * whose address is not in `inState` (the state's resource addresses, `terraform state list`).
 */
export function computeAdoption(spec: ResolvedSpec, live: AdoptionLive, inState: ReadonlySet<string>): Adoption {
  const imports: ImportBlock[] = [];
  const missing = (b: ImportBlock) => !inState.has(b.to);
  const liveTopics = new Set(live.topics.map((t) => t.name));
  for (const t of spec.topics) if (liveTopics.has(t.name)) imports.push(topicImport(t.name));
  const liveAcls = new Set(live.acls.map(aclKey));
  for (const a of spec.acls) if (liveAcls.has(aclKey(a))) imports.push(aclImport(a));
  const liveUsers = new Map((live.users ?? []).map((u) => [u.name, new Set(u.credentials.map((c) => c.mechanism))]));
  // A user without passwordFrom is only checked by drift: it has no Terraform resource to import into.
  for (const u of spec.users) if (u.passwordFrom !== undefined && liveUsers.get(u.name)?.has(u.mechanism)) imports.push(userImport(u.name, u.mechanism));
  const liveQuotas = new Map((live.quotas ?? []).filter((q) => (q.user === undefined) !== (q.clientId === undefined)).map((q) => [quotaAddress(q), q]));
  const adoptedQuotas = spec.quotas
    .map((q) => quotaAddress(q))
    .filter((a) => liveQuotas.has(a) && !inState.has(`kafka_quota.${a}`))
    .map((a) => `kafka_quota.${a}`);
  const adoptedQuotaLive = Object.fromEntries(adoptedQuotas.map((address) => [address, quotaConfigOf(liveQuotas.get(address.replace(/^kafka_quota\./, ''))!)]));
  return { imports: imports.filter(missing), adoptedQuotas, adoptedQuotaLive };
}

