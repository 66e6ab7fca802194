/**
 * Whether a plan may skip Terraform's refresh: only when kafkaform's own live read proves every
 * resource in the state equal to what the cluster holds (the refresh would change nothing). Any
 * resource it cannot compare (a schema subject, an unread kind, a value that differs) means refresh.
 * Pure: takes `terraform show -json` of the state and the live read.
 */
import { aclKey } from '../acl/derive.js';
import type { AclBinding } from '../manifest/types.js';
import { aclBindingOf } from './terraform-plan.js';

/** The state as `terraform show -json` prints it (no plan file). */
export interface TerraformStateJson {
  values?: { root_module?: { resources?: Array<{ address: string; type: string; values: Record<string, unknown> }> } };
}

/** What the comparison needs of a live read (a ClusterState is one). */
export interface RefreshLive {
  topics: ReadonlyArray<{ name: string; partitions: number; replicationFactor: number; config: Record<string, string> }>;
  acls: readonly AclBinding[];
  users?: ReadonlyArray<{ name: string; credentials: ReadonlyArray<{ mechanism: string; iterations: number }> }>;
  quotas?: ReadonlyArray<{ user?: string; clientId?: string; producerByteRate?: number; consumerByteRate?: number; requestPercentage?: number }>;
}

export interface RefreshDecision {
  skip: boolean;
  /** Said to the user either way: why the refresh is skipped, or the first resource that needs it. */
  reason: string;
}

/** The addresses in a state. */
export function stateAddressesOf(state: TerraformStateJson): string[] {
  return (state.values?.root_module?.resources ?? []).map((r) => r.address);
}

function sameMap(a: Record<string, unknown> | undefined, b: Record<string, string>): boolean {
  const ak = Object.keys(a ?? {});
  return ak.length === Object.keys(b).length && ak.every((k) => String(a?.[k]) === b[k]);
}

/** Decides whether the plan may run with -refresh=false. */
export function computeRefreshSkip(state: TerraformStateJson, live: RefreshLive): RefreshDecision {
  const resources = state.values?.root_module?.resources ?? [];
  if (resources.length === 0) return { skip: false, reason: 'the state is empty' };
  const topics = new Map(live.topics.map((t) => [t.name, t]));
  const acls = new Set(live.acls.map(aclKey));
  const users = live.users && new Map(live.users.map((u) => [u.name, u]));
  const quotas = live.quotas && new Map(live.quotas.map((q) => [`${q.user !== undefined ? 'user' : 'client-id'}:${q.user ?? q.clientId}`, q]));
  const differs = (address: string, why: string): RefreshDecision => ({ skip: false, reason: `${address} ${why}` });
  for (const r of resources) {
    const v = r.values;
    if (r.type === 'kafka_topic') {
      const t = topics.get(String(v.name));
      if (!t) return differs(r.address, 'is not on the cluster');
      if (t.partitions !== Number(v.partitions) || t.replicationFactor !== Number(v.replication_factor) || !sameMap(v.config as Record<string, unknown>, t.config)) {
        return differs(r.address, 'differs from the cluster');
      }
    } else if (r.type === 'kafka_acl') {
      if (!acls.has(aclKey(aclBindingOf(v)))) return differs(r.address, 'is not on the cluster');
    } else if (r.type === 'kafka_user_scram_credential') {
      if (!users) return differs(r.address, 'cannot be compared: the users were not read');
      const c = users.get(String(v.username))?.credentials.find((x) => x.mechanism === v.scram_mechanism);
      if (!c || c.iterations !== Number(v.scram_iterations)) return differs(r.address, 'differs from the cluster');
    } else if (r.type === 'kafka_quota') {
      if (!quotas) return differs(r.address, 'cannot be compared: the quotas were not read');
      const q = quotas.get(`${String(v.entity_type)}:${v.entity_name ? String(v.entity_name) : '<default>'}`);
      const want: Record<string, string> = {};
      if (q?.producerByteRate !== undefined) want.producer_byte_rate = String(q.producerByteRate);
      if (q?.consumerByteRate !== undefined) want.consumer_byte_rate = String(q.consumerByteRate);
      if (q?.requestPercentage !== undefined) want.request_percentage = String(q.requestPercentage);
      if (!q || !sameMap(v.config as Record<string, unknown>, want)) return differs(r.address, 'differs from the cluster');
    } else {
      return differs(r.address, 'cannot be compared by kafkaform');
    }
  }
  return { skip: true, reason: `kafkaform's live read matches all ${resources.length} resources in the state` };
}
