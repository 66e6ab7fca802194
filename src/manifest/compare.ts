/**
 * Plan-time safety: what changing from one version of topics.yaml to the next would do to the
 * cluster. Kafka cannot shrink a topic and the Terraform provider would destroy and recreate it,
 * so those are errors; changes that work but carry risk are warnings. Pure.
 */
import { formatDurationMs } from '../model/units.js';
import type { Diagnostic } from './diagnostics.js';
import { formatPath, type PathSegment, type Position } from './document.js';
import type { ResolvedSpec, ResolvedTopic } from './types.js';

export interface CompareOptions {
  /** Source position of a path in the *next* file (diagnostics point there); line 1 when absent. */
  positionOf?: (path: readonly PathSegment[], opts?: { key?: boolean }) => Position;
  /** Shown in messages: where the previous version came from (`main:topics.yaml`). */
  previousLabel?: string;
}

const isCompacted = (t: ResolvedTopic | undefined) => (t?.config['cleanup.policy'] ?? '').split(',').includes('compact');

/** Where a topic is written in topics.yaml: generated `.dlq` topics live under their source's deadLetter. */
function topicPath(t: ResolvedTopic): PathSegment[] {
  return t.deadLetterOf !== undefined ? ['topics', t.deadLetterOf, 'deadLetter'] : ['topics', t.name];
}

/** Compares two resolved versions of the same environment; returns errors and risky-change warnings. */
export function compareSpecs(previous: ResolvedSpec, next: ResolvedSpec, opts: CompareOptions = {}): Diagnostic[] {
  const out: Diagnostic[] = [];
  const label = opts.previousLabel ?? 'the previous version';
  const env = next.environment;
  const add = (
    severity: Diagnostic['severity'],
    code: string,
    path: PathSegment[],
    message: string,
    extra: { found?: string; allowed?: string; hint?: string; key?: boolean } = {},
  ) => {
    const { key, ...rest } = extra;
    const pos = opts.positionOf?.(path, { key }) ?? { line: 1, column: 1 };
    out.push({ severity, code, file: next.file, line: pos.line, column: pos.column, path: formatPath(path), message: `${message} (environment ${env})`, ...rest });
  };

  const nextByName = new Map(next.topics.map((t) => [t.name, t]));

  for (const before of previous.topics) {
    const after = nextByName.get(before.name);
    if (!after) {
      const path: PathSegment[] = before.deadLetterOf !== undefined && nextByName.has(before.deadLetterOf) ? ['topics', before.deadLetterOf] : ['topics'];
      if (next.policy.allowTopicDeletion) {
        add('warning', 'topic-deletion', path, `topic "${before.name}" is removed: deploy deletes it and its data`, { key: true, hint: 'make sure no producer or consumer still uses it' });
      } else {
        add('error', 'topic-deletion', path, `topic "${before.name}" was removed, but policy.allowTopicDeletion is false`, {
          key: true,
          found: `"${before.name}" in ${label}, not in this version`,
          allowed: 'removing topics only with policy.allowTopicDeletion: true',
          hint: `put "${before.name}" back, or set policy.allowTopicDeletion: true for this change if deleting it (and its data) is intended`,
        });
      }
      continue;
    }
    const base = topicPath(after);
    if (after.partitions < before.partitions) {
      add('error', 'partition-decrease', [...base, 'partitions'], `partitions of "${after.name}" would go down from ${before.partitions} to ${after.partitions}`, {
        found: String(after.partitions),
        allowed: `at least ${before.partitions} (Kafka cannot remove partitions)`,
        hint: 'the Terraform provider would destroy and recreate the topic, losing its data; create a new topic and migrate instead',
      });
    } else if (after.partitions > before.partitions && (isCompacted(before) || isCompacted(after))) {
      add('warning', 'partition-increase-keyed', [...base, 'partitions'], `partitions of compacted topic "${after.name}" go up from ${before.partitions} to ${after.partitions}`, {
        hint: 'keys move to other partitions: per-key order breaks and compaction keeps two latest values until the old ones expire',
      });
    }
    if (after.replicationFactor !== before.replicationFactor) {
      add('warning', 'replication-factor-change', [...base, 'replicationFactor'], `replication factor of "${after.name}" changes from ${before.replicationFactor} to ${after.replicationFactor}`, {
        hint: 'the provider reassigns every partition at once, unthrottled: expect heavy replication traffic; plan it for a quiet hour',
      });
    }
    if (isCompacted(before) && !isCompacted(after)) {
      add('warning', 'cleanup-policy-change', [...base, after.deadLetterOf ? 'deadLetter' : 'cleanupPolicy'], `"${after.name}" stops being compacted (cleanup.policy ${before.config['cleanup.policy']} → ${after.config['cleanup.policy'] ?? 'delete (default)'})`, {
        hint: 'with delete, the latest value of each key is removed when it ages out of retention: consumers rebuilding state from this topic lose keys',
      });
    }
    const rb = retentionMs(before);
    const ra = retentionMs(after);
    if (rb !== undefined && ra !== undefined && ra >= 0 && (rb < 0 || ra * 2 < rb)) {
      add('warning', 'retention-cut', [...base, 'retention'], `retention of "${after.name}" is cut from ${formatDurationMs(rb)} to ${formatDurationMs(ra)}`, {
        hint: 'records older than the new retention are deleted soon after deploy',
      });
    }
  }
  return out;
}

function retentionMs(t: ResolvedTopic): number | undefined {
  const v = t.config['retention.ms'];
  return v === undefined ? undefined : Number(v);
}

/** What the live cluster has, as much as compareSpecs needs of it. */
export interface LiveTopicFacts {
  name: string;
  partitions: number;
  replicationFactor: number;
  /** Configs set on the topic itself. */
  config: Record<string, string>;
}

/**
 * The live cluster as the "previous version": only topics the spec declares are taken, so topics
 * managed elsewhere never read as deletions. Pure.
 */
export function computeLiveBaseline(next: ResolvedSpec, live: readonly LiveTopicFacts[]): ResolvedSpec {
  const declared = new Map(next.topics.map((t) => [t.name, t]));
  const topics: ResolvedTopic[] = live
    .filter((t) => declared.has(t.name))
    .map((t) => ({ name: t.name, partitions: t.partitions, replicationFactor: t.replicationFactor, config: { ...t.config }, deadLetterOf: declared.get(t.name)!.deadLetterOf }));
  return { ...next, topics };
}
