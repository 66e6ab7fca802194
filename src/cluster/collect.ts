/**
 * The general read of a live cluster (drift, import, deploy's pre-checks, validate --live): topics
 * with their dynamic configs, ACLs and the broker's topic-config defaults in a few batched requests,
 * through a ClusterPort. The port comes from a factory, kafkajs by default, the in-memory twin in tests.
 */
import { ClusterError } from '../errors.js';
import { KafkajsClusterPort } from './kafkajs-adapter.js';
import type { ClusterPort, ClusterState, Connection } from './port.js';

/** Builds the port a read goes through (tests pass `() => new InMemoryClusterPort(…)`). */
export type ClusterPortFactory = (connection: Connection) => ClusterPort;

/** The real cluster, over kafkajs. */
export const kafkajsPorts: ClusterPortFactory = (connection) => new KafkajsClusterPort(connection);

/** How long a whole read (connect + every request) may take by default. */
export const DEFAULT_COLLECT_TIMEOUT_MS = 30_000;

export interface CollectOptions {
  /** The whole read (connect + every request) must finish within this bound. */
  timeoutMs?: number;
  /** Where the port comes from; default: kafkajs over the connection. */
  ports?: ClusterPortFactory;
}

/** Reads the whole cluster through an open port, in a few batched requests. */
export async function collectClusterState(port: ClusterPort, opts: { includeInternal?: boolean } = {}): Promise<ClusterState> {
  const info = await port.describeCluster();
  const names = (await port.listTopics()).filter((n) => opts.includeInternal || !n.startsWith('__'));
  const [topics, acls, brokerDefaults] = await Promise.all([port.describeTopics(names), port.listAcls(), readTopicDefaults(port)]);
  return {
    info,
    topics: topics.sort((a, b) => a.name.localeCompare(b.name)),
    acls,
    ...(brokerDefaults ? { brokerDefaults } : {}),
    notChecked: [],
  };
}

/**
 * The broker's defaults are a refinement (change-safety falls back to Kafka's defaults without
 * them): a principal without DescribeConfigs on the cluster, or a broker that refuses the request,
 * must not fail a read that worked before they were asked for.
 */
async function readTopicDefaults(port: ClusterPort): Promise<Record<string, string> | undefined> {
  try {
    return await port.describeTopicDefaults();
  } catch (e) {
    if (e instanceof ClusterError && (e.code === 'unauthorized' || e.code === 'protocol')) return undefined;
    throw e;
  }
}

/** Opens a port to `connection`, reads the whole cluster and closes it, or fails with a ClusterError (`timeout`) after timeoutMs. */
export async function collectLiveState(connection: Connection, opts: CollectOptions = {}): Promise<ClusterState> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_COLLECT_TIMEOUT_MS;
  // The connect and request timeouts are bounded too, so the client's own retries cannot outlive the overall bound.
  const port = (opts.ports ?? kafkajsPorts)({
    ...connection,
    connectTimeoutMs: Math.min(connection.connectTimeoutMs ?? 10_000, timeoutMs),
    requestTimeoutMs: Math.min(connection.requestTimeoutMs ?? 30_000, timeoutMs),
  });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new ClusterError(
            'timeout',
            `cannot read the cluster at ${connection.bootstrapServers.join(',')} within ${Math.round(timeoutMs / 1000)}s`,
            'check that the cluster is up and reachable (--bootstrap-servers / KAFKAFORM_BOOTSTRAP_SERVERS), or raise --timeout',
          ),
        ),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([collectClusterState(port), timeout]);
  } finally {
    clearTimeout(timer);
    await port.close().catch(() => undefined);
  }
}
