/**
 * Risk labels for planned changes and the plan value renderers consume. Pure: takes the spec,
 * the mapped terraform changes and (optionally) what the live cluster has, returns values.
 * Topic changes are judged by the shared change-safety rules (src/safety), so `plan` and
 * `validate --against/--live` agree.
 *
 * destructive: data is lost (topic delete or replace).
 * risky: the change is allowed but can hurt running clients (see computeRisks).
 * safe: everything else.
 */
import type { ResolvedSpec } from '../manifest/types.js';
import { classifyTopicChange, type ChangeRisk } from '../safety/classify-topic-change.js';
import { declaredTopicFacts, type TopicDefaults, type TopicFacts } from '../safety/topic-facts.js';
import { summarizeChanges, type PlannedChange } from './terraform-plan.js';

export type RiskLevel = 'safe' | ChangeRisk;

export interface RiskedChange extends PlannedChange {
  risk: RiskLevel;
  /** Why the change is risky or destructive, one sentence each (empty when safe). */
  reasons: string[];
}

export interface PolicyViolation {
  /** The change the policy forbids, as `delete topic orders.placed`. */
  change: string;
  /** The topics.yaml key that would allow it. */
  policyKey: 'policy.allowTopicDeletion';
  message: string;
}

/** A problem found before terraform ran (e.g. a partition decrease); the plan cannot be applied. */
export interface PlanError {
  code: 'partition-decrease' | 'not-read';
  resource: string;
  message: string;
  hint: string;
}

export interface KafkaformPlan {
  cluster: string;
  environment: string;
  /** True when terraform would change something. */
  hasChanges: boolean;
  summary: { import: number; create: number; update: number; replace: number; delete: number; destructive: number; risky: number; safe: number };
  changes: RiskedChange[];
  /** Destructive changes the policy does not allow: the plan is an error (exit 1). */
  violations: PolicyViolation[];
  /** Problems found before terraform ran: the plan is an error (exit 1). */
  errors: PlanError[];
}

const RANK: Record<RiskLevel, number> = { safe: 0, risky: 1, destructive: 2 };

function num(v: unknown): number | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

const ATTRIBUTE_FIELDS = { partitions: 'partitions', replication_factor: 'replicationFactor' } as const;

/**
 * Both sides of a planned topic change as facts. Terraform lists only the attributes that change:
 * the rest is what topics.yaml declares (terraform applies it) on both sides. An old value terraform
 * does not know (a config its state never held) is taken from the live topic, else left unset.
 */
function sidesOf(c: PlannedChange, declared: TopicFacts | undefined, live: TopicFacts | undefined): { before: TopicFacts; after: TopicFacts } {
  const after: TopicFacts = declared ? { ...declared, config: { ...declared.config } } : { name: c.name, partitions: 0, replicationFactor: 0, config: {} };
  const before: TopicFacts = { ...after, config: { ...after.config } };
  for (const a of c.changes) {
    const field = ATTRIBUTE_FIELDS[a.attribute as keyof typeof ATTRIBUTE_FIELDS];
    if (field) {
      const [b, n] = [num(a.before) ?? live?.[field], num(a.after)];
      if (b !== undefined) before[field] = b;
      if (n !== undefined) after[field] = n;
    } else if (a.attribute.startsWith('config.')) {
      const key = a.attribute.slice('config.'.length);
      const b = a.before ?? live?.config[key];
      if (b === undefined || b === null) delete before.config[key];
      else before.config[key] = String(b);
      if (a.after === undefined || a.after === null) delete after.config[key];
      else after.config[key] = String(a.after);
    }
  }
  return { before, after };
}

interface TopicRiskContext {
  spec: ResolvedSpec;
  live: Map<string, TopicFacts>;
  defaults?: TopicDefaults;
}

