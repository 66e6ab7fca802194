/**
 * One worker of a multi-process load test (`kafkaform loadtest worker --control TOPIC`): joins
 * through the control topic, waits for the coordinator's workload and start time, drives its share
 * (worker-share.ts), consumes in the run's consumer groups, sends heartbeats throughout, and at
 * the coordinator's stop returns its ledgers and histograms. Every wait is bounded: a worker whose
 * coordinator vanished gives up instead of hanging.
 */
import { hostname } from 'node:os';
import type { Connection } from '../cluster/port.js';
import { UserError } from '../errors.js';
import { sleep } from '../os/process.js';
import { ControlChannel } from './control-channel.js';
import { createLoadClient } from './create-load-client.js';
import type { LoadClient } from './load-client.js';
import { nowMs } from './message.js';
import { toWorkerResult } from './merge-worker-results.js';
import { runProducer } from './open-loop-producer.js';
import { cleanUp, consumerSwitch, startConsumers, startProducers, type Run } from './run-phases.js';
import { MaxRateSearch, searchTiming } from './rate-search.js';
import { fillTargets, newTopicState, RunAccounts, runTagOf, type TopicState } from './run-state.js';
import { chunkResult, fromWireWorkload, type ControlMessage, type WorkerCounters, type WorkerPhase } from './worker-protocol.js';
import { computeWorkerShare } from './worker-share.js';

export interface RunWorkerOptions {
  connection: Connection;
  /** The control topic the coordinator created. */
  control: string;
  /** Unique among the run's workers; default host-pid. */
  name?: string;
  /** Default: the client from createLoadClient. */
  client?: LoadClient;
  onLog?: (message: string) => void;
  /** Stops producing early; the worker still reports. */
  signal?: AbortSignal;
  /** How long to wait for the control topic and the coordinator's start. Default 120 s. */
  joinTimeoutMs?: number;
  /** Default 1 s. */
  heartbeatIntervalMs?: number;
}

export interface WorkerOutcome {
  name: string;
  runId: string;
  /** 'aborted': the coordinator called the run off. */
  status: 'finished' | 'aborted';
}

type Msg<T extends ControlMessage['type']> = Extract<ControlMessage, { type: T }>;
const is =
  <T extends ControlMessage['type']>(type: T, runId?: string) =>
  (m: ControlMessage): m is Msg<T> =>
    m.type === type && (runId === undefined || !('runId' in m) || m.runId === runId);

