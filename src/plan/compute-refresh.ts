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
  values?: {
    outputs?: Record<string, { value: unknown; sensitive?: boolean }>;
    root_module?: { resources?: Array<{ address: string; type: string; mode?: string; values: Record<string, unknown> }> };
  };
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

/** Attributes of a synthesized resource that are Terraform meta-arguments or cdktf metadata, not provider values. */
const META = new Set(['//', 'provider', 'lifecycle', 'depends_on', 'count', 'for_each', 'connection', 'provisioner']);
/** Top-level blocks of a synthesized stack that leave the resource plan alone (variables matter only through the references resolved below). */
const PASSIVE_BLOCKS = new Set(['//', 'terraform', 'provider', 'variable', 'resource', 'output']);

/** SDKv2 providers store an unset optional value as its zero value; Terraform plans no change between them. */
function isEmpty(v: unknown): boolean {
  return v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0) || (typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 0);
}

function sameValue(a: unknown, b: unknown): boolean {
  if (isEmpty(a) && isEmpty(b)) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return a !== null && b !== null && typeof a !== 'object' && typeof b !== 'object' && String(a) === String(b);
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  const keys = new Set([...ka, ...kb]);
  if (Array.isArray(a) && ka.length !== kb.length) return false;
  for (const k of keys) if (!sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  return true;
}

/** A literal with `${var.NAME}` references resolved from the run's variables; undefined when it holds any other expression. */
function resolveLiteral(v: unknown, vars: Readonly<Record<string, string>>): { value: unknown } | undefined {
  if (typeof v === 'string') {
    if (!v.includes('${')) return { value: v };
    const m = /^\$\{var\.([A-Za-z_][A-Za-z0-9_-]*)\}$/.exec(v);
    return m && vars[m[1]!] !== undefined ? { value: vars[m[1]!] } : undefined;
  }
  if (Array.isArray(v)) {
    const out: unknown[] = [];
    for (const x of v) {
      const r = resolveLiteral(x, vars);
      if (!r) return undefined;
      out.push(r.value);
    }
    return { value: out };
  }
  if (typeof v === 'object' && v !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      const r = resolveLiteral(x, vars);
      if (!r) return undefined;
      out[k] = r.value;
    }
    return { value: out };
  }
  return { value: v };
}

/** The attributes `lifecycle.ignore_changes` takes out of the comparison: whole attributes, or keys of a map (`config["k"]`). */
function ignoredPaths(lifecycle: unknown): { attributes: Set<string>; mapKeys: Map<string, Set<string>> } | 'all' {
  const list = (lifecycle as { ignore_changes?: unknown } | undefined)?.ignore_changes;
  const attributes = new Set<string>();
  const mapKeys = new Map<string, Set<string>>();
  if (list === 'all') return 'all';
  for (const entry of Array.isArray(list) ? list : []) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)\["(.*)"\]$/.exec(String(entry));
    if (m) mapKeys.set(m[1]!, (mapKeys.get(m[1]!) ?? new Set()).add(m[2]!));
    else attributes.add(String(entry));
  }
  return { attributes, mapKeys };
}

function withoutKeys(v: unknown, keys: Set<string> | undefined): unknown {
  if (!keys || typeof v !== 'object' || v === null) return v;
  return Object.fromEntries(Object.entries(v).filter(([k]) => !keys.has(k)));
}

/** The first attribute where a synthesized resource and its state differ (undefined: equal). */
function firstDifference(config: Record<string, unknown>, state: Record<string, unknown>, vars: Readonly<Record<string, string>>): string | undefined {
  const ignored = ignoredPaths(config.lifecycle);
  if (ignored === 'all') return 'ignores all changes';
  const keys = new Set([...Object.keys(config), ...Object.keys(state)]);
  for (const k of keys) {
    // `id` is computed; write-only attributes are never stored nor compared by Terraform.
    if (META.has(k) || k === 'id' || k.endsWith('_wo') || ignored.attributes.has(k)) continue;
    const want = resolveLiteral(config[k], vars);
    if (!want) return `${k} is an expression kafkaform does not evaluate`;
    if (!sameValue(withoutKeys(want.value, ignored.mapKeys.get(k)), withoutKeys(state[k], ignored.mapKeys.get(k)))) return `${k} differs from the state`;
  }
  return undefined;
}

/**
 * Whether terraform plan itself can be skipped for a no-change plan: the synthesized stack (cdk.tf.json)
 * declares exactly the resources and outputs in the state, with the same values. Together with a
 * refresh skip (the live read proves the state equal to the cluster), Terraform's plan would be empty.
 * Anything kafkaform cannot evaluate (a data source, an expression, another top-level block) means plan.
 */
export function computePlanSkip(stack: unknown, state: TerraformStateJson, vars: Readonly<Record<string, string>> = {}): RefreshDecision {
  const doc = (stack ?? {}) as Record<string, unknown>;
  const no = (reason: string): RefreshDecision => ({ skip: false, reason });
  const other = Object.keys(doc).find((k) => !PASSIVE_BLOCKS.has(k));
  if (other) return no(`the stack has a ${other} block`);
  // A variable the run does not set takes its declared default.
  const defaults: Record<string, string> = {};
  for (const [name, v] of Object.entries((doc.variable ?? {}) as Record<string, { default?: unknown }>)) {
    if (typeof v.default === 'string' || typeof v.default === 'number' || typeof v.default === 'boolean') defaults[name] = String(v.default);
  }
  vars = { ...defaults, ...vars };
  const resources = state.values?.root_module?.resources ?? [];
  const inState = new Map(resources.map((r) => [r.address, r]));
  let declared = 0;
  for (const [type, byName] of Object.entries((doc.resource ?? {}) as Record<string, Record<string, Record<string, unknown>>>)) {
    for (const [name, config] of Object.entries(byName)) {
      declared++;
      const address = `${type}.${name}`;
      const r = inState.get(address);
      if (!r || (r.mode !== undefined && r.mode !== 'managed')) return no(`${address} is not in the state`);
      const why = firstDifference(config, r.values, vars);
      if (why) return no(`${address}: ${why}`);
    }
  }
  if (declared !== resources.length) return no(`the state holds ${resources.length - declared} resource(s) the stack no longer declares`);
  const outputs = (doc.output ?? {}) as Record<string, { value?: unknown }>;
  const stateOutputs = state.values?.outputs ?? {};
  if (Object.keys(outputs).length !== Object.keys(stateOutputs).length) return no('the outputs differ from the state');
  for (const [name, o] of Object.entries(outputs)) {
    const want = resolveLiteral(o.value, vars);
    if (!want || !(name in stateOutputs) || !sameValue(want.value, stateOutputs[name]!.value)) return no(`output ${name} differs from the state`);
  }
  return { skip: true, reason: `the stack declares exactly the ${declared} resources in the state, with the same values` };
}
