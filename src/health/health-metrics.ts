/**
 * The Prometheus exposition of one health read, through prom-client: kafka_exporter's metric names and
 * labels where it has them (so its dashboards work), kafkaform_* for what only kafkaform knows
 * (lag in seconds, lag budgets, drift). `health --format prometheus` and the exporter render the same.
 */
import { Counter, Gauge, Registry } from 'prom-client';
import type { DriftReport } from '../drift/compute-drift.js';
import type { HealthReport, HealthState } from './health-report.js';

/** One read as the exporter holds it: the raw state, its judgement and the drift computed from the same read. */
export interface HealthRead {
  state: HealthState;
  report: HealthReport;
  drift: DriftReport;
}

export interface ExporterStatus {
  /** The last read succeeded. */
  up: boolean;
  /** When the last successful read finished (ms since the epoch), if ever. */
  lastSuccessMs?: number;
  /** The last read's duration, successful or not. */
  lastReadDurationMs?: number;
  /** Reads that failed since start. */
  failures: number;
}

const DRIFT_RESOURCES = ['topic', 'acl', 'user', 'quota', 'schema'] as const;
const DRIFT_KINDS = ['missing', 'unmanaged', 'changed'] as const;

/** Builds a fresh registry holding the metrics of `read` (cluster series only when the last read succeeded). */
export function buildHealthRegistry(read: HealthRead | undefined, status: ExporterStatus): Registry {
  const registry = new Registry();
  const gauge = (name: string, help: string, labelNames: string[] = []) => new Gauge({ name, help, labelNames, registers: [registry] });
  gauge('kafkaform_up', 'Whether the last read of the cluster succeeded (1) or failed (0)').set(status.up ? 1 : 0);
  new Counter({ name: 'kafkaform_read_failures_total', help: 'Reads of the cluster that failed since the exporter started', registers: [registry] }).inc(status.failures);
  if (status.lastSuccessMs !== undefined) gauge('kafkaform_last_successful_read_timestamp_seconds', 'When the last successful read of the cluster finished').set(status.lastSuccessMs / 1000);
  if (status.lastReadDurationMs !== undefined) gauge('kafkaform_read_duration_seconds', 'How long the last read of the cluster took').set(status.lastReadDurationMs / 1000);
  if (!status.up || !read) return registry;
  addClusterMetrics(gauge, read);
  addGroupMetrics(gauge, read);
  addKafkaformMetrics(gauge, read);
  return registry;
}

type GaugeOf = (name: string, help: string, labelNames?: string[]) => Gauge;

function addClusterMetrics(gauge: GaugeOf, { state }: HealthRead): void {
  gauge('kafka_brokers', 'Number of Brokers in the Kafka Cluster.').set(state.cluster.info.brokers.length);
  const partitions = gauge('kafka_topic_partitions', 'Number of partitions for this Topic', ['topic']);
  const current = gauge('kafka_topic_partition_current_offset', 'Current Offset of a Broker at Topic/Partition', ['topic', 'partition']);
  const oldest = gauge('kafka_topic_partition_oldest_offset', 'Oldest Offset of a Broker at Topic/Partition', ['topic', 'partition']);
  const leader = gauge('kafka_topic_partition_leader', 'Leader Broker ID of this Topic/Partition', ['topic', 'partition']);
  const replicas = gauge('kafka_topic_partition_replicas', 'Number of Replicas for this Topic/Partition', ['topic', 'partition']);
  const isr = gauge('kafka_topic_partition_in_sync_replica', 'Number of In-Sync Replicas for this Topic/Partition', ['topic', 'partition']);
  const under = gauge('kafka_topic_partition_under_replicated_partition', '1 if Topic/Partition is under Replicated', ['topic', 'partition']);
  const counts = new Map<string, number>();
  for (const p of state.partitions) {
    counts.set(p.topic, (counts.get(p.topic) ?? 0) + 1);
    const l = { topic: p.topic, partition: String(p.partition) };
    leader.set(l, p.leader ?? -1);
    replicas.set(l, p.replicas.length);
    isr.set(l, p.isr.length);
    under.set(l, p.isr.length < p.replicas.length ? 1 : 0);
  }
  for (const [topic, n] of counts) partitions.set({ topic }, n);
  for (const o of state.logEnd) current.set({ topic: o.topic, partition: String(o.partition) }, o.offset);
  for (const o of state.logStart) oldest.set({ topic: o.topic, partition: String(o.partition) }, o.offset);
}

