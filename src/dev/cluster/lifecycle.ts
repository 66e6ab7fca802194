/**
 * The local KRaft cluster's lifecycle, the API the CLI and tests use: start (formatting storage on
 * first use), ensure (reuse, restart missing nodes, or start), status, stop, and for failure tests
 * killing and restarting one node. Every start and stop of a cluster holds its lock file.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../../errors.js';
import { acquireFileLock } from '../../os/file-lock.js';
import { findFreePortRange, portAcceptsTcp, portIsFree } from '../../os/ports.js';
import { noProgress, type Progress } from '../../progress.js';
import { assertJava, ensureKafkaJars, resolveKafkaVersion } from '../kafka-dist.js';
import { formatNode, isOurBroker, killNode, spawnNode, terminateBrokers, writeNodeConfig } from './node-process.js';
import { clusterAnswers, waitForCluster } from './readiness.js';
import { LOCALHOST } from './server-properties.js';
import {
  findBroker,
  lockFile,
  nodeDir,
  publicView,
  purgeDataDir,
  readState,
  requireState,
  resolveRef,
  statusView,
  writeState,
  type DevCluster,
  type DevClusterBroker,
  type DevClusterBrokerStatus,
  type DevClusterRef,
  type DevClusterState,
  type DevClusterStatus,
} from './state-file.js';
import { ensureDevTls } from './tls-material.js';

export type { DevCluster, DevClusterBroker, DevClusterBrokerStatus, DevClusterRef, DevClusterSasl, DevClusterStatus, DevClusterTls } from './state-file.js';

/** Client port of broker 1 of the 'default' cluster; broker i listens on base+i-1, its controller on base+100+i-1. */
export const DEFAULT_BASE_PORT = 29092;
const CONTROLLER_PORT_OFFSET = 100;
const DEFAULT_HEAP_MB = 512;
const DEFAULT_TIMEOUT_MS = 90_000;

export interface StartDevClusterOptions {
  /** Default 'default'. */
  name?: string;
  brokers?: 1 | 3;
  sasl?: boolean;
  /** TLS on the client listener (self-signed CA generated once per cluster with the openssl CLI). */
  tls?: boolean;
  /** Client port of broker 1; default: the recorded one, else 29092 for 'default', else a free one. */
  basePort?: number;
  kafkaVersion?: string;
  /** Default `cacheDir()/clusters/<name>`. */
  dataDir?: string;
  /** Java heap per broker; default 512. */
  heapMb?: number;
  onProgress?: Progress;
  /** How long to wait for every broker to answer; default 90 s. */
  timeoutMs?: number;
}

function lockCluster(dataDir: string, name: string, progress: Progress): Promise<() => void> {
  return acquireFileLock(lockFile(dataDir), `starting or stopping dev cluster '${name}'`, { onProgress: progress });
}

/** Starts a local KRaft cluster (formatting its storage on first use) and waits until every broker answers. */
export async function startDevCluster(opts: StartDevClusterOptions = {}): Promise<DevCluster> {
  const { name, dataDir } = resolveRef(opts);
  const progress = opts.onProgress ?? noProgress;
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const release = await lockCluster(dataDir, name, progress);
  try {
    return await startLocked(name, dataDir, opts, progress);
  } finally {
    release();
  }
}

/** Stops the brokers this cluster's state file records (SIGTERM, SIGKILL after a grace period); `purge` deletes the data. */
export async function stopDevCluster(opts: DevClusterRef & { purge?: boolean; onProgress?: Progress } = {}): Promise<{ stopped: number[] }> {
  const { name, dataDir } = resolveRef(opts);
  const progress = opts.onProgress ?? noProgress;
  const state = readState(dataDir);
  if (!state) {
    if (opts.purge && existsSync(dataDir)) purgeDataDir(dataDir, false);
    return { stopped: [] };
  }
  const release = await lockCluster(dataDir, name, progress);
  let stopped: number[];
  try {
    stopped = await terminateBrokers(state, state.brokers, progress);
  } finally {
    release();
  }
  if (opts.purge) purgeDataDir(dataDir, true);
  return { stopped };
}

