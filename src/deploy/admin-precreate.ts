/**
 * Deploy's fast path for creates. The Kafka provider (0.13.1) creates one resource per call and then
 * waits on each: at least a second per topic (a 1 s delay, then 2 s polls) and, per ACL binding, a
 * listing of every ACL on the cluster until the new one shows (quadratic in the ACL count). So the
 * topics and ACL bindings an approved plan creates are created here through the admin API, many at
 * once, exactly as terraform planned them (the plan's `after` values); the plan is then made again,
 * and adoption imports them into the state. A failure part-way leaves resources that exist but are
 * not in the state: the next plan adopts them, as it does any brownfield resource.
 */
import { aclKey } from '../acl/derive.js';
import type { ClusterPortFactory } from '../cluster/collect.js';
import type { Connection } from '../cluster/port.js';
import type { AclBinding } from '../manifest/types.js';
import { aclBindingOf } from '../plan/terraform-plan.js';
import { sleep } from '../os/process.js';
import type { Progress } from '../progress.js';
import { UserError } from '../errors.js';

/** The topics and ACL bindings a saved plan (terraform show -json) creates, with the values terraform would write. */
export interface PlannedCreates {
  topics: Array<{ address: string; name: string; partitions: number; replicationFactor: number; config: Record<string, string> }>;
  acls: Array<{ address: string; binding: AclBinding }>;
}

/** Pure: the plain creates (not replacements, not imports) of topics and ACL bindings in a plan. */
export function computePlannedCreates(plan: unknown): PlannedCreates {
  const out: PlannedCreates = { topics: [], acls: [] };
  const rcs = (plan as { resource_changes?: Array<{ address: string; type: string; change: { actions: string[]; after?: Record<string, unknown> | null; importing?: unknown } }> } | undefined)?.resource_changes ?? [];
  for (const rc of rcs) {
    const after = rc.change.after;
    if (rc.change.actions.join(',') !== 'create' || rc.change.importing !== undefined || !after) continue;
    if (rc.type === 'kafka_topic') {
      const config = Object.fromEntries(Object.entries((after.config ?? {}) as Record<string, unknown>).map(([k, v]) => [k, String(v)]));
      out.topics.push({ address: rc.address, name: String(after.name), partitions: Number(after.partitions), replicationFactor: Number(after.replication_factor), config });
    } else if (rc.type === 'kafka_acl') {
      out.acls.push({ address: rc.address, binding: aclBindingOf(after) });
    }
  }
  return out;
}

/** How many CreateTopics requests are in flight at once, and ACL bindings per CreateAcls request. */
const TOPIC_CONCURRENCY = 32;
const ACL_BATCH = 1000;
/** How long the created resources may take to show in the cluster's own listings (metadata follows the controller). */
const VISIBLE_WITHIN_MS = 120_000;

/** Creates the planned topics and ACL bindings through the admin API, then waits (bounded) until the cluster lists all of them. */
export async function applyCreatesThroughAdmin(creates: PlannedCreates, connection: Connection, ports: ClusterPortFactory, progress: Progress): Promise<void> {
  const port = ports(connection);
  try {
    let next = 0;
    const worker = async () => {
      while (next < creates.topics.length) {
        const t = creates.topics[next++]!;
        try {
          await port.createTopic({ name: t.name, partitions: t.partitions, replicationFactor: t.replicationFactor, config: t.config });
        } catch (e) {
          throw new UserError(`creating topic ${t.name} through the admin API failed: ${(e as Error).message}`, 'what was created is adopted by the next deploy; fix the cause and deploy again');
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(TOPIC_CONCURRENCY, creates.topics.length) }, worker));
    const bindings = creates.acls.map((a) => a.binding);
    for (let i = 0; i < bindings.length; i += ACL_BATCH) await port.createAcls(bindings.slice(i, i + ACL_BATCH));
    const until = Date.now() + VISIBLE_WITHIN_MS;
    for (;;) {
      const [topics, acls] = await Promise.all([creates.topics.length > 0 ? port.listTopics() : [], bindings.length > 0 ? port.listAcls() : []]);
      const listed = new Set(topics);
      const listedAcls = new Set(acls.map(aclKey));
      const missingTopics = creates.topics.filter((t) => !listed.has(t.name)).length;
      const missingAcls = bindings.filter((b) => !listedAcls.has(aclKey(b))).length;
      if (missingTopics === 0 && missingAcls === 0) return;
      if (Date.now() > until) {
        throw new UserError(`created through the admin API, but after ${VISIBLE_WITHIN_MS / 1000} s the cluster still does not list ${missingTopics} topic(s) and ${missingAcls} ACL binding(s)`, 'deploy again: what exists is adopted');
      }
      progress(`waiting for the cluster to list ${missingTopics} topic(s) and ${missingAcls} ACL binding(s)`);
      await sleep(250);
    }
  } finally {
    await port.close();
  }
}
