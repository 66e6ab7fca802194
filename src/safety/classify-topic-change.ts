/**
 * The change-safety rules for one topic, shared by `validate --against/--live` (as diagnostics)
 * and `plan`/`deploy` (as risk labels), so the same edit gets the same verdict at PR time and at
 * plan time. A change that finds nothing is safe. Pure.
 */
import { parseCleanupPolicy } from '../model/cleanup-policy.js';
import { formatDurationMs } from '../model/units.js';
import { KAFKA_DEFAULTS, type TopicDefaults, type TopicFacts } from './topic-facts.js';

export type ChangeCode =
  | 'topic-deletion'
  | 'partition-decrease'
  | 'partition-increase-keyed'
  | 'replication-factor-change'
  | 'cleanup-policy-change'
  | 'retention-cut';

/** How bad a change is for the plan; a safe change has no finding at all. */
export type ChangeRisk = 'risky' | 'destructive';

export interface ChangeFinding {
  code: ChangeCode;
  /** For validate: errors block the change, warnings are shown. */
  severity: 'error' | 'warning';
  risk: ChangeRisk;
  /** The topics.yaml key under the topic that makes the change; absent when it is the topic itself. */
  field?: 'partitions' | 'replicationFactor' | 'cleanupPolicy' | 'retention';
  /** One sentence that names the topic (diagnostics, plan errors). */
  message: string;
  /** The same finding where the topic is already named (a plan row). */
  reason: string;
  hint: string;
  found?: string;
  allowed?: string;
}

export interface ClassifyOptions {
  /** topics.yaml's policy.allowTopicDeletion: a deletion is then a warning, not an error. */
  allowTopicDeletion?: boolean;
  /** What an unset retention.ms means (default: Kafka's 7 days, said so in the reason). */
  defaults?: TopicDefaults;
  /** Where `before` came from, for messages (`main:topics.yaml`). */
  previousLabel?: string;
}

/** Classifies the change of one topic from `before` to `after` (absent: created / deleted). */
export function classifyTopicChange(before: TopicFacts | undefined, after: TopicFacts | undefined, opts: ClassifyOptions = {}): ChangeFinding[] {
  if (!before) return [];
  if (!after) return [deletion(before, opts)];
  return [partitionChange(before, after), replicationChange(before, after), cleanupPolicyChange(before, after), retentionCut(before, after, opts.defaults ?? KAFKA_DEFAULTS)].filter(
    (f): f is ChangeFinding => f !== undefined,
  );
}

function deletion(before: TopicFacts, opts: ClassifyOptions): ChangeFinding {
  const base = { code: 'topic-deletion', risk: 'destructive', reason: 'deletes the topic and every message in it' } as const;
  if (opts.allowTopicDeletion) {
    return { ...base, severity: 'warning', message: `topic "${before.name}" is removed: deploy deletes it and its data`, hint: 'make sure no producer or consumer still uses it' };
  }
  return {
    ...base,
    severity: 'error',
    message: `topic "${before.name}" was removed, but policy.allowTopicDeletion is false`,
    found: `"${before.name}" in ${opts.previousLabel ?? 'the previous version'}, not in this version`,
    allowed: 'removing topics only with policy.allowTopicDeletion: true',
    hint: `put "${before.name}" back, or set policy.allowTopicDeletion: true for this change if deleting it (and its data) is intended`,
  };
}

/** A change that works but can hurt running clients: validate warns, plan labels it risky. */
function risky(code: ChangeCode, field: ChangeFinding['field'], topic: TopicFacts, reason: string, hint: string): ChangeFinding {
  return { code, severity: 'warning', risk: 'risky', field, message: `topic ${topic.name}: ${reason}`, reason, hint };
}

const isCompacted = (t: TopicFacts) => parseCleanupPolicy(t.config['cleanup.policy']).includes('compact');

