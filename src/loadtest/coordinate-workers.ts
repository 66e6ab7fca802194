/**
 * The coordinator of a multi-process load test (`--workers N`, `--remote-workers M`). It creates
 * the run's topics and a control topic, starts the local workers (injected: child processes from the
 * CLI, in-process twins in unit tests), waits for every worker to join, publishes the workload and
 * the start time, watches heartbeats, stops the run once the consumers caught up, and merges the
 * workers' ledgers and histograms into one report. A worker without a heartbeat for
 * `heartbeatTimeoutMs` is lost: named in `workers[]`, its records out of the totals, and the run
 * still ends, bounded, never hanging.
 */
import { UserError } from '../errors.js';
import { sleep } from '../os/process.js';
import { buildReport } from './build-report.js';
import { ControlChannel } from './control-channel.js';
import { createLoadClient } from './create-load-client.js';
import { LatencyHistogram } from './histogram.js';
import { nowMs } from './message.js';
import { mergeWorkerResults } from './merge-worker-results.js';
import type { LoadTestReport, WorkerReport } from './report-types.js';
import { cleanUp, openTopics, verify, withTimeout, type Run } from './run-phases.js';
import { RunAccounts, runTagOf } from './run-state.js';
import type { RunLoadOptions } from './runner.js';
import { ResultAssembler, toWireWorkload, type ControlMessage, type WorkerCounters, type WorkerResult } from './worker-protocol.js';
import { computeWorkerShare, workerOfProducer } from './worker-share.js';
import { LOADTEST_TOPIC_PREFIX } from './workload.js';

/** A worker the coordinator started itself. */
export interface WorkerHandle {
  pid?: number;
  /** Resolves with the exit code when the worker ends. */
  exited: Promise<number | null>;
  /** Ends it (the run is over, or it must not outlive the coordinator). */
  kill(): void;
}

export interface CoordinateOptions extends Omit<RunLoadOptions, 'onProgress' | 'maxPublishDelayMs'> {
  /** Worker processes to start here (`startWorker` starts each). */
  localWorkers: number;
  /** Workers started elsewhere (`kafkaform loadtest worker --control TOPIC`) to wait for. */
  remoteWorkers?: number;
  startWorker?: (name: string, controlTopic: string) => WorkerHandle;
  /** Default kafkaform-loadtest.control.<runid>; must not exist yet. */
  controlTopic?: string;
  /** A worker silent this long is lost. Default 10 s. */
  heartbeatTimeoutMs?: number;
  /** How long workers have to join and to get ready. Default 120 s (a cold start of several workers on a busy machine is slow). */
  joinTimeoutMs?: number;
  /** Told once the control topic exists: where remote workers join. */
  onControlTopic?: (topic: string) => void;
}

interface Member {
  name: string;
  host: string;
  pid: number;
  local?: WorkerHandle;
  status: 'joined' | 'ready' | 'produced' | 'finished' | 'lost' | 'failed';
  reason?: string;
  lastSeen: number;
  counters: WorkerCounters;
  result?: WorkerResult;
}

const ZERO: WorkerCounters = { sent: 0, acknowledged: 0, consumed: 0, errors: 0 };

/** The default control topic of a run. */
export function controlTopicName(runId: string): string {
  return `${LOADTEST_TOPIC_PREFIX}control.${runId}`;
}

