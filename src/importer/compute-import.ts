/**
 * computeImport: turns a collected ClusterState into the text of a topics.yaml. Pure.
 *
 * - Topics (not `_`-prefixed internals) with the configs set on the topic, written with the
 *   sugar fields (`retention`, `cleanupPolicy`) and units (`7d`, `1MiB`). The most common
 *   partition count and replication factor become `defaults`.
 * - ACLs: per principal, the producer/consumer role that explains them is folded into
 *   `services` when deriveServiceAcls reproduces a subset of that principal's bindings exactly;
 *   every binding the role does not produce stays in the raw `acls` list. So the file declares
 *   exactly the cluster's ACLs, no more and no fewer.
 * - SCRAM users (without passwordFrom: adopted) and quotas, see import-users-quotas.ts.
 * - What the read left out (ClusterState.notChecked) is named in the header, so a file written
 *   from a partial read says what it lacks.
 * - Config keys outside the catalogue that the broker reports set on a topic (a vendor's) are kept
 *   verbatim and accepted through cluster.flavor or policy.extraConfigKeys; replication throttles
 *   are left to the tools that own them.
 */
import { aclKey, CLUSTER_RESOURCE, deriveServiceAcls, VALID_OPERATIONS } from '../acl/derive.js';
import type { ClusterState } from '../cluster/port.js';
import { formatBytes, formatDurationMs } from '../model/units.js';
import { CLUSTER_FLAVORS, checkTopicConfigValue, DEFAULT_IGNORED_CONFIG_KEYS, TOPIC_CONFIG_BY_NAME, VENDOR_TOPIC_CONFIGS, type ClusterFlavor, type KafkaMajor } from '../manifest/topic-configs.js';
import type { AclBinding, AclOperation, ResolvedService, ResourceType } from '../manifest/types.js';
import { isInternalTopic } from '../drift/compute-drift.js';
import { DEFAULT_MAX_PARTITIONS } from '../manifest/validate.js';
import { computeImportedAccess } from './import-users-quotas.js';
import { commentLine } from './imported-document.js';
import { renderYaml } from './render-yaml.js';

export interface ImportOptions {
  clusterName: string;
  bootstrapServers: string[];
  /** Write the servers and broker count under environments.<name> instead of the top-level cluster. */
  environment?: string;
  kafkaMajor?: KafkaMajor;
  /** Shown in the header comment. */
  source?: string;
  /** The `$schema` the file points at, relative to it (default ./topics.schema.json). */
  schemaPath?: string;
}

export interface ImportResult {
  text: string;
  /** The structure `text` is rendered from (under its comment lines): parsing the text gives it back. */
  document: Record<string, unknown>;
  /** What could not be expressed in topics.yaml (written as comments too). */
  skipped: string[];
  counts: { topics: number; services: number; rawAcls: number; aclBindings: number; users: number; quotas: number };
  /** What the read could not see (from ClusterState.notChecked): the file lacks it. */
  notRead: string[];
  /**
   * Config keys outside kafkaform's catalogue that the broker reports set on a topic (a vendor's or a
   * plugin's): written as they are, and accepted through `cluster.flavor` or `policy.extraConfigKeys`.
   */
  kept: { keys: string[]; flavor?: ClusterFlavor; extraConfigKeys: string[]; where: string[] };
}

type Obj = Record<string, unknown>;

/** localeCompare's order (the same default collator), without building one per call: 10,000 topics sort in a fraction of the time. */
const byLocale = new Intl.Collator().compare;


function mode(values: number[]): number | undefined {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best: number | undefined;
  for (const [v, n] of counts) if (best === undefined || n > counts.get(best)! || (n === counts.get(best)! && v < best)) best = v;
  return best;
}

/** The YAML value for one live config, in the unit the config is written in; undefined when it cannot round-trip. */
export function importConfigValue(key: string, value: string, major: KafkaMajor): unknown {
  const def = TOPIC_CONFIG_BY_NAME.get(key);
  if (!def || (def.only !== undefined && def.only !== major)) return undefined;
  let yamlValue: unknown = value;
  const n = Number(value);
  switch (def.kind) {
    case 'duration':
      yamlValue = Number.isInteger(n) && n >= 0 ? formatDurationMs(n) : n === -1 ? 'forever' : n;
      break;
    case 'size':
      yamlValue = Number.isInteger(n) && n > 0 ? formatBytes(n) : n;
      break;
    case 'int':
    case 'double':
      yamlValue = n;
      break;
    case 'boolean':
      yamlValue = value === 'true' ? true : value === 'false' ? false : value;
      break;
  }
  const check = checkTopicConfigValue(def, yamlValue, major);
  // Only write what validates back to exactly the live value: import must be in sync with drift.
  if (!check.ok || check.value !== value) {
    if (def.kind === 'list' && check.ok && check.value.split(',').sort().join(',') === value.split(',').sort().join(',')) return yamlValue;
    return undefined;
  }
  return yamlValue;
}

