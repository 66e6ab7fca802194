/**
 * validateSpec: shape (JSON Schema) + every semantic rule of spec.md, all problems in one run,
 * then normalization into one ResolvedSpec per environment. Pure apart from checking that
 * referenced schema files exist (readSpec / readManifest do the file reading).
 */
import { existsSync, readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { dirname, extname, resolve } from 'node:path';
import { Duration, Size } from '../model/units.js';
import { deriveServiceAcls, normalizeAcls, CLUSTER_RESOURCE, VALID_OPERATIONS } from '../acl/derive.js';
import { didYouMean, hasErrors, sortDiagnostics, type Diagnostic, type Severity } from './diagnostics.js';
import { formatPath, readSpecDocument, type PathSegment, type SpecDocument } from './document.js';
import { validateShape } from './shape.js';
import { validateBackend } from './rules/backend.js';
import { checkTopicConfigValue, TOPIC_CONFIG_BY_NAME, TOPIC_CONFIGS, type KafkaMajor } from './topic-configs.js';
import type {
  AclOperation,
  BackendSpec,
  ConnectionSpec,
  Policy,
  ResolvedAcl,
  ResolvedCluster,
  ResolvedQuota,
  ResolvedService,
  ResolvedSpec,
  ResolvedTopic,
  ResolvedUser,
  ResourceType,
  SchemaRegistrySpec,
  ServiceType,
} from './types.js';
import { UserError } from '../errors.js';

export const DEFAULT_ENVIRONMENT = 'default';
export const DEFAULT_DLQ_RETENTION = '14d';
export const DEFAULT_MAX_PARTITIONS = 1000;

export interface ValidationResult {
  file: string;
  diagnostics: Diagnostic[];
  /** Environment names in file order (`default` when the file declares none). */
  environments: string[];
  /** One resolved spec per environment; present only when there are no errors. */
  specs: Map<string, ResolvedSpec>;
  /** The parsed document (for tools that need positions later). */
  document: SpecDocument;
}

export interface ValidateOptions {
  /** Restrict semantic checks and normalization to these environments. */
  environments?: string[];
  /** Skip reading referenced schema files (property tests). */
  skipFileChecks?: boolean;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const asObj = (v: unknown): Obj => (isObj(v) ? v : {});

/** Deep merge for environment overlays: maps merge, lists and scalars replace. */
export function mergeOverlay(base: unknown, over: unknown): unknown {
  if (over === undefined || over === null) return base;
  if (isObj(base) && isObj(over)) {
    const out: Obj = { ...base };
    for (const [k, v] of Object.entries(over)) out[k] = mergeOverlay(base[k], v);
    return out;
  }
  return over;
}

/** Reads topics.yaml and validates it. Throws UserError only when the file cannot be read. */
export function readManifest(file: string, opts: ValidateOptions = {}): ValidationResult {
  return validateSpec(readSpecDocument(resolve(file)), opts);
}

/** Returns the spec of one environment, or throws a UserError listing what is wrong. */
export function requireEnvironment(result: ValidationResult, env?: string): ResolvedSpec {
  if (hasErrors(result.diagnostics)) {
    throw new UserError(`${result.file} is not valid: run \`kafkaform validate -f ${result.file}\` for the details`, undefined, 1);
  }
  const name = env ?? (result.environments.includes('dev') ? 'dev' : result.environments[0]!);
  const spec = result.specs.get(name);
  if (!spec) {
    const s = didYouMean(name, result.environments);
    throw new UserError(
      `unknown environment "${name}"`,
      `environments in ${result.file}: ${result.environments.join(', ')}${s ? ` — did you mean "${s}"?` : ''}`,
    );
  }
  return spec;
}

export function validateSpec(doc: SpecDocument, opts: ValidateOptions = {}): ValidationResult {
  const diagnostics: Diagnostic[] = [...doc.diagnostics];
  const specs = new Map<string, ResolvedSpec>();
  const root = asObj(doc.value);
  const envNames = isObj(root.environments) && Object.keys(root.environments).length > 0 ? Object.keys(root.environments) : [DEFAULT_ENVIRONMENT];
  const result: ValidationResult = { file: doc.file, diagnostics, environments: envNames, specs, document: doc };
  if (doc.value === undefined && diagnostics.length > 0) return finish(result);

  diagnostics.push(...validateShape(doc));
  if (!isObj(doc.value)) return finish(result);

  const ctx = new Checker(doc, diagnostics);
  const selected = opts.environments ?? envNames;
  // Environment-independent checks once; per-environment checks report each problem once.
  const reported = new Set<string>();
  for (const env of selected) {
    if (!envNames.includes(env)) continue;
    const before = diagnostics.length;
    const spec = resolveEnvironment(ctx, root, env, opts);
    // Drop exact duplicates found again in another environment.
    const fresh = diagnostics.splice(before);
    for (const d of fresh) {
      const key = `${d.line}:${d.column}:${d.code}:${d.message}`;
      if (reported.has(key)) continue;
      reported.add(key);
      diagnostics.push(envNames.length > 1 && isEnvSpecific(d) ? { ...d, message: `${d.message} (environment ${env})` } : d);
    }
    if (spec) specs.set(env, spec);
  }
  if (hasErrors(diagnostics)) specs.clear();
  return finish(result);
}

function isEnvSpecific(d: Diagnostic): boolean {
  return ['replication-factor-range', 'min-insync-range', 'partitions-range', 'unknown-config', 'config-value'].includes(d.code);
}

function finish(r: ValidationResult): ValidationResult {
  sortDiagnostics(r.diagnostics);
  return r;
}

class Checker {
  constructor(
    readonly doc: SpecDocument,
    readonly out: Diagnostic[],
  ) {}

  report(severity: Severity, code: string, path: PathSegment[], message: string, extra: { found?: string; allowed?: string; hint?: string; key?: boolean } = {}): void {
    const { key, ...rest } = extra;
    const pos = this.doc.positionOf(path, { key });
    this.out.push({ severity, code, file: this.doc.file, line: pos.line, column: pos.column, path: formatPath(path), message, ...rest });
  }
  error(code: string, path: PathSegment[], message: string, extra?: { found?: string; allowed?: string; hint?: string; key?: boolean }): void {
    this.report('error', code, path, message, extra);
  }
  warn(code: string, path: PathSegment[], message: string, extra?: { found?: string; allowed?: string; hint?: string; key?: boolean }): void {
    this.report('warning', code, path, message, extra);
  }
}

const LEGAL_TOPIC = /^[a-zA-Z0-9._-]+$/;

/** A value together with the path it was written at (for diagnostics on merged values). */
interface Sourced<T> {
  value: T;
  path: PathSegment[];
}

function pick<T>(layers: Array<{ obj: Obj; path: PathSegment[] }>, key: string, guard: (v: unknown) => v is T): Sourced<T> | undefined {
  for (let i = layers.length - 1; i >= 0; i--) {
    const l = layers[i]!;
    const v = l.obj[key];
    if (v !== undefined && v !== null && guard(v)) return { value: v, path: [...l.path, key] };
  }
  return undefined;
}

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);
const isStr = (v: unknown): v is string => typeof v === 'string';
const isBool = (v: unknown): v is boolean => typeof v === 'boolean';
const isStrList = (v: unknown): v is string[] => Array.isArray(v) && v.every(isStr);

function resolveEnvironment(c: Checker, root: Obj, env: string, opts: ValidateOptions): ResolvedSpec | undefined {
  const envObj = asObj(asObj(root.environments)[env]);
  const envPath: PathSegment[] = ['environments', env];
  const clusterLayers = [
    { obj: asObj(root.cluster), path: ['cluster'] as PathSegment[] },
    { obj: asObj(envObj.cluster), path: [...envPath, 'cluster'] },
  ];
  const defaultsLayers = [
    { obj: asObj(root.defaults), path: ['defaults'] as PathSegment[] },
    { obj: asObj(envObj.defaults), path: [...envPath, 'defaults'] },
  ];
  const policyLayers = [
    { obj: asObj(root.policy), path: ['policy'] as PathSegment[] },
    { obj: asObj(envObj.policy), path: [...envPath, 'policy'] },
  ];

  // ---- cluster
  const kafkaVersion = pick(clusterLayers, 'kafkaVersion', isStr)?.value;
  const kafkaMajor: KafkaMajor = kafkaVersion?.startsWith('3') ? 3 : 4;
  const brokers = pick(clusterLayers, 'brokers', isInt);
  const bootstrapServers = pick(clusterLayers, 'bootstrapServers', isStrList)?.value ?? [];
  const saslRaw = mergeOverlay(asObj(root.cluster).sasl, asObj(envObj.cluster).sasl);
  const tlsRaw = mergeOverlay(asObj(root.cluster).tls, asObj(envObj.cluster).tls);
  const connection: ConnectionSpec = { bootstrapServers };
  if (isObj(saslRaw) && isStr(saslRaw.username) && isStr(saslRaw.passwordFrom)) {
    connection.sasl = {
      mechanism: (saslRaw.mechanism as 'plain' | 'scram-sha256' | 'scram-sha512' | undefined) ?? 'scram-sha512',
      username: saslRaw.username,
      passwordFrom: saslRaw.passwordFrom,
    };
  }
  if (isObj(tlsRaw)) {
    connection.tls = {
      enabled: tlsRaw.enabled !== false,
      caFile: isStr(tlsRaw.caFile) ? tlsRaw.caFile : undefined,
      certFile: isStr(tlsRaw.certFile) ? tlsRaw.certFile : undefined,
      keyFile: isStr(tlsRaw.keyFile) ? tlsRaw.keyFile : undefined,
      insecureSkipVerify: tlsRaw.insecureSkipVerify === true,
    };
    if ((connection.tls.certFile === undefined) !== (connection.tls.keyFile === undefined)) {
      c.error('tls-client-cert', ['cluster', 'tls'], 'certFile and keyFile go together', { key: true, found: connection.tls.certFile ? 'certFile without keyFile' : 'keyFile without certFile', allowed: 'both, or neither', hint: 'set both for mutual TLS, or neither' });
    }
  }
  const cluster: ResolvedCluster = {
    name: pick(clusterLayers, 'name', isStr)?.value ?? 'kafka',
    bootstrapServers,
    brokers: brokers?.value,
    kafkaMajor,
    kafkaVersion,
    connection,
  };

  // ---- policy
  const policy: Policy = {
    topicName: pick(policyLayers, 'topicName', isStr)?.value,
    maxPartitions: pick(policyLayers, 'maxPartitions', isInt)?.value ?? DEFAULT_MAX_PARTITIONS,
    minReplicationFactor: pick(policyLayers, 'minReplicationFactor', isInt)?.value ?? 1,
    allowTopicDeletion: pick(policyLayers, 'allowTopicDeletion', isBool)?.value ?? false,
    managedPrefixes: pick(policyLayers, 'managedPrefixes', isStrList)?.value ?? [''],
    requireSchemaDocs: pick(policyLayers, 'requireSchemaDocs', isBool)?.value ?? false,
  };
  let nameRegex: RegExp | undefined;
  if (policy.topicName !== undefined) {
    try {
      nameRegex = new RegExp(policy.topicName);
    } catch (e) {
      const p = pick(policyLayers, 'topicName', isStr)!;
      c.error('policy-regex', p.path, 'policy.topicName is not a valid regular expression', { found: policy.topicName, allowed: 'a JavaScript regular expression', hint: (e as Error).message });
    }
  }

  // ---- topics
  const topicsObj = asObj(root.topics);
  const topics: ResolvedTopic[] = [];
  const declared = new Set(Object.keys(topicsObj));
  const dlqOf = new Map<string, string>();
  const metricNames = new Map<string, string>();
  const defaultPartitions = pick(defaultsLayers, 'partitions', isInt);
  const defaultRf = pick(defaultsLayers, 'replicationFactor', isInt);

  const checkName = (name: string, path: PathSegment[]) => {
    if (name === '.' || name === '..') c.error('topic-name', path, `"${name}" is not a legal topic name`, { key: true, found: JSON.stringify(name), hint: 'Kafka reserves "." and ".."', allowed: 'letters, digits, ".", "_", "-"; not "." or ".."' });
    else if (!LEGAL_TOPIC.test(name)) {
      c.error('topic-name', path, 'topic name has characters Kafka does not allow', { key: true, found: JSON.stringify(name), allowed: 'letters, digits, ".", "_", "-"', hint: 'replace spaces and other characters with "-" or "."' });
    }
    if (name.length > 249) c.error('topic-name', path, 'topic name is longer than 249 characters', { key: true, found: `${name.length} characters`, allowed: 'at most 249', hint: 'Kafka stores each partition in a directory named <topic>-<partition>: shorten the name' });
    if (name.startsWith('__')) c.error('topic-name', path, 'names starting with "__" are Kafka-internal topics', { key: true, found: name, allowed: 'names not starting with "__"', hint: 'kafkaform never manages internal topics; choose another name' });
    if (nameRegex && !nameRegex.test(name)) {
      c.error('topic-name-policy', path, 'topic name does not follow the naming policy', { key: true, found: name, allowed: `/${policy.topicName}/ (policy.topicName)`, hint: 'rename the topic, or change policy.topicName if the convention changed' });
    }
    const metric = name.replace(/\./g, '_');
    const other = metricNames.get(metric);
    if (other !== undefined && other !== name) {
      c.error('topic-name-collision', path, `"${name}" and "${other}" collide in Kafka's metric names ("." and "_" are the same there)`, { key: true, found: `${name}, ${other}`, allowed: 'names that differ after replacing "." with "_"', hint: 'use either dots or underscores consistently' });
    } else metricNames.set(metric, name);
  };

  for (const [name, raw] of Object.entries(topicsObj)) {
    const tPath: PathSegment[] = ['topics', name];
    const t = asObj(raw);
    checkName(name, tPath);
    const layers = [...defaultsLayers, { obj: t, path: tPath }];
    const partitions = pick(layers, 'partitions', isInt) ?? (defaultPartitions ? defaultPartitions : { value: 1, path: tPath });
    const rfDefault = Math.min(3, cluster.brokers ?? 1);
    const rf = pick(layers, 'replicationFactor', isInt) ?? (defaultRf ? defaultRf : { value: rfDefault, path: tPath });

    if (partitions.value < 1 || partitions.value > policy.maxPartitions) {
      c.error('partitions-range', partitions.path, 'partitions out of range', {
        found: String(partitions.value),
        allowed: `1 to ${policy.maxPartitions} (policy.maxPartitions)`,
        hint: partitions.value < 1 ? 'a topic needs at least one partition' : 'raise policy.maxPartitions if this is intended',
      });
    }
    if (rf.value < 1 || rf.value < policy.minReplicationFactor) {
      c.error('replication-factor-range', rf.path, 'replicationFactor is below the minimum', { found: String(rf.value), allowed: `at least ${Math.max(1, policy.minReplicationFactor)} (policy.minReplicationFactor)`, hint: 'a lower replication factor loses data when a broker fails; raise it' });
    } else if (cluster.brokers !== undefined && rf.value > cluster.brokers) {
      c.error('replication-factor-range', rf.path, `replicationFactor ${rf.value} is more than the ${cluster.brokers} broker(s) of the cluster`, {
        found: String(rf.value),
        allowed: `at most ${cluster.brokers} (cluster.brokers)`,
        hint: `lower replicationFactor for this environment (environments.${env}.defaults.replicationFactor) or raise cluster.brokers`,
      });
    }

    const config = resolveTopicConfig(c, layers, kafkaMajor);
    const mir = config['min.insync.replicas'];
    if (mir !== undefined && Number(mir) > rf.value) {
      const src = findConfigSource(layers, 'min.insync.replicas');
      c.error('min-insync-range', src, `min.insync.replicas ${mir} is more than the replication factor ${rf.value}: every acks=all write would fail`, {
        found: mir,
        allowed: `at most ${rf.value}`,
        hint: `set min.insync.replicas to ${Math.max(1, rf.value - 1)} or raise the replication factor`,
      });
    }

    const topic: ResolvedTopic = { name, partitions: partitions.value, replicationFactor: rf.value, config };

    // schema references
    if (isObj(t.schema)) topic.schema = resolveTopicSchema(c, name, t.schema, [...tPath, 'schema'], opts, policy);
    if (isObj(t.expected)) {
      const e = t.expected;
      const bytes = Size.tryParse(e.messageBytes ?? '1KiB');
      topic.expected = {
        messagesPerSecond: typeof e.messagesPerSecond === 'number' ? e.messagesPerSecond : 0,
        messageBytes: bytes?.bytes ?? 1024,
        peakFactor: typeof e.peakFactor === 'number' ? e.peakFactor : 1,
      };
    }
    topics.push(topic);

    // dead letter topic
    const dl = t.deadLetter;
    if (dl === true || isObj(dl)) {
      const dlPath = [...tPath, 'deadLetter'];
      const dlqName = `${name}.dlq`;
      if (name.endsWith('.dlq')) {
        c.error('dead-letter-of-dlq', dlPath, `"${name}" is itself a dead-letter topic; deadLetter would create "${dlqName}"`, {
          found: `deadLetter on "${name}"`,
          allowed: 'deadLetter on topics whose name does not end in .dlq', hint: 'remove deadLetter here: a dead-letter topic has no dead-letter topic of its own' });
        continue;
      }
      if (declared.has(dlqName)) {
        c.error('dead-letter-collision', dlPath, `deadLetter creates "${dlqName}", which is also declared as a topic`, {
          found: `deadLetter and topics.${dlqName}`,
          allowed: 'one of them', hint: `remove the explicit "${dlqName}" topic, or drop deadLetter and manage it yourself` });
        continue;
      }
      const cleanup = config['cleanup.policy'] ?? 'delete';
      if (cleanup.includes('compact')) {
        c.warn('dead-letter-compacted', dlPath, `"${name}" is compacted; its dead-letter topic "${dlqName}" is created with cleanup.policy=delete`, {
          hint: 'a dead-letter topic keeps every failed record for inspection, so it is never compacted',
        });
      }
      const dlObj = asObj(dl);
      const retention = Duration.tryParse(dlObj.retention ?? DEFAULT_DLQ_RETENTION) ?? Duration.parse(DEFAULT_DLQ_RETENTION);
      const dlqConfig: Record<string, string> = { ...config, 'cleanup.policy': 'delete', 'retention.ms': String(retention.toMilliseconds()) };
      delete dlqConfig['retention.bytes'];
      delete dlqConfig['min.compaction.lag.ms'];
      delete dlqConfig['max.compaction.lag.ms'];
      delete dlqConfig['min.cleanable.dirty.ratio'];
      delete dlqConfig['delete.retention.ms'];
      const dlqPartitions = isInt(dlObj.partitions) ? dlObj.partitions : partitions.value;
      checkName(dlqName, dlPath);
      topics.push({ name: dlqName, partitions: dlqPartitions, replicationFactor: rf.value, config: dlqConfig, deadLetterOf: name });
      dlqOf.set(name, dlqName);
    }
  }
  const allTopics = new Set(topics.map((t) => t.name));

  // ---- services
  const services: ResolvedService[] = [];
  for (const [name, raw] of Object.entries(asObj(root.services))) {
    const sPath: PathSegment[] = ['services', name];
    const s = asObj(raw);
    if (!isStr(s.principal)) continue;
    const produces = isStrList(s.produces) ? s.produces : [];
    const consumes = isStrList(s.consumes) ? s.consumes : [];
    for (const [list, key] of [
      [produces, 'produces'],
      [consumes, 'consumes'],
    ] as const) {
      list.forEach((topic, i) => {
        if (!allTopics.has(topic)) {
          const s2 = didYouMean(topic, allTopics);
          c.error('unknown-topic', [...sPath, key, i], `service "${name}" ${key} "${topic}", which is not declared in topics`, {
            found: topic,
            allowed: `a topic declared under topics: (${allTopics.size} declared)`,
            hint: s2 ? `did you mean "${s2}"?` : `declare it under topics:, or remove it from ${key}`,
          });
        }
      });
      const dup = list.find((t, i) => list.indexOf(t) !== i);
      if (dup) c.warn('duplicate-entry', [...sPath, key], `"${dup}" is listed twice`);
    }
    let type = s.type as ServiceType | undefined;
    if (type === 'consumer' && produces.length > 0) c.error('role-mismatch', [...sPath, 'produces'], `a consumer service cannot produce`, { found: 'type: consumer with produces', allowed: 'consumes, group', hint: 'remove produces, or drop `type: consumer` (roles are inferred from produces/consumes)' });
    if (type === 'producer' && consumes.length > 0) c.error('role-mismatch', [...sPath, 'consumes'], `a producer service cannot consume`, { found: 'type: producer with consumes', allowed: 'produces, transactionalId', hint: 'remove consumes, or drop `type: producer` (roles are inferred from produces/consumes)' });
    if (type === undefined && isStr(s.applicationId)) type = 'streams';
    if (type === 'streams' && !isStr(s.applicationId)) c.error('streams-application-id', sPath, 'a streams service needs applicationId', { key: true, found: 'no applicationId', allowed: 'applicationId: <application.id>', hint: 'add applicationId: <the application.id of the Kafka Streams app>' });
    if (type !== undefined && type !== 'streams' && isStr(s.applicationId)) c.error('role-mismatch', [...sPath, 'applicationId'], `applicationId is for streams services, this one is ${type}`, { found: `type: ${type}`, allowed: 'type: streams', hint: 'set type: streams or remove applicationId' });
    if (type !== 'streams' && s.exactlyOnce !== undefined) c.error('role-mismatch', [...sPath, 'exactlyOnce'], 'exactlyOnce is for streams services', { found: `type: ${type ?? 'inferred ' + (produces.length > 0 ? 'producer' : 'consumer')}`, allowed: 'type: streams', hint: 'use transactionalId for a transactional producer' });
    if (type !== 'connect' && s.internalTopicPrefix !== undefined) c.error('role-mismatch', [...sPath, 'internalTopicPrefix'], 'internalTopicPrefix is for connect services', { found: `type: ${type ?? 'inferred'}`, allowed: 'type: connect' });
    if (type === 'consumer' && s.transactionalId !== undefined) c.error('role-mismatch', [...sPath, 'transactionalId'], 'a consumer service has no transactional id', { found: 'type: consumer with transactionalId', allowed: 'transactionalId on producer services', hint: 'transactional ids belong to producers' });
    if (type === undefined) type = produces.length > 0 && consumes.length === 0 ? 'producer' : consumes.length > 0 && produces.length === 0 ? 'consumer' : undefined;
    if (produces.length === 0 && consumes.length === 0 && type !== 'streams' && type !== 'connect') {
      c.warn('service-without-topics', sPath, `service "${name}" neither produces nor consumes: no ACLs are derived for it`, { key: true });
    }
    if (s.group !== undefined && consumes.length === 0 && type !== 'connect') c.warn('unused-field', [...sPath, 'group'], 'group is unused: the service consumes nothing');
    services.push({
      name,
      type,
      principal: s.principal,
      produces,
      consumes,
      group: isStr(s.group) ? s.group : undefined,
      transactionalId: isStr(s.transactionalId) ? s.transactionalId : undefined,
      applicationId: isStr(s.applicationId) ? s.applicationId : undefined,
      exactlyOnce: s.exactlyOnce === true ? true : undefined,
      internalTopicPrefix: isStr(s.internalTopicPrefix) ? s.internalTopicPrefix : undefined,
      host: isStr(s.host) ? s.host : '*',
    });
  }

  // ---- ACLs: derived + raw
  const acls: ResolvedAcl[] = [];
  const dlqSources = new Set(dlqOf.keys());
  for (const svc of services) acls.push(...deriveServiceAcls(svc, dlqSources));
  const rawAcls = Array.isArray(root.acls) ? root.acls : [];
  rawAcls.forEach((raw, i) => {
    const a = asObj(raw);
    const aPath: PathSegment[] = ['acls', i];
    const res = asObj(a.resource);
    const rtype = res.type as ResourceType | undefined;
    // Shapes the schema pass already rejected (unknown resource type, …) get no second diagnostic.
    if (!isStr(a.principal) || !isStr(rtype) || !Object.hasOwn(VALID_OPERATIONS, rtype) || !Array.isArray(a.operations)) return;
    let rname = isStr(res.name) ? res.name : undefined;
    const pattern = (res.pattern as 'literal' | 'prefixed' | undefined) ?? 'literal';
    if (rtype === 'cluster') {
      if (rname !== undefined && rname !== CLUSTER_RESOURCE) c.error('acl-resource', [...aPath, 'resource', 'name'], `the cluster resource is always named "${CLUSTER_RESOURCE}"`, { found: rname, allowed: CLUSTER_RESOURCE, hint: 'remove name' });
      if (pattern !== 'literal') c.error('acl-resource', [...aPath, 'resource', 'pattern'], 'the cluster resource only takes a literal pattern');
      rname = CLUSTER_RESOURCE;
    } else if (rname === undefined || rname === '') {
      c.error('acl-resource', [...aPath, 'resource'], `a ${rtype} ACL needs resource.name`, { found: 'no name', allowed: `a ${rtype} name, a prefix with pattern: prefixed, or '*'`, hint: "use name: '*' for every resource of this type" });
      return;
    }
    const validOps = VALID_OPERATIONS[rtype];
    (a.operations as unknown[]).forEach((op, j) => {
      // Unknown operation names are reported by the schema pass (with a did-you-mean).
      if (typeof op !== 'string' || !ALL_OPERATIONS.has(op)) return;
      if (!validOps.includes(op as AclOperation)) {
        c.error('acl-operation', [...aPath, 'operations', j], `operation ${op} does not apply to a ${rtype}`, { found: op, allowed: validOps.join(', '), hint: `Kafka never checks ${op} on a ${rtype}: the binding would grant nothing` });
        return;
      }
      acls.push({
        principal: a.principal as string,
        host: isStr(a.host) ? a.host : '*',
        operation: op as AclOperation,
        permission: (a.permission as 'allow' | 'deny' | undefined) ?? 'allow',
        resourceType: rtype,
        resourceName: rname!,
        patternType: pattern,
        origin: { kind: 'raw', name: `acls[${i}]` },
      });
    });
    if (rtype === 'topic' && pattern === 'literal' && rname !== '*' && !allTopics.has(rname!)) {
      c.warn('acl-unknown-topic', [...aPath, 'resource', 'name'], `ACL on topic "${rname}", which is not declared in topics`, { hint: 'fine for topics managed elsewhere; otherwise check the name' });
    }
  });

  // ---- users
  const users: ResolvedUser[] = [];
  for (const [name, raw] of Object.entries(asObj(root.users))) {
    const u = asObj(raw);
    if (!isStr(u.passwordFrom)) continue;
    users.push({
      name,
      mechanism: (u.mechanism as ResolvedUser['mechanism'] | undefined) ?? 'SCRAM-SHA-512',
      iterations: isInt(u.iterations) ? u.iterations : 4096,
      passwordFrom: u.passwordFrom,
      passwordVersion: isInt(u.passwordVersion) ? u.passwordVersion : 1,
    });
    if (u.passwordFrom.startsWith('file:') && !opts.skipFileChecks) {
      // The file is read at deploy time; a missing file now is worth a warning, not an error (CI may inject it).
      const f = resolve(dirname(c.doc.file), u.passwordFrom.slice(5));
      if (!existsSync(f)) c.warn('secret-file-missing', ['users', name, 'passwordFrom'], `password file ${u.passwordFrom.slice(5)} does not exist (yet)`, { hint: 'it must exist when kafkaform deploy runs' });
    }
  }

  // ---- quotas
  const quotas: ResolvedQuota[] = [];
  const knownUsers = new Set([...users.map((u) => u.name), ...services.map((s) => s.principal.replace(/^User:/, ''))]);
  const quotaKeys = new Set<string>();
  (Array.isArray(root.quotas) ? root.quotas : []).forEach((raw, i) => {
    const q = asObj(raw);
    const qPath: PathSegment[] = ['quotas', i];
    const user = isStr(q.user) ? q.user : undefined;
    const clientId = isStr(q.clientId) ? q.clientId : undefined;
    if (!user && !clientId) {
      c.error('quota-entity', qPath, 'a quota needs user or clientId', { found: 'neither', allowed: "user: <name> | clientId: <id> ('<default>' for the default entity)", hint: "use '<default>' for the default entity" });
      return;
    }
    if (user && clientId) {
      c.error('quota-entity', [...qPath, 'clientId'], 'a quota sets either user or clientId, not both', {
        found: `user "${user}" and clientId "${clientId}"`,
        allowed: 'user, or clientId',
        hint: 'the Terraform provider has no combined user+client-id entity: split it into two quotas',
      });
      return;
    }
    if (user && user !== '<default>' && !knownUsers.has(user)) {
      const s2 = didYouMean(user, knownUsers);
      c.error('unknown-user', [...qPath, 'user'], `quota for user "${user}", who is neither in users nor a service principal`, {
        found: user,
        allowed: `a name under users:, a service principal User:<name>, or '<default>'`, hint: s2 ? `did you mean "${s2}"?` : 'declare the user under users:, or a service with principal User:<name>' });
    }
    const quota: ResolvedQuota = { user, clientId };
    for (const k of ['producerByteRate', 'consumerByteRate'] as const) {
      if (q[k] !== undefined) {
        const s2 = Size.tryParse(q[k]);
        if (s2) quota[k] = s2.bytes;
      }
    }
    if (typeof q.requestPercentage === 'number') quota.requestPercentage = q.requestPercentage;
    // A limit written in a wrong form is reported by the schema pass; only a quota without any limit key is empty.
    if (q.producerByteRate === undefined && q.consumerByteRate === undefined && q.requestPercentage === undefined) {
      c.error('quota-empty', qPath, 'the quota sets no limit', { found: 'no limit', allowed: 'producerByteRate, consumerByteRate, requestPercentage', hint: 'add e.g. producerByteRate: 10MiB' });
    }
    const key = `${user ?? ''}|${clientId ?? ''}`;
    if (quotaKeys.has(key)) c.error('duplicate-quota', qPath, 'a second quota for the same user/client-id', { found: user ? `user ${user}` : `clientId ${clientId}`, allowed: 'one quota per entity', hint: 'merge the two entries' });
    quotaKeys.add(key);
    quotas.push(quota);
  });

  // ---- backend
  const backendRaw = mergeOverlay(root.backend, envObj.backend);
  const backend: BackendSpec | undefined = isObj(backendRaw) && isStr(backendRaw.type)
    ? { type: backendRaw.type as BackendSpec['type'], config: asObj(backendRaw.config) as BackendSpec['config'] }
    : undefined;
  if (backend) {
    // A top-level backend is checked once per environment; identical diagnostics are merged by the caller.
    const bPath: PathSegment[] = envObj.backend !== undefined ? [...envPath, 'backend'] : ['backend'];
    const pos = c.doc.positionOf(bPath);
    c.out.push(...validateBackend(backend, { file: c.doc.file, line: pos.line, column: pos.column, path: formatPath(bPath) }));
  }

  const registryRaw = mergeOverlay(root.schemaRegistry, envObj.schemaRegistry);
  const schemaRegistry: SchemaRegistrySpec | undefined = isObj(registryRaw)
    ? {
        url: isStr(registryRaw.url) ? registryRaw.url : undefined,
        username: isStr(registryRaw.username) ? registryRaw.username : undefined,
        passwordFrom: isStr(registryRaw.passwordFrom) ? registryRaw.passwordFrom : undefined,
        manageWith: registryRaw.manageWith === 'terraform' ? 'terraform' : 'api',
      }
    : undefined;

  return {
    file: c.doc.file,
    environment: env,
    cluster,
    policy,
    topics,
    services,
    acls: normalizeAcls(acls),
    users,
    quotas,
    backend,
    schemaRegistry,
  };
}

const ALL_OPERATIONS = new Set<string>(['All', 'Read', 'Write', 'Create', 'Delete', 'Alter', 'Describe', 'ClusterAction', 'DescribeConfigs', 'AlterConfigs', 'IdempotentWrite', 'CreateTokens', 'DescribeTokens']);


function findConfigSource(layers: Array<{ obj: Obj; path: PathSegment[] }>, key: string): PathSegment[] {
  for (let i = layers.length - 1; i >= 0; i--) {
    const l = layers[i]!;
    if (isObj(l.obj.config) && l.obj.config[key] !== undefined) return [...l.path, 'config', key];
  }
  return layers[layers.length - 1]!.path;
}

/** Applies sugar and raw configs layer by layer (defaults, environment defaults, topic). */
function resolveTopicConfig(c: Checker, layers: Array<{ obj: Obj; path: PathSegment[] }>, major: KafkaMajor): Record<string, string> {
  const out: Record<string, string> = {};
  for (const { obj, path } of layers) {
    const cfg = asObj(obj.config);
    if (obj.retention !== undefined && obj.retention !== null) {
      if (cfg['retention.ms'] !== undefined) {
        c.error('sugar-conflict', [...path, 'config', 'retention.ms'], 'retention and config.retention.ms are both set', { found: `retention: ${String(obj.retention)} and config.retention.ms: ${String(cfg['retention.ms'])}`, allowed: 'one of them', key: true, hint: 'keep one: retention: 7d is the same as config.retention.ms: 604800000' });
      }
      const d = Duration.tryParse(obj.retention);
      if (d) out['retention.ms'] = String(d.toMilliseconds());
    }
    if (obj.cleanupPolicy !== undefined && obj.cleanupPolicy !== null) {
      if (cfg['cleanup.policy'] !== undefined) {
        c.error('sugar-conflict', [...path, 'config', 'cleanup.policy'], 'cleanupPolicy and config.cleanup.policy are both set', { found: 'cleanupPolicy and config.cleanup.policy', allowed: 'one of them', key: true, hint: 'keep cleanupPolicy' });
      }
      const v = Array.isArray(obj.cleanupPolicy) ? obj.cleanupPolicy : [obj.cleanupPolicy];
      if (v.every(isStr)) out['cleanup.policy'] = [...v].sort().join(',');
    }
    for (const [key, raw] of Object.entries(cfg)) {
      const kPath = [...path, 'config', key];
      const def = TOPIC_CONFIG_BY_NAME.get(key);
      if (!def) {
        const s = didYouMean(key, TOPIC_CONFIGS.map((d) => d.name));
        c.error('unknown-config', kPath, `"${key}" is not a Kafka topic config`, {
          key: true,
          found: key,
          allowed: 'a topic-level config of the catalogue (README: config catalogue)',
          hint: s ? `did you mean "${s}"?` : key.startsWith('log.') ? `"${key}" is a broker config; the topic-level name drops "log." (e.g. ${key.replace(/^log\./, '')})` : 'see the topic config list in the README',
        });
        continue;
      }
      if (def.only !== undefined && def.only !== major) {
        c.error('unknown-config', kPath, `"${key}" does not exist in Kafka ${major}`, {
          key: true,
          found: key,
          allowed: `Kafka ${def.only} only`,
          hint: major === 4 ? 'it was removed in Kafka 4.0; set cluster.kafkaVersion: "3.9" if the cluster is older' : 'it needs Kafka 4',
        });
        continue;
      }
      const r = checkTopicConfigValue(def, raw, major);
      if (!r.ok) {
        c.error('config-value', kPath, `invalid value for ${key}`, { found: r.found, allowed: r.allowed, hint: r.hint });
        continue;
      }
      out[key] = key === 'cleanup.policy' ? r.value.split(',').sort().join(',') : r.value;
    }
  }
  return out;
}

function resolveTopicSchema(c: Checker, topic: string, s: Obj, path: PathSegment[], opts: ValidateOptions, policy: Policy): ResolvedTopic['schema'] {
  const strategy = (s.subjectNameStrategy as NonNullable<ResolvedTopic['schema']>['subjectNameStrategy'] | undefined) ?? 'TopicNameStrategy';
  const out: NonNullable<ResolvedTopic['schema']> = { compatibility: isStr(s.compatibility) ? s.compatibility : 'BACKWARD', subjectNameStrategy: strategy };
  if (s.key === undefined && s.value === undefined) c.error('schema-empty', path, 'schema names neither key nor value', { key: true, found: 'no key, no value', allowed: 'key: <file>, value: <file>, or both', hint: 'add value: schemas/<file>.avsc' });
  for (const part of ['key', 'value'] as const) {
    const file = s[part];
    if (!isStr(file)) continue;
    const ext = extname(file).toLowerCase();
    const format = ext === '.avsc' ? 'avro' : ext === '.json' ? 'json' : ext === '.proto' ? 'protobuf' : undefined;
    if (!format) {
      c.error('schema-format', [...path, part], `unknown schema file type "${ext || file}"`, { found: file, hint: 'the file extension selects the format', allowed: '.avsc (Avro), .json (JSON Schema), .proto (Protobuf)' });
      continue;
    }
    let recordName: string | undefined;
    if (!opts.skipFileChecks) {
      const abs = resolve(dirname(c.doc.file), file);
      if (!existsSync(abs)) {
        c.error('schema-missing', [...path, part], `schema file ${file} does not exist`, { found: abs, allowed: 'an existing .avsc / .json / .proto file', hint: `paths are relative to ${c.doc.file}` });
        continue;
      }
      if (format !== 'protobuf') {
        try {
          const parsed = JSON.parse(readFileSync(abs, 'utf8')) as unknown;
          if (format === 'avro' && isObj(parsed) && isStr(parsed.name)) recordName = isStr(parsed.namespace) && !parsed.name.includes('.') ? `${parsed.namespace}.${parsed.name}` : parsed.name;
          if (format === 'json' && isObj(parsed) && isStr(parsed.title)) recordName = parsed.title;
          const problem = format === 'avro' ? avroProblem(parsed) : jsonSchemaProblem(parsed);
          if (problem) {
            c.error('schema-parse', [...path, part], `schema file ${file} is not a valid ${format === 'avro' ? 'Avro schema' : 'JSON Schema'}`, { found: problem, hint: 'fix the schema file; the registry would reject it at deploy time' });
            continue;
          }
          if (policy.requireSchemaDocs) checkSchemaDocs(c, parsed, format, [...path, part], file);
        } catch (e) {
          c.error('schema-parse', [...path, part], `schema file ${file} is not valid JSON`, { found: (e as Error).message, hint: `${format === 'avro' ? 'Avro' : 'JSON'} schemas are JSON documents` });
          continue;
        }
      }
    }
    const subject =
      strategy === 'TopicNameStrategy' ? `${topic}-${part}` : strategy === 'RecordNameStrategy' ? (recordName ?? `${topic}-${part}`) : `${topic}-${recordName ?? part}`;
    out[part] = { subject, file, format };
  }
  return out;
}

const AVRO_PRIMITIVES = new Set(['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string']);

/** A structural Avro check (names, fields, types), enough to catch what the registry would reject. */
function avroProblem(s: unknown, at = 'schema'): string | undefined {
  if (typeof s === 'string') return AVRO_PRIMITIVES.has(s) || /^[A-Za-z_][\w.]*$/.test(s) ? undefined : `${at}: "${s}" is not a type name`;
  if (Array.isArray(s)) {
    for (let i = 0; i < s.length; i++) {
      const p = avroProblem(s[i], `${at}[${i}]`);
      if (p) return p;
    }
    return s.length === 0 ? `${at}: an empty union` : undefined;
  }
  if (!isObj(s)) return `${at}: expected a type name, a union list or an object`;
  const type = s.type;
  if (type === 'record' || type === 'error') {
    if (!isStr(s.name)) return `${at}: a record needs a "name"`;
    if (!Array.isArray(s.fields)) return `${at}: record ${s.name} needs a "fields" list`;
    for (const [i, f] of (s.fields as unknown[]).entries()) {
      if (!isObj(f) || !isStr(f.name)) return `${at}.fields[${i}]: a field needs a "name"`;
      if (f.type === undefined) return `${at}.fields[${i}] (${f.name}): a field needs a "type"`;
      const p = avroProblem(f.type, `${at}.${f.name}`);
      if (p) return p;
    }
    return undefined;
  }
  if (type === 'enum') return Array.isArray(s.symbols) && isStr(s.name) ? undefined : `${at}: an enum needs "name" and "symbols"`;
  if (type === 'array') return s.items === undefined ? `${at}: an array needs "items"` : avroProblem(s.items, `${at}.items`);
  if (type === 'map') return s.values === undefined ? `${at}: a map needs "values"` : avroProblem(s.values, `${at}.values`);
  if (type === 'fixed') return isStr(s.name) && isInt(s.size) ? undefined : `${at}: a fixed needs "name" and "size"`;
  if (isStr(type) && AVRO_PRIMITIVES.has(type)) return undefined;
  if (type !== undefined && typeof type !== 'string') return avroProblem(type, `${at}.type`);
  return `${at}: unknown type ${JSON.stringify(type)}`;
}

let schemaAjv: Ajv | undefined;
/** Compiles a JSON Schema with ajv; the compile error is the problem. */
function jsonSchemaProblem(s: unknown): string | undefined {
  if (!isObj(s) && typeof s !== 'boolean') return 'a JSON Schema is an object (or true/false)';
  // Formats (date-time, …) are the registry's business; ajv must not print warnings into kafkaform's output.
  schemaAjv ??= new Ajv({ strict: false, allErrors: false, validateSchema: true, validateFormats: false, logger: false });
  try {
    schemaAjv.compile(s as object);
    return undefined;
  } catch (e) {
    return (e as Error).message.split('\n')[0];
  }
}

function checkSchemaDocs(c: Checker, schema: unknown, format: 'avro' | 'json', path: PathSegment[], file: string): void {
  const missing: string[] = [];
  const walkAvro = (s: unknown, prefix: string) => {
    if (!isObj(s)) return;
    if (s.type === 'record' && Array.isArray(s.fields)) {
      for (const f of s.fields as Obj[]) {
        const name = `${prefix}${String(f.name)}`;
        if (!isStr(f.doc) || f.doc.trim() === '') missing.push(name);
        walkAvro(f.type, `${name}.`);
        if (Array.isArray(f.type)) for (const t of f.type) walkAvro(t, `${name}.`);
      }
    }
  };
  const walkJson = (s: unknown, prefix: string) => {
    if (!isObj(s) || !isObj(s.properties)) return;
    for (const [k, v] of Object.entries(s.properties)) {
      if (!isObj(v) || !isStr(v.description)) missing.push(`${prefix}${k}`);
      walkJson(v, `${prefix}${k}.`);
    }
  };
  if (format === 'avro') walkAvro(schema, '');
  else walkJson(schema, '');
  if (missing.length > 0) {
    c.error('schema-docs', path, `${file}: ${missing.length} field(s) without documentation: ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''}`, {
      hint: format === 'avro' ? 'add "doc" to each field (policy.requireSchemaDocs)' : 'add "description" to each property (policy.requireSchemaDocs)',
    });
  }
}