function topicRisks(c: PlannedChange, ctx: TopicRiskContext): { risk: RiskLevel; reasons: string[] } {
  if (c.action !== 'update' && c.action !== 'replace' && c.action !== 'delete') return { risk: 'safe', reasons: [] };
  const t = ctx.spec.topics.find((d) => d.name === c.name);
  const { before, after } = sidesOf(c, t && declaredTopicFacts(t), ctx.live.get(c.name));
  const findings = classifyTopicChange(before, c.action === 'delete' ? undefined : after, { allowTopicDeletion: ctx.spec.policy.allowTopicDeletion, defaults: ctx.defaults });
  if (c.action === 'replace') {
    // Replacing loses everything anyway: only say what forces it, and a partition decrease.
    const why = c.replacePaths?.length ? ` (forced by ${c.replacePaths.join(', ')})` : '';
    const decrease = findings.filter((f) => f.code === 'partition-decrease').map((f) => f.reason);
    return { risk: 'destructive', reasons: [`destroys and recreates the topic${why}: every message in it is lost`, ...decrease] };
  }
  const risk = findings.reduce<RiskLevel>((worst, f) => (RANK[f.risk] > RANK[worst] ? f.risk : worst), 'safe');
  return { risk, reasons: findings.map((f) => f.reason) };
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
  if (c.resource === 'user' && c.action === 'update' && c.changes.some((a) => a.attribute.startsWith('password'))) {
    return { risk: 'risky', reasons: ['sets the SCRAM password: clients that still log in with the old password fail to authenticate'] };
  }
  if (c.resource === 'quota' && (c.action === 'update' || c.action === 'replace')) {
    const tighter = c.changes.filter((a) => a.attribute.startsWith('config.') && typeof a.after === 'number' && (a.before === undefined || a.before === null || (typeof a.before === 'number' && a.after < a.before)));
    if (tighter.length > 0) {
      return {
        risk: 'risky',
        reasons: tighter.map((a) => `${a.before === undefined || a.before === null ? 'sets' : 'lowers'} ${a.attribute.slice('config.'.length)} ${a.before === undefined || a.before === null ? '' : `from ${String(a.before)} `}to ${String(a.after)}: clients above the new limit are throttled`),
      };
    }
  }
  if (c.resource === 'schema' && c.action === 'delete') {
    return { risk: 'risky', reasons: ['deletes the schema subject: producers using it can no longer register or look up schemas'] };
  }
  return { risk: 'safe', reasons: [] };
}

/**
 * Labels each change safe, risky or destructive, with the reasons. `live` refines "before" values
 * terraform does not know; `defaults` says what an unset retention is (default: Kafka's 7 days).
 */
export function computeRisks(spec: ResolvedSpec, changes: PlannedChange[], live: TopicFacts[] = [], defaults?: TopicDefaults): RiskedChange[] {
  const ctx: TopicRiskContext = { spec, live: new Map(live.map((t) => [t.name, t])), defaults };
  return changes.map((c) => {
    const r = c.resource === 'topic' ? topicRisks(c, ctx) : otherRisks(spec, c);
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
export function computePartitionDecreases(spec: ResolvedSpec, live: TopicFacts[]): PlanError[] {
  const byName = new Map(live.map((t) => [t.name, t]));
  return spec.topics.flatMap((t) =>
    classifyTopicChange(byName.get(t.name), declaredTopicFacts(t))
      .filter((f) => f.code === 'partition-decrease')
      .map((f) => ({ code: 'partition-decrease' as const, resource: `topic ${t.name}`, message: f.message, hint: f.hint })),
  );
}

export interface ComputePlanInput {
  spec: ResolvedSpec;
  changes: PlannedChange[];
  live?: TopicFacts[];
  /** What an unset retention is: the broker's value when the cluster was read, else Kafka's default. */
  defaults?: TopicDefaults;
  errors?: PlanError[];
}

/** The plan value: risk-labelled changes, the summary, and what blocks it. */
export function computePlan(input: ComputePlanInput): KafkaformPlan {
  const changes = computeRisks(input.spec, input.changes, input.live, input.defaults).sort(
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