function addGroupMetrics(gauge: GaugeOf, { state }: HealthRead): void {
  const members = gauge('kafka_consumergroup_members', 'Amount of members in a consumer group', ['consumergroup']);
  const offset = gauge('kafka_consumergroup_current_offset', 'Current Offset of a ConsumerGroup at Topic/Partition', ['consumergroup', 'topic', 'partition']);
  const lag = gauge('kafka_consumergroup_lag', 'Current Approximate Lag of a ConsumerGroup at Topic/Partition', ['consumergroup', 'topic', 'partition']);
  const lagSum = gauge('kafka_consumergroup_lag_sum', 'Current Approximate Lag of a ConsumerGroup at Topic for all partitions', ['consumergroup', 'topic']);
  const end = new Map(state.logEnd.map((o) => [`${o.topic}\u0000${o.partition}`, o.offset]));
  for (const d of state.descriptions) members.set({ consumergroup: d.groupId }, d.members.length);
  for (const [group, committed] of Object.entries(state.committed)) {
    const sums = new Map<string, number>();
    for (const c of committed) {
      const e = end.get(`${c.topic}\u0000${c.partition}`);
      if (e === undefined) continue;
      const l = { consumergroup: group, topic: c.topic, partition: String(c.partition) };
      const v = Math.max(0, e - c.offset);
      offset.set(l, c.offset);
      lag.set(l, v);
      sums.set(c.topic, (sums.get(c.topic) ?? 0) + v);
    }
    for (const [topic, v] of sums) lagSum.set({ consumergroup: group, topic }, v);
  }
}

function addKafkaformMetrics(gauge: GaugeOf, { report, drift }: HealthRead): void {
  gauge('kafkaform_healthy', 'Whether health found no problem (1) or some (0)').set(report.healthy ? 1 : 0);
  gauge('kafkaform_brokers_expected', 'Brokers topics.yaml declares (cluster.brokers)').set(report.cluster.brokers.expected ?? report.cluster.brokers.online);
  gauge('kafkaform_controller_active', 'Whether the cluster has an active controller').set(report.cluster.controller === null ? 0 : 1);
  const byTopic = (name: string, help: string, list: Array<{ topic: string }>) => {
    const g = gauge(name, help, ['topic']);
    const counts = new Map<string, number>();
    for (const p of list) counts.set(p.topic, (counts.get(p.topic) ?? 0) + 1);
    for (const [topic, n] of counts) g.set({ topic }, n);
  };
  byTopic('kafkaform_topic_partitions_offline', 'Partitions of a declared topic without a leader', report.partitions.offline);
  byTopic('kafkaform_topic_partitions_under_min_isr', 'Partitions of a declared topic with fewer in-sync replicas than min.insync.replicas', report.partitions.underMinIsr);
  const svcLabels = ['service', 'consumergroup'];
  const lag = gauge('kafkaform_service_lag', 'Lag in records of a declared consuming service over all its topics (no commit counts from the log start)', svcLabels);
  const lagSeconds = gauge('kafkaform_service_lag_seconds', 'Age of the oldest record a declared consuming service has not consumed', svcLabels);
  const topicSeconds = gauge('kafkaform_consumergroup_lag_seconds', 'Age of the oldest unconsumed record of a declared service at a topic', ['service', 'consumergroup', 'topic']);
  const budgetRecords = gauge('kafkaform_service_max_lag', 'maxLag in records of a declared service', svcLabels);
  const budgetSeconds = gauge('kafkaform_service_max_lag_seconds', 'maxLag as a duration of a declared service', svcLabels);
  const over = gauge('kafkaform_service_lag_over_budget', '1 if a declared service lags more than its maxLag, 0 if within it (absent without maxLag or when unknown)', svcLabels);
  const members = gauge('kafkaform_service_members', 'Members of the consumer group(s) of a declared service', svcLabels);
  for (const s of report.services) {
    const l = { service: s.name, consumergroup: s.group };
    lag.set(l, s.lag);
    members.set(l, s.members);
    if (s.lagMs !== null) lagSeconds.set(l, s.lagMs / 1000);
    else if (s.lag === 0) lagSeconds.set(l, 0);
    for (const t of s.topics) if (t.lagMs !== null || t.lag === 0) topicSeconds.set({ ...l, topic: t.topic }, (t.lagMs ?? 0) / 1000);
    if (s.maxLag?.kind === 'records') budgetRecords.set(l, s.maxLag.records);
    if (s.maxLag?.kind === 'time') budgetSeconds.set(l, s.maxLag.ms / 1000);
    if (s.budget === 'ok' || s.budget === 'over') over.set(l, s.budget === 'over' ? 1 : 0);
  }
  const unowned = gauge('kafkaform_unowned_consumergroups', 'Consumer groups within policy.managedPrefixes that no declared service owns');
  unowned.set(report.unownedGroups.length);
  const driftGauge = gauge('kafkaform_drift_items', 'Differences between topics.yaml and the cluster, by resource and kind', ['resource', 'kind']);
  for (const resource of DRIFT_RESOURCES) {
    for (const kind of DRIFT_KINDS) driftGauge.set({ resource, kind }, drift.drift.filter((d) => d.resource === resource && d.kind === kind).length);
  }
}

/** The exposition text of one read, as `health --format prometheus` prints it. */
export async function renderHealthPrometheus(read: HealthRead, status: ExporterStatus): Promise<string> {
  return buildHealthRegistry(read, status).metrics();
}