/**
 * How a file accepts the vendor keys it keeps: the flavor that documents some of them (when exactly
 * one does), and the rest as exact policy.extraConfigKeys entries.
 */
export function computeVendorKeyAcceptance(keys: readonly string[]): { flavor?: ClusterFlavor; extraConfigKeys: string[] } {
  const flavors = CLUSTER_FLAVORS.filter((f) => keys.some((k) => VENDOR_TOPIC_CONFIGS[f].includes(k)));
  const flavor = flavors.length === 1 ? flavors[0] : undefined;
  const covered = new Set(flavor ? VENDOR_TOPIC_CONFIGS[flavor] : []);
  return { ...(flavor ? { flavor } : {}), extraConfigKeys: [...new Set(keys)].filter((k) => !covered.has(k)).sort() };
}

/** Role fields (produces/consumes/group/transactionalId) read from one principal's bindings. */
function inferService(name: string, principal: string, host: string, acls: AclBinding[], topicNames: ReadonlySet<string>): ResolvedService | undefined {
  const allow = acls.filter((a) => a.permission === 'allow' && a.host === host);
  // The operations on each (type, name, pattern), indexed once: a principal may hold many bindings.
  const opsOn = new Map<string, Set<AclOperation>>();
  for (const a of allow) {
    const k = `${a.resourceType}|${a.patternType}|${a.resourceName}`;
    const set = opsOn.get(k) ?? new Set<AclOperation>();
    set.add(a.operation);
    opsOn.set(k, set);
  }
  const none = new Set<AclOperation>();
  const ops = (type: ResourceType, resourceName: string, pattern: 'literal' | 'prefixed') => opsOn.get(`${type}|${pattern}|${resourceName}`) ?? none;
  // Only topics the file declares: a service may name nothing else.
  const literalTopics = [...new Set(allow.filter((a) => a.resourceType === 'topic' && a.patternType === 'literal' && topicNames.has(a.resourceName)).map((a) => a.resourceName))].sort();
  const produces = literalTopics.filter((t) => ops('topic', t, 'literal').has('Write') && ops('topic', t, 'literal').has('Describe'));
  const consumes = literalTopics.filter((t) => ops('topic', t, 'literal').has('Read') && ops('topic', t, 'literal').has('Describe'));
  // A group or transactional id is expressible only when the role's naming rule gives it back:
  // prefixed ids are written with a trailing '*' (or as-is when they end in '-'); a literal id must not end in '-' or '*'.
  const idOf = (type: ResourceType, op: AclOperation): string | null | undefined => {
    const found = allow.filter((a) => a.resourceType === type && a.operation === op);
    if (found.length === 0) return undefined;
    if (found.length > 1) return null;
    const a = found[0]!;
    if (a.patternType === 'prefixed') return a.resourceName.endsWith('-') ? a.resourceName : `${a.resourceName}*`;
    return /[-*]$/.test(a.resourceName) ? null : a.resourceName;
  };
  const group = consumes.length > 0 ? idOf('group', 'Read') : undefined;
  if (group === null || (consumes.length > 0 && group === undefined)) return undefined;
  const transactionalId = produces.length > 0 ? idOf('transactionalId', 'Write') : undefined;
  if (transactionalId === null) return undefined;
  if (produces.length === 0 && consumes.length === 0) return undefined;
  // The validator infers the type the same way; a service with both lists has no type.
  const type = produces.length > 0 && consumes.length === 0 ? 'producer' : consumes.length > 0 && produces.length === 0 ? 'consumer' : undefined;
  return { name, type, principal, produces, consumes, group, transactionalId, host };
}

function serviceNameFor(principal: string, taken: Set<string>): string {
  const base = principal.replace(/^User:/, '').replace(/[^A-Za-z0-9._-]/g, '-') || 'service';
  let name = base;
  for (let i = 2; taken.has(name); i++) name = `${base}-${i}`;
  taken.add(name);
  return name;
}

