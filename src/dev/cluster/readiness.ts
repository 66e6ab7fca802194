/**
 * Whether a dev cluster is ready: every expected node's process is alive, its client port accepts
 * TCP, and it lists itself (and its peers) in describeCluster, asked through the ClusterPort. On
 * failure the error quotes the failing node's log.
 */
import { PlatformaticClusterPort } from '../../cluster/platformatic-adapter.js';
import { UserError } from '../../errors.js';
import { portAcceptsTcp } from '../../os/ports.js';
import { pidRunning, sleep } from '../../os/process.js';
import type { Progress } from '../../progress.js';
import { devClusterConnection } from './admin-connection.js';
import { LOCALHOST } from './server-properties.js';
import { logTail, type DevCluster, type DevClusterBroker, type DevClusterState } from './state-file.js';

/**
 * Waits until every broker in `expected` is listed by describeCluster (asked through those brokers
 * themselves), failing early when a node's process exits (`exits`: the exit of each node started
 * by this process, by node id).
 */
export async function waitForCluster(
  state: DevClusterState,
  expected: DevClusterBroker[],
  timeoutMs: number,
  progress: Progress,
  exits?: ReadonlyMap<number, Promise<number | null>>,
): Promise<void> {
  const started = Date.now();
  const deadline = started + timeoutMs;
  const exited = new Map<number, number | null>();
  for (const [nodeId, p] of exits ?? []) void p.then((code) => exited.set(nodeId, code));
  let lastReport = started;
  let registered = new Set<number>();
  for (;;) {
    for (const b of expected) {
      const code = exited.get(b.nodeId);
      const gone = code !== undefined || !pidRunning(b.pid);
      if (gone) {
        throw new UserError(
          `Kafka node ${b.nodeId} of dev cluster '${state.name}' exited during startup${code !== undefined && code !== null ? ` (exit code ${code})` : ''}. Last lines of ${b.logFile}:\n${logTail(state, b.logFile)}`,
          'Fix the cause above; `kafkaform dev down --purge` starts over from empty storage.',
        );
      }
    }
    const open = await Promise.all(expected.map((b) => portAcceptsTcp(b.port)));
    if (open.every(Boolean)) {
      registered = await registeredBrokers(state, expected);
      if (expected.every((b) => registered.has(b.nodeId))) return;
    }
    const now = Date.now();
    if (now > deadline) {
      const failing = expected.find((_b, i) => !open[i]) ?? expected.find((b) => !registered.has(b.nodeId)) ?? expected[0];
      throw new UserError(
        `Dev cluster '${state.name}' did not answer within ${Math.round(timeoutMs / 1000)} s` +
          (failing ? `; node ${failing.nodeId} is not ready. Last lines of ${failing.logFile}:\n${logTail(state, failing.logFile)}` : '.'),
        'On a busy machine, retry with a longer timeout; otherwise check the log above.',
      );
    }
    if (now - lastReport >= 5_000) {
      lastReport = now;
      const listening = open.filter(Boolean).length;
      progress(
        `Waiting for Kafka: ${listening}/${expected.length} listening, ${registered.size}/${expected.length} registered (${Math.round((now - started) / 1000)} s)…`,
      );
    }
    await sleep(500);
  }
}

/** The node ids describeCluster reports when asked through each expected broker in turn (empty if none answers). */
async function registeredBrokers(state: DevClusterState, expected: DevClusterBroker[]): Promise<Set<number>> {
  const ids = new Set<number>();
  for (const b of expected) {
    if (ids.has(b.nodeId)) continue;
    try {
      const listed = await describeBrokers(state, [`${LOCALHOST}:${b.port}`], 5_000);
      // Only a broker that answers itself counts: a peer may still list a killed broker until its session expires.
      if (listed.has(b.nodeId)) for (const id of listed) if (expected.some((e) => e.nodeId === id)) ids.add(id);
    } catch {
      // Not ready yet.
    }
  }
  return ids;
}

/** True when the cluster answers describeCluster within `timeoutMs` and lists every recorded broker. */
export async function clusterAnswers(state: DevClusterState, timeoutMs: number): Promise<boolean> {
  try {
    const listed = await describeBrokers(state, state.bootstrapServers, timeoutMs);
    return state.brokers.every((b) => listed.has(b.nodeId));
  } catch {
    return false;
  }
}

async function describeBrokers(state: DevCluster, brokers: string[], timeoutMs: number): Promise<Set<number>> {
  const port = new PlatformaticClusterPort({
    ...devClusterConnection({ ...state, bootstrapServers: brokers }),
    clientId: 'kafkaform-dev',
    connectTimeoutMs: Math.min(timeoutMs, 3_000),
    requestTimeoutMs: timeoutMs,
    retries: 0,
  });
  try {
    const info = await port.describeCluster();
    return new Set(info.brokers.map((b) => b.nodeId));
  } finally {
    await port.close();
  }
}