/** Runs the workload over worker processes and returns the merged report (with `workers[]`). */
export async function coordinateWorkers(opts: CoordinateOptions): Promise<LoadTestReport> {
  const w = opts.workload;
  const expected = opts.localWorkers + (opts.remoteWorkers ?? 0);
  if (expected < 1) throw new UserError('a multi-worker run needs at least one worker');
  if (opts.localWorkers > 0 && !opts.startWorker) throw new UserError('local workers need a way to start them');
  const client = opts.client ?? createLoadClient(opts.connection);
  const log = opts.onLog ?? (() => {});
  const heartbeatTimeoutMs = opts.heartbeatTimeoutMs ?? 10_000;
  const joinTimeoutMs = opts.joinTimeoutMs ?? 120_000;
  if (!opts.clusterPort) throw new UserError('a multi-worker run needs a cluster port for its topics');
  const run: Run = { w, client, port: opts.clusterPort, ownsPort: false, log, producers: [], consumers: [], created: [], drainTimeoutMs: opts.drainTimeoutMs, verifyTimeoutMs: opts.verifyTimeoutMs };
  const members = new Map<string, Member>();
  /** Every local worker started, joined or not: all are stopped at the end. */
  const handles: Array<[string, WorkerHandle]> = [];
  const startedAt = new Date().toISOString();
  let channel: ControlChannel | undefined;
  const control = opts.controlTopic ?? controlTopicName(w.runId);
  const checkLost = () => {
    for (const m of members.values()) {
      if (m.status === 'finished' || m.status === 'lost' || m.status === 'failed') continue;
      const silent = nowMs() - m.lastSeen;
      if (silent > heartbeatTimeoutMs) {
        m.status = 'lost';
        m.reason = `no heartbeat for ${Math.round(silent / 1000)} s`;
        log(`worker ${m.name} lost: ${m.reason}`);
      }
    }
  };
  const live = () => [...members.values()].filter((m) => m.status !== 'lost' && m.status !== 'failed');
  /** Polls (bounded) until `done`, marking silent workers lost on the way. */
  const until = async (done: () => boolean, timeoutMs: number) => {
    const deadline = nowMs() + timeoutMs;
    for (;;) {
      checkLost();
      if (done()) return true;
      if (nowMs() > deadline || opts.signal?.aborted) return false;
      await sleep(100);
    }
  };

  try {
    const states = await openTopics(run.port!, w, log, run.created);
    const partitions = Object.fromEntries([...states.values()].map((st) => [st.w.loadTopic, st.partitions]));
    if ((await run.port!.listTopics()).includes(control)) throw new UserError(`control topic ${control} already exists`, 'name a new one with --control, or delete it: each run needs a fresh control topic');
    await run.port!.createTopic({ name: control, partitions: 1, replicationFactor: Math.min(...w.topics.map((t) => t.replicationFactor), 3), config: { 'retention.ms': String(24 * 3_600_000) } });
    run.created.push(control);
    opts.onControlTopic?.(control);
    const assembler = new ResultAssembler();
    channel = await ControlChannel.open(client, control, `coordinator-${w.runId}`, 30_000);
    channel.onMessage((msg: ControlMessage) => {
      const m = 'worker' in msg ? members.get(msg.worker) : undefined;
      if (msg.type === 'hello') {
        if (members.has(msg.worker)) return;
        if (members.size >= expected) return log(`worker ${msg.worker} on ${msg.host} came too late: ${expected} already joined`);
        members.set(msg.worker, { name: msg.worker, host: msg.host, pid: msg.pid, status: 'joined', lastSeen: nowMs(), counters: ZERO });
        log(`worker ${msg.worker} joined (host ${msg.host}, pid ${msg.pid}): ${members.size} of ${expected}`);
        return;
      }
      if (!m || m.status === 'lost' || m.status === 'failed') return;
      m.lastSeen = nowMs();
      if (msg.type === 'heartbeat') m.counters = msg.counters;
      else if (msg.type === 'ready' && msg.runId === w.runId) m.status = 'ready';
      else if (msg.type === 'produced' && msg.runId === w.runId) {
        m.status = 'produced';
        m.counters = msg.counters;
      } else if (msg.type === 'failed') {
        m.status = 'failed';
        m.reason = msg.message;
        log(`worker ${m.name} failed: ${msg.message}`);
      } else if (msg.type === 'result' && msg.runId === w.runId) {
        const r = assembler.add(msg);
        if (r) {
          m.result = r;
          m.status = 'finished';
        }
      }
    });
    for (let i = 1; i <= opts.localWorkers; i++) {
      const name = `local-${i}`;
      handles.push([name, opts.startWorker!(name, control)]);
    }
    // A local worker that exits before it joins would otherwise be waited for until the bound.
    let earlyExit: string | undefined;
    for (const [name, h] of handles) {
      void h.exited.then((code) => {
        const m = members.get(name);
        if (!m) earlyExit ??= `worker ${name} exited with code ${code} before joining`;
        // A worker that ended on its own after its result is fine; one that died is lost at the next check.
        else if (code !== 0 && (m.status !== 'finished' && m.status !== 'lost' && m.status !== 'failed')) m.lastSeen = Math.min(m.lastSeen, nowMs() - heartbeatTimeoutMs + 1000);
      });
    }
    if (opts.remoteWorkers) log(`waiting for ${opts.remoteWorkers} remote worker(s): kafkaform loadtest worker --control ${control} --bootstrap-servers ${opts.connection.bootstrapServers.join(',')}`);
    const joined = await until(() => members.size >= expected || earlyExit !== undefined, joinTimeoutMs);
    for (const [name, h] of handles) {
      const m = members.get(name);
      if (m) m.local = h;
    }
    if (!joined || earlyExit) {
      throw new UserError(earlyExit ?? `only ${members.size} of ${expected} worker(s) joined within ${joinTimeoutMs / 1000}s`, `workers join through ${control} on the cluster under test: check that they reach ${opts.connection.bootstrapServers.join(',')}`);
    }
    // Worker i of n takes the partitions p mod n = i. Join order is a race between processes, so order by
    // name (local-1, local-2, …, numerically): the split and the report's worker list are reproducible.
    const names = [...members.keys()].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
    await channel.publish({ type: 'start', runId: w.runId, workload: toWireWorkload(w), workers: names, partitions });
    if (!(await until(() => live().every((m) => m.status !== 'joined'), joinTimeoutMs)) || live().length === 0) {
      throw new UserError(`not every worker got ready within ${joinTimeoutMs / 1000}s (${live().filter((m) => m.status === 'joined').map((m) => m.name).join(', ')})`);
    }
    const t0 = nowMs() + 1000;
    await channel.publish({ type: 'go', runId: w.runId, t0Ms: t0 });
    log(`${names.length} worker(s) producing for ${w.durationMs / 1000}s`);
    // In max mode each worker's search ends its producing, at most 2 s past the duration.
    await until(() => live().every((m) => m.status !== 'ready'), w.durationMs + 3000 + 30_000);
    // Drain: every acknowledged record of the live workers consumed (heartbeat counters), bounded.
    const drainMs = opts.drainTimeoutMs ?? 45_000;
    const totals = () => live().reduce((t, m) => ({ acked: t.acked + m.counters.acknowledged, consumed: t.consumed + m.counters.consumed }), { acked: 0, consumed: 0 });
    await until(() => totals().consumed >= totals().acked, drainMs);
    // One more heartbeat round, for late duplicates and counters in flight.
    await sleep(1500);
    await channel.publish({ type: 'stop', runId: w.runId });
    log(`stopped: waiting for the workers' results (consumed ${totals().consumed} of ${totals().acked} acknowledged)`);
    await until(() => live().every((m) => m.status === 'finished'), 60_000);
    for (const m of live()) {
      if (m.status === 'finished') continue;
      m.status = 'lost';
      m.reason = 'its result did not arrive within 60 s of the stop';
    }
    const finished = [...members.values()].filter((m) => m.result);
    log(`merging the results of ${finished.length} worker(s)`);
    const merged = mergeWorkerResults(w, partitions, finished.map((m) => m.result!));
    const acc = new RunAccounts(merged.states, runTagOf(w.runId));
    const drained = acc.lost() === 0;
    log(`merged: ${acc.acknowledged()} acknowledged, ${acc.consumed()} consumed, ${acc.lost()} not consumed`);
    // Records a lost worker had consumed look lost until the log is read again.
    const missedByConsumers = drained ? 0 : await verify(run, acc);
    let ackedSoFar = 0;
    let consumedSoFar = 0;
    for (const b of merged.buckets.all) {
      ackedSoFar += b.acked;
      consumedSoFar += b.consumed;
      b.lag = Math.max(0, ackedSoFar - consumedSoFar);
    }
    const workers = names.map((name) => workerReport(members.get(name)!, acc, names.indexOf(name), names.length, w, partitions));
    const deleted = await cleanUpAll(run, channel, handles);
    channel = undefined;
    const report = buildReport({
      workload: w,
      cluster: { ...opts.cluster, bootstrapServers: opts.connection.bootstrapServers },
      client: { name: client.name, warnings: merged.warnings, warningSamples: merged.warningSamples },
      startedAt,
      finishedAt: new Date().toISOString(),
      durationSeconds: Math.max(0.001, merged.durationSeconds),
      topicStates: acc.topics,
      buckets: merged.buckets.all,
      publishDelay: merged.publishDelay,
      errorCount: merged.errorCount,
      errorSamples: merged.errorSamples,
      drained,
      deleted,
      missedByConsumers,
      ...(merged.maxRate ? { maxRate: merged.maxRate } : {}),
    });
    report.settings.workers = names.length;
    report.workers = workers;
    return report;
  } catch (e) {
    await channel?.publish({ type: 'abort', runId: w.runId, reason: (e as Error).message }).catch(() => undefined);
    throw e;
  } finally {
    await cleanUpAll(run, channel, handles);
  }
}

