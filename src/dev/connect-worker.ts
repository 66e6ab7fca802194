/**
 * A real distributed Kafka Connect worker for development and tests, on loopback: the Connect
 * runtime from the Kafka jars kafkaform already fetches (connect-runtime is a dependency of
 * kafka-tools), plus the FileStream connectors (`connect-file`, fetched once from Maven Central
 * into the cache as a plugin directory). Its pid and URL live in `<dataDir>/connect/connect.json`,
 * so `dev down` stops exactly this process.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import { acquireFileLock } from '../os/file-lock.js';
import { findFreePort, LOOPBACK } from '../os/ports.js';
import { hasProcFs, pidRunning, processCommandLine, signal, sleep, waitForReaping, waitUntil } from '../os/process.js';
import { joinTail, runCommandSettled, spawnDetached } from '../os/run-command.js';
import { noProgress, type Progress } from '../progress.js';
import { cacheDir } from '../toolchain/paths.js';
import { assertJava, ensureKafkaJars, kafkaMajor, resolveKafkaVersion } from './kafka-dist.js';

const MAIN_CLASS = 'org.apache.kafka.connect.cli.ConnectDistributed';
const DEPENDENCY_PLUGIN = 'org.apache.maven.plugins:maven-dependency-plugin:3.8.1';
const STATE_FILE = 'connect.json';
const STOP_GRACE_MS = 15_000;

/** The connector class `dev up --connect` promises (readiness waits until the worker lists it). */
export const FILE_SOURCE_CLASS = 'org.apache.kafka.connect.file.FileStreamSourceConnector';

/** What a running worker is; also the content of `<dataDir>/connect/connect.json`. */
export interface ConnectWorker {
  url: string;
  port: number;
  pid: number;
  groupId: string;
  kafkaVersion: string;
  bootstrapServers: string[];
  /** The worker's properties file (its path also identifies the process by command line). */
  propertiesFile: string;
  logFile: string;
}

/** SASL/SCRAM credentials of the cluster the worker joins (the dev cluster's admin user). */
export interface WorkerSasl {
  mechanism: 'scram-sha512';
  username: string;
  password: string;
}

export interface WorkerPropertiesInput {
  bootstrapServers: string[];
  port: number;
  groupId: string;
  pluginDir: string;
  offsetsFile?: string;
  sasl?: WorkerSasl;
}

/** The directory of the worker's files inside a dev cluster's data directory. */
export function connectDir(dataDir: string): string {
  return join(dataDir, 'connect');
}

/**
 * The worker's properties (pure). Internal topics get replication factor 1 (a one-broker dev
 * cluster), offsets flush every second (tests see source offsets quickly), and String converters
 * so a FileStreamSource line arrives in the topic as the same bytes.
 */
