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
import { NotReadError } from './not-read.js';
import { PlatformaticClusterPort } from './platformatic-adapter.js';
import type { ClusterPort, ClusterState, Connection, NotRead } from './port.js';
import { type ReadRetry, withReadRetries } from './retrying-port.js';

/** Builds the port a read goes through (tests pass `() => new InMemoryClusterPort(…)`). */
export type ClusterPortFactory = (connection: Connection) => ClusterPort;

/** The real cluster, over @platformatic/kafka: the default, it reads everything the port names. */
export const platformaticPorts: ClusterPortFactory = (connection) => new PlatformaticClusterPort(connection);

/** How long a whole read (connect + every request) may take by default. */
export const DEFAULT_COLLECT_TIMEOUT_MS = 30_000;

export interface CollectOptions {
  /** The whole read (connect + every request) must finish within this bound. */
  timeoutMs?: number;
  /** Where the port comes from; default: @platformatic/kafka over the connection. */
  ports?: ClusterPortFactory;
  /** Also read the broker's topic-config catalogue (ClusterState.topicConfigKeys), for `validate --live`. */
  topicConfigKeys?: boolean;
}

const NOT_READ_ORDER = ['topic-config', 'user', 'quota'];

/** Reads the whole cluster through an open port, in a few batched requests. */
export async function collectClusterState(port: ClusterPort, opts: { includeInternal?: boolean; topicConfigKeys?: boolean } = {}): Promise<ClusterState> {
  const info = await port.describeCluster();
  const all = await port.listTopics();
  const names = all.filter((n) => opts.includeInternal || !n.startsWith('__'));
  const notChecked: NotRead[] = [];
  const [topics, acls, brokerDefaults, users, quotas, configKeys] = await Promise.all([
    port.describeTopics(names),
    port.listAcls(),
    readTopicDefaults(port),
    readPart('user', 'SCRAM users', 'DescribeUserScramCredentials needs Describe on the cluster', () => port.listScramUsers(), notChecked),
    readPart('quota', 'client quotas', 'DescribeClientQuotas needs DescribeConfigs on the cluster', () => port.listQuotas(), notChecked),
    opts.topicConfigKeys ? readTopicConfigKeys(port, names[0] ?? all[0]) : undefined,
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
    ...(configKeys && 'keys' in configKeys ? { topicConfigKeys: configKeys } : configKeys ? { topicConfigKeysNotRead: configKeys.notRead } : {}),
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
export async function readTopicDefaults(port: ClusterPort): Promise<Record<string, string> | undefined> {
  try {
    return await port.describeTopicDefaults();
  } catch (e) {
    if (e instanceof ClusterError && (e.code === 'unauthorized' || e.code === 'protocol')) return undefined;
    throw e;
  }
}

/** The broker's topic-config catalogue from one existing topic's DescribeConfigs; why not, when it cannot be read. */
async function readTopicConfigKeys(port: ClusterPort, topic: string | undefined): Promise<{ topic: string; keys: string[] } | { notRead: string }> {
  if (topic === undefined) return { notRead: 'the cluster has no topic to describe' };
  try {
    return { topic, keys: await port.describeTopicConfigKeys(topic) };
  } catch (e) {
    if (e instanceof ClusterError && (e.code === 'unauthorized' || e.code === 'protocol')) return { notRead: `DescribeConfigs of topic ${topic} was refused: ${e.message}` };
    throw e;
  }
}

/**
 * Opens a port for a bounded read: the client's connect and request timeouts are capped by the
 * read's own bound (so its retries cannot outlive it), and every read member retries retriable
 * failures (a rolling restart) until the bound (retrying-port.ts). `onRetry` sees each retry.
 */
export function openReadPort(connection: Connection, timeoutMs: number, ports: ClusterPortFactory = platformaticPorts, onRetry?: (r: ReadRetry) => void): ClusterPort {
  const port = ports({
    ...connection,
    connectTimeoutMs: Math.min(connection.connectTimeoutMs ?? 10_000, timeoutMs),
    requestTimeoutMs: Math.min(connection.requestTimeoutMs ?? 30_000, timeoutMs),
  });
  return withReadRetries(port, { deadlineAt: Date.now() + timeoutMs, bootstrapServers: connection.bootstrapServers, onRetry });
}

/** What the last retry met, for a timeout message: "last: broker …: …". */
export function describeLastRetry(r: ReadRetry | undefined): string {
  if (!r) return '';
  const why = r.error instanceof Error ? r.error.message : String(r.error);
  return ` (still retrying ${r.operation}${r.broker ? ` on broker ${r.broker}` : ''} after ${r.attempt} attempt(s): ${why})`;
}

/** Opens a port to `connection`, reads the whole cluster and closes it, or fails with a ClusterError (`timeout`) after timeoutMs. */
export async function collectLiveState(connection: Connection, opts: CollectOptions = {}): Promise<ClusterState> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_COLLECT_TIMEOUT_MS;
  let lastRetry: ReadRetry | undefined;
  const port = openReadPort(connection, timeoutMs, opts.ports, (r) => {
    lastRetry = r;
  });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new ClusterError(
            'timeout',
            `cannot read the cluster at ${connection.bootstrapServers.join(',')} within ${Math.round(timeoutMs / 1000)}s${describeLastRetry(lastRetry)}`,
            'check that the cluster is up and reachable (--bootstrap-servers / KAFKAFORM_BOOTSTRAP_SERVERS), or raise --timeout',
            lastRetry?.broker,
          ),
        ),
      timeoutMs,
    );
  });
  try {
    const state = await Promise.race([collectClusterState(port, { topicConfigKeys: opts.topicConfigKeys }), timeout]);
    return connection.sasl ? { ...state, connectedAs: connection.sasl.username } : state;
  } finally {
    clearTimeout(timer);
    await port.close().catch(() => undefined);
  }
}