/** Joins the run on `control`, does this worker's share and returns when its result is published. */
export async function runWorker(opts: RunWorkerOptions): Promise<WorkerOutcome> {
  const name = opts.name ?? `${hostname()}-${process.pid}`;
  const log = opts.onLog ?? (() => {});
  const joinTimeoutMs = opts.joinTimeoutMs ?? 120_000;
  const client = opts.client ?? createLoadClient(opts.connection);
  const channel = await ControlChannel.open(client, opts.control, name, joinTimeoutMs).catch((e: Error) => {
    throw new UserError(`cannot join the control topic ${opts.control} within ${joinTimeoutMs / 1000}s: ${e.message}`, 'start the coordinator (kafkaform loadtest --remote-workers N --control TOPIC) against the same cluster');
  });
  let phase: WorkerPhase = 'joined';
  let acc: RunAccounts | undefined;
  const counters = (): WorkerCounters => ({ sent: acc?.sent() ?? 0, acknowledged: acc?.acknowledged() ?? 0, consumed: acc?.consumed() ?? 0, errors: acc?.errorCount ?? 0 });
  const beat = () => channel.publish({ type: 'heartbeat', worker: name, phase, counters: counters() }).catch(() => undefined);
  const heartbeats = setInterval(beat, opts.heartbeatIntervalMs ?? 1000);
  let stopped = false;
  let runId: string | undefined;
  channel.onMessage((m) => {
    if ((m.type === 'stop' || m.type === 'abort') && m.runId === runId) stopped = true;
  });
  let run: Run | undefined;
  try {
    await channel.publish({ type: 'hello', worker: name, host: hostname(), pid: process.pid });
    const start = await channel.waitFor((m): m is Msg<'start'> => m.type === 'start' && m.workers.includes(name), joinTimeoutMs, opts.signal);
    if (!start) throw new UserError(`no coordinator started a run with worker ${name} within ${joinTimeoutMs / 1000}s`, `is a coordinator waiting on ${opts.control}? Worker names must be unique`);
    runId = start.runId;
    const w = fromWireWorkload(start.workload);
    const share = computeWorkerShare(w, start.partitions, start.workers.indexOf(name), start.workers.length);
    log(`run ${runId}: worker ${share.index + 1} of ${share.count}, partitions ${Object.entries(share.partitions).map(([t, ps]) => `${t}[${ps.join(',')}]`).join(' ')}`);
    const states = new Map<string, TopicState>(share.workload.topics.map((t) => [t.loadTopic, newTopicState(t, t.partitions)]));
    const runTag = runTagOf(runId);
    acc = new RunAccounts(states, runTag, { sketches: true });
    run = {
      w: share.workload,
      client,
      ownsPort: false,
      log,
      producers: [],
      consumers: [],
      created: [],
      clientTag: name,
      share: { producerIdBase: share.producerIdBase, partitionsOf: (st) => share.partitions[st.w.loadTopic] ?? [] },
    };
    await startConsumers(run, acc);
    const producers = await startProducers(run, acc);
    phase = 'ready';
    await channel.publish({ type: 'ready', worker: name, runId });
    const go = await channel.waitFor(is('go', runId), joinTimeoutMs, opts.signal);
    const aborted = await channel.waitFor(is('abort', runId), 0);
    if (!go || aborted) return { name, runId, status: 'aborted' };
    const t0 = go.t0Ms;
    acc.buckets.t0 = t0;
    while (nowMs() < t0) await sleep(Math.min(50, t0 - nowMs()));
    phase = 'producing';
    const a = acc;
    // --rate max: every worker runs the search on its own share of the partitions, on the same clock
    // (the same t0 and phase lengths), so the ceiling phases coincide; the coordinator sums the shares.
    // The producer-only ceiling starts together on every worker, a second after the last step may end.
    const search = w.mode === 'max' ? new MaxRateSearch(a, searchTiming(w.durationMs), undefined, { consumers: consumerSwitch(run), notBeforeMs: w.durationMs + 1_000 }) : undefined;
    search?.start();
    // In max mode the search ends producing; the deadline only guards against a late last tick.
    const endAt = t0 + w.durationMs + (search?.overrunMs() ?? 0);
    let filled = 0;
    let searchDone = false;
    const ticker = setInterval(() => {
      const elapsedMs = nowMs() - t0;
      filled = fillTargets(a, filled, Math.floor(elapsedMs / 1000));
      if (search && !searchDone && !search.tick(elapsedMs)) searchDone = true;
    }, 1000);
    try {
      await Promise.all(producers.map((r) => runProducer(r, { runTag, endAt, stopped: () => stopped || searchDone || opts.signal?.aborted === true, acc: a })));
    } finally {
      clearInterval(ticker);
    }
    // A run stopped during the producer-only ceiling left the consumers paused: the drain needs them.
    consumerSwitch(run).resume();
    const producedUntil = Math.min(nowMs(), endAt);
    const durationSeconds = Math.max(0.001, (producedUntil - t0) / 1000);
    fillTargets(a, filled, Math.ceil(durationSeconds));
    phase = 'draining';
    await channel.publish({ type: 'produced', worker: name, runId, counters: counters() });
    // The coordinator stops the run once every worker's consumers caught up (or its drain bound passed).
    const stop = await channel.waitFor(is('stop', runId), joinTimeoutMs + 60_000, opts.signal);
    if (!stop && !opts.signal?.aborted) {
      if (await channel.waitFor(is('abort', runId), 0)) return { name, runId, status: 'aborted' };
      throw new UserError(`the coordinator of run ${runId} went silent: no stop within ${(joinTimeoutMs + 60_000) / 1000}s after producing`);
    }
    phase = 'reporting';
    await cleanUp(run);
    run = undefined;
    const result = toWorkerResult(acc, {
      worker: name,
      host: hostname(),
      pid: process.pid,
      durationSeconds,
      producers: producers.length,
      consumers: share.workload.consumers * share.workload.topics.length,
      partitions: share.partitions,
      client: { name: client.name, warnings: client.warnings(), warningSamples: client.warningSamples() },
      ...(search ? { maxRate: search.result() } : {}),
    });
    for (const m of chunkResult(result, runId)) await channel.publish(m);
    log(`run ${runId}: result published (${counters().acknowledged} acknowledged, ${counters().consumed} consumed)`);
    return { name, runId, status: 'finished' };
  } catch (e) {
    await channel.publish({ type: 'failed', worker: name, ...(runId ? { runId } : {}), message: (e as Error).message }).catch(() => undefined);
    throw e;
  } finally {
    clearInterval(heartbeats);
    if (run) await cleanUp(run);
    await channel.close();
  }
}
