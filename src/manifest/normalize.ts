/**
 * Normalisation: the written manifest of one environment (top level + overlay + defaults) becomes
 * the ResolvedSpec every later step consumes, schema-registry settings included. It reports
 * nothing: the rules (rules/) read the same layers and the result to say what is wrong, and a
 * spec is only handed out when they found no error.
 */
import { deriveServiceAcls, normalizeAcls, CLUSTER_RESOURCE, VALID_OPERATIONS } from '../acl/derive.js';
import { parseLagBudget } from '../model/lag-budget.js';
import { Size } from '../model/units.js';
import { normalizeTopics, type TopicSource } from './normalize-topics.js';
import { normalizeConnect, normalizeConnectors } from './normalize-connectors.js';
import { CLUSTER_FLAVORS, extraConfigKeyMatcher, type ClusterFlavor } from './topic-configs.js';
import type { SchemaFiles } from './schema-files.js';
import {
  ACL_OPERATIONS,
  type AclOperation, type BackendSpec, type ConnectionSpec, type Policy, type ResolvedAcl, type ResolvedCluster, type ResolvedQuota,
  type ResolvedService, type ResolvedSpec, type ResolvedUser, type ResourceType, type SchemaRegistrySpec, type ServiceType,
} from './types.js';
import {
  environmentLayers, isBool, isInt, isObj, isStr, isStrList, list, mapping, mergeOverlay, pick,
  type EnvironmentLayers, type WrittenAcl, type WrittenBackend, type WrittenCluster, type WrittenManifest, type WrittenQuota,
  type WrittenRegistry, type WrittenService, type WrittenUser,
} from './written.js';

export const DEFAULT_MAX_PARTITIONS = 1000;

/** Counts below 1 are the schema pass's to report; resolving them would only add follow-on errors ("1 to 0"). */
const isPositiveInt = (v: unknown): v is number => isInt(v) && v >= 1;

/** One environment, resolved, with what the rules need to point back at the source. */
export interface NormalizedEnvironment {
  spec: ResolvedSpec;
  layers: EnvironmentLayers;
  /** Where each resolved topic (declared or generated) was written. */
  topicSources: Map<string, TopicSource>;
  /** Accepts a topic-config key outside the catalogue: cluster.flavor's, policy.extraConfigKeys, or the caller's acceptConfigKey. */
  isExtraConfigKey: (key: string) => boolean;
}

/** Resolves one environment of the manifest. Pure; `schemas` gives record names for subject strategies. */
export function normalizeEnvironment(
  root: WrittenManifest, env: string, file: string, schemas: SchemaFiles | undefined, acceptConfigKey: (key: string) => boolean = () => false,
): NormalizedEnvironment {
  const layers = environmentLayers(root, env);
  const cluster = normalizeCluster(root, layers);
  const policy = normalizePolicy(layers);
  const matcher = extraConfigKeyMatcher(cluster.flavor, policy.extraConfigKeys);
  const isExtraConfigKey = (key: string) => matcher(key) || acceptConfigKey(key);
  const { topics, sources } = normalizeTopics(root, layers, cluster, schemas, isExtraConfigKey);
  const services = Object.entries(mapping<Record<string, WrittenService>>(root.services)).flatMap(([name, s]) => normalizeService(name, mapping(s)) ?? []);
  const dlqSources = new Set(topics.flatMap((t) => (t.deadLetterOf ? [t.deadLetterOf] : [])));
  const acls: ResolvedAcl[] = services.flatMap((svc) => deriveServiceAcls(svc, dlqSources));
  for (const [i, raw] of list<WrittenAcl>(root.acls).entries()) acls.push(...normalizeRawAcl(raw, i));
  const users = Object.entries(mapping<Record<string, WrittenUser>>(root.users)).flatMap(([name, u]) => normalizeUser(name, mapping(u)) ?? []);
  const quotas = list<WrittenQuota>(root.quotas).flatMap((q) => normalizeQuota(mapping(q)) ?? []);
  const spec: ResolvedSpec = {
    file, environment: env, cluster, policy, topics, services, acls: normalizeAcls(acls), users, quotas,
    backend: normalizeBackend(mergeOverlay(root.backend, layers.overlay.backend)),
    schemaRegistry: normalizeRegistry(mergeOverlay(root.schemaRegistry, layers.overlay.schemaRegistry)),
    connect: normalizeConnect(mergeOverlay(root.connect, layers.overlay.connect)),
    connectors: normalizeConnectors(root.connectors),
  };
  return { spec, layers, topicSources: sources, isExtraConfigKey };
}

