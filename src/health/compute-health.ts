/** Judges one read of the cluster (HealthState) against one environment of topics.yaml. Pure. */
import type { LivePartition, PartitionOffset } from '../cluster/port.js';
import { isManagedTopic } from '../drift/compute-drift.js';
import { formatLagBudget } from '../model/lag-budget.js';
import type { ResolvedService, ResolvedSpec } from '../manifest/types.js';
import type { HealthReport, HealthState, PartitionLag, PartitionProblem, ServiceHealth, TopicLag, UnownedGroup } from './health-report.js';

/** The consumer group a service uses as topics.yaml declares it: `group`, else a streams application.id, else its name. */
export function declaredGroup(svc: ResolvedService): string {
  return svc.group ?? (svc.type === 'streams' && svc.applicationId ? svc.applicationId : svc.name);
}

/** A declared group with a trailing '-' or '*' is a prefix (as its ACL is); otherwise the exact id. */
export function groupMatches(declared: string, groupId: string): boolean {
  if (declared.endsWith('*')) return groupId.startsWith(declared.slice(0, -1));
  if (declared.endsWith('-')) return groupId.startsWith(declared);
  return groupId === declared;
}

/** The services health judges: those that consume (Connect workers only when they set maxLag: their worker group commits nothing). */
export function consumingServices(spec: ResolvedSpec): ResolvedService[] {
  return spec.services.filter((s) => s.consumes.length > 0 && (s.type !== 'connect' || s.maxLag !== undefined));
}

const key = (topic: string, partition: number) => `${topic}\u0000${partition}`;

function offsetIndex(offsets: readonly PartitionOffset[]): Map<string, number> {
  return new Map(offsets.map((o) => [key(o.topic, o.partition), o.offset]));
}

/** The ids of groups whose declared group matches, in the order the cluster lists them. */
export function matchedGroups(svc: ResolvedService, groupIds: readonly string[]): string[] {
  const declared = declaredGroup(svc);
  const found = groupIds.filter((g) => groupMatches(declared, g));
  // An exact group the cluster does not list yet still gets an entry: it has consumed nothing.
  return found.length > 0 || declared.endsWith('*') || declared.endsWith('-') ? found : [declared];
}

/** Where a group reads next in each partition of `topic`: its committed offset, else the log start. */
export function consumePositions(topic: string, partitionCount: number, committed: ReadonlyMap<string, number>, logStart: ReadonlyMap<string, number>): Array<PartitionOffset & { fromLogStart: boolean }> {
  return Array.from({ length: partitionCount }, (_, partition) => {
    const c = committed.get(key(topic, partition));
    return { topic, partition, offset: c ?? logStart.get(key(topic, partition)) ?? 0, fromLogStart: c === undefined };
  });
}

function effectiveMinIsr(state: HealthState, spec: ResolvedSpec, topic: string): number {
  const live = state.cluster.topics.find((t) => t.name === topic)?.config['min.insync.replicas'];
  const declared = spec.topics.find((t) => t.name === topic)?.config['min.insync.replicas'];
  const n = Number(live ?? declared ?? state.cluster.brokerDefaults?.['min.insync.replicas'] ?? 1);
  return Number.isFinite(n) && n > 0 ? n : 1;
}

/** The topics whose partitions health judges: the declared ones and those inside policy.managedPrefixes. */
export function healthTopicScope(spec: ResolvedSpec): (topic: string) => boolean {
  const declared = new Set(spec.topics.map((t) => t.name));
  return (topic) => declared.has(topic) || isManagedTopic(topic, spec.policy.managedPrefixes);
}

function computePartitions(spec: ResolvedSpec, state: HealthState): HealthReport['partitions'] {
  const inScopeTopic = healthTopicScope(spec);
  const inScope = state.partitions.filter((p) => inScopeTopic(p.topic));
  const minIsrByTopic = new Map<string, number>();
  const problem = (p: LivePartition): PartitionProblem => {
    if (!minIsrByTopic.has(p.topic)) minIsrByTopic.set(p.topic, effectiveMinIsr(state, spec, p.topic));
    return { topic: p.topic, partition: p.partition, leader: p.leader, replicas: p.replicas, isr: p.isr, minIsr: minIsrByTopic.get(p.topic) as number };
  };
  const all = inScope.map(problem);
  return {
    checked: inScope.length,
    offline: all.filter((p) => p.leader === null),
    underReplicated: all.filter((p) => p.isr.length < p.replicas.length),
    underMinIsr: all.filter((p) => p.leader !== null && p.isr.length < p.minIsr),
  };
}

