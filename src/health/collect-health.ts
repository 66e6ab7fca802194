/**
 * The I/O edge of health: one batched read through a ClusterPort (the general cluster read that drift
 * uses, plus partitions, groups, offsets and the timestamps of lagging records), bounded in time, retried through
 * retriable failures (a rolling restart) like drift's read.
 */
import { collectClusterState, describeLastRetry, openReadPort, platformaticPorts, readTopicDefaults, type ClusterPortFactory } from '../cluster/collect.js';
import type { ReadRetry } from '../cluster/retrying-port.js';
import type { ClusterPort, ClusterState, Connection, PartitionOffset } from '../cluster/port.js';
import { ClusterError } from '../errors.js';
import type { ResolvedSpec } from '../manifest/types.js';
import { computeDrift } from '../drift/compute-drift.js';
import { computeHealth, consumePositions, consumingServices, healthTopicScope, matchedGroups } from './compute-health.js';
import type { HealthRead } from './health-metrics.js';
import type { HealthReport, HealthState } from './health-report.js';

export const DEFAULT_HEALTH_TIMEOUT_MS = 30_000;

export interface CollectHealthOptions {
  /** The whole read (connect + every request) must finish within this bound. */
  timeoutMs?: number;
  /** Where the port comes from; default: @platformatic/kafka over the connection, as drift (tests pass the in-memory twin). */
  ports?: ClusterPortFactory;
  /** The clock the time lag is measured against (tests fix it). */
  now?: () => number;
  /**
   * 'drift' (default): the general cluster read that drift uses (every topic's configs, ACLs, users, quotas), so that
   * the drift of the same read can be shown (the exporter). 'health': only what health judges (brokers, the
   * controller, the topics in scope with their min.insync.replicas, the broker's defaults): what `health` needs.
   */
  clusterRead?: 'drift' | 'health';
}

/** The one topic config health judges. */
const HEALTH_CONFIG_KEYS = ['min.insync.replicas'] as const;

/**
 * Reads everything health judges. `lagPort` is a second connection for the lag chain: a broker answers the requests
 * of one connection one at a time, so the general read (DescribeConfigs of every topic, for drift) and the lag chain
 * only run side by side on the broker when they come over two connections.
 */
export async function collectHealthState(
  port: ClusterPort,
  spec: ResolvedSpec,
  now: () => number = Date.now,
  lagPort: ClusterPort = port,
  clusterRead: CollectHealthOptions['clusterRead'] = 'drift',
): Promise<HealthState> {
  const started = now();
  const [cluster, lag] = await Promise.all([clusterRead === 'health' ? collectJudgedClusterState(port, spec) : collectClusterState(port), collectLag(lagPort, spec)]);
  const readAtMs = now();
  return { cluster, ...lag, readAtMs, readDurationMs: readAtMs - started };
}

/**
 * The cluster part of health alone: brokers and controller, the topics in scope (declared or managed) with only their
 * min.insync.replicas (DescribeConfigs with a key list), and the broker's defaults. ACLs, users and quotas are not
 * read (notChecked says so), so this state must not be judged for drift.
 */
async function collectJudgedClusterState(port: ClusterPort, spec: ResolvedSpec): Promise<ClusterState> {
  const inScope = healthTopicScope(spec);
  const [info, all] = await Promise.all([port.describeCluster(), port.listTopics()]);
  const names = all.filter((n) => !n.startsWith('__') && inScope(n));
  const [topics, brokerDefaults] = await Promise.all([port.describeTopics(names, { configKeys: HEALTH_CONFIG_KEYS }), readTopicDefaults(port)]);
  const reason = 'not read: health reads only what it judges';
  return {
    info,
    topics: topics.sort((a, b) => a.name.localeCompare(b.name)),
    acls: [],
    ...(brokerDefaults ? { brokerDefaults } : {}),
    notChecked: [
      { resource: 'acl', reason },
      { resource: 'user', reason },
      { resource: 'quota', reason },
    ],
  };
}

/** Partitions, groups, committed and log offsets, and the timestamps of the records where declared services lag: four round trips, each batched. */
async function collectLag(port: ClusterPort, spec: ResolvedSpec): Promise<Omit<HealthState, 'cluster' | 'readAtMs' | 'readDurationMs'>> {
  const [names, groups] = await Promise.all([port.listTopics().then((all) => all.filter((n) => !n.startsWith('__'))), port.listConsumerGroups()]);
  const groupIds = groups.map((g) => g.groupId);
  // Groups are described and their offsets fetched in batches per coordinator (FindCoordinator and OffsetFetch name many groups).
  const [partitions, descriptions, committed] = await Promise.all([port.describePartitions(names), port.describeConsumerGroups(groupIds), port.listGroupsCommittedOffsets(groupIds)]);
  const offsetTopics = new Set([...consumingServices(spec).flatMap((s) => s.consumes), ...Object.values(committed).flatMap((os) => os.map((o) => o.topic))]);
  const { earliest: logStart, latest: logEnd } = await port.listLogOffsets(partitions.filter((p) => offsetTopics.has(p.topic)));
  const timestamps = await port.readRecordTimestamps(laggingPositions(spec, { partitions, groupIds, committed, logStart, logEnd }));
  return { partitions, groups, descriptions, committed, logStart, logEnd, timestamps };
}