function partitionChange(before: TopicFacts, after: TopicFacts): ChangeFinding | undefined {
  const [from, to, name] = [before.partitions, after.partitions, after.name];
  if (to < from) {
    return {
      code: 'partition-decrease',
      severity: 'error',
      risk: 'destructive',
      field: 'partitions',
      message: `topic ${name}: partitions ${from} → ${to} is a decrease; Kafka cannot remove partitions from a topic (only delete and recreate it, losing its data)`,
      reason: `partitions ${from} → ${to}: Kafka cannot remove partitions`,
      found: String(to),
      allowed: `at least ${from} (Kafka cannot remove partitions)`,
      hint: `set topics.${name}.partitions back to ${from} or more: the Terraform provider would destroy and recreate the topic, losing its data; to really shrink it, create a new topic and migrate the data`,
    };
  }
  // Keyed like compacted: either way consumers rely on one key living in one partition.
  const compacted = isCompacted(before) || isCompacted(after);
  const keyed = before.keyed === true || after.keyed === true;
  if (to <= from || !(compacted || keyed)) return undefined;
  const kind = [compacted ? 'compacted' : '', keyed ? 'keyed' : ''].filter(Boolean).join(', ');
  const reason = `partitions ${from} → ${to} on a ${kind} topic: keys move to other partitions, so per-key ordering breaks and compaction keeps old values of a key in its old partition`;
  return risky('partition-increase-keyed', 'partitions', after, reason, 'if consumers rely on per-key order or on one value per key, create a new topic with the new count and migrate instead');
}

function replicationChange(before: TopicFacts, after: TopicFacts): ChangeFinding | undefined {
  if (before.replicationFactor === after.replicationFactor) return undefined;
  const reason =
    `replication factor ${before.replicationFactor} → ${after.replicationFactor}: Kafka reassigns the replicas and copies every partition ` +
    'between brokers (unthrottled), which loads the cluster for the duration';
  return risky('replication-factor-change', 'replicationFactor', after, reason, 'the provider reassigns every partition at once, without a throttle: plan it for a quiet hour');
}

/** An unset cleanup.policy is Kafka's `delete`. */
const effectivePolicy = (t: TopicFacts) => {
  const p = parseCleanupPolicy(t.config['cleanup.policy']);
  return p.length ? p : ['delete'];
};

function cleanupPolicyChange(before: TopicFacts, after: TopicFacts): ChangeFinding | undefined {
  const [from, to] = [effectivePolicy(before), effectivePolicy(after)];
  if (from.join(',') === to.join(',')) return undefined;
  const lost = (p: string) => from.includes(p) && !to.includes(p);
  const gained = (p: string) => !from.includes(p) && to.includes(p);
  const effects = [
    lost('compact') && 'the latest value per key is no longer kept: records older than retention are deleted',
    gained('compact') && 'only the latest value per key is kept, and records without a key are rejected (their producers get errors)',
    gained('delete') && !lost('compact') && 'records older than retention are deleted, even the latest value of a key',
    lost('delete') && !gained('compact') && 'records are no longer deleted by age: the topic keeps the latest value of every key for good',
  ].filter((e): e is string => typeof e === 'string');
  const show = (t: TopicFacts, p: string[]) => (t.config['cleanup.policy'] === undefined ? `${p.join(',')} (default)` : p.join(','));
  const reason = `cleanup.policy ${show(before, from)} → ${show(after, to)}: ${effects.join('; ') || 'changes which records the broker keeps; consumers relying on the old behaviour may break'}`;
  return risky(
    'cleanup-policy-change',
    'cleanupPolicy',
    after,
    reason,
    'make sure every producer and consumer of the topic expects the new policy (consumers rebuilding state from it, producers without keys) before deploying',
  );
}

function retentionCut(before: TopicFacts, after: TopicFacts, defaults: TopicDefaults): ChangeFinding | undefined {
  const b = retentionOf(before, defaults);
  const a = retentionOf(after, defaults);
  if (a.ms === undefined || b.ms === undefined) return undefined;
  // -1 is forever: any finite retention after it is a cut; a cut to forever never is.
  if (!(a.ms >= 0 && (b.ms < 0 || a.ms * 2 < b.ms))) return undefined;
  const reason = `retention ${b.label} → ${a.label} (cut by more than half): records older than ${formatDurationMs(a.ms)} are deleted soon after the change`;
  return risky('retention-cut', 'retention', after, reason, 'make sure no consumer lags or replays further back than the new retention; lower it in steps if unsure');
}

/** A topic's retention in ms; unset is the default, and the label says which default was assumed. */
function retentionOf(t: TopicFacts, defaults: TopicDefaults): { ms: number | undefined; label: string } {
  const raw = t.config['retention.ms'];
  if (raw === undefined) {
    const source = defaults.source === 'broker' ? "the broker's default" : "Kafka's default; the broker's was not read";
    return { ms: defaults.retentionMs, label: `${formatDurationMs(defaults.retentionMs)} (unset: ${source})` };
  }
  const ms = Number(raw);
  return Number.isFinite(ms) ? { ms, label: formatDurationMs(ms) } : { ms: undefined, label: raw };
}
