/**
 * Plan-time safety for `validate --against/--live`: the change-safety findings between two
 * versions of one environment (src/safety), as diagnostics positioned in the next file. Pure.
 */
import { classifyTopicChange } from '../safety/classify-topic-change.js';
import { computeTopicDefaults, declaredTopicFacts, type TopicFacts } from '../safety/topic-facts.js';
import { didYouMean, type Diagnostic } from './diagnostics.js';
import { formatPath, type PathSegment, type Position } from './document.js';
import { extraConfigKeyMatcher, TOPIC_CONFIG_BY_NAME } from './topic-configs.js';
import type { ResolvedSpec, ResolvedTopic } from './types.js';
import { environmentLayers, isObj, mapping, type Layer, type WrittenManifest, type WrittenTopic, type WrittenTopicSettings } from './written.js';

export interface CompareOptions {
  /** Source position of a path in the *next* file (diagnostics point there); line 1 when absent. */
  positionOf?: (path: readonly PathSegment[], opts?: { key?: boolean }) => Position;
  /** Shown in messages: where the previous version came from (`main:topics.yaml`). */
  previousLabel?: string;
  /**
   * The broker's effective topic-config defaults (ClusterState.brokerDefaults) when the live cluster
   * was read: an unset retention is then the broker's value, else Kafka's default (the message says which).
   */
  brokerDefaults?: Readonly<Record<string, string>>;
}

/** Where a topic is written in topics.yaml: generated `.dlq` topics live under their source's deadLetter. */
function topicPath(t: ResolvedTopic): PathSegment[] {
  return t.deadLetterOf !== undefined ? ['topics', t.deadLetterOf, 'deadLetter'] : ['topics', t.name];
}

/** Compares two resolved versions of the same environment; returns errors and risky-change warnings. */
export function compareSpecs(previous: ResolvedSpec, next: ResolvedSpec, opts: CompareOptions = {}): Diagnostic[] {
  const classify = { allowTopicDeletion: next.policy.allowTopicDeletion, previousLabel: opts.previousLabel ?? 'the previous version', defaults: computeTopicDefaults(opts.brokerDefaults) };
  const nextByName = new Map(next.topics.map((t) => [t.name, t]));
  const out: Diagnostic[] = [];
  for (const before of previous.topics) {
    const after = nextByName.get(before.name);
    for (const f of classifyTopicChange(declaredTopicFacts(before), after && declaredTopicFacts(after), classify)) {
      // A removed topic is pointed at by its key: its source topic's for a dropped deadLetter, else `topics`.
      const path: PathSegment[] = after
        ? [...topicPath(after), ...(f.field ? [f.field] : [])]
        : before.deadLetterOf !== undefined && nextByName.has(before.deadLetterOf) ? ['topics', before.deadLetterOf] : ['topics'];
      const pos = opts.positionOf?.(path, { key: !after }) ?? { line: 1, column: 1 };
      out.push({
        severity: f.severity,
        code: f.code,
        file: next.file,
        line: pos.line,
        column: pos.column,
        path: formatPath(path),
        message: `${f.message} (environment ${next.environment})`,
        ...(f.found !== undefined && { found: f.found }),
        ...(f.allowed !== undefined && { allowed: f.allowed }),
        hint: f.hint,
      });
    }
  }
  return out;
}

/**
 * The live cluster as the "previous version": only topics the spec declares are taken, so topics
 * managed elsewhere never read as deletions. Pure.
 */
export function computeLiveBaseline(next: ResolvedSpec, live: readonly TopicFacts[]): ResolvedSpec {
  const declared = new Map(next.topics.map((t) => [t.name, t]));
  const topics: ResolvedTopic[] = live
    .filter((t) => declared.has(t.name))
    .map((t) => ({ name: t.name, partitions: t.partitions, replicationFactor: t.replicationFactor, config: { ...t.config }, deadLetterOf: declared.get(t.name)!.deadLetterOf }));
  return { ...next, topics };
}

/** The broker's topic-config catalogue as `validate --live` read it (ClusterState.topicConfigKeys). */
export interface LiveConfigKeys {
  /** The topic whose DescribeConfigs listed them. */
  topic: string;
  keys: readonly string[];
  /** Shown in messages: which cluster (`127.0.0.1:9092`). */
  cluster: string;
}

/**
 * Every `config:` key written for an environment (defaults, its overlay's defaults, each topic)
 * checked against the keys the live broker reports: a key the broker does not know is an error
 * (its deploy would be refused), with the broker's closest key as the hint; a key only the broker
 * knows (not in the catalogue, cluster.flavor or policy.extraConfigKeys) is accepted with a warning,
 * because validate without --live and plan do not know it. Pure.
 */
export function computeLiveConfigKeyDiagnostics(root: unknown, spec: ResolvedSpec, live: LiveConfigKeys, opts: Pick<CompareOptions, 'positionOf'> = {}): Diagnostic[] {
  const written = (isObj(root) ? root : {}) as WrittenManifest;
  const brokerKeys = new Set(live.keys);
  const known = extraConfigKeyMatcher(spec.cluster.flavor, spec.policy.extraConfigKeys);
  const layers: Array<Layer<WrittenTopicSettings>> = [
    ...environmentLayers(written, spec.environment).defaults,
    ...Object.entries(mapping<Record<string, WrittenTopic | null>>(written.topics)).map(([name, t]) => ({ obj: mapping<WrittenTopic>(t), path: ['topics', name] as PathSegment[] })),
  ];
  const out: Diagnostic[] = [];
  const seen = new Set<string>();
  for (const { obj, path } of layers) {
    for (const key of Object.keys(mapping<Record<string, unknown>>(obj.config))) {
      const kPath = [...path, 'config', key];
      const where = formatPath(kPath);
      if (seen.has(where)) continue;
      seen.add(where);
      const onBroker = brokerKeys.has(key);
      const inCatalogue = TOPIC_CONFIG_BY_NAME.has(key) || known(key);
      if (onBroker && inCatalogue) continue;
      const pos = opts.positionOf?.(kPath, { key: true }) ?? { line: 1, column: 1 };
      const at = { file: spec.file, line: pos.line, column: pos.column, path: where, found: key };
      if (onBroker) {
        out.push({
          ...at,
          severity: 'warning',
          code: 'live-config-key',
          message: `"${key}" is not in kafkaform's catalogue, but the broker at ${live.cluster} reports it for topics, so it is accepted (environment ${spec.environment})`,
          hint: `add "${key}" to policy.extraConfigKeys (or set cluster.flavor) so that validate without --live and plan accept it too`,
        });
        continue;
      }
      const near = didYouMean(key, live.keys);
      out.push({
        ...at,
        severity: 'error',
        code: 'unknown-live-config',
        message: `the broker at ${live.cluster} does not know the topic config "${key}": a deploy would be refused (environment ${spec.environment})`,
        allowed: `a key the broker reports for topics (${live.keys.length} keys, read from topic ${live.topic})`,
        hint: near ? `did you mean "${near}"?` : `remove it, or check that the cluster runs the Kafka (or vendor) version the file expects`,
      });
    }
  }
  return out;
}
