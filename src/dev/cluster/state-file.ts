/**
 * What a dev cluster is on disk: the shape of `<dataDir>/cluster.json` (the one record of what was
 * started, with the admin password, so 0600), the layout of the data directory, and the views of
 * the state that may be shown (status, log tails) with the password redacted.
 */
import { chmodSync, existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UserError } from '../../errors.js';
import { cacheDir } from '../../toolchain/paths.js';

export interface DevClusterBroker {
  nodeId: number;
  pid: number;
  /** Client listener (PLAINTEXT, SASL_PLAINTEXT with `sasl`, SSL with `tls`, SASL_SSL with both) on 127.0.0.1. */
  port: number;
  /** KRaft controller listener (PLAINTEXT) on 127.0.0.1. */
  controllerPort: number;
  /** The node's stdout/stderr: the broker log. */
  logFile: string;
}

export interface DevClusterSasl {
  mechanism: 'scram-sha512';
  username: 'admin';
  password: string;
}

/**
 * PEM files in `<dataDir>/tls/` of a `tls` cluster: the self-signed CA that signed the broker certificate
 * (for 127.0.0.1 and localhost), and a client certificate + key the broker accepts for mutual TLS.
 */
export interface DevClusterTls {
  caFile: string;
  certFile: string;
  keyFile: string;
}

/** A local KRaft cluster started by kafkaform; also the content of `<dataDir>/cluster.json`. */
export interface DevCluster {
  name: string;
  dataDir: string;
  kafkaVersion: string;
  bootstrapServers: string[];
  brokers: DevClusterBroker[];
  sasl?: DevClusterSasl;
  tls?: DevClusterTls;
}

/** What `cluster.json` holds beyond the public DevCluster: what is needed to restart a node identically. */
export interface DevClusterState extends DevCluster {
  stateVersion: 1;
  clusterId: string;
  libDir: string;
  heapMb: number;
  createdAt: string;
  startedAt: string;
}

export interface DevClusterBrokerStatus extends DevClusterBroker {
  /** The process exists and its client port accepts TCP connections. */
  alive: boolean;
  processAlive: boolean;
  portOpen: boolean;
}

export interface DevClusterStatus {
  name: string;
  dataDir: string;
  kafkaVersion: string;
  bootstrapServers: string[];
  /** Never the password: status is meant to be printed. */
  sasl?: { mechanism: 'scram-sha512'; username: 'admin' };
  tls?: DevClusterTls;
  /** Every broker is alive. */
  running: boolean;
  brokers: DevClusterBrokerStatus[];
}

export interface DevClusterRef {
  name?: string;
  dataDir?: string;
}

export const STATE_FILE = 'cluster.json';
const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** The directory of one node (its config, data and log). */
export function nodeDir(dataDir: string, nodeId: number): string {
  return join(dataDir, `node-${nodeId}`);
}

/** The server.properties of one node. */
export function configFile(dataDir: string, nodeId: number): string {
  return join(nodeDir(dataDir, nodeId), 'server.properties');
}

/** A file of the cluster's TLS material. */
export function tlsPath(dataDir: string, file: string): string {
  return join(dataDir, 'tls', file);
}

/** The cross-process lock guarding starts and stops of one cluster. */
export function lockFile(dataDir: string): string {
  return join(dataDir, '.lock');
}

/** The cluster's name (validated) and absolute data directory (default `cacheDir()/clusters/<name>`). */
export function resolveRef(ref: DevClusterRef): { name: string; dataDir: string } {
  const name = ref.name ?? 'default';
  if (!NAME_PATTERN.test(name)) {
    throw new UserError(`Invalid dev cluster name '${name}'.`, 'Use letters, digits, dot, dash or underscore (max 64).');
  }
  return { name, dataDir: resolve(ref.dataDir ?? join(cacheDir(), 'clusters', name)) };
}

