import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { KafkajsClusterPort } from '../cluster/kafkajs-adapter.js';
import type { Connection } from '../cluster/port.js';
import { cacheDir } from '../toolchain/paths.js';
import { UserError } from '../errors.js';
import { noProgress, type Progress } from '../progress.js';
import { acquireDirLock, assertJava, ensureKafkaJars, kafkaMajor, resolveKafkaVersion } from './kafka-dist.js';


/** Client port of broker 1 of the 'default' cluster; broker i listens on base+i-1, its controller on base+100+i-1. */
export const DEFAULT_BASE_PORT = 29092;
const CONTROLLER_PORT_OFFSET = 100;
const DEFAULT_HEAP_MB = 512;
const DEFAULT_TIMEOUT_MS = 90_000;
/** How long a broker gets for a clean shutdown after SIGTERM before it is killed. */
const STOP_GRACE_MS = 20_000;
const STATE_FILE = 'cluster.json';
const LOCALHOST = '127.0.0.1';
const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

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
interface DevClusterState extends DevCluster {
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

export interface StartDevClusterOptions {
  /** Default 'default'. */
  name?: string;
  brokers?: 1 | 3;
  sasl?: boolean;
  /** TLS on the client listener (self-signed CA generated once per cluster with the openssl CLI). */
  tls?: boolean;
  /** Client port of broker 1; default 29092 for 'default', a free one for other names. */
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

export interface DevClusterRef {
  name?: string;
  dataDir?: string;
}

// ---------------------------------------------------------------------------------------------
// Public API

/** Starts a local KRaft cluster (formatting its storage on first use) and waits until every broker answers. */
export async function startDevCluster(opts: StartDevClusterOptions = {}): Promise<DevCluster> {
  const { name, dataDir } = resolveRef(opts);
  const progress = opts.onProgress ?? noProgress;
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const release = await acquireDirLock(join(dataDir, '.lock'), progress, `starting or stopping dev cluster '${name}'`);
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
  const release = await acquireDirLock(join(dataDir, '.lock'), progress, `starting or stopping dev cluster '${name}'`);
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

/** Returns the cluster if its state says it is up and it answers; restarts missing brokers or starts it otherwise. */
export async function ensureDevCluster(opts: StartDevClusterOptions = {}): Promise<DevCluster> {
  const { name, dataDir } = resolveRef(opts);
  const progress = opts.onProgress ?? noProgress;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  // Under the lock, so that two commands ensuring the same cluster at once start it only once.
  const release = await acquireDirLock(join(dataDir, '.lock'), progress, `starting or stopping dev cluster '${name}'`);
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

/** Kills one broker with SIGKILL (a crash, not a clean shutdown), for failure tests. */
export async function killBroker(cluster: DevCluster, nodeId: number): Promise<void> {
  const state = readState(cluster.dataDir);
  if (!state) throw new UserError(`No dev cluster state in ${cluster.dataDir}.`);
  const broker = findBroker(state, nodeId);
  if (!isOurBroker(state, broker)) return;
  process.kill(broker.pid, 'SIGKILL');
  if (!(await waitUntil(() => !pidRunning(broker.pid), 15_000))) {
    throw new Error(`Broker ${nodeId} (pid ${broker.pid}) did not die after SIGKILL.`);
  }
  await waitForReaping([broker.pid]);
}

/** (Re)starts one broker of an existing cluster with its recorded configuration and waits until it answers. */
export async function startBroker(
  cluster: DevCluster,
  nodeId: number,
  opts: { timeoutMs?: number; onProgress?: Progress } = {},
): Promise<DevClusterBroker> {
  const progress = opts.onProgress ?? noProgress;
  const state = readState(cluster.dataDir);
  if (!state) throw new UserError(`No dev cluster state in ${cluster.dataDir}.`);
  const broker = findBroker(state, nodeId);
  if (!isOurBroker(state, broker)) await restartNode(state, broker, opts.timeoutMs ?? DEFAULT_TIMEOUT_MS, progress);
  const mine = cluster.brokers.find((b) => b.nodeId === nodeId);
  if (mine) mine.pid = broker.pid;
  return { ...broker };
}

/** Starts one recorded node again (same config, same data) and waits until it answers; updates the state file. */
async function restartNode(state: DevClusterState, broker: DevClusterBroker, timeoutMs: number, progress: Progress): Promise<void> {
  await assertPortsFree([broker.port, broker.controllerPort], state.name);
  const started = spawnBroker(state, broker);
  broker.pid = started.pid;
  writeState(state);
  progress(`Started broker ${broker.nodeId} (pid ${started.pid}); waiting for it to answer…`);
  await waitForCluster(state, [broker], timeoutMs, progress, started.exits);
}

/** A base port such that `count` client ports from it and `count` controller ports from base+100 are free on 127.0.0.1. */
export async function findFreeBasePort(count: number): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    // Random, so that test files running side by side rarely race for the same range; below Linux's
    // ephemeral range (32768+), so an outgoing connection cannot grab the port before the broker binds it;
    // and away from the default cluster's ports, which may be started later.
    const base = 20_000 + Math.floor(Math.random() * 12_500);
    if (Math.abs(base - DEFAULT_BASE_PORT) < 110) continue;
    const ports = allPorts(base, count);
    if ((await Promise.all(ports.map(portIsFree))).every(Boolean)) return base;
  }
  throw new UserError(`Could not find ${count * 2} free loopback ports for a dev cluster.`);
}

/**
 * Creates (or resets) a SCRAM-SHA-512 + SCRAM-SHA-256 user on a `sasl` dev cluster, through Kafka's own
 * ConfigCommand (kafkajs cannot alter SCRAM credentials). The user has no ACLs, so it is denied everything.
 */
export async function createDevScramUser(cluster: DevCluster, username: string, password: string): Promise<void> {
  const state = readState(cluster.dataDir);
  if (!state) throw new UserError(`No dev cluster state in ${cluster.dataDir}.`);
  if (!state.sasl) {
    throw new UserError(`Dev cluster '${state.name}' has no SASL listener, so SCRAM users cannot log in to it.`, 'Start it with --sasl.');
  }
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(username)) throw new UserError(`Invalid SCRAM user name '${username}'.`, 'Use letters, digits, dot, dash or underscore.');
  if (password.length === 0 || /[,[\]\s"\\]/.test(password)) {
    throw new UserError(`The password for SCRAM user '${username}' is empty or contains one of , [ ] " \\ or whitespace.`);
  }
  const java = assertJava();
  const tmp = mkdtempSync(join(state.dataDir, '.scram-'));
  try {
    // Secrets go through 0600 files, never through argv.
    const commandConfig = join(tmp, 'admin.properties');
    const addConfig = join(tmp, 'add.properties');
    writeSecretFile(
      commandConfig,
      (state.tls
        ? `security.protocol=SASL_SSL\nssl.truststore.type=PEM\nssl.truststore.location=${escapeProperty(state.tls.caFile)}\n`
        : `security.protocol=SASL_PLAINTEXT\n`) +
        `sasl.mechanism=SCRAM-SHA-512\n` +
        `sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="${state.sasl.username}" password="${state.sasl.password}";\n`,
    );
    // One request per mechanism: ConfigCommand sends both as two alterations of the same user in one
    // request, which the broker rejects (DuplicateResourceException). The file form is `MECH=password=…`.
    for (const mechanism of ['SCRAM-SHA-512', 'SCRAM-SHA-256']) {
      writeSecretFile(addConfig, `${mechanism}=password=${password}\n`);
      const { code, output } = await runJava(java, [
        ...jvmArgs(state, 1, 256, true),
        'kafka.admin.ConfigCommand',
        '--bootstrap-server',
        state.bootstrapServers.join(','),
        '--command-config',
        commandConfig,
        '--alter',
        '--entity-type',
        'users',
        '--entity-name',
        username,
        '--add-config-file',
        addConfig,
      ]);
      if (code !== 0) {
        const tail = redact(state, output).split(password).join('***').trim().split('\n').slice(-10).join('\n');
        throw new UserError(`Creating ${mechanism} user '${username}' on dev cluster '${state.name}' failed (exit code ${code}):\n${tail}`);
      }
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * How to reach the cluster as its admin (SASL admin credential, TLS with its CA and client
 * certificate), as a ClusterPort Connection: tests and the readiness check connect with it.
 */
export function devClusterConnection(cluster: Pick<DevCluster, 'bootstrapServers' | 'sasl' | 'tls'>): Connection {
  return {
    bootstrapServers: cluster.bootstrapServers,
    ...(cluster.sasl ? { sasl: { mechanism: cluster.sasl.mechanism, username: cluster.sasl.username, password: cluster.sasl.password } } : {}),
    ...(cluster.tls
      ? {
          tls: {
            enabled: true,
            ca: readFileSync(cluster.tls.caFile, 'utf8'),
            cert: readFileSync(cluster.tls.certFile, 'utf8'),
            key: readFileSync(cluster.tls.keyFile, 'utf8'),
            rejectUnauthorized: true,
          },
        }
      : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// TLS material

const TLS_CA_CN = 'kafkaform-dev-ca';
const TLS_BROKER_CN = 'kafkaform-dev-broker';
const TLS_CLIENT_CN = 'kafkaform-dev-client';
const TLS_DAYS = 3650;

function tlsPath(dataDir: string, file: string): string {
  return join(dataDir, 'tls', file);
}

function clientProtocol(state: DevCluster): string {
  if (state.tls) return state.sasl ? 'SASL_SSL' : 'SSL';
  return state.sasl ? 'SASL_PLAINTEXT' : 'PLAINTEXT';
}

/**
 * Generates, once per cluster, a self-signed CA, a broker certificate for 127.0.0.1/localhost and a client
 * certificate, all signed by that CA, with the openssl CLI; later starts reuse them (clients keep trusting the CA).
 */
async function ensureDevTls(dataDir: string, progress: Progress): Promise<DevClusterTls> {
  const dir = join(dataDir, 'tls');
  const files: DevClusterTls = { caFile: tlsPath(dataDir, 'ca.pem'), certFile: tlsPath(dataDir, 'client.pem'), keyFile: tlsPath(dataDir, 'client.key') };
  const keystore = tlsPath(dataDir, 'broker-keystore.pem');
  if ([files.caFile, files.certFile, files.keyFile, keystore].every((f) => existsSync(f))) return files;
  const probe = await runCommand('openssl', ['version']);
  if (probe.code !== 0) {
    throw new UserError(
      'A dev cluster with TLS needs the `openssl` command to generate its certificates, and it was not found on PATH.',
      'Install OpenSSL (e.g. `apt-get install openssl`), or start the cluster without --tls.',
    );
  }
  progress(`Generating a self-signed CA and broker/client certificates in ${dir}…`);
  // Start from scratch: a half-written set (interrupted run) must not mix keys from two CAs.
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  // A config of our own, so that the system openssl.cnf (absent, or adding other extensions) does not matter.
  const cnf = join(dir, 'openssl.cnf');
  writeFileSync(
    cnf,
    [
      '[req]',
      'distinguished_name = dn',
      'prompt = no',
      '[dn]',
      'CN = placeholder',
      '[ca_ext]',
      'basicConstraints = critical,CA:TRUE',
      'keyUsage = critical,keyCertSign,cRLSign',
      'subjectKeyIdentifier = hash',
      '[broker_ext]',
      'basicConstraints = critical,CA:FALSE',
      'keyUsage = critical,digitalSignature,keyEncipherment',
      // clientAuth too: the broker presents this certificate to its peers for inter-broker traffic.
      'extendedKeyUsage = serverAuth,clientAuth',
      'subjectAltName = IP:127.0.0.1,DNS:localhost',
      'subjectKeyIdentifier = hash',
      'authorityKeyIdentifier = keyid',
      '[client_ext]',
      'basicConstraints = critical,CA:FALSE',
      'keyUsage = critical,digitalSignature,keyEncipherment',
      'extendedKeyUsage = clientAuth',
      'subjectKeyIdentifier = hash',
      'authorityKeyIdentifier = keyid',
      '',
    ].join('\n'),
  );
  const openssl = async (args: string[]): Promise<void> => {
    const { code, output } = await runCommand('openssl', args, dir);
    if (code !== 0) throw new UserError(`openssl ${args[0]} failed (exit code ${code}) while generating the dev cluster's TLS certificates:\n${output.trim().split('\n').slice(-10).join('\n')}`);
  };
  const caKey = join(dir, 'ca.key');
  await openssl(['req', '-x509', '-config', cnf, '-extensions', 'ca_ext', '-subj', `/CN=${TLS_CA_CN}`, '-newkey', 'rsa:2048', '-nodes', '-keyout', caKey, '-out', files.caFile, '-days', String(TLS_DAYS)]);
  const leaf = async (cn: string, ext: string, certFile: string, keyFile: string): Promise<void> => {
    const csr = join(dir, `${cn}.csr`);
    await openssl(['req', '-new', '-config', cnf, '-subj', `/CN=${cn}`, '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', csr]);
    await openssl(['x509', '-req', '-in', csr, '-CA', files.caFile, '-CAkey', caKey, '-set_serial', `0x${randomBytes(12).toString('hex')}`, '-days', String(TLS_DAYS), '-extfile', cnf, '-extensions', ext, '-out', certFile]);
    rmSync(csr, { force: true });
  };
  const brokerKey = join(dir, 'broker.key');
  const brokerCert = join(dir, 'broker.pem');
  await leaf(TLS_BROKER_CN, 'broker_ext', brokerCert, brokerKey);
  await leaf(TLS_CLIENT_CN, 'client_ext', files.certFile, files.keyFile);
  // Kafka's PEM keystore: the (unencrypted PKCS#8) key, then the certificate chain.
  writeSecretFile(keystore, readFileSync(brokerKey, 'utf8') + readFileSync(brokerCert, 'utf8') + readFileSync(files.caFile, 'utf8'));
  for (const f of readdirSync(dir)) chmodSync(join(dir, f), f.endsWith('.key') || f.includes('keystore') ? 0o600 : 0o644);
  return files;
}

function runCommand(command: string, args: string[], cwd?: string): Promise<{ code: number; output: string }> {
  return new Promise((resolvePromise) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...(cwd ? { cwd } : {}) });
    let output = '';
    const collect = (chunk: Buffer): void => {
      output = (output + chunk.toString('utf8')).slice(-20_000);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', (err) => resolvePromise({ code: -1, output: `${output}\n${err.message}` }));
    child.on('close', (code) => resolvePromise({ code: code ?? -1, output }));
  });
}

// ---------------------------------------------------------------------------------------------
// Starting

async function startLocked(
  name: string,
  dataDir: string,
  opts: StartDevClusterOptions,
  progress: Progress,
): Promise<DevCluster> {
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
    ...(sasl
      ? { sasl: { mechanism: 'scram-sha512', username: 'admin', password: previous?.sasl?.password ?? randomPassword() } }
      : {}),
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
    const started = spawnBroker(state, b);
    b.pid = started.pid;
    exits.set(b.nodeId, started.exits);
  }
  writeState(state);
  progress(
    `Started ${brokerCount} Kafka ${kafkaVersion} ${brokerCount === 1 ? 'broker' : 'brokers'} (pids ${brokers.map((b) => b.pid).join(', ')}); waiting for the cluster to answer…`,
  );
  try {
    await waitForCluster(state, brokers, opts.timeoutMs ?? DEFAULT_TIMEOUT_MS, progress, undefined, exits);
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
  if (opts.sasl !== undefined && opts.sasl !== (state.sasl !== undefined)) {
    problems.push(state.sasl ? 'SASL/SCRAM enabled' : 'no SASL');
  }
  if (opts.tls !== undefined && opts.tls !== (state.tls !== undefined)) {
    problems.push(state.tls ? 'TLS enabled' : 'no TLS');
  }
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

// ---------------------------------------------------------------------------------------------
// Node configuration

function nodeDir(dataDir: string, nodeId: number): string {
  return join(dataDir, `node-${nodeId}`);
}

function configFile(dataDir: string, nodeId: number): string {
  return join(nodeDir(dataDir, nodeId), 'server.properties');
}

/** server.properties for one combined broker+controller node. */
function renderServerProperties(state: DevClusterState, broker: DevClusterBroker): string {
  const n = state.brokers.length;
  const rf = Math.min(n, 3);
  const minIsr = Math.min(2, rf);
  const dir = nodeDir(state.dataDir, broker.nodeId);
  const lines: Array<[string, string | number]> = [
    ['process.roles', 'broker,controller'],
    ['node.id', broker.nodeId],
    // A static quorum: every node lists all voters. It formats without --standalone/--initial-controllers
    // and behaves the same on 3.9 and 4.x (KIP-853 dynamic quorums are not needed for a fixed local cluster).
    ['controller.quorum.voters', state.brokers.map((b) => `${b.nodeId}@${LOCALHOST}:${b.controllerPort}`).join(',')],
    ['listeners', `CLIENT://${LOCALHOST}:${broker.port},CONTROLLER://${LOCALHOST}:${broker.controllerPort}`],
    ['advertised.listeners', `CLIENT://${LOCALHOST}:${broker.port}`],
    ['controller.listener.names', 'CONTROLLER'],
    ['inter.broker.listener.name', 'CLIENT'],
    ['listener.security.protocol.map', `CLIENT:${clientProtocol(state)},CONTROLLER:PLAINTEXT`],
    ['log.dirs', join(dir, 'data')],
    ['authorizer.class.name', 'org.apache.kafka.metadata.authorizer.StandardAuthorizer'],
    // ANONYMOUS is what the PLAINTEXT controller listener sees: brokers registering and heartbeating and
    // controllers replicating the metadata log. SCRAM cannot protect that listener in KRaft (the credentials
    // live in the very metadata log it serves), so ANONYMOUS must be a super user in both modes. Without SASL
    // every client is ANONYMOUS as well, so an admin can always deploy; with SASL the client listener only
    // admits authenticated users, and inter-broker traffic (replication) authenticates as admin over SCRAM.
    // With TLS and no SASL, a client presenting a certificate is named by it (see the mapping rule below):
    // the brokers themselves (inter-broker traffic on CLIENT) and the dev client certificate are super users.
    ['super.users', [...(state.sasl ? ['User:admin'] : []), 'User:ANONYMOUS', ...(state.tls && !state.sasl ? [`User:${TLS_BROKER_CN}`, `User:${TLS_CLIENT_CN}`] : [])].join(';')],
    ['num.partitions', 1],
    ['default.replication.factor', rf],
    ['min.insync.replicas', 1],
    ['auto.create.topics.enable', 'false'],
    ['offsets.topic.replication.factor', rf],
    ['offsets.topic.num.partitions', 10],
    ['transaction.state.log.replication.factor', rf],
    ['transaction.state.log.min.isr', minIsr],
    ['transaction.state.log.num.partitions', 10],
    ['group.initial.rebalance.delay.ms', 0],
    // Small thread pools and buffers: several brokers share a 2-core machine.
    ['num.network.threads', 2],
    ['num.io.threads', 4],
    ['background.threads', 4],
    ['num.recovery.threads.per.data.dir', 1],
    ['num.replica.fetchers', 1],
    ['log.cleaner.dedupe.buffer.size', 16 * 1024 * 1024],
  ];
  if (kafkaMajor(state.kafkaVersion) >= 4) {
    lines.push(['share.coordinator.state.topic.replication.factor', rf], ['share.coordinator.state.topic.min.isr', minIsr]);
  }
  if (state.tls) {
    // PEM files straight from openssl (KIP-651, Kafka 2.7+): no JKS/PKCS12 conversion and no store passwords.
    // The keystore file holds the unencrypted PKCS#8 key followed by the certificate chain.
    lines.push(
      ['ssl.keystore.type', 'PEM'],
      ['ssl.keystore.location', tlsPath(state.dataDir, 'broker-keystore.pem')],
      ['ssl.truststore.type', 'PEM'],
      ['ssl.truststore.location', state.tls.caFile],
      // 'requested': clients without a certificate connect too (server-auth only) and are ANONYMOUS
      // (or their SASL user); clients with one must present a certificate the CA signed.
      ['ssl.client.auth', 'requested'],
      ['ssl.principal.mapping.rules', 'RULE:^CN=([^,]+)$/$1/,DEFAULT'],
    );
  }
  if (state.sasl) {
    const jaas = `org.apache.kafka.common.security.scram.ScramLoginModule required username="${state.sasl.username}" password="${state.sasl.password}";`;
    lines.push(
      ['sasl.enabled.mechanisms', 'SCRAM-SHA-512,SCRAM-SHA-256'],
      ['sasl.mechanism.inter.broker.protocol', 'SCRAM-SHA-512'],
      ['listener.name.client.scram-sha-512.sasl.jaas.config', jaas],
      ['listener.name.client.scram-sha-256.sasl.jaas.config', jaas],
    );
  }
  return `# Written by kafkaform for dev cluster '${state.name}'; rewritten on every start.\n${lines
    .map(([k, v]) => `${k}=${escapeProperty(String(v))}`)
    .join('\n')}\n`;
}

function escapeProperty(value: string): string {
  return value.replace(/\\/g, '\\\\');
}

const LOG4J2_XML = `<?xml version="1.0" encoding="UTF-8"?>
<Configuration status="warn">
  <Appenders>
    <Console name="STDOUT" target="SYSTEM_OUT">
      <PatternLayout pattern="[%d] %p %m (%c)%n"/>
    </Console>
  </Appenders>
  <Loggers>
    <Root level="INFO"><AppenderRef ref="STDOUT"/></Root>
    <Logger name="kafka.request.logger" level="WARN"/>
    <Logger name="state.change.logger" level="WARN"/>
    <Logger name="org.apache.kafka.storage.internals.log.LogCleaner" level="WARN"/>
  </Loggers>
</Configuration>
`;

const LOG4J1_PROPERTIES = `log4j.rootLogger=INFO, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.request.logger=WARN
log4j.logger.state.change.logger=WARN
`;

function writeNodeConfig(state: DevClusterState, broker: DevClusterBroker): void {
  const dir = nodeDir(state.dataDir, broker.nodeId);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  // 0600: with SASL the file holds the admin password (in the JAAS line).
  writeSecretFile(configFile(state.dataDir, broker.nodeId), renderServerProperties(state, broker));
  writeFileSync(join(dir, 'log4j2.xml'), LOG4J2_XML);
  writeFileSync(join(dir, 'log4j.properties'), LOG4J1_PROPERTIES);
  writeFileSync(join(dir, 'tools-log4j2.xml'), LOG4J2_XML.replace('<Root level="INFO">', '<Root level="WARN">'));
  writeFileSync(join(dir, 'tools-log4j.properties'), LOG4J1_PROPERTIES.replace('rootLogger=INFO', 'rootLogger=WARN'));
}

/** JVM arguments for a node (`tool`: a short-lived command-line tool that should only log warnings). */
function jvmArgs(state: DevClusterState, nodeId: number, heapMb: number, tool = false): string[] {
  const dir = nodeDir(state.dataDir, nodeId);
  const prefix = tool ? 'tools-' : '';
  return [
    `-Xmx${heapMb}m`,
    ...(tool ? [] : [`-Xms${heapMb}m`]),
    '-XX:+UseG1GC',
    '-XX:MaxGCPauseMillis=20',
    '-XX:InitiatingHeapOccupancyPercent=35',
    '-XX:+ExplicitGCInvokesConcurrent',
    '-Djava.awt.headless=true',
    `-Dkafka.logs.dir=${join(dir, 'logs')}`,
    kafkaMajor(state.kafkaVersion) >= 4
      ? `-Dlog4j2.configurationFile=${join(dir, `${prefix}log4j2.xml`)}`
      : `-Dlog4j.configuration=file:${join(dir, `${prefix}log4j.properties`)}`,
    '-cp',
    `${state.libDir}/*`,
  ];
}

async function formatNode(java: string, state: DevClusterState, broker: DevClusterBroker): Promise<void> {
  const args = [
    ...jvmArgs(state, broker.nodeId, 256, true),
    'kafka.tools.StorageTool',
    'format',
    '-t',
    state.clusterId,
    '-c',
    configFile(state.dataDir, broker.nodeId),
    '--ignore-formatted',
  ];
  if (state.sasl) {
    // The admin credential must exist before the first broker starts: inter-broker traffic uses it.
    // (It is briefly visible in this short-lived process's argv; StorageTool has no other input for it.)
    const cred = `[name=${state.sasl.username},password=${state.sasl.password}]`;
    args.push('--add-scram', `SCRAM-SHA-512=${cred}`, '--add-scram', `SCRAM-SHA-256=${cred}`);
  }
  const { code, output } = await runJava(java, args);
  if (code !== 0) {
    const tail = redact(state, output).trim().split('\n').slice(-15).join('\n');
    throw new UserError(
      `Formatting the storage of node ${broker.nodeId} of dev cluster '${state.name}' failed (exit code ${code}):\n${tail}`,
      `If the data directory ${state.dataDir} is from an older setup, delete it with \`kafkaform dev down --purge\`.`,
    );
  }
}

function runJava(java: string, args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolvePromise) => {
    const child = spawn(java, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const collect = (chunk: Buffer): void => {
      output = (output + chunk.toString('utf8')).slice(-50_000);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', (err) => resolvePromise({ code: -1, output: `${output}\n${err.message}` }));
    child.on('close', (code) => resolvePromise({ code: code ?? -1, output }));
  });
}

/** Starts one node as a detached process (its own session, stdio to its log), so a CLI can exit and leave it running. */
function spawnBroker(state: DevClusterState, broker: DevClusterBroker): { pid: number; exits: Promise<number | null> } {
  const java = assertJava();
  const logFile = broker.logFile;
  rotateIfLarge(logFile);
  const fd = openSync(logFile, 'a', 0o600);
  writeFileSync(fd, `\n===== kafkaform: starting node ${broker.nodeId} at ${new Date().toISOString()} =====\n`);
  try {
    const child = spawn(java, [...jvmArgs(state, broker.nodeId, state.heapMb), 'kafka.Kafka', configFile(state.dataDir, broker.nodeId)], {
      cwd: nodeDir(state.dataDir, broker.nodeId),
      detached: true,
      stdio: ['ignore', fd, fd],
    });
    const exits = new Promise<number | null>((resolveExit) => {
      child.on('exit', (code) => resolveExit(code));
      child.on('error', () => resolveExit(-1));
    });
    child.unref();
    if (child.pid === undefined) throw new UserError(`Could not start java for node ${broker.nodeId}.`);
    return { pid: child.pid, exits };
  } finally {
    closeSync(fd);
  }
}

function rotateIfLarge(logFile: string): void {
  try {
    if (statSync(logFile).size > 50 * 1024 * 1024) renameSync(logFile, `${logFile}.1`);
  } catch {
    // No log yet.
  }
}

// ---------------------------------------------------------------------------------------------
// Waiting

/**
 * Waits until every broker in `expected` is listed by describeCluster (asked through those brokers themselves),
 * failing early when a node's process exits. On timeout the error quotes the failing node's log.
 */
async function waitForCluster(
  state: DevClusterState,
  expected: DevClusterBroker[],
  timeoutMs: number,
  progress: Progress,
  exitOfSingle?: Promise<number | null>,
  exits?: Map<number, Promise<number | null>>,
): Promise<void> {
  const started = Date.now();
  const deadline = started + timeoutMs;
  const exited = new Map<number, number | null>();
  const watch = (nodeId: number, p: Promise<number | null>): void => {
    void p.then((code) => exited.set(nodeId, code));
  };
  if (exitOfSingle && expected[0]) watch(expected[0].nodeId, exitOfSingle);
  for (const [nodeId, p] of exits ?? []) watch(nodeId, p);
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
      const failing = expected.find((b, i) => !open[i]) ?? expected.find((b) => !registered.has(b.nodeId)) ?? expected[0];
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

async function clusterAnswers(state: DevClusterState, timeoutMs: number): Promise<boolean> {
  try {
    const listed = await describeBrokers(state, state.bootstrapServers, timeoutMs);
    return state.brokers.every((b) => listed.has(b.nodeId));
  } catch {
    return false;
  }
}

async function describeBrokers(state: DevCluster, brokers: string[], timeoutMs: number): Promise<Set<number>> {
  const port = new KafkajsClusterPort({
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

// ---------------------------------------------------------------------------------------------
// Stopping

async function terminateBrokers(state: DevClusterState, brokers: DevClusterBroker[], progress: Progress): Promise<number[]> {
  const targets = brokers.filter((b) => isOurBroker(state, b));
  if (targets.length === 0) return [];
  progress(`Stopping dev cluster '${state.name}' (pids ${targets.map((b) => b.pid).join(', ')})…`);
  for (const b of targets) signal(b.pid, 'SIGTERM');
  const clean = await waitUntil(() => targets.every((b) => !pidRunning(b.pid)), STOP_GRACE_MS);
  if (!clean) {
    const stubborn = targets.filter((b) => pidRunning(b.pid));
    progress(`Killing ${stubborn.map((b) => `node ${b.nodeId}`).join(', ')} after ${STOP_GRACE_MS / 1000} s…`);
    for (const b of stubborn) signal(b.pid, 'SIGKILL');
    if (!(await waitUntil(() => stubborn.every((b) => !pidRunning(b.pid)), 10_000))) {
      throw new Error(`Kafka processes ${stubborn.map((b) => b.pid).join(', ')} survived SIGKILL.`);
    }
  }
  await waitForReaping(targets.map((b) => b.pid));
  return targets.map((b) => b.pid);
}

/**
 * A dead child of this very process stays a zombie until Node reaps it, and `kill(pid, 0)` still
 * succeeds on a zombie; wait briefly for the reaping so callers see the pid truly gone.
 */
async function waitForReaping(pids: number[]): Promise<void> {
  if (!existsSync('/proc/self/stat')) return;
  await waitUntil(() => pids.every((pid) => !existsSync(`/proc/${pid}`)), 3_000);
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}

function purgeDataDir(dataDir: string, hadState: boolean): void {
  // Only ever delete a directory that is recognisably a dev cluster's (or already empty of anything else).
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

// ---------------------------------------------------------------------------------------------
// Processes, ports, state

/** The process exists (not a zombie). */
function pidRunning(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 3, after the parenthesised command name.
    const stateChar = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return stateChar !== 'Z' && stateChar !== 'X';
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' && existsSync('/proc/self/stat')) return false;
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The recorded pid is still this node's Kafka process (guards against pid reuse after a reboot). */
function isOurBroker(state: DevClusterState, broker: DevClusterBroker): boolean {
  if (!pidRunning(broker.pid)) return false;
  try {
    const cmdline = readFileSync(`/proc/${broker.pid}/cmdline`, 'utf8');
    return cmdline.includes('kafka.Kafka') && cmdline.includes(configFile(state.dataDir, broker.nodeId));
  } catch {
    // No /proc (not Linux): trust the pid.
    return !existsSync('/proc/self/cmdline');
  }
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolvePromise) => {
    const server = createServer();
    server.once('error', () => resolvePromise(false));
    server.listen({ port, host: LOCALHOST, exclusive: true }, () => {
      server.close(() => resolvePromise(true));
    });
  });
}

function portAcceptsTcp(port: number, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolvePromise) => {
    const socket = createConnection({ port, host: LOCALHOST });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolvePromise(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

function resolveRef(ref: DevClusterRef): { name: string; dataDir: string } {
  const name = ref.name ?? 'default';
  if (!NAME_PATTERN.test(name)) {
    throw new UserError(`Invalid dev cluster name '${name}'.`, 'Use letters, digits, dot, dash or underscore (max 64).');
  }
  return { name, dataDir: resolve(ref.dataDir ?? join(cacheDir(), 'clusters', name)) };
}

function readState(dataDir: string): DevClusterState | undefined {
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

function writeState(state: DevClusterState): void {
  writeSecretFile(join(state.dataDir, STATE_FILE), JSON.stringify(state, null, 2) + '\n');
}

function writeSecretFile(file: string, content: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, content, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
}

function publicView(state: DevClusterState): DevCluster {
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

function findBroker(state: DevClusterState, nodeId: number): DevClusterBroker {
  const broker = state.brokers.find((b) => b.nodeId === nodeId);
  if (!broker) {
    throw new UserError(`Dev cluster '${state.name}' has no node ${nodeId} (nodes: ${state.brokers.map((b) => b.nodeId).join(', ')}).`);
  }
  return broker;
}

function logTail(state: DevClusterState, logFile: string, lines = 25): string {
  try {
    const text = readFileSync(logFile, 'utf8');
    return redact(state, text.trimEnd().split('\n').slice(-lines).join('\n'));
  } catch {
    return '(no log written)';
  }
}

function redact(state: DevClusterState, text: string): string {
  return state.sasl ? text.split(state.sasl.password).join('***') : text;
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

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

async function waitUntil(predicate: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (predicate()) return true;
    await sleep(200);
  }
  return predicate();
}
