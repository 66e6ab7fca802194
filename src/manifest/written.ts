/**
 * topics.yaml as the user wrote it: the types the JSON-Schema pass (schema-pass.ts) promises, before
 * overlays and defaults. The semantic rules still run when that pass reported errors (every problem
 * in one run), so code that reads a field the pass may have rejected checks it at run time with the
 * guards below instead of trusting the type.
 */
import type { PathSegment } from './document.js';
import type { AclOperation, BackendSpec, ResourceType, ServiceType } from './types.js';

export type WrittenDuration = string | number;
export type WrittenSize = string | number;
export type WrittenCleanupPolicy = 'delete' | 'compact' | Array<'delete' | 'compact'>;
export type WrittenConfigValue = string | number | boolean | string[];

export interface WrittenCluster {
  name?: string;
  bootstrapServers?: string[];
  brokers?: number;
  kafkaVersion?: string;
  flavor?: string;
  sasl?: { mechanism?: 'plain' | 'scram-sha256' | 'scram-sha512'; username?: string; passwordFrom?: string };
  tls?: { enabled?: boolean; caFile?: string; certFile?: string; keyFile?: string; insecureSkipVerify?: boolean };
}

/** The topic settings that layer: top-level defaults, environment defaults, the topic itself. */
export interface WrittenTopicSettings {
  partitions?: number;
  replicationFactor?: number;
  retention?: WrittenDuration;
  cleanupPolicy?: WrittenCleanupPolicy;
  config?: Record<string, WrittenConfigValue>;
}

export interface WrittenPolicy {
  topicName?: string;
  maxPartitions?: number;
  minReplicationFactor?: number;
  allowTopicDeletion?: boolean;
  allowConnectorDeletion?: boolean;
  managedPrefixes?: string[];
  requireSchemaDocs?: boolean;
  ignoreConfigKeys?: string[];
  extraConfigKeys?: string[];
}

export interface WrittenSchemaRefs {
  key?: string;
  value?: string;
  compatibility?: string;
  subjectNameStrategy?: 'TopicNameStrategy' | 'RecordNameStrategy' | 'TopicRecordNameStrategy';
}

export interface WrittenTopic extends WrittenTopicSettings {
  description?: string;
  deadLetter?: boolean | { retention?: WrittenDuration; partitions?: number };
  schema?: WrittenSchemaRefs;
  expected?: { messagesPerSecond?: number; messageBytes?: WrittenSize; peakFactor?: number; consumers?: number };
}

export interface WrittenService {
  description?: string;
  type?: ServiceType;
  principal?: string;
  produces?: string[];
  consumes?: string[];
  group?: string;
  transactionalId?: string;
  applicationId?: string;
  exactlyOnce?: boolean;
  internalTopicPrefix?: string;
  host?: string;
  /** Lag budget of the service's consumer group: a record count (10000) or a duration (5m). */
  maxLag?: number | string;
  /** How many instances of the service run (default 1): the consumers in its group, the producers sharing its rate. */
  instances?: number;
}

export interface WrittenAcl {
  principal?: string;
  resource?: { type?: ResourceType; name?: string; pattern?: 'literal' | 'prefixed' };
  operations?: AclOperation[];
  permission?: 'allow' | 'deny';
  host?: string;
}

export interface WrittenUser {
  mechanism?: 'SCRAM-SHA-256' | 'SCRAM-SHA-512';
  passwordFrom?: string;
  iterations?: number;
  passwordVersion?: number;
}

export interface WrittenQuota {
  user?: string;
  clientId?: string;
  producerByteRate?: WrittenSize;
  consumerByteRate?: WrittenSize;
  requestPercentage?: number;
}

export interface WrittenRegistry {
  url?: string;
  username?: string;
  passwordFrom?: string;
  manageWith?: 'api' | 'terraform';
}

/** `connect:` — the Kafka Connect worker's REST API (top level or per environment). */
export interface WrittenConnect {
  url?: string;
  username?: string;
  passwordFrom?: string;
}