/** Reads the state file and checks each recorded broker; undefined when the cluster was never started. */
export async function devClusterStatus(opts: DevClusterRef = {}): Promise<DevClusterStatus | undefined> {
  const { dataDir } = resolveRef(opts);
  const state = readState(dataDir);
  if (!state) return undefined;
  const brokers = await Promise.all(
    state.brokers.map(async (b): Promise<DevClusterBrokerStatus> => {
      const processAlive = isOurBroker(state, b);
      const portOpen = processAlive ? await portAcceptsTcp(b.port) : false;
      return { ...b, processAlive, portOpen, alive: processAlive && portOpen };
    }),
  );
  return statusView(state, brokers);
}

/** Returns the cluster if its state says it is up and it answers; restarts missing brokers or starts it otherwise. */
export async function ensureDevCluster(opts: StartDevClusterOptions = {}): Promise<DevCluster> {
  const { name, dataDir } = resolveRef(opts);
  const progress = opts.onProgress ?? noProgress;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  // Under the lock, so that two commands ensuring the same cluster at once start it only once.
  const release = await lockCluster(dataDir, name, progress);
  try {
    const state = readState(dataDir);
    if (state) {
      assertCompatible(state, opts);
      const down = state.brokers.filter((b) => !isOurBroker(state, b));
      if (down.length === 0) {
        if (await clusterAnswers(state, 10_000)) return publicView(state);
        progress(`Dev cluster '${state.name}' is running but does not answer; restarting it…`);
        await terminateBrokers(state, state.brokers, progress);
      } else if (down.length < state.brokers.length) {
        for (const b of down) {
          progress(`Broker ${b.nodeId} of dev cluster '${state.name}' is down; restarting it…`);
          await restartNode(state, b, timeoutMs, progress);
        }
        await waitForCluster(state, state.brokers, timeoutMs, progress);
        return publicView(state);
      }
    }
    return await startLocked(name, dataDir, opts, progress);
  } finally {
    release();
  }
}

/**
 * The embedded cluster when it is running and answers, else undefined; never starts, restarts or
 * locks anything. Read-only commands (import, drift, plan, validate --live) use it so that asking
 * a question never leaves a JVM behind.
 */
export async function runningDevCluster(opts: DevClusterRef = {}): Promise<DevCluster | undefined> {
  const { dataDir } = resolveRef(opts);
  const state = readState(dataDir);
  if (!state || state.brokers.some((b) => !isOurBroker(state, b))) return undefined;
  return (await clusterAnswers(state, 10_000)) ? publicView(state) : undefined;
}

/** The embedded-cluster "starter" of read-only commands: the running cluster, or a UserError saying how to name one. */
export async function requireRunningDevCluster(): Promise<DevCluster> {
  const cluster = await runningDevCluster();
  if (cluster) return cluster;
  throw new UserError(
    'no cluster named: no bootstrap servers are configured and the embedded cluster is not running',
    'pass --bootstrap-servers HOST:PORT, set KAFKAFORM_BOOTSTRAP_SERVERS, or start the embedded cluster with `kafkaform dev up`',
  );
}

/** Kills one broker with SIGKILL (a crash, not a clean shutdown), for failure tests. */
export async function killBroker(cluster: DevCluster, nodeId: number): Promise<void> {
  const state = requireState(cluster.dataDir);
  await killNode(state, findBroker(state, nodeId));
}

/** (Re)starts one broker of an existing cluster with its recorded configuration and waits until it answers. */
export async function startBroker(
  cluster: DevCluster,
  nodeId: number,
  opts: { timeoutMs?: number; onProgress?: Progress } = {},
): Promise<DevClusterBroker> {
  const progress = opts.onProgress ?? noProgress;
  const state = requireState(cluster.dataDir);
  const broker = findBroker(state, nodeId);
  if (!isOurBroker(state, broker)) await restartNode(state, broker, opts.timeoutMs ?? DEFAULT_TIMEOUT_MS, progress);
  const mine = cluster.brokers.find((b) => b.nodeId === nodeId);
  if (mine) mine.pid = broker.pid;
  return { ...broker };
}

