/**
 * Adoption: which declared resources already exist on the cluster but not in the Terraform state.
 * Each becomes a Terraform import block instead of a create (a create of an existing topic fails;
 * a lost or emptied state recovers the same way). Pure: takes what was read, returns values.
 *
 * Quotas: the provider's kafka_quota (0.13.1) has no importer, but AlterClientQuotas is an upsert, so
 * an existing quota is adopted by the create that writes the declared values; the plan shows it as
 * an import (see computePlanChanges' `adopted`).
 */
import { aclKey } from '../acl/derive.js';
import type { AclBinding, ResolvedSpec } from '../manifest/types.js';
import { quotaAddress } from '../synth/constructs.js';
import { aclImport, topicImport, userImport, type ImportBlock } from '../synth/import-blocks.js';

/** What adoption needs of a live read (a ClusterState is one); absent users/quotas were not read. */
export interface AdoptionLive {
  topics: ReadonlyArray<{ name: string }>;
  acls: readonly AclBinding[];
  users?: ReadonlyArray<{ name: string; credentials: ReadonlyArray<{ mechanism: string }> }>;
  quotas?: ReadonlyArray<{ user?: string; clientId?: string }>;
}

export interface Adoption {
  imports: ImportBlock[];
  /** Addresses of kafka_quota resources that exist on the cluster (created = adopted). */
  adoptedQuotas: string[];
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
  const liveQuotas = new Set((live.quotas ?? []).filter((q) => (q.user === undefined) !== (q.clientId === undefined)).map((q) => quotaAddress(q)));
  const adoptedQuotas = spec.quotas
    .map((q) => quotaAddress(q))
    .filter((a) => liveQuotas.has(a) && !inState.has(`kafka_quota.${a}`))
    .map((a) => `kafka_quota.${a}`);
  return { imports: imports.filter(missing), adoptedQuotas };
}