/** The state file's content, or undefined when the cluster was never started. */
export function readState(dataDir: string): DevClusterState | undefined {
  const file = join(dataDir, STATE_FILE);
  if (!existsSync(file)) return undefined;
  try {
    const state = JSON.parse(readFileSync(file, 'utf8')) as DevClusterState;
    if (state.stateVersion !== 1 || !Array.isArray(state.brokers)) throw new Error('unknown format');
    return state;
  } catch (err) {
    throw new UserError(
      `The dev cluster state file ${file} is unreadable (${(err as Error).message}).`,
      'Stop any Kafka processes by hand and delete the directory.',
    );
  }
}

/** Like readState, for callers that hold a cluster handed out earlier. */
export function requireState(dataDir: string): DevClusterState {
  const state = readState(dataDir);
  if (!state) throw new UserError(`No dev cluster state in ${dataDir}.`);
  return state;
}

/** Writes the state file (0600: it holds the admin password). */
export function writeState(state: DevClusterState): void {
  writeSecretFile(join(state.dataDir, STATE_FILE), JSON.stringify(state, null, 2) + '\n');
}

/** Writes `content` to `file` with mode 0600, atomically (a reader never sees half a file). */
export function writeSecretFile(file: string, content: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, content, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
}

/** The DevCluster callers get: a copy, without the restart details. */
export function publicView(state: DevClusterState): DevCluster {
  return {
    name: state.name,
    dataDir: state.dataDir,
    kafkaVersion: state.kafkaVersion,
    bootstrapServers: [...state.bootstrapServers],
    brokers: state.brokers.map((b) => ({ ...b })),
    ...(state.sasl ? { sasl: { ...state.sasl } } : {}),
    ...(state.tls ? { tls: { ...state.tls } } : {}),
  };
}

/** The printable status: the brokers' liveness, and the SASL user without its password. */
export function statusView(state: DevClusterState, brokers: DevClusterBrokerStatus[]): DevClusterStatus {
  return {
    name: state.name,
    dataDir: state.dataDir,
    kafkaVersion: state.kafkaVersion,
    bootstrapServers: state.bootstrapServers,
    ...(state.sasl ? { sasl: { mechanism: state.sasl.mechanism, username: state.sasl.username } } : {}),
    ...(state.tls ? { tls: { ...state.tls } } : {}),
    running: brokers.every((b) => b.alive),
    brokers,
  };
}

/** The recorded node `nodeId`, or a UserError naming the nodes there are. */
export function findBroker(state: DevClusterState, nodeId: number): DevClusterBroker {
  const broker = state.brokers.find((b) => b.nodeId === nodeId);
  if (!broker) {
    throw new UserError(`Dev cluster '${state.name}' has no node ${nodeId} (nodes: ${state.brokers.map((b) => b.nodeId).join(', ')}).`);
  }
  return broker;
}

/** `text` with the admin password replaced by `***`. */
export function redact(state: DevClusterState, text: string): string {
  return state.sasl ? text.split(state.sasl.password).join('***') : text;
}

/** The last lines of a node's log, redacted, for error messages. */
export function logTail(state: DevClusterState, logFile: string, lines = 25): string {
  try {
    const text = readFileSync(logFile, 'utf8');
    return redact(state, text.trimEnd().split('\n').slice(-lines).join('\n'));
  } catch {
    return '(no log written)';
  }
}

/** Deletes a data directory, but only one that is recognisably a dev cluster's (or empty but for its lock). */
export function purgeDataDir(dataDir: string, hadState: boolean): void {
  const ours =
    hadState ||
    existsSync(join(dataDir, STATE_FILE)) ||
    existsSync(join(dataDir, 'node-1', 'server.properties')) ||
    readdirSync(dataDir).every((entry) => entry === '.lock');
  if (!ours) {
    throw new UserError(`Refusing to delete ${dataDir}: it does not look like a kafkaform dev cluster directory.`);
  }
  rmSync(dataDir, { recursive: true, force: true });
}