/** Each declared service's consume position in every partition where it lags: the records whose timestamps give the time lag. */
function laggingPositions(
  spec: ResolvedSpec,
  read: { partitions: HealthState['partitions']; groupIds: string[]; committed: Record<string, PartitionOffset[]>; logStart: PartitionOffset[]; logEnd: PartitionOffset[] },
): PartitionOffset[] {
  const k = (o: { topic: string; partition: number }) => `${o.topic}\u0000${o.partition}`;
  const index = (os: PartitionOffset[]) => new Map(os.map((o) => [k(o), o.offset]));
  const start = index(read.logStart);
  const end = index(read.logEnd);
  const counts = new Map<string, number>();
  for (const p of read.partitions) counts.set(p.topic, Math.max(counts.get(p.topic) ?? 0, p.partition + 1));
  const out = new Map<string, PartitionOffset>();
  for (const svc of consumingServices(spec)) {
    const groups = matchedGroups(svc, read.groupIds);
    for (const g of groups.length > 0 ? groups : ['']) {
      const committed = index(read.committed[g] ?? []);
      for (const topic of svc.consumes) {
        for (const pos of consumePositions(topic, counts.get(topic) ?? 0, committed, start)) {
          const e = end.get(k(pos));
          if (e !== undefined && e > pos.offset) out.set(`${k(pos)}\u0000${pos.offset}`, { topic, partition: pos.partition, offset: pos.offset });
        }
      }
    }
  }
  return [...out.values()];
}

/**
 * Opens two ports (the general read and the lag chain, see collectHealthState), each retrying retriable failures until
 * the bound (openReadPort), reads health state and closes them, or fails with a ClusterError (`timeout`) after timeoutMs.
 */
export async function collectHealth(spec: ResolvedSpec, connection: Connection, opts: CollectHealthOptions = {}): Promise<HealthState> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_HEALTH_TIMEOUT_MS;
  let lastRetry: ReadRetry | undefined;
  const onRetry = (r: ReadRetry) => {
    lastRetry = r;
  };
  const ports = opts.ports ?? platformaticPorts;
  const port = openReadPort(connection, timeoutMs, ports, onRetry);
  const lagPort = openReadPort(connection, timeoutMs, ports, onRetry);
  const controller = new AbortController();
  const timeout = new Promise<never>((_, reject) => {
    const message = () => `cannot read the health of ${connection.bootstrapServers.join(',')} within ${Math.round(timeoutMs / 1000)}s${describeLastRetry(lastRetry)}`;
    const timer = setTimeout(() => reject(new ClusterError('timeout', message(), 'check that the cluster is up and reachable (--bootstrap-servers / KAFKAFORM_BOOTSTRAP_SERVERS), or raise --timeout', lastRetry?.broker)), timeoutMs);
    controller.signal.addEventListener('abort', () => clearTimeout(timer));
  });
  try {
    return await Promise.race([collectHealthState(port, spec, opts.now, lagPort, opts.clusterRead), timeout]);
  } finally {
    controller.abort();
    await Promise.all([port.close().catch(() => undefined), lagPort.close().catch(() => undefined)]);
  }
}

/** One read judged: the state, its health and the drift of the same read (what the exporter and `health --format prometheus` show). */
export async function collectHealthRead(spec: ResolvedSpec, connection: Connection, opts: Omit<CollectHealthOptions, 'clusterRead'> = {}): Promise<HealthRead> {
  const state = await collectHealth(spec, connection, { ...opts, clusterRead: 'drift' });
  return { state, report: computeHealth(spec, state), drift: computeDrift(spec, state.cluster) };
}

/** One read judged for health alone (no drift: the lighter cluster read, see CollectHealthOptions.clusterRead): what `health` prints. */
export async function collectHealthReport(spec: ResolvedSpec, connection: Connection, opts: Omit<CollectHealthOptions, 'clusterRead'> = {}): Promise<{ state: HealthState; report: HealthReport }> {
  const state = await collectHealth(spec, connection, { ...opts, clusterRead: 'health' });
  return { state, report: computeHealth(spec, state) };
}
