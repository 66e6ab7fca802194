/**
 * The JVM processes of a dev cluster: writing a node's configuration, formatting its storage,
 * starting it detached, recognising it by pid (pid reuse after a reboot must not fool us), and
 * stopping nodes (SIGTERM, SIGKILL after a grace period).
 */
import { mkdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { UserError } from '../../errors.js';
import { hasProcFs, pidRunning, processCommandLine, signal, waitForReaping, waitUntil } from '../../os/process.js';
import { joinTail, runCommandSettled, spawnDetached, type DetachedProcess } from '../../os/run-command.js';
import type { Progress } from '../../progress.js';
import { assertJava } from '../kafka-dist.js';
import { renderJvmArgs, renderNodeConfigFiles } from './server-properties.js';
import { configFile, nodeDir, redact, writeSecretFile, type DevClusterBroker, type DevClusterState } from './state-file.js';

/** How long a broker gets for a clean shutdown after SIGTERM before it is killed. */
const STOP_GRACE_MS = 20_000;
/** A broker log above this is rotated (one old generation kept) when the node starts. */
const LOG_ROTATE_BYTES = 50 * 1024 * 1024;

/** Writes a node's server.properties (0600) and log configurations; rewritten on every start. */
export function writeNodeConfig(state: DevClusterState, broker: DevClusterBroker): void {
  mkdirSync(nodeDir(state.dataDir, broker.nodeId), { recursive: true, mode: 0o700 });
  for (const f of renderNodeConfigFiles(state, broker)) {
    if (f.secret) writeSecretFile(f.path, f.content);
    else writeFileSync(f.path, f.content);
  }
}

/** Formats a node's KRaft storage (a no-op when it is formatted already). */
export async function formatNode(java: string, state: DevClusterState, broker: DevClusterBroker): Promise<void> {
  const args = [
    ...renderJvmArgs(state, broker.nodeId, 256, true),
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
  const r = await runCommandSettled(java, args, { secrets: state.sasl ? [state.sasl.password] : [] });
  if (r.exitCode !== 0) {
    throw new UserError(
      `Formatting the storage of node ${broker.nodeId} of dev cluster '${state.name}' failed (exit code ${r.exitCode}):\n${redact(state, joinTail(r.tail, 15))}`,
      `If the data directory ${state.dataDir} is from an older setup, delete it with \`kafkaform dev down --purge\`.`,
    );
  }
}

/** Starts one node as a detached process (its own session, stdio to its log), so a CLI can exit and leave it running. */
export function spawnNode(state: DevClusterState, broker: DevClusterBroker): DetachedProcess {
  const java = assertJava();
  rotateIfLarge(broker.logFile);
  try {
    return spawnDetached(java, [...renderJvmArgs(state, broker.nodeId, state.heapMb), 'kafka.Kafka', configFile(state.dataDir, broker.nodeId)], {
      cwd: nodeDir(state.dataDir, broker.nodeId),
      logFile: broker.logFile,
      banner: `===== kafkaform: starting node ${broker.nodeId} at ${new Date().toISOString()} =====`,
    });
  } catch {
    throw new UserError(`Could not start java for node ${broker.nodeId}.`);
  }
}

function rotateIfLarge(logFile: string): void {
  try {
    if (statSync(logFile).size > LOG_ROTATE_BYTES) renameSync(logFile, `${logFile}.1`);
  } catch {
    // No log yet.
  }
}

/** The recorded pid is still this node's Kafka process (guards against pid reuse after a reboot). */
export function isOurBroker(state: DevClusterState, broker: DevClusterBroker): boolean {
  if (!pidRunning(broker.pid)) return false;
  const cmdline = processCommandLine(broker.pid);
  // No /proc (not Linux): trust the pid.
  if (cmdline === undefined) return !hasProcFs();
  return cmdline.includes('kafka.Kafka') && cmdline.includes(configFile(state.dataDir, broker.nodeId));
}

/** Kills one node with SIGKILL (a crash, not a clean shutdown) and waits until it is gone. */
export async function killNode(state: DevClusterState, broker: DevClusterBroker): Promise<void> {
  if (!isOurBroker(state, broker)) return;
  signal(broker.pid, 'SIGKILL');
  if (!(await waitUntil(() => !pidRunning(broker.pid), 15_000))) {
    throw new Error(`Broker ${broker.nodeId} (pid ${broker.pid}) did not die after SIGKILL.`);
  }
  await waitForReaping([broker.pid]);
}

/** Stops those of `brokers` that still run: SIGTERM, then SIGKILL after the grace period. Returns their pids. */
export async function terminateBrokers(state: DevClusterState, brokers: DevClusterBroker[], progress: Progress): Promise<number[]> {
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