/** A base port such that `count` client ports from it and `count` controller ports from base+100 are free on 127.0.0.1. */
export async function findFreeBasePort(count: number): Promise<number> {
  // Away from the default cluster's ports, which may be started later.
  const base = await findFreePortRange(allPorts(0, count), { avoid: (b) => Math.abs(b - DEFAULT_BASE_PORT) < 110 });
  if (base === undefined) throw new UserError(`Could not find ${count * 2} free loopback ports for a dev cluster.`);
  return base;
}

/** Starts one recorded node again (same config, same data) and waits until it answers; updates the state file. */
async function restartNode(state: DevClusterState, broker: DevClusterBroker, timeoutMs: number, progress: Progress): Promise<void> {
  await assertPortsFree([broker.port, broker.controllerPort], state.name);
  const started = spawnNode(state, broker);
  broker.pid = started.pid;
  writeState(state);
  progress(`Started broker ${broker.nodeId} (pid ${started.pid}); waiting for it to answer…`);
  await waitForCluster(state, [broker], timeoutMs, progress, new Map([[broker.nodeId, started.exits]]));
}

async function startLocked(name: string, dataDir: string, opts: StartDevClusterOptions, progress: Progress): Promise<DevCluster> {
  const previous = readState(dataDir);
  if (previous) {
    assertCompatible(previous, opts);
    const running = previous.brokers.filter((b) => isOurBroker(previous, b));
    if (running.length > 0) {
      throw new UserError(
        `Dev cluster '${name}' is already running (pids ${running.map((b) => b.pid).join(', ')}).`,
        `Stop it first with \`kafkaform dev down${name === 'default' ? '' : ` --name ${name}`}\`, or reuse it.`,
      );
    }
  }
  const java = assertJava();
  const kafkaVersion = resolveKafkaVersion(opts.kafkaVersion ?? previous?.kafkaVersion);
  const brokerCount = opts.brokers ?? (previous?.brokers.length as 1 | 3 | undefined) ?? 1;
  if (brokerCount !== 1 && brokerCount !== 3) {
    throw new UserError(`A dev cluster has 1 or 3 brokers, not ${String(brokerCount)}.`);
  }
  const sasl = opts.sasl ?? (previous?.sasl !== undefined);
  const tls = opts.tls ?? (previous?.tls !== undefined);
  const heapMb = opts.heapMb ?? previous?.heapMb ?? DEFAULT_HEAP_MB;
  const basePort =
    opts.basePort ??
    previous?.brokers[0]?.port ??
    (name === 'default' ? DEFAULT_BASE_PORT : await findFreeBasePort(brokerCount));
  validatePorts(basePort, brokerCount);
  await assertPortsFree(allPorts(basePort, brokerCount), name);

  // Before the (possibly long) jar download: a missing openssl should fail fast.
  const tlsFiles = tls ? await ensureDevTls(dataDir, progress) : undefined;
  const { libDir } = await ensureKafkaJars({ version: kafkaVersion, onProgress: progress });
  const now = new Date().toISOString();
  const brokers: DevClusterBroker[] = Array.from({ length: brokerCount }, (_, i) => ({
    nodeId: i + 1,
    pid: 0,
    port: basePort + i,
    controllerPort: basePort + CONTROLLER_PORT_OFFSET + i,
    logFile: join(nodeDir(dataDir, i + 1), 'kafka.log'),
  }));
  const state: DevClusterState = {
    stateVersion: 1,
    name,
    dataDir,
    kafkaVersion,
    bootstrapServers: brokers.map((b) => `${LOCALHOST}:${b.port}`),
    brokers,
    ...(sasl ? { sasl: { mechanism: 'scram-sha512', username: 'admin', password: previous?.sasl?.password ?? randomPassword() } } : {}),
    ...(tlsFiles ? { tls: tlsFiles } : {}),
    clusterId: previous?.clusterId ?? randomClusterId(),
    libDir,
    heapMb,
    createdAt: previous?.createdAt ?? now,
    startedAt: now,
  };

  const t0 = Date.now();
  for (const b of brokers) writeNodeConfig(state, b);
  // The state (with the password) is written before anything runs, so that stop can always find what was started.
  writeState(state);
  const unformatted = brokers.filter((b) => !existsSync(join(nodeDir(dataDir, b.nodeId), 'data', 'meta.properties')));
  if (unformatted.length > 0) {
    progress(`Formatting storage of ${unformatted.length === 1 ? 'node' : 'nodes'} ${unformatted.map((b) => b.nodeId).join(', ')} (Kafka ${kafkaVersion})…`);
    await Promise.all(unformatted.map((b) => formatNode(java, state, b)));
  }

  const exits = new Map<number, Promise<number | null>>();
  for (const b of brokers) {
    const started = spawnNode(state, b);
    b.pid = started.pid;
    exits.set(b.nodeId, started.exits);
  }
  writeState(state);
  progress(
    `Started ${brokerCount} Kafka ${kafkaVersion} ${brokerCount === 1 ? 'broker' : 'brokers'} (pids ${brokers.map((b) => b.pid).join(', ')}); waiting for the cluster to answer…`,
  );
  try {
    await waitForCluster(state, brokers, opts.timeoutMs ?? DEFAULT_TIMEOUT_MS, progress, exits);
  } catch (err) {
    await terminateBrokers(state, brokers, noProgress);
    throw err;
  }
  progress(`Dev cluster '${name}' is up at ${state.bootstrapServers.join(',')} (${((Date.now() - t0) / 1000).toFixed(1)} s).`);
  return publicView(state);
}

