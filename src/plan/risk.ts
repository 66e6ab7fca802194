/**
 * Risk labels for planned changes and the plan value renderers consume. Pure: takes the spec,
 * the mapped terraform changes and (optionally) what the live cluster has, returns values.
 *
 * destructive: data is lost (topic delete or replace).
 * risky: the change is allowed but can hurt running clients (see computeRisks).
 * safe: everything else.
 */
import type { LiveTopic } from '../cluster/port.js';
import type { ResolvedSpec } from '../manifest/types.js';
import { summarizeChanges, type AttributeChange, type PlannedChange } from './terraform-plan.js';

export type RiskLevel = 'safe' | 'risky' | 'destructive';

export interface RiskedChange extends PlannedChange {
  risk: RiskLevel;
  /** Why the change is risky or destructive, one sentence each (empty when safe). */
  reasons: string[];
}

/** What the live cluster says about a topic; only the fields risk needs. */
export type LiveTopicFacts = Pick<LiveTopic, 'name' | 'partitions' | 'replicationFactor' | 'config'>;

/** Kafka's broker default for retention.ms (7 days), assumed when a topic does not set it. */
export const KAFKA_DEFAULT_RETENTION_MS = 7 * 24 * 3600 * 1000;

export interface PolicyViolation {
  /** The change the policy forbids, as `delete topic orders.placed`. */
  change: string;
  /** The topics.yaml key that would allow it. */
  policyKey: 'policy.allowTopicDeletion';
  message: string;
}

/** A problem found before terraform ran (e.g. a partition decrease); the plan cannot be applied. */
export interface PlanError {
  code: 'partition-decrease';
  resource: string;
  message: string;
  hint: string;
}

export interface KafkaformPlan {
  cluster: string;
  environment: string;
  /** True when terraform would change something. */
  hasChanges: boolean;
  summary: { create: number; update: number; replace: number; delete: number; destructive: number; risky: number; safe: number };
  changes: RiskedChange[];
  /** Destructive changes the policy does not allow: the plan is an error (exit 1). */
  violations: PolicyViolation[];
  /** Problems found before terraform ran: the plan is an error (exit 1). */
  errors: PlanError[];
}

const RANK: Record<RiskLevel, number> = { safe: 0, risky: 1, destructive: 2 };

function attr(c: PlannedChange, name: string): AttributeChange | undefined {
  return c.changes.find((a) => a.attribute === name);
}

function num(v: unknown): number | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

function policies(v: unknown): string[] {
  return typeof v === 'string' ? v.split(',').map((s) => s.trim()).filter(Boolean).sort() : [];
}

function formatMs(ms: number): string {
  if (ms < 0) return 'forever';
  // Days, not weeks: topics.yaml users write 7d far more often than 1w.
  const units: Array<[number, string]> = [[86_400_000, 'd'], [3_600_000, 'h'], [60_000, 'm'], [1000, 's']];
  for (const [size, unit] of units) if (ms % size === 0 && ms >= size) return `${ms / size}${unit}`;
  return `${ms}ms`;
}

function topicRisks(spec: ResolvedSpec, c: PlannedChange, live: Map<string, LiveTopicFacts>): { risk: RiskLevel; reasons: string[] } {
  const reasons: string[] = [];
  if (c.action === 'delete') {
    return { risk: 'destructive', reasons: ['deletes the topic and every message in it'] };
  }
  const parts = attr(c, 'partitions');
  const pBefore = num(parts?.before) ?? live.get(c.name)?.partitions;
  const pAfter = num(parts?.after);
  if (c.action === 'replace') {
    const why = c.replacePaths?.length ? ` (forced by ${c.replacePaths.join(', ')})` : '';
    reasons.push(`destroys and recreates the topic${why}: every message in it is lost`);
    if (pBefore !== undefined && pAfter !== undefined && pAfter < pBefore) {
      reasons.push(`partitions ${pBefore} → ${pAfter}: Kafka cannot remove partitions`);
    }
    return { risk: 'destructive', reasons };
  }
  if (c.action !== 'update') return { risk: 'safe', reasons };

  const declared = spec.topics.find((t) => t.name === c.name);
  if (pBefore !== undefined && pAfter !== undefined && pAfter < pBefore) {
    return { risk: 'destructive', reasons: [`partitions ${pBefore} → ${pAfter}: Kafka cannot remove partitions`] };
  }

  const rf = attr(c, 'replication_factor');
  if (rf && num(rf.before) !== num(rf.after)) {
    reasons.push(
      `replication factor ${String(rf.before)} → ${String(rf.after)}: Kafka reassigns the replicas and copies every partition between brokers (unthrottled), which loads the cluster for the duration`,
    );
  }

  const cp = attr(c, 'config.cleanup.policy');
  const beforePolicy = policies(cp ? cp.before : live.get(c.name)?.config['cleanup.policy']);
  const afterPolicy = cp ? policies(cp.after) : policies(declared?.config['cleanup.policy']);
  if (cp && beforePolicy.join(',') !== afterPolicy.join(',')) {
    const from = beforePolicy.length ? beforePolicy.join(',') : 'delete (default)';
    const to = afterPolicy.length ? afterPolicy.join(',') : 'delete (default)';
    const awayFromCompact = beforePolicy.includes('compact') && !afterPolicy.includes('compact');
    reasons.push(
      `cleanup.policy ${from} → ${to}: ` +
        (awayFromCompact
          ? 'the latest value per key is no longer kept: records older than retention are deleted'
          : 'changes which records the broker keeps; consumers relying on the old behaviour may break'),
    );
  }

  const ret = attr(c, 'config.retention.ms');
  if (ret) {
    const before = num(ret.before) ?? num(live.get(c.name)?.config['retention.ms']) ?? KAFKA_DEFAULT_RETENTION_MS;
    const after = num(ret.after) ?? KAFKA_DEFAULT_RETENTION_MS;
    const cut = after >= 0 && (before < 0 || after * 2 < before);
    if (cut) {
      reasons.push(`retention ${formatMs(before)} → ${formatMs(after)} (cut by more than half): records older than ${formatMs(after)} are deleted soon after the change`);
    }
  }

  const compacted = afterPolicy.includes('compact') || beforePolicy.includes('compact');
  const keyed = declared?.schema?.key !== undefined;
  if (pBefore !== undefined && pAfter !== undefined && pAfter > pBefore && (compacted || keyed)) {
    reasons.push(
      `partitions ${pBefore} → ${pAfter} on a ${[compacted ? 'compacted' : '', keyed ? 'keyed' : ''].filter(Boolean).join(', ')} topic: ` +
        'keys move to other partitions, so per-key ordering breaks and compaction keeps old values of a key in its old partition',
    );
  }
  return { risk: reasons.length ? 'risky' : 'safe', reasons };
}