function normalizeCluster(root: WrittenManifest, layers: EnvironmentLayers): ResolvedCluster {
  const kafkaVersion = pick(layers.cluster, 'kafkaVersion', isStr)?.value;
  const flavor = pick(layers.cluster, 'flavor', isStr)?.value;
  const bootstrapServers = pick(layers.cluster, 'bootstrapServers', isStrList)?.value ?? [];
  const sasl = mergeOverlay(mapping<WrittenCluster>(root.cluster).sasl, mapping<WrittenCluster>(layers.overlay.cluster).sasl);
  const tls = mergeOverlay(mapping<WrittenCluster>(root.cluster).tls, mapping<WrittenCluster>(layers.overlay.cluster).tls);
  const connection: ConnectionSpec = { bootstrapServers };
  if (isObj(sasl) && isStr(sasl.username) && isStr(sasl.passwordFrom)) {
    const mechanism = sasl.mechanism as NonNullable<ConnectionSpec['sasl']>['mechanism'] | undefined;
    connection.sasl = { mechanism: mechanism ?? 'scram-sha512', username: sasl.username, passwordFrom: sasl.passwordFrom };
  }
  if (isObj(tls)) {
    const file = (v: unknown) => (isStr(v) ? v : undefined);
    connection.tls = {
      enabled: tls.enabled !== false,
      caFile: file(tls.caFile),
      certFile: file(tls.certFile),
      keyFile: file(tls.keyFile),
      insecureSkipVerify: tls.insecureSkipVerify === true,
    };
  }
  return {
    name: pick(layers.cluster, 'name', isStr)?.value ?? 'kafka',
    bootstrapServers,
    brokers: pick(layers.cluster, 'brokers', isPositiveInt)?.value,
    kafkaMajor: kafkaVersion?.startsWith('3') ? 3 : 4,
    kafkaVersion,
    ...(flavor && (CLUSTER_FLAVORS as readonly string[]).includes(flavor) ? { flavor: flavor as ClusterFlavor } : {}),
    connection,
  };
}

function normalizePolicy(layers: EnvironmentLayers): Policy {
  const p = layers.policy;
  const ignoreConfigKeys = pick(p, 'ignoreConfigKeys', isStrList)?.value;
  const extraConfigKeys = pick(p, 'extraConfigKeys', isStrList)?.value;
  return {
    topicName: pick(p, 'topicName', isStr)?.value,
    maxPartitions: pick(p, 'maxPartitions', isPositiveInt)?.value ?? DEFAULT_MAX_PARTITIONS,
    minReplicationFactor: pick(p, 'minReplicationFactor', isPositiveInt)?.value ?? 1,
    allowTopicDeletion: pick(p, 'allowTopicDeletion', isBool)?.value ?? false,
    allowConnectorDeletion: pick(p, 'allowConnectorDeletion', isBool)?.value ?? false,
    managedPrefixes: pick(p, 'managedPrefixes', isStrList)?.value ?? [''],
    requireSchemaDocs: pick(p, 'requireSchemaDocs', isBool)?.value ?? false,
    ...(ignoreConfigKeys ? { ignoreConfigKeys } : {}),
    ...(extraConfigKeys ? { extraConfigKeys } : {}),
  };
}

/** The service's role: declared, else streams with applicationId, else producer/consumer when only one list is set. */
function inferServiceType(s: Partial<WrittenService>, produces: readonly string[], consumes: readonly string[]): ServiceType | undefined {
  // A `type: null` (rejected by the schema pass) stays as written: nothing is inferred over it.
  const declared = s.type !== undefined ? s.type : isStr(s.applicationId) ? 'streams' : undefined;
  if (declared !== undefined) return declared;
  if (produces.length > 0 && consumes.length === 0) return 'producer';
  return consumes.length > 0 && produces.length === 0 ? 'consumer' : undefined;
}

function normalizeService(name: string, s: Partial<WrittenService>): ResolvedService | undefined {
  if (!isStr(s.principal)) return undefined;
  const produces = isStrList(s.produces) ? s.produces : [];
  const consumes = isStrList(s.consumes) ? s.consumes : [];
  const str = (v: unknown) => (isStr(v) ? v : undefined);
  return {
    name,
    type: inferServiceType(s, produces, consumes),
    principal: s.principal,
    produces,
    consumes,
    group: str(s.group),
    transactionalId: str(s.transactionalId),
    applicationId: str(s.applicationId),
    exactlyOnce: s.exactlyOnce === true ? true : undefined,
    internalTopicPrefix: str(s.internalTopicPrefix),
    host: str(s.host) ?? '*',
    ...(s.maxLag !== undefined && parseLagBudget(s.maxLag) ? { maxLag: parseLagBudget(s.maxLag) } : {}),
    ...(Number.isInteger(s.instances) && s.instances! >= 1 ? { instances: s.instances } : {}),
  };
}

