/**
 * Topics, normalised: defaults and environment defaults layered under each topic, sugar
 * (retention, cleanupPolicy) turned into Kafka configs, dead-letter topics generated, schema
 * references turned into subjects. Problems are the rules' business; the config walk is shared
 * with the topic-configs rule so both read the layers the same way.
 */
import { Duration, Size } from '../model/units.js';
import { didYouMean, type Report } from './diagnostics.js';
import type { PathSegment } from './document.js';
import type { SchemaFiles } from './schema-files.js';
import { schemaFormatOf } from '../schema/schema-file.js';
import { checkTopicConfigValue, TOPIC_CONFIG_BY_NAME, TOPIC_CONFIGS, type KafkaMajor } from './topic-configs.js';
import type { ResolvedCluster, ResolvedTopic } from './types.js';
import {
  isInt, isObj, isStr, mapping, pick,
  type EnvironmentLayers, type Layer, type Sourced, type WrittenManifest, type WrittenSchemaRefs, type WrittenTopic, type WrittenTopicSettings,
} from './written.js';

export const DEFAULT_DLQ_RETENTION = '14d';

/** Where a resolved topic's values were written (for positioned diagnostics). */
export interface TopicSource {
  /** The topic's key, or the `deadLetter` that generated it. */
  path: PathSegment[];
  /** The layers a declared topic's values come from; empty for a generated dead-letter topic. */
  layers: Array<Layer<WrittenTopicSettings>>;
  written: Partial<WrittenTopic>;
  partitions: Sourced<number>;
  replicationFactor: Sourced<number>;
}

/** Why `deadLetter` on `name` creates no topic, if it does not. */
export function deadLetterConflict(name: string, declared: ReadonlySet<string>): 'of-dlq' | 'collision' | undefined {
  if (name.endsWith('.dlq')) return 'of-dlq';
  return declared.has(`${name}.dlq`) ? 'collision' : undefined;
}

/** Configs a dead-letter topic never inherits: it keeps every failed record, deleted only by time. */
const NOT_INHERITED_BY_DLQ = ['retention.bytes', 'min.compaction.lag.ms', 'max.compaction.lag.ms', 'min.cleanable.dirty.ratio', 'delete.retention.ms'];

/** Resolves every topic of one environment, generated dead-letter topics right after their source. */
export function normalizeTopics(
  root: WrittenManifest, layers: EnvironmentLayers, cluster: ResolvedCluster, schemas: SchemaFiles | undefined, isExtra: (key: string) => boolean,
): { topics: ResolvedTopic[]; sources: Map<string, TopicSource> } {
  const topicsObj = mapping<Record<string, WrittenTopic | null>>(root.topics);
  const declared = new Set(Object.keys(topicsObj));
  const topics: ResolvedTopic[] = [];
  const sources = new Map<string, TopicSource>();
  const defaultPartitions = pick(layers.defaults, 'partitions', isInt);
  const defaultRf = pick(layers.defaults, 'replicationFactor', isInt);
  for (const [name, raw] of Object.entries(topicsObj)) {
    const tPath: PathSegment[] = ['topics', name];
    const t = mapping<WrittenTopic>(raw);
    const topicLayers = [...layers.defaults, { obj: t, path: tPath }];
    const partitions = pick(topicLayers, 'partitions', isInt) ?? defaultPartitions ?? { value: 1, path: tPath };
    const rf = pick(topicLayers, 'replicationFactor', isInt) ?? defaultRf ?? { value: Math.min(3, cluster.brokers ?? 1), path: tPath };
    const config = resolveTopicConfig(topicLayers, cluster.kafkaMajor, undefined, isExtra);
    const topic: ResolvedTopic = { name, partitions: partitions.value, replicationFactor: rf.value, config };
    if (isObj(t.schema)) topic.schema = resolveTopicSchema(name, t.schema, schemas);
    if (isObj(t.expected)) {
      const e = t.expected;
      topic.expected = {
        messagesPerSecond: typeof e.messagesPerSecond === 'number' ? e.messagesPerSecond : 0,
        messageBytes: Size.tryParse(e.messageBytes ?? '1KiB')?.bytes ?? 1024,
        peakFactor: typeof e.peakFactor === 'number' ? e.peakFactor : 1,
        ...(typeof e.consumers === 'number' ? { consumers: e.consumers } : {}),
      };
    }
    topics.push(topic);
    sources.set(name, { path: tPath, layers: topicLayers, written: t, partitions, replicationFactor: rf });

    const dl = t.deadLetter;
    if ((dl === true || isObj(dl)) && !deadLetterConflict(name, declared)) {
      const dlObj = mapping<Exclude<WrittenTopic['deadLetter'], boolean | undefined>>(dl);
      const retention = Duration.tryParse(dlObj.retention ?? DEFAULT_DLQ_RETENTION) ?? Duration.parse(DEFAULT_DLQ_RETENTION);
      const dlqConfig: Record<string, string> = { ...config, 'cleanup.policy': 'delete', 'retention.ms': String(retention.toMilliseconds()) };
      for (const key of NOT_INHERITED_BY_DLQ) delete dlqConfig[key];
      const dlqName = `${name}.dlq`;
      const dlqPartitions = isInt(dlObj.partitions) ? dlObj.partitions : partitions.value;
      topics.push({ name: dlqName, partitions: dlqPartitions, replicationFactor: rf.value, config: dlqConfig, deadLetterOf: name });
      const dlPath = [...tPath, 'deadLetter'];
      sources.set(dlqName, { path: dlPath, layers: [], written: {}, partitions: { value: dlqPartitions, path: dlPath }, replicationFactor: rf });
    }
  }
  return { topics, sources };
}