export function renderWorkerProperties(w: WorkerPropertiesInput): string {
  const lines = [
    '# Written by kafkaform dev up --connect; rewritten on every start.',
    `bootstrap.servers=${w.bootstrapServers.join(',')}`,
    `group.id=${w.groupId}`,
    `listeners=http://${LOOPBACK}:${w.port}`,
    `rest.advertised.host.name=${LOOPBACK}`,
    `rest.advertised.port=${w.port}`,
    `plugin.path=${w.pluginDir}`,
    // Every plugin here has ServiceLoader manifests; the default hybrid scan also walks every class
    // by reflection (49 s of a 150 s start on a loaded 2-core machine).
    'plugin.discovery=service_load',
    // `_`: internal topics, which drift never reports as unmanaged (like _schemas).
    `config.storage.topic=_${w.groupId}-configs`,
    `offset.storage.topic=_${w.groupId}-offsets`,
    `status.storage.topic=_${w.groupId}-status`,
    'config.storage.replication.factor=1',
    'offset.storage.replication.factor=1',
    'status.storage.replication.factor=1',
    'offset.storage.partitions=1',
    'status.storage.partitions=1',
    'offset.flush.interval.ms=1000',
    'key.converter=org.apache.kafka.connect.storage.StringConverter',
    'value.converter=org.apache.kafka.connect.storage.StringConverter',
    // Config providers, so a connector config can say ${env:VAR} or ${file:/path:key} instead of a secret.
    'config.providers=env,file',
    'config.providers.env.class=org.apache.kafka.common.config.provider.EnvVarConfigProvider',
    'config.providers.file.class=org.apache.kafka.common.config.provider.FileConfigProvider',
  ];
  if (w.sasl) {
    const jaas = `org.apache.kafka.common.security.scram.ScramLoginModule required username="${w.sasl.username}" password="${w.sasl.password}";`;
    for (const prefix of ['', 'producer.', 'consumer.', 'admin.']) {
      lines.push(`${prefix}security.protocol=SASL_PLAINTEXT`, `${prefix}sasl.mechanism=SCRAM-SHA-512`, `${prefix}sasl.jaas.config=${jaas}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

const LOG4J2_XML = `<?xml version="1.0" encoding="UTF-8"?>
<Configuration status="warn">
  <Appenders><Console name="STDOUT" target="SYSTEM_OUT"><PatternLayout pattern="[%d] %p %m (%c)%n"/></Console></Appenders>
  <Loggers>
    <Root level="INFO"><AppenderRef ref="STDOUT"/></Root>
    <Logger name="org.apache.kafka.clients" level="WARN"/>
    <Logger name="org.reflections" level="ERROR"/>
  </Loggers>
</Configuration>
`;
const LOG4J1_PROPERTIES = `log4j.rootLogger=INFO, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.org.apache.kafka.clients=WARN
log4j.logger.org.reflections=ERROR
`;

/** The plugin directory holding `connect-file-<version>.jar`, fetched once with Maven (cached, locked, idempotent). */
export async function ensureConnectFilePlugin(opts: { version?: string; onProgress?: Progress; env?: NodeJS.ProcessEnv } = {}): Promise<string> {
  const env = opts.env ?? process.env;
  const version = resolveKafkaVersion(opts.version, env);
  const dir = join(cacheDir(env), 'kafka', version, 'connect-plugins');
  const jar = join(dir, 'connect-file', `connect-file-${version}.jar`);
  if (existsSync(jar)) return dir;
  const release = await acquireFileLock(join(cacheDir(env), 'kafka', version, '.connect-lock'), `fetching connect-file ${version}`, { onProgress: opts.onProgress });
  try {
    if (existsSync(jar)) return dir;
    (opts.onProgress ?? noProgress)(`Fetching org.apache.kafka:connect-file:${version} from Maven Central…`);
    const scratch = join(dir, `.download-${process.pid}`);
    rmSync(scratch, { recursive: true, force: true });
    mkdirSync(scratch, { recursive: true });
    const r = await runCommandSettled('mvn', ['-B', '-q', '-U', `${DEPENDENCY_PLUGIN}:copy`, `-Dartifact=org.apache.kafka:connect-file:${version}`, `-DoutputDirectory=${scratch}`]);
    const fetched = join(scratch, `connect-file-${version}.jar`);
    if (r.exitCode !== 0 || !existsSync(fetched)) {
      rmSync(scratch, { recursive: true, force: true });
      throw new UserError(
        `Could not download org.apache.kafka:connect-file:${version} with Maven (exit code ${r.exitCode}).\n${joinTail(r.tail, 8)}`,
        'Check that Maven (`mvn`) is installed and Maven Central is reachable.',
      );
    }
    mkdirSync(join(dir, 'connect-file'), { recursive: true });
    // The rename is the commit: a half-finished download never looks like a plugin.
    writeFileSync(`${jar}.tmp`, readFileSync(fetched));
    renameSync(`${jar}.tmp`, jar);
    rmSync(scratch, { recursive: true, force: true });
    return dir;
  } finally {
    release();
  }
}

export interface StartConnectWorkerOptions {
  bootstrapServers: string[];
  /** The dev cluster's data directory: the worker's files go to `<dataDir>/connect/`. */
  dataDir: string;
  kafkaVersion?: string;
  port?: number;
  /** Connect group id and prefix of its internal topics (default `kafkaform-connect`). */
  groupId?: string;
  sasl?: WorkerSasl;
  heapMb?: number;
  timeoutMs?: number;
  onProgress?: Progress;
}

/** The recorded worker, when its state file exists. */
export function readConnectWorker(dataDir: string): ConnectWorker | undefined {
  const file = join(connectDir(dataDir), STATE_FILE);
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as ConnectWorker;
  } catch {
    return undefined;
  }
}

/** The recorded pid is still this worker (guards against pid reuse). */
export function isOurWorker(w: ConnectWorker): boolean {
  if (!pidRunning(w.pid)) return false;
  const cmdline = processCommandLine(w.pid);
  if (cmdline === undefined) return !hasProcFs();
  return cmdline.includes(MAIN_CLASS) && cmdline.includes(w.propertiesFile);
}

/** True when the worker answers `GET /` and lists `FILE_SOURCE_CLASS` among its plugins. */
export async function connectWorkerReady(url: string): Promise<boolean> {
  try {
    const root = await fetch(`${url}/`, { signal: AbortSignal.timeout(2000) });
    if (!root.ok) return false;
    const plugins = await fetch(`${url}/connector-plugins`, { signal: AbortSignal.timeout(2000) });
    if (!plugins.ok) return false;
    const list = (await plugins.json()) as Array<{ class?: string }>;
    return list.some((p) => p.class === FILE_SOURCE_CLASS);
  } catch {
    return false;
  }
}

/** Starts a worker detached (or returns the one already running for this data directory) and waits until it is ready. */
export async function startConnectWorker(opts: StartConnectWorkerOptions): Promise<ConnectWorker> {
  const progress = opts.onProgress ?? noProgress;
  const existing = readConnectWorker(opts.dataDir);
  if (existing && isOurWorker(existing) && (await connectWorkerReady(existing.url))) return existing;
  if (existing && isOurWorker(existing)) await stopConnectWorker({ dataDir: opts.dataDir });
  const java = assertJava();
  const jars = await ensureKafkaJars({ version: opts.kafkaVersion, onProgress: progress });
  const pluginDir = await ensureConnectFilePlugin({ version: jars.version, onProgress: progress });
  const dir = connectDir(opts.dataDir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const port = opts.port ?? (await findFreePort());
  const groupId = opts.groupId ?? 'kafkaform-connect';
  const propertiesFile = join(dir, 'worker.properties');
  // 0600: with SASL the file holds the admin password.
  writeFileSync(propertiesFile, renderWorkerProperties({ bootstrapServers: opts.bootstrapServers, port, groupId, pluginDir, sasl: opts.sasl }), { mode: 0o600 });
  const v4 = kafkaMajor(jars.version) >= 4;
  const logConfig = join(dir, v4 ? 'log4j2.xml' : 'log4j.properties');
  writeFileSync(logConfig, v4 ? LOG4J2_XML : LOG4J1_PROPERTIES);
  const logFile = join(dir, 'connect.log');
  const heap = opts.heapMb ?? 384;
  const args = [`-Xmx${heap}m`, '-XX:+UseG1GC', '-Djava.awt.headless=true', v4 ? `-Dlog4j2.configurationFile=${logConfig}` : `-Dlog4j.configuration=file:${logConfig}`, '-cp', `${jars.libDir}/*`, MAIN_CLASS, propertiesFile];
  progress(`Starting a Kafka Connect worker (Kafka ${jars.version}) on ${LOOPBACK}:${port}…`);
  const child = spawnDetached(java, args, { cwd: dir, logFile, banner: `===== kafkaform: starting Connect worker at ${new Date().toISOString()} =====` });
  const worker: ConnectWorker = { url: `http://${LOOPBACK}:${port}`, port, pid: child.pid, groupId, kafkaVersion: jars.version, bootstrapServers: opts.bootstrapServers, propertiesFile, logFile };
  writeFileSync(join(dir, STATE_FILE), `${JSON.stringify(worker, null, 2)}\n`, { mode: 0o600 });
  let exited = false;
  void child.exits.then(() => (exited = true));
  const timeoutMs = opts.timeoutMs ?? 180_000;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !exited && pidRunning(child.pid)) {
    if (await connectWorkerReady(worker.url)) {
      progress(`Connect worker ready at ${worker.url} (pid ${worker.pid})`);
      return worker;
    }
    await sleep(500);
  }
  const why = exited || !pidRunning(child.pid) ? 'exited' : `did not list ${FILE_SOURCE_CLASS} at ${worker.url}/connector-plugins within ${Math.round(timeoutMs / 1000)} s`;
  await stopConnectWorker({ dataDir: opts.dataDir });
  throw new UserError(`The Kafka Connect worker ${why}:\n${logTail(logFile)}`, `see ${logFile}`);
}

/** Stops the recorded worker (SIGTERM, SIGKILL after a grace period) and returns its pid, or undefined when none ran. */
export async function stopConnectWorker(opts: { dataDir: string; onProgress?: Progress }): Promise<number | undefined> {
  const w = readConnectWorker(opts.dataDir);
  if (!w) return undefined;
  const file = join(connectDir(opts.dataDir), STATE_FILE);
  if (!isOurWorker(w)) {
    rmSync(file, { force: true });
    return undefined;
  }
  (opts.onProgress ?? noProgress)(`Stopping the Connect worker (pid ${w.pid})…`);
  signal(w.pid, 'SIGTERM');
  if (!(await waitUntil(() => !pidRunning(w.pid), STOP_GRACE_MS))) {
    signal(w.pid, 'SIGKILL');
    await waitUntil(() => !pidRunning(w.pid), 10_000);
  }
  await waitForReaping([w.pid]);
  rmSync(file, { force: true });
  return w.pid;
}

function logTail(logFile: string, lines = 20): string {
  try {
    return readFileSync(logFile, 'utf8').trim().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