/** One entry of `connectors:`, named by the connector. */
export interface WrittenConnector {
  class?: string;
  tasksMax?: number;
  state?: 'running' | 'paused' | 'stopped';
  config?: Record<string, string | number | boolean>;
}

export interface WrittenBackend {
  type?: BackendSpec['type'];
  config?: Record<string, string | number | boolean>;
}

/** What an environment may override. */
export interface WrittenEnvironment {
  cluster?: WrittenCluster;
  defaults?: WrittenTopicSettings;
  policy?: WrittenPolicy;
  backend?: WrittenBackend;
  schemaRegistry?: WrittenRegistry;
  connect?: WrittenConnect;
}

export interface WrittenManifest extends WrittenEnvironment {
  version?: 1;
  environments?: Record<string, WrittenEnvironment | null>;
  topics?: Record<string, WrittenTopic | null>;
  services?: Record<string, WrittenService>;
  acls?: WrittenAcl[];
  users?: Record<string, WrittenUser>;
  quotas?: WrittenQuota[];
  connectors?: Record<string, WrittenConnector | null>;
}

type Obj = Record<string, unknown>;
export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
export const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);
export const isStr = (v: unknown): v is string => typeof v === 'string';
export const isBool = (v: unknown): v is boolean => typeof v === 'boolean';
export const isStrList = (v: unknown): v is string[] => Array.isArray(v) && v.every(isStr);

/** The mapping at `v`, or an empty one where the user wrote something else (null, a list, a scalar). */
export function mapping<T extends object>(v: T | null | undefined | unknown): Partial<T> {
  return (isObj(v) ? v : {}) as Partial<T>;
}

/** A list the user wrote, or none. */
export function list<T>(v: T[] | undefined | unknown): T[] {
  return Array.isArray(v) ? (v as T[]) : [];
}

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

/** One layer of settings and the path it was written at. */
export interface Layer<T> {
  obj: Partial<T>;
  path: PathSegment[];
}

/** A value together with the path it was written at (for diagnostics on merged values). */
export interface Sourced<T> {
  value: T;
  path: PathSegment[];
}

/** The last layer's value for `key` that passes `guard` (later layers override earlier ones). */
export function pick<T, K extends keyof T, V>(layers: ReadonlyArray<Layer<T>>, key: K, guard: (v: unknown) => v is V): Sourced<V> | undefined {
  for (let i = layers.length - 1; i >= 0; i--) {
    const l = layers[i]!;
    const v: unknown = l.obj[key];
    if (v !== undefined && v !== null && guard(v)) return { value: v, path: [...l.path, key as string] };
  }
  return undefined;
}

/** The top-level and environment layers of one environment, as normalisation and the rules read them. */
export interface EnvironmentLayers {
  env: string;
  /** The environment's own block (empty when the file has no `environments:`). */
  overlay: Partial<WrittenEnvironment>;
  overlayPath: PathSegment[];
  cluster: Array<Layer<WrittenCluster>>;
  defaults: Array<Layer<WrittenTopicSettings>>;
  policy: Array<Layer<WrittenPolicy>>;
}

/** Splits the written manifest into the layers one environment sees. */
export function environmentLayers(root: WrittenManifest, env: string): EnvironmentLayers {
  const overlay = mapping<WrittenEnvironment>(mapping<Record<string, WrittenEnvironment | null>>(root.environments)[env]);
  const overlayPath: PathSegment[] = ['environments', env];
  const layer = <K extends keyof WrittenEnvironment>(key: K) => [
    { obj: mapping<NonNullable<WrittenEnvironment[K]>>(root[key]), path: [key] as PathSegment[] },
    { obj: mapping<NonNullable<WrittenEnvironment[K]>>(overlay[key]), path: [...overlayPath, key] },
  ];
  return { env, overlay, overlayPath, cluster: layer('cluster'), defaults: layer('defaults'), policy: layer('policy') };
}