/** Stops local workers still running, closes the channel, deletes the run's topics (once). */
async function cleanUpAll(run: Run, channel: ControlChannel | undefined, handles: Array<[string, WorkerHandle]>): Promise<string[]> {
  for (const [, h] of handles) h.kill();
  await Promise.all(handles.map(([, h]) => withTimeout(h.exited, 10_000)));
  handles.length = 0;
  await channel?.close();
  if (run.created.length) run.log(`deleting ${run.created.join(', ')}`);
  const deleted = await cleanUp(run);
  run.created.length = 0;
  return deleted;
}

function workerReport(m: Member, acc: RunAccounts, index: number, count: number, w: RunLoadOptions['workload'], partitions: Record<string, number>): WorkerReport {
  const share = computeWorkerShare(w, partitions, index, count);
  const r = m.result;
  if (!r) {
    const consumedByOthers = acc.topics.reduce((n, st) => n + st.ledger.consumedFrom((id) => workerOfProducer(id) === index), 0);
    return {
      name: m.name,
      host: m.host,
      pid: m.pid,
      status: m.status === 'failed' ? 'failed' : 'lost',
      ...(m.reason ? { reason: m.reason } : {}),
      partitions: share.partitions,
      producer: { messagesPerSecond: 0, megabytesPerSecond: 0 },
      messages: { sent: m.counters.sent, acknowledged: m.counters.acknowledged, consumed: m.counters.consumed, consumedByOthers },
    };
  }
  const publish = new LatencyHistogram();
  let sent = 0;
  let acknowledged = 0;
  let consumed = 0;
  let ackedBytes = 0;
  for (const t of r.topics) {
    publish.add(LatencyHistogram.deserialize(t.publish));
    sent += t.ledger.counts.sent;
    acknowledged += t.ledger.counts.acknowledged;
    consumed += t.ledger.counts.consumed;
    ackedBytes += t.ackedBytes;
  }
  const round = (v: number, d: number) => Math.round(v * 10 ** d) / 10 ** d;
  return {
    name: m.name,
    host: r.host,
    pid: r.pid,
    status: 'finished',
    partitions: r.partitions,
    producer: { messagesPerSecond: round(acknowledged / r.durationSeconds, 2), megabytesPerSecond: round(ackedBytes / 1024 / 1024 / r.durationSeconds, 3) },
    messages: { sent, acknowledged, consumed },
    latencyMs: { publish: publish.summary() },
  };
}
