/**
 * Plan-time safety for `validate --against/--live`: the change-safety findings between two
 * versions of one environment (src/safety), as diagnostics positioned in the next file. Pure.
 */
import { classifyTopicChange } from '../safety/classify-topic-change.js';
import { computeTopicDefaults, declaredTopicFacts, type TopicFacts } from '../safety/topic-facts.js';
import type { Diagnostic } from './diagnostics.js';
import { formatPath, type PathSegment, type Position } from './document.js';
import type { ResolvedSpec, ResolvedTopic } from './types.js';

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