interface LagInputs {
  partitionsByTopic: Map<string, number>;
  logStart: Map<string, number>;
  logEnd: Map<string, number>;
  timestamps: Map<string, Map<number, number | null>>;
  readAtMs: number;
}

/** Lag of one group on one topic: per partition, from the committed offset (or the log start) to the log end. */
function topicLag(topic: string, committed: ReadonlyMap<string, number>, inputs: LagInputs): TopicLag {
  const positions = consumePositions(topic, inputs.partitionsByTopic.get(topic) ?? 0, committed, inputs.logStart);
  const partitions: PartitionLag[] = positions.map((pos) => {
    const logEnd = inputs.logEnd.get(key(topic, pos.partition)) ?? pos.offset;
    const lag = Math.max(0, logEnd - pos.offset);
    const ts = lag > 0 ? inputs.timestamps.get(key(topic, pos.partition))?.get(pos.offset) : undefined;
    return {
      partition: pos.partition,
      committed: pos.fromLogStart ? null : pos.offset,
      logStart: inputs.logStart.get(key(topic, pos.partition)) ?? 0,
      logEnd,
      lag,
      fromLogStart: pos.fromLogStart,
      lagMs: typeof ts === 'number' ? Math.max(0, inputs.readAtMs - ts) : null,
    };
  });
  return {
    topic,
    lag: partitions.reduce((s, p) => s + p.lag, 0),
    lagMs: maxOrNull(partitions.map((p) => p.lagMs)),
    partitionsWithoutCommit: partitions.filter((p) => p.fromLogStart).length,
    partitions,
  };
}

function maxOrNull(values: Array<number | null>): number | null {
  const known = values.filter((v): v is number => v !== null);
  return known.length > 0 ? Math.max(...known) : null;
}

function judgeBudget(svc: ResolvedService, lag: number, lagMs: number | null, topics: TopicLag[]): ServiceHealth['budget'] {
  const b = svc.maxLag;
  if (!b) return 'none';
  if (b.kind === 'records') return lag > b.records ? 'over' : 'ok';
  if (lagMs !== null && lagMs > b.ms) return 'over';
  // Lagging partitions whose record timestamp could not be read: the age is not known.
  const unknown = topics.some((t) => t.partitions.some((p) => p.lag > 0 && p.lagMs === null));
  return unknown ? 'unknown' : 'ok';
}

function computeService(svc: ResolvedService, state: HealthState, committedByGroup: Map<string, Map<string, number>>, inputs: LagInputs): ServiceHealth {
  const groups = matchedGroups(svc, state.groups.map((g) => g.groupId));
  const descriptions = groups.map((g) => state.descriptions.find((d) => d.groupId === g));
  const states = [...new Set(descriptions.map((d) => (d && d.state !== 'Dead' ? d.state : 'missing')))];
  const consumed = svc.consumes.filter((t) => inputs.partitionsByTopic.has(t));
  // Each group of a prefix consumes on its own: their lags add up.
  const perGroup = (groups.length > 0 ? groups : ['']).map((g) => consumed.map((t) => topicLag(t, committedByGroup.get(g) ?? new Map(), inputs)));
  const topics: TopicLag[] = consumed.map((t, i) => {
    const parts = perGroup.map((ts) => ts[i] as TopicLag);
    return parts.length === 1 ? (parts[0] as TopicLag) : { topic: t, lag: parts.reduce((s, p) => s + p.lag, 0), lagMs: maxOrNull(parts.map((p) => p.lagMs)), partitionsWithoutCommit: parts.reduce((s, p) => s + p.partitionsWithoutCommit, 0), partitions: parts.flatMap((p) => p.partitions) };
  });
  const lag = topics.reduce((s, t) => s + t.lag, 0);
  const lagMs = maxOrNull(topics.map((t) => t.lagMs));
  return {
    name: svc.name,
    group: declaredGroup(svc),
    groups,
    state: states.length === 0 ? 'missing' : states.length === 1 ? (states[0] as string) : 'mixed',
    members: descriptions.reduce((s, d) => s + (d?.members.length ?? 0), 0),
    lag,
    lagMs,
    maxLag: svc.maxLag ?? null,
    budget: judgeBudget(svc, lag, lagMs, topics),
    topics,
  };
}

