/**
 * runLoad: the I/O edge of the load test. Creates the run's topics, starts consumers, drives
 * open-loop producers on a schedule (so a slow broker shows up as publish delay instead of being
 * hidden: no coordinated omission), drains, accounts every record and deletes what it created.
 * Topic admin goes through the ClusterPort, traffic through a LoadClient; the max-rate rules are
 * in rate-search.ts and the aggregation in build-report.ts.
 */
import { KafkajsClusterPort } from '../cluster/kafkajs-adapter.js';
import type { ClusterPort, Connection } from '../cluster/port.js';
import { buildReport, type ReportInput } from './build-report.js';
import { createLoadClient } from './create-load-client.js';
import type { LoadClient } from './load-client.js';
import { nowMs } from './message.js';
import { runProducer } from './open-loop-producer.js';
import { DEFAULT_RATE_RULE, MaxRateSearch, searchTiming } from './rate-search.js';
import type { LoadTestReport } from './report-types.js';
import { cleanUp, consumerSwitch, drain, openTopics, startConsumers, startProducers, verify, type Run } from './run-phases.js';
import { fillTargets, RunAccounts, runTagOf } from './run-state.js';
import type { Workload } from './workload.js';

export interface LiveProgress {
  elapsedSeconds: number;
  remainingSeconds: number;
  phase: 'producing' | 'draining';
  /** --rate max ceiling phase: the producers send as fast as they go (no target). */
  closedLoop: boolean;
  targetMessagesPerSecond: number;
  acknowledgedPerSecond: number;
  publishP99Ms: number;
  lag: number;
  errors: number;
}

export interface RunLoadOptions {
  workload: Workload;
  connection: Connection;
  cluster: { name: string; environment: string };
  /** Default: the client from createLoadClient. */
  client?: LoadClient;
  /** Creates, describes and deletes the run's topics. Default: a KafkajsClusterPort on the same connection (closed at the end). */
  clusterPort?: ClusterPort;
  onProgress?: (p: LiveProgress) => void;
  onLog?: (message: string) => void;
  /** Stops producing early (Ctrl-C); the run still drains, reports and cleans up. */
  signal?: AbortSignal;
  /** How long to wait for consumers to catch up after producing stops. Default 45 s. */
  drainTimeoutMs?: number;
  /** How long the re-read of the topics may look for records the live consumers missed. Default 30 s. */
  verifyTimeoutMs?: number;
  /** Max-rate search: publish delay p99 above this makes a step unsustainable. Default 250 ms. */
  maxPublishDelayMs?: number;
}

/**
 * The default admin path: the kafkajs ClusterPort, retrying for as long as a broker crash takes to
 * settle. (The platformatic port's createTopic returns before the partitions have leaders, which the
 * kafkajs one waits for.)
 */
export function defaultClusterPort(conn: Connection): ClusterPort {
  return new KafkajsClusterPort({ ...conn, clientId: conn.clientId ?? 'kafkaform-loadtest-admin', retries: conn.retries ?? 12 });
}

/** Runs the workload against the cluster and returns the report. */
export async function runLoad(opts: RunLoadOptions): Promise<LoadTestReport> {
  const w = opts.workload;
  const client = opts.client ?? createLoadClient(opts.connection);
  const run: Run = {
    w,
    client,
    port: opts.clusterPort ?? defaultClusterPort(opts.connection),
    ownsPort: !opts.clusterPort,
    log: opts.onLog ?? (() => {}),
    producers: [],
    consumers: [],
    created: [],
    drainTimeoutMs: opts.drainTimeoutMs,
    verifyTimeoutMs: opts.verifyTimeoutMs,
  };
  const runTag = runTagOf(w.runId);
  const startedAt = new Date().toISOString();
  let outcome: Omit<ReportInput, 'deleted'>;
  let deleted: string[];

  try {
    const acc = new RunAccounts(await openTopics(run.port!, w, run.log, run.created), runTag);
    await startConsumers(run, acc);
    const producers = await startProducers(run, acc);

    let stopped = false;
    const stop = () => {
      stopped = true;
    };
    opts.signal?.addEventListener('abort', stop, { once: true });
    const t0 = nowMs();
    acc.buckets.t0 = t0;

    // Max-rate search: a closed-loop ceiling phase, then open-loop steps below it (rate-search.ts).
    const rule = { ...DEFAULT_RATE_RULE, maxPublishDelayMs: opts.maxPublishDelayMs ?? DEFAULT_RATE_RULE.maxPublishDelayMs };
    const search = w.mode === 'max' ? new MaxRateSearch(acc, searchTiming(w.durationMs), rule, { consumers: consumerSwitch(run) }) : undefined;
    search?.start();
    // In max mode the search ends the run; the deadline is only a guard against a late last tick.
    const endAt = t0 + w.durationMs + (search?.overrunMs() ?? 0);
    let phase: LiveProgress['phase'] = 'producing';
    let filled = 0;
    const ticker = setInterval(() => {
      const now = nowMs();
      const b = acc.buckets.at(Math.max(t0, now - 1000)); // the second that just ended
      b.lag = acc.lag();
      if (phase === 'producing') filled = fillTargets(acc, filled, Math.floor((now - t0) / 1000));
      const last = acc.buckets.all[Math.max(0, Math.floor((now - t0) / 1000) - 1)];
      const closedLoop = acc.closedLoop();
      opts.onProgress?.({
        elapsedSeconds: Math.round((now - t0) / 1000),
        remainingSeconds: Math.max(0, Math.round((t0 + w.durationMs - now) / 1000)),
        phase,
        closedLoop,
        targetMessagesPerSecond: closedLoop ? 0 : Math.round(acc.target()),
        acknowledgedPerSecond: last?.acked ?? 0,
        publishP99Ms: last?.publish.percentileMs(99) ?? 0,
        lag: b.lag,
        errors: acc.errorCount,
      });
      if (search && phase === 'producing' && !stopped && !search.tick(now - t0)) stop();
    }, 1000);

    try {
      await Promise.all(producers.map((r) => runProducer(r, { runTag, endAt, stopped: () => stopped, acc })));
      const producedUntil = Math.min(nowMs(), endAt);
      const durationSeconds = Math.max(0.001, (producedUntil - t0) / 1000);
      fillTargets(acc, filled, Math.ceil((producedUntil - t0) / 1000)); // up to the last, partial second
      phase = 'draining';
      const drained = await drain(run, acc);
      clearInterval(ticker);
      const missedByConsumers = drained ? 0 : await verify(run, acc);
      outcome = {
        workload: w,
        cluster: { ...opts.cluster, bootstrapServers: opts.connection.bootstrapServers },
        client: { name: client.name, warnings: client.warnings(), warningSamples: client.warningSamples() },
        startedAt,
        finishedAt: new Date().toISOString(),
        durationSeconds,
        topicStates: acc.topics,
        buckets: acc.buckets.all,
        errorCount: acc.errorCount,
        errorSamples: acc.errorSamples,
        drained,
        ...(search ? { maxRate: search.result() } : {}),
        missedByConsumers,
      };
    } finally {
      clearInterval(ticker);
      opts.signal?.removeEventListener('abort', stop);
    }
  } finally {
    deleted = await cleanUp(run);
  }
  return buildReport({ ...outcome, deleted });
}