const KNOWN_OPERATIONS = new Set<string>(ACL_OPERATIONS);

/** A raw ACL entry as the rules and normalisation read it; undefined for shapes the schema pass rejected. */
export interface RawAclView {
  acl: Partial<WrittenAcl>;
  principal: string;
  resourceType: ResourceType;
  /** As written (the cluster resource's name is fixed, see normalizeRawAcl). */
  name?: string;
  pattern: 'literal' | 'prefixed';
  /** Each written operation Kafka knows, with its index in the list (unknown names are the schema pass's). */
  operations: Array<{ op: AclOperation; index: number }>;
}

/** Reads one raw `acls:` entry the way both normalisation and the raw-acls rule need it. */
export function viewRawAcl(raw: unknown): RawAclView | undefined {
  const a = mapping<WrittenAcl>(raw);
  const res = mapping<NonNullable<WrittenAcl['resource']>>(a.resource);
  const rtype = res.type;
  if (!isStr(a.principal) || !isStr(rtype) || !Object.hasOwn(VALID_OPERATIONS, rtype) || !Array.isArray(a.operations)) return undefined;
  const operations = (a.operations as unknown[]).flatMap((op, index) => (typeof op === 'string' && KNOWN_OPERATIONS.has(op) ? [{ op: op as AclOperation, index }] : []));
  return { acl: a, principal: a.principal, resourceType: rtype, name: isStr(res.name) ? res.name : undefined, pattern: res.pattern ?? 'literal', operations };
}

function normalizeRawAcl(raw: unknown, i: number): ResolvedAcl[] {
  const v = viewRawAcl(raw);
  if (!v) return [];
  const resourceName = v.resourceType === 'cluster' ? CLUSTER_RESOURCE : v.name;
  if (resourceName === undefined || resourceName === '') return [];
  const valid = VALID_OPERATIONS[v.resourceType];
  return v.operations
    .filter(({ op }) => valid.includes(op))
    .map(({ op }) => ({
      principal: v.principal,
      host: isStr(v.acl.host) ? v.acl.host : '*',
      operation: op,
      permission: v.acl.permission ?? 'allow',
      resourceType: v.resourceType,
      resourceName,
      patternType: v.pattern,
      origin: { kind: 'raw', name: `acls[${i}]` },
    }));
}

function normalizeUser(name: string, u: Partial<WrittenUser>): ResolvedUser | undefined {
  if (u.passwordFrom !== undefined && !isStr(u.passwordFrom)) return undefined;
  return {
    name,
    mechanism: u.mechanism ?? 'SCRAM-SHA-512',
    iterations: isInt(u.iterations) ? u.iterations : 4096,
    ...(isStr(u.passwordFrom) ? { passwordFrom: u.passwordFrom } : {}),
    passwordVersion: isInt(u.passwordVersion) ? u.passwordVersion : 1,
  };
}

/** A quota's entity: exactly one of user / clientId, else undefined (the quotas rule says why). */
function quotaEntity(q: Partial<WrittenQuota>): { user?: string; clientId?: string } | undefined {
  const user = isStr(q.user) ? q.user : undefined;
  const clientId = isStr(q.clientId) ? q.clientId : undefined;
  return !user === !clientId ? undefined : { user, clientId };
}

function normalizeQuota(q: Partial<WrittenQuota>): ResolvedQuota | undefined {
  const entity = quotaEntity(q);
  if (!entity) return undefined;
  const quota: ResolvedQuota = { user: entity.user, clientId: entity.clientId };
  for (const k of ['producerByteRate', 'consumerByteRate'] as const) {
    const size = q[k] === undefined ? undefined : Size.tryParse(q[k]);
    if (size) quota[k] = size.bytes;
  }
  if (typeof q.requestPercentage === 'number') quota.requestPercentage = q.requestPercentage;
  return quota;
}

function normalizeBackend(merged: unknown): BackendSpec | undefined {
  const b = mapping<WrittenBackend>(merged);
  return isStr(b.type) ? { type: b.type, config: mapping<BackendSpec['config']>(b.config) as BackendSpec['config'] } : undefined;
}

function normalizeRegistry(merged: unknown): SchemaRegistrySpec | undefined {
  if (!isObj(merged)) return undefined;
  const r = merged as Partial<WrittenRegistry>;
  const str = (v: unknown) => (isStr(v) ? v : undefined);
  return { url: str(r.url), username: str(r.username), passwordFrom: str(r.passwordFrom), manageWith: r.manageWith === 'terraform' ? 'terraform' : 'api' };
}