function assertCompatible(state: DevClusterState, opts: StartDevClusterOptions): void {
  const problems: string[] = [];
  const wantedVersion = opts.kafkaVersion;
  if (wantedVersion && wantedVersion !== state.kafkaVersion) problems.push(`Kafka ${state.kafkaVersion}, not ${wantedVersion}`);
  if (opts.brokers && opts.brokers !== state.brokers.length) problems.push(`${state.brokers.length} broker(s), not ${opts.brokers}`);
  if (opts.sasl !== undefined && opts.sasl !== (state.sasl !== undefined)) problems.push(state.sasl ? 'SASL/SCRAM enabled' : 'no SASL');
  if (opts.tls !== undefined && opts.tls !== (state.tls !== undefined)) problems.push(state.tls ? 'TLS enabled' : 'no TLS');
  if (problems.length > 0) {
    throw new UserError(
      `Dev cluster '${state.name}' in ${state.dataDir} was created with ${problems.join(', ')}.`,
      `Delete it with \`kafkaform dev down --purge${state.name === 'default' ? '' : ` --name ${state.name}`}\` to recreate it, or use another --name.`,
    );
  }
}

function validatePorts(basePort: number, count: number): void {
  const highest = basePort + CONTROLLER_PORT_OFFSET + count - 1;
  if (!Number.isInteger(basePort) || basePort < 1024 || highest > 65_535) {
    throw new UserError(
      `Invalid base port ${basePort}: a dev cluster needs ports ${basePort}..${basePort + count - 1} and ${basePort + CONTROLLER_PORT_OFFSET}..${highest}.`,
      'Choose --base-port between 1024 and 65000.',
    );
  }
}

function allPorts(basePort: number, count: number): number[] {
  const ports: number[] = [];
  for (let i = 0; i < count; i++) ports.push(basePort + i, basePort + CONTROLLER_PORT_OFFSET + i);
  return ports;
}

async function assertPortsFree(ports: number[], name: string): Promise<void> {
  for (const port of ports) {
    if (!(await portIsFree(port))) {
      throw new UserError(
        `Port ${port} on 127.0.0.1 is already in use, so dev cluster '${name}' cannot start there.`,
        'Stop whatever listens on it, or choose other ports with --base-port <port> (the cluster uses base..base+n-1 and base+100..base+100+n-1).',
      );
    }
  }
}

function randomPassword(): string {
  return randomBytes(24).toString('hex');
}

/** A Kafka cluster id: 16 random bytes, base64url (22 chars); never starting with '-', which CLIs read as an option. */
function randomClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (/^[A-Za-z0-9]/.test(id)) return id;
  }
}