const ignore: Report = () => undefined;

/**
 * Applies sugar and raw configs layer by layer (defaults, environment defaults, topic); what cannot
 * be applied goes to `report` (the topic-configs rule) and is left out.
 */
export function resolveTopicConfig(
  layers: ReadonlyArray<Layer<WrittenTopicSettings>>, major: KafkaMajor, report: Report = ignore, isExtra: (key: string) => boolean = () => false,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const { obj, path } of layers) {
    const cfg = mapping<Record<string, unknown>>(obj.config);
    if (obj.retention !== undefined && obj.retention !== null) {
      if (cfg['retention.ms'] !== undefined) {
        report('error', 'sugar-conflict', [...path, 'config', 'retention.ms'], 'retention and config.retention.ms are both set', {
          found: `retention: ${String(obj.retention)} and config.retention.ms: ${String(cfg['retention.ms'])}`,
          allowed: 'one of them', key: true, hint: 'keep one: retention: 7d is the same as config.retention.ms: 604800000',
        });
      }
      const d = Duration.tryParse(obj.retention);
      if (d) out['retention.ms'] = String(d.toMilliseconds());
    }
    if (obj.cleanupPolicy !== undefined && obj.cleanupPolicy !== null) {
      if (cfg['cleanup.policy'] !== undefined) {
        report('error', 'sugar-conflict', [...path, 'config', 'cleanup.policy'], 'cleanupPolicy and config.cleanup.policy are both set', {
          found: 'cleanupPolicy and config.cleanup.policy', allowed: 'one of them', key: true, hint: 'keep cleanupPolicy',
        });
      }
      const v: unknown[] = Array.isArray(obj.cleanupPolicy) ? obj.cleanupPolicy : [obj.cleanupPolicy];
      if (v.every(isStr)) out['cleanup.policy'] = [...v].sort().join(',');
    }
    for (const [key, raw] of Object.entries(cfg)) {
      const value = configValue(key, raw, [...path, 'config', key], major, report, isExtra);
      if (value !== undefined) out[key] = value;
    }
  }
  return out;
}

/** One raw config entry as Kafka's string, or undefined (reported) when it is not a valid one. */
function configValue(key: string, raw: unknown, kPath: PathSegment[], major: KafkaMajor, report: Report, isExtra: (key: string) => boolean): string | undefined {
  const def = TOPIC_CONFIG_BY_NAME.get(key);
  // A vendor key (cluster.flavor) or a policy.extraConfigKeys one: kafkaform cannot check its value, the broker does.
  if (!def && isExtra(key)) {
    if (typeof raw === 'string' || typeof raw === 'number' || typeof raw === 'boolean') return String(raw);
    report('error', 'config-value', kPath, `invalid value for ${key}`, { found: JSON.stringify(raw), allowed: 'a string, number or boolean' });
    return undefined;
  }
  if (!def) {
    const s = didYouMean(key, TOPIC_CONFIGS.map((d) => d.name));
    report('error', 'unknown-config', kPath, `"${key}" is not a Kafka topic config`, {
      key: true,
      found: key,
      allowed: 'a topic-level config of the catalogue (README: config catalogue)',
      hint: s ? `did you mean "${s}"?` : key.startsWith('log.') ? `"${key}" is a broker config; the topic-level name drops "log." (e.g. ${key.replace(/^log\./, '')})` : 'see the topic config list in the README',
    });
    return undefined;
  }
  if (def.only !== undefined && def.only !== major) {
    report('error', 'unknown-config', kPath, `"${key}" does not exist in Kafka ${major}`, {
      key: true,
      found: key,
      allowed: `Kafka ${def.only} only`,
      hint: major === 4 ? 'it was removed in Kafka 4.0; set cluster.kafkaVersion: "3.9" if the cluster is older' : 'it needs Kafka 4',
    });
    return undefined;
  }
  const r = checkTopicConfigValue(def, raw, major);
  if (!r.ok) {
    report('error', 'config-value', kPath, `invalid value for ${key}`, { found: r.found, allowed: r.allowed, hint: r.hint });
    return undefined;
  }
  return key === 'cleanup.policy' ? r.value.split(',').sort().join(',') : r.value;
}

/** Subjects for a topic's schema files; a file the rules reject still gets its subject from the name. */
function resolveTopicSchema(topic: string, s: Partial<WrittenSchemaRefs>, schemas: SchemaFiles | undefined): ResolvedTopic['schema'] {
  const strategy = s.subjectNameStrategy ?? 'TopicNameStrategy';
  const out: NonNullable<ResolvedTopic['schema']> = { compatibility: isStr(s.compatibility) ? s.compatibility : 'BACKWARD', subjectNameStrategy: strategy };
  for (const part of ['key', 'value'] as const) {
    const file = s[part];
    if (!isStr(file)) continue;
    const format = schemaFormatOf(file);
    if (!format) continue;
    const state = schemas?.(file, format);
    const recordName = state?.kind === 'checked' && state.check.ok ? state.check.recordName : undefined;
    const subject =
      strategy === 'TopicNameStrategy' ? `${topic}-${part}` : strategy === 'RecordNameStrategy' ? (recordName ?? `${topic}-${part}`) : `${topic}-${recordName ?? part}`;
    out[part] = { subject, file, format };
  }
  return out;
}