/** Judges the read: brokers, partitions in scope, each consuming service's lag against its maxLag, unowned groups. Pure. */
export function computeHealth(spec: ResolvedSpec, state: HealthState): HealthReport {
  const info = state.cluster.info;
  const partitionsByTopic = new Map<string, number>();
  for (const p of state.partitions) partitionsByTopic.set(p.topic, Math.max(partitionsByTopic.get(p.topic) ?? 0, p.partition + 1));
  const timestamps = new Map<string, Map<number, number | null>>();
  for (const t of state.timestamps) {
    const k = key(t.topic, t.partition);
    timestamps.set(k, (timestamps.get(k) ?? new Map()).set(t.offset, t.timestampMs));
  }
  const inputs: LagInputs = { partitionsByTopic, logStart: offsetIndex(state.logStart), logEnd: offsetIndex(state.logEnd), timestamps, readAtMs: state.readAtMs };
  const committedByGroup = new Map(Object.entries(state.committed).map(([g, offsets]) => [g, offsetIndex(offsets)]));
  const services = consumingServices(spec).map((svc) => computeService(svc, state, committedByGroup, inputs));
  const owned = (g: string) => spec.services.some((s) => groupMatches(declaredGroup(s), g));
  const unownedGroups: UnownedGroup[] = state.groups
    .filter((g) => !owned(g.groupId) && spec.policy.managedPrefixes.some((p) => g.groupId.startsWith(p)))
    .map((g) => {
      const d = state.descriptions.find((x) => x.groupId === g.groupId);
      const committed = committedByGroup.get(g.groupId) ?? new Map<string, number>();
      const lag = [...committed].reduce((s, [k, off]) => s + Math.max(0, (inputs.logEnd.get(k) ?? off) - off), 0);
      return { groupId: g.groupId, state: d?.state ?? g.state ?? 'unknown', members: d?.members.length ?? 0, lag };
    });
  const partitions = computePartitions(spec, state);
  const expected = spec.cluster.brokers ?? null;
  const problems: string[] = [];
  if (expected !== null && info.brokers.length < expected) problems.push(`${expected - info.brokers.length} of ${expected} broker(s) missing (online: ${info.brokers.map((b) => b.nodeId).join(', ') || 'none'})`);
  if (info.controller === null) problems.push('no active controller');
  if (partitions.offline.length > 0) problems.push(`${partitions.offline.length} partition(s) offline (no leader): ${sample(partitions.offline)}`);
  if (partitions.underMinIsr.length > 0) problems.push(`${partitions.underMinIsr.length} partition(s) under min.insync.replicas: ${sample(partitions.underMinIsr)}`);
  for (const s of services) {
    if (s.budget === 'over' && s.maxLag) problems.push(`service ${s.name} (group ${s.group}) lags ${s.maxLag.kind === 'records' ? `${s.lag} records` : `${Math.round((s.lagMs ?? 0) / 1000)}s`}, over its maxLag ${formatLagBudget(s.maxLag)}`);
  }
  return {
    healthy: problems.length === 0,
    cluster: {
      name: spec.cluster.name,
      environment: spec.environment,
      clusterId: info.clusterId,
      controller: info.controller,
      brokers: { expected, online: info.brokers.length, ids: info.brokers.map((b) => b.nodeId).sort((a, b) => a - b) },
    },
    partitions,
    services,
    unownedGroups,
    problems,
    readAt: new Date(state.readAtMs).toISOString(),
    readDurationMs: state.readDurationMs,
  };
}

function sample(ps: PartitionProblem[]): string {
  return ps.slice(0, 5).map((p) => `${p.topic}-${p.partition}`).join(', ') + (ps.length > 5 ? ', …' : '');
}
