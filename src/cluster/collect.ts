/**
 * The general read of a live cluster (drift, import, deploy's pre-checks, validate --live): topics
 * with their dynamic configs, ACLs, SCRAM users, client quotas and the broker's topic-config
 * defaults in a few batched requests, through a ClusterPort. The port comes from a factory,
 * @platformatic/kafka by default, the in-memory twin in tests.
 *
 * A part the principal may not read (DescribeConfigs, DescribeUserScramCredentials refused) or the
 * client cannot ask for is left out and named in ClusterState.notChecked with a code; only a lost
 * connection or a refused topic/ACL listing fails the whole read.
 */
import { ClusterError } from '../errors.js';
import { KafkajsClusterPort } from './kafkajs-adapter.js';
import { NotReadError } from './not-read.js';
import { PlatformaticClusterPort } from './platformatic-adapter.js';
import type { ClusterPort, ClusterState, Connection, NotRead } from './port.js';

/** Builds the port a read goes through (tests pass `() => new InMemoryClusterPort(…)`). */
export type ClusterPortFactory = (connection: Connection) => ClusterPort;

/** The real cluster, over kafkajs (no SCRAM users or quotas). */
export const kafkajsPorts: ClusterPortFactory = (connection) => new KafkajsClusterPort(connection);

/** The real cluster, over @platformatic/kafka: the default, it reads everything the port names. */
export const platformaticPorts: ClusterPortFactory = (connection) => new PlatformaticClusterPort(connection);

/** How long a whole read (connect + every request) may take by default. */
export const DEFAULT_COLLECT_TIMEOUT_MS = 30_000;

export interface CollectOptions {
  /** The whole read (connect + every request) must finish within this bound. */
  timeoutMs?: number;
  /** Where the port comes from; default: @platformatic/kafka over the connection. */
  ports?: ClusterPortFactory;
}

const NOT_READ_ORDER = ['topic-config', 'user', 'quota'];

/** Reads the whole cluster through an open port, in a few batched requests. */
export async function collectClusterState(port: ClusterPort, opts: { includeInternal?: boolean } = {}): Promise<ClusterState> {
  const info = await port.describeCluster();
  const names = (await port.listTopics()).filter((n) => opts.includeInternal || !n.startsWith('__'));
  const notChecked: NotRead[] = [];
  const [topics, acls, brokerDefaults, users, quotas] = await Promise.all([
    port.describeTopics(names),
    port.listAcls(),
    readTopicDefaults(port),
    readPart('user', 'SCRAM users', 'DescribeUserScramCredentials needs Describe on the cluster', () => port.listScramUsers(), notChecked),
    readPart('quota', 'client quotas', 'DescribeClientQuotas needs DescribeConfigs on the cluster', () => port.listQuotas(), notChecked),
  ]);
  const unreadConfigs = topics.filter((t) => t.configNotRead);
  if (unreadConfigs.length > 0) {
    const sample = unreadConfigs.slice(0, 3).map((t) => t.name).join(', ');
    notChecked.push({
      resource: 'topic-config',
      code: 'unauthorized',
      reason: `the configs of ${unreadConfigs.length} topic(s) could not be read (${sample}${unreadConfigs.length > 3 ? ', …' : ''}): DescribeConfigs was refused; the principal needs DescribeConfigs on those topics`,
    });
  }
  return {
    info,
    topics: topics.sort((a, b) => a.name.localeCompare(b.name)),
    acls,
    ...(brokerDefaults ? { brokerDefaults } : {}),
    ...(users ? { users: users.sort((a, b) => a.name.localeCompare(b.name)) } : {}),
    ...(quotas ? { quotas } : {}),
    notChecked: notChecked.sort((a, b) => NOT_READ_ORDER.indexOf(a.resource) - NOT_READ_ORDER.indexOf(b.resource)),
  };
}

/**
 * One optional part of the read: a refusal by the broker (not authorized, no such request) or an
 * adapter that cannot ask leaves it out with a notChecked entry naming what and why; a connection
 * failure still fails the read.
 */
async function readPart<T>(resource: string, what: string, permission: string, read: () => Promise<T>, notChecked: NotRead[]): Promise<T | undefined> {
  try {
    return await read();
  } catch (e) {
    if (e instanceof NotReadError) {
      notChecked.push({ resource, code: e.notRead, reason: e.message });
      return undefined;
    }
    if (e instanceof ClusterError && e.code === 'unauthorized') {
      notChecked.push({ resource, code: 'unauthorized', reason: `${what} could not be read: the broker refused (${permission}): ${e.message}` });
      return undefined;
    }
    if (e instanceof ClusterError && e.code === 'protocol') {
      notChecked.push({ resource, code: 'unsupported', reason: `${what} could not be read: the broker refused the request: ${e.message}` });
      return undefined;
    }
    throw e;
  }
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
  const port = (opts.ports ?? platformaticPorts)({
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
    const state = await Promise.race([collectClusterState(port), timeout]);
    return connection.sasl ? { ...state, connectedAs: connection.sasl.username } : state;
  } finally {
    clearTimeout(timer);
    await port.close().catch(() => undefined);
  }
}