function otherRisks(spec: ResolvedSpec, c: PlannedChange): { risk: RiskLevel; reasons: string[] } {
  if (c.resource === 'acl' && c.action === 'delete' && c.acl && c.acl.permission === 'allow') {
    const service = spec.services.find((s) => s.principal === c.acl!.principal);
    if (service) {
      return {
        risk: 'risky',
        reasons: [`takes ${c.acl.operation} on ${c.acl.resourceType} ${c.acl.resourceName} away from service ${service.name} (${service.principal}): its clients get authorization errors`],
      };
    }
  }
  if (c.resource === 'user' && (c.action === 'delete' || c.action === 'replace')) {
    return { risk: 'risky', reasons: [`${c.action === 'delete' ? 'removes' : 'recreates'} the SCRAM credential: clients using it cannot authenticate${c.action === 'replace' ? ' until it is recreated' : ''}`] };
  }
  if (c.resource === 'schema' && c.action === 'delete') {
    return { risk: 'risky', reasons: ['deletes the schema subject: producers using it can no longer register or look up schemas'] };
  }
  return { risk: 'safe', reasons: [] };
}

/** Labels each change safe, risky or destructive, with the reasons. `live` refines "before" values terraform does not know. */
export function computeRisks(spec: ResolvedSpec, changes: PlannedChange[], live: LiveTopicFacts[] = []): RiskedChange[] {
  const byName = new Map(live.map((t) => [t.name, t]));
  return changes.map((c) => {
    const r = c.resource === 'topic' ? topicRisks(spec, c, byName) : otherRisks(spec, c);
    return { ...c, ...r };
  });
}

/** Destructive changes the policy does not allow. */
export function computePolicyViolations(spec: ResolvedSpec, changes: RiskedChange[]): PolicyViolation[] {
  if (spec.policy.allowTopicDeletion) return [];
  return changes
    .filter((c) => c.risk === 'destructive' && c.resource === 'topic')
    .map((c) => ({
      change: `${c.action} topic ${c.name}`,
      policyKey: 'policy.allowTopicDeletion' as const,
      message: `${c.action === 'delete' ? 'deleting' : c.action === 'replace' ? 'replacing' : 'changing'} topic ${c.name} loses its data and policy.allowTopicDeletion is false`,
    }));
}

/**
 * Partition decreases, found by comparing topics.yaml with the live cluster before terraform
 * runs: the provider would plan a replace, and prevent_destroy would make terraform fail with an
 * error that does not say why.
 */
export function computePartitionDecreases(spec: ResolvedSpec, live: LiveTopicFacts[]): PlanError[] {
  const byName = new Map(live.map((t) => [t.name, t]));
  const out: PlanError[] = [];
  for (const t of spec.topics) {
    const l = byName.get(t.name);
    if (!l || t.partitions >= l.partitions) continue;
    out.push({
      code: 'partition-decrease',
      resource: `topic ${t.name}`,
      message: `topic ${t.name}: partitions ${l.partitions} → ${t.partitions} is a decrease; Kafka cannot remove partitions from a topic (only delete and recreate it, losing its data)`,
      hint: `set topics.${t.name}.partitions back to ${l.partitions} or more; to really shrink it, create a new topic and migrate the data`,
    });
  }
  return out;
}

export interface ComputePlanInput {
  spec: ResolvedSpec;
  changes: PlannedChange[];
  live?: LiveTopicFacts[];
  errors?: PlanError[];
}

/** The plan value: risk-labelled changes, the summary, and what blocks it. */
export function computePlan(input: ComputePlanInput): KafkaformPlan {
  const changes = computeRisks(input.spec, input.changes, input.live).sort(
    (a, b) => RANK[b.risk] - RANK[a.risk] || 0,
  );
  const counts = summarizeChanges(changes);
  const summary = {
    ...counts,
    destructive: changes.filter((c) => c.risk === 'destructive').length,
    risky: changes.filter((c) => c.risk === 'risky').length,
    safe: changes.filter((c) => c.risk === 'safe').length,
  };
  return {
    cluster: input.spec.cluster.name,
    environment: input.spec.environment,
    hasChanges: changes.length > 0,
    summary,
    changes,
    violations: computePolicyViolations(input.spec, changes),
    errors: input.errors ?? [],
  };
}

/** `terraform plan -detailed-exitcode` semantics: 0 no changes, 2 changes, 1 error (blocked). */
export function planExitCode(plan: KafkaformPlan): 0 | 1 | 2 {
  if (plan.errors.length > 0 || plan.violations.length > 0) return 1;
  return plan.hasChanges ? 2 : 0;
}