/** Builds the topics.yaml text for a collected cluster state. */
export function computeImport(state: ClusterState, opts: ImportOptions): ImportResult {
  const major = opts.kafkaMajor ?? 4;
  const skipped: string[] = [];
  const topics = state.topics.filter((t) => !t.internal && !isInternalTopic(t.name)).sort((a, b) => byLocale(a.name, b.name));
  const defaultPartitions = mode(topics.map((t) => t.partitions)) ?? 1;
  const defaultRf = mode(topics.map((t) => t.replicationFactor)) ?? 1;
  const maxPartitions = Math.max(0, ...topics.map((t) => t.partitions));
  const maxRf = Math.max(1, ...topics.map((t) => t.replicationFactor));
  const brokers = Math.max(state.info.brokers.length, maxRf);

  const topicsOut: Obj = {};
  const keptWhere: string[] = [];
  const keptKeys = new Set<string>();
  for (const t of topics) {
    const out: Obj = {};
    if (t.partitions !== defaultPartitions) out.partitions = t.partitions;
    if (t.replicationFactor !== defaultRf) out.replicationFactor = t.replicationFactor;
    const config: Obj = {};
    if (t.configNotRead) skipped.push(`topic ${t.name}: its configs (DescribeConfigs was refused; written without configs)`);
    for (const [key, value] of Object.entries(t.config).sort(([a], [b]) => byLocale(a, b))) {
      // Replication throttles belong to whoever reassigns partitions: never drift, so never declared.
      if (DEFAULT_IGNORED_CONFIG_KEYS.includes(key)) {
        skipped.push(`topic ${t.name}: config ${key}=${value} (a replication throttle: other tools own it, so kafkaform neither declares nor removes it)`);
        continue;
      }
      // A key outside the catalogue that the broker reports set on this topic is verified by the broker itself: kept as written.
      if (!TOPIC_CONFIG_BY_NAME.has(key)) {
        config[key] = value;
        keptKeys.add(key);
        keptWhere.push(`topic ${t.name}: config ${key}=${value}`);
        continue;
      }
      const v = importConfigValue(key, value, major);
      if (v === undefined) {
        skipped.push(`topic ${t.name}: config ${key}=${value} (a Kafka config that does not exist in Kafka ${major}, or whose value cannot be written back exactly)`);
        continue;
      }
      if (key === 'retention.ms') out.retention = v;
      else if (key === 'cleanup.policy') {
        const parts = String(v).split(',').sort();
        out.cleanupPolicy = parts.length === 1 ? parts[0] : parts;
      } else config[key] = v;
    }
    if (Object.keys(config).length) out.config = config;
    topicsOut[t.name] = out;
  }

  // ---- ACLs
  // Each binding's key is computed once (30,000 bindings: the joins showed in the profile).
  const keyOf = new Map<AclBinding, string>();
  const byKey = new Map<string, AclBinding>();
  for (const a of state.acls) {
    const k = aclKey(a);
    if (!byKey.has(k)) byKey.set(k, a);
  }
  const uniqueAcls = [...byKey.values()];
  const byPrincipal = new Map<string, AclBinding[]>();
  for (const [k, a] of byKey) {
    keyOf.set(a, k);
    const list = byPrincipal.get(a.principal) ?? [];
    list.push(a);
    byPrincipal.set(a.principal, list);
  }
  const topicNames = new Set(topics.map((t) => t.name));
  const services: Obj = {};
  const taken = new Set<string>();
  const rest: AclBinding[] = [];
  for (const principal of [...byPrincipal.keys()].sort()) {
    const acls = byPrincipal.get(principal)!;
    const hosts = [...new Set(acls.map((a) => a.host))].sort();
    const keys = new Set(acls.map((a) => keyOf.get(a)!));
    let folded: Set<string> | undefined;
    // One service per principal: the host with the most bindings gets the role.
    const host = hosts.sort((a, b) => acls.filter((x) => x.host === b).length - acls.filter((x) => x.host === a).length)[0]!;
    const name = principal.replace(/^User:/, '');
    const svc = /^User:.+/.test(principal) ? inferService(name, principal, host, acls, topicNames) : undefined;
    if (svc) {
      const derived = deriveServiceAcls(svc).map(aclKey);
      if (derived.every((k) => keys.has(k))) {
        folded = new Set(derived);
        const svcName = serviceNameFor(principal, taken);
        const s: Obj = { principal };
        if (svc.produces.length) s.produces = svc.produces;
        if (svc.consumes.length) s.consumes = svc.consumes;
        if (svc.group !== undefined && svc.group !== svcName) s.group = svc.group;
        if (svc.transactionalId !== undefined) s.transactionalId = svc.transactionalId;
        if (host !== '*') s.host = host;
        services[svcName] = s;
      }
    }
    for (const a of acls) if (!folded?.has(keyOf.get(a)!)) rest.push(a);
  }

  // Raw entries: one per (principal, host, permission, resource), listing its operations.
  const groups = new Map<string, { a: AclBinding; ops: AclOperation[] }>();
  for (const a of rest) {
    if (!VALID_OPERATIONS[a.resourceType].includes(a.operation)) {
      skipped.push(`ACL ${a.principal} ${a.operation} on ${a.resourceType}:${a.resourceName} (operation not valid for the resource type)`);
      continue;
    }
    const k = [a.principal, a.host, a.permission, a.resourceType, a.resourceName, a.patternType].join('|');
    const g = groups.get(k) ?? { a, ops: [] };
    g.ops.push(a.operation);
    groups.set(k, g);
  }
  const OP_ORDER: AclOperation[] = ['All', 'Read', 'Write', 'Create', 'Delete', 'Alter', 'Describe', 'ClusterAction', 'DescribeConfigs', 'AlterConfigs', 'IdempotentWrite', 'CreateTokens', 'DescribeTokens'];
  const rawAcls = [...groups.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, { a, ops }]) => {
      const resource: Obj = { type: a.resourceType };
      if (a.resourceType !== 'cluster' || a.resourceName !== CLUSTER_RESOURCE) resource.name = a.resourceName;
      if (a.patternType !== 'literal') resource.pattern = a.patternType;
      const entry: Obj = { principal: a.principal, resource, operations: [...ops].sort((x, y) => OP_ORDER.indexOf(x) - OP_ORDER.indexOf(y)), permission: a.permission };
      if (a.host !== '*') entry.host = a.host;
      return entry;
    });

  // ---- users and quotas
  const principals = new Set(Object.values(services).map((svc) => String((svc as Obj).principal).replace(/^User:/, '')));
  const access = computeImportedAccess(state.users ?? [], state.quotas ?? [], principals);
  skipped.push(...access.skipped);
  const notRead = state.notChecked.filter((n) => n.code !== 'never-returned').map((n) => `${n.resource}: ${n.reason}`);

  // ---- document
  const doc: Obj = { version: 1 };
  const clusterOut: Obj = { name: opts.clusterName };
  const target: Obj = { bootstrapServers: opts.bootstrapServers, brokers };
  if (opts.environment) doc.cluster = clusterOut;
  else doc.cluster = { ...clusterOut, ...target };
  if (major === 3) (doc.cluster as Obj).kafkaVersion = '3.9';
  const acceptance = computeVendorKeyAcceptance([...keptKeys]);
  if (acceptance.flavor) (doc.cluster as Obj).flavor = acceptance.flavor;
  doc.defaults = { partitions: defaultPartitions, replicationFactor: defaultRf };
  doc.policy = {
    managedPrefixes: [''],
    ...(maxPartitions > DEFAULT_MAX_PARTITIONS ? { maxPartitions } : {}),
    ...(acceptance.extraConfigKeys.length ? { extraConfigKeys: acceptance.extraConfigKeys } : {}),
  };
  if (opts.environment) doc.environments = { [opts.environment]: { cluster: target } };
  doc.topics = topicsOut;
  if (Object.keys(services).length) doc.services = services;
  if (rawAcls.length) doc.acls = rawAcls;
  if (Object.keys(access.users).length) doc.users = access.users;
  if (access.quotas.length) doc.quotas = access.quotas;

  const header = [
    `Imported from ${opts.source ?? opts.bootstrapServers.join(',')} by \`kafkaform import\`.`,
    'Topics keep only the configs set on the topic (broker defaults are not written).',
    'Users have no passwordFrom: kafkaform checks they exist with their mechanism and never changes their passwords.',
    ...notRead.map((n) => `not read: ${n}`),
    ...access.notes.map((n) => `note: ${n}`),
    ...keptWhere.map((k) => `kept: ${k} (not in kafkaform's catalogue, but the broker reports it set on the topic)`),
    ...skipped.map((s) => `skipped: ${s}`),
  ].map(commentLine);
  const text = `${commentLine(`yaml-language-server: $schema=${opts.schemaPath ?? './topics.schema.json'}`)}\n${header.join('\n')}\n${renderYaml(doc)}`;
  return {
    text,
    document: doc,
    skipped,
    counts: { topics: topics.length, services: Object.keys(services).length, rawAcls: rawAcls.length, aclBindings: uniqueAcls.length, users: Object.keys(access.users).length, quotas: access.quotas.length },
    notRead,
    kept: { keys: [...keptKeys].sort(), ...acceptance, where: keptWhere },
  };
}
