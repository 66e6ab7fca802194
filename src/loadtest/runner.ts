/**
 * runLoad: the I/O edge of the load test. Creates the run's topics, starts consumers, drives
 * open-loop producers on a schedule (so a slow broker shows up as publish delay instead of being
 * hidden: no coordinated omission), drains, accounts every record and deletes what it created.
 * Topic admin goes through the ClusterPort, traffic through a LoadClient; the max-rate rules are
 * in rate-search.ts and the aggregation in build-report.ts.
 */
import { KafkajsClusterPort } from '../cluster/kafkajs-adapter.js';
import type { ClusterPort, Connection } from '../cluster/port.js';
import { UserError } from '../errors.js';
import { sleep } from '../os/process.js';
import { buildReport, type ReportInput } from './build-report.js';
import { createLoadClient } from './create-load-client.js';
import type { LoadClient, LoadConsumer, LoadProducer } from './load-client.js';
import { nowMs } from './message.js';
import { runProducer, type ProducerRun } from './open-loop-producer.js';
import { DEFAULT_RATE_RULE, MaxRateSearch, searchTiming } from './rate-search.js';
import type { LoadTestReport } from './report-types.js';
import { newTopicState, RunAccounts, type TopicState } from './run-state.js';
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

/** Resolves `p`, or undefined after `ms` (shutdown must never hang on a dead broker). */
async function withTimeout<T>(p: Promise<T>, ms: number): Promise<T | undefined> {
  let t: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<undefined>((r) => (t = setTimeout(() => r(undefined), ms)))]);
  } finally {
    if (t) clearTimeout(t);
  }
}

/** The run's own temporary copies of the topics (recorded in `created`), or the declared ones with --use-existing. */
async function openTopics(port: ClusterPort, w: Workload, log: (m: string) => void, created: string[]): Promise<Map<string, TopicState>> {
  const states = new Map<string, TopicState>();
  if (w.useExisting) {
    const existing = new Set(await port.listTopics());
    const live = await port.describeTopics(w.topics.map((t) => t.loadTopic).filter((n) => existing.has(n)));
    for (const t of w.topics) {
      const l = live.find((x) => x.name === t.loadTopic);
      if (!l || l.partitions === 0) throw new UserError(`topic ${t.loadTopic} does not exist on the cluster`, 'deploy first, or drop --use-existing to load-test temporary copies');
      states.set(t.loadTopic, newTopicState(t, l.partitions));
    }
    return states;
  }
  for (const t of w.topics) {
    log(`creating ${t.loadTopic} (${t.partitions} partitions, RF ${t.replicationFactor})`);
    try {
      await port.createTopic({ name: t.loadTopic, partitions: t.partitions, replicationFactor: t.replicationFactor, config: t.config });
    } catch (e) {
      // A loaded broker may create the topic but answer the client's wait for its leaders with
      // "does not host this topic-partition": the topic is there, only slow to show up.
      if (isUnknownTopic(e) && (await appeared(port, t.loadTopic, t.partitions))) {
        log(`${t.loadTopic} was created, though the broker's first answer said otherwise (${(e as Error).message})`);
        created.push(t.loadTopic);
        states.set(t.loadTopic, newTopicState(t, t.partitions));
        continue;
      }
      throw new UserError(`cannot create load-test topic ${t.loadTopic}: ${(e as Error).message}`, 'the cluster needs as many brokers as the replication factor, and the principal needs Create on the cluster or on the kafkaform-loadtest. prefix');
    }
    created.push(t.loadTopic);
    states.set(t.loadTopic, newTopicState(t, t.partitions));
  }
  return states;
}

function isUnknownTopic(e: unknown): boolean {
  const x = e as { code?: string; type?: string; message?: string };
  return /UNKNOWN_TOPIC_OR_PARTITION|does not host this topic-partition/i.test(`${x?.code ?? ''} ${x?.type ?? ''} ${x?.message ?? ''}`);
}

/** Whether `name` shows up with all its partitions within 10 s (bounded polls). */
async function appeared(port: ClusterPort, name: string, partitions: number): Promise<boolean> {
  const deadline = nowMs() + 10_000;
  for (;;) {
    const live = await port.describeTopics([name]).catch(() => []);
    if (live.some((l) => l.name === name && l.partitions === partitions)) return true;
    if (nowMs() > deadline) return false;
    await sleep(250);
  }
}

/** The default admin path: the kafkajs ClusterPort, retrying for as long as a broker crash takes to settle. */
function defaultClusterPort(conn: Connection): ClusterPort {
  return new KafkajsClusterPort({ ...conn, clientId: conn.clientId ?? 'kafkaform-loadtest-admin', retries: conn.retries ?? 12 });
}

/** What the phases of one run share; `producers`, `consumers` and `created` are what cleanup must undo. */
interface Run {
  w: Workload;
  opts: RunLoadOptions;
  client: LoadClient;
  port: ClusterPort;
  log: (m: string) => void;
  producers: LoadProducer[];
  consumers: LoadConsumer[];
  created: string[];
}

/** Consumers first, so the whole run is read back. */
async function startConsumers(run: Run, acc: RunAccounts): Promise<void> {
  const { w } = run;
  run.log(`starting ${w.consumers * acc.topics.length} consumer(s)`);
  await Promise.all(
    acc.topics.flatMap((st) =>
      Array.from({ length: w.consumers }, async (_, i) => {
        const c = run.client.createConsumer({ clientId: `kafkaform-loadtest-${w.runId}-c${i}`, groupId: `kafkaform-loadtest-${st.w.topic}-${w.runId}`, topics: [st.w.loadTopic], fromBeginning: !w.useExisting });
        run.consumers.push(c);
        await c.start(acc.onRecords);
      }),
    ),
  );
}

/**
 * `workload.producers` connected producers per topic, each driving its lanes (see LoadProducer.lanes)
 * over disjoint partitions; every lane has a run-wide id (the stamp's producer id) and its share of the rate.
 */
async function startProducers(run: Run, acc: RunAccounts): Promise<ProducerRun[]> {
  const { w } = run;
  run.log(`starting ${w.producers * acc.topics.length} producer(s)`);
  const runs: ProducerRun[] = [];
  for (const st of acc.topics) {
    for (let i = 0; i < w.producers; i++) {
      const p = run.client.createProducer({ clientId: `kafkaform-loadtest-${w.runId}-p${runs.length}`, acks: w.acks, compression: st.w.compression, idempotent: w.idempotent });
      run.producers.push(p);
      const lanes = Math.max(1, Math.min(p.lanes ?? 1, st.partitions));
      for (let lane = 0; lane < lanes; lane++) {
        const partitions = Array.from({ length: st.partitions }, (_, k) => k).filter((k) => k % lanes === lane);
        runs.push({ st, p, id: runs.length, share: 1 / (w.producers * lanes), partitions, firstPartition: i % partitions.length });
      }
    }
  }
  await Promise.all(run.producers.map((p) => p.connect()));
  return runs;
}

/** Waits (bounded) until every acknowledged record was consumed; true when none is missing. */
async function drain(run: Run, acc: RunAccounts): Promise<boolean> {
  run.log('producers stopped; waiting for consumers to catch up');
  const drainDeadline = nowMs() + (run.opts.drainTimeoutMs ?? 45_000);
  while (acc.lag() > 0 && nowMs() < drainDeadline) await sleep(100);
  // A short grace period catches late duplicates (redelivery after a rebalance).
  await sleep(500);
  return acc.lost() === 0;
}

/**
 * When the live consumers missed acknowledged records: re-reads the topics from the beginning with
 * a fresh group. What it finds was in the log all along (a consumer problem, missedByConsumers);
 * only what it cannot find is truly lost. Returns how many it found.
 */
async function verify(run: Run, acc: RunAccounts): Promise<number> {
  const { w } = run;
  const before = acc.lost();
  run.log(`${before} acknowledged record(s) not consumed; re-reading the topics from the beginning to check the log`);
  acc.reread = true;
  const verifiers = acc.topics.map((st) =>
    run.client.createConsumer({ clientId: `kafkaform-loadtest-${w.runId}-verify`, groupId: `kafkaform-loadtest-${st.w.topic}-${w.runId}-verify`, topics: [st.w.loadTopic], fromBeginning: true }),
  );
  run.consumers.push(...verifiers);
  const verifyTimeoutMs = run.opts.verifyTimeoutMs ?? 30_000;
  await withTimeout(Promise.all(verifiers.map((v) => v.start(acc.onRecords))), verifyTimeoutMs).catch((e) => acc.noteError(e));
  const verifyDeadline = nowMs() + verifyTimeoutMs;
  while (acc.lost() > 0 && nowMs() < verifyDeadline) await sleep(250);
  return before - acc.lost();
}

/** Disconnects every client and deletes the run's temporary topics; always runs, bounded in time. Returns the deleted topics. */
async function cleanUp(run: Run): Promise<string[]> {
  await Promise.all(run.producers.map((p) => withTimeout(p.disconnect().catch(() => undefined), 10_000)));
  await Promise.all(run.consumers.map((c) => withTimeout(c.disconnect().catch(() => undefined), 15_000)));
  const deleted: string[] = [];
  if (!run.w.keepTopics) {
    for (const name of run.created) {
      try {
        await withTimeout(run.port.deleteTopic(name), 30_000);
        deleted.push(name);
      } catch (e) {
        run.log(`could not delete ${name}: ${(e as Error).message}`);
      }
    }
  }
  if (!run.opts.clusterPort) await run.port.close();
  return deleted;
}

/** Runs the workload against the cluster and returns the report. */
export async function runLoad(opts: RunLoadOptions): Promise<LoadTestReport> {
  const w = opts.workload;
  const client = opts.client ?? createLoadClient(opts.connection);
  const run: Run = { w, opts, client, port: opts.clusterPort ?? defaultClusterPort(opts.connection), log: opts.onLog ?? (() => {}), producers: [], consumers: [], created: [] };
  const runTag = Number.parseInt(w.runId.slice(0, 8).padEnd(8, '0'), 16) >>> 0 || 1;
  const startedAt = new Date().toISOString();
  let outcome: Omit<ReportInput, 'deleted'>;
  let deleted: string[];

  try {
    const acc = new RunAccounts(await openTopics(run.port, w, run.log, run.created), runTag);
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
    const search = w.mode === 'max' ? new MaxRateSearch(acc, searchTiming(w.durationMs), rule) : undefined;
    search?.start();
    // In max mode the search ends the run; the deadline is only a guard against a late last tick.
    const endAt = t0 + w.durationMs + (search ? 2_000 : 0);
    let phase: LiveProgress['phase'] = 'producing';
    let filled = 0;
    /** Records the current target in every second before `untilSecond` not recorded yet (the ticker calls it before a step changes the rates). */
    const fillTargets = (untilSecond: number) => {
      const closedLoop = acc.closedLoop();
      for (; filled < untilSecond; filled++) {
        const b = acc.buckets.at(t0 + filled * 1000);
        b.closedLoop = closedLoop;
        b.target = closedLoop ? 0 : acc.target();
      }
    };
    const ticker = setInterval(() => {
      const now = nowMs();
      const b = acc.buckets.at(Math.max(t0, now - 1000)); // the second that just ended
      b.lag = acc.lag();
      if (phase === 'producing') fillTargets(Math.floor((now - t0) / 1000));
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
      fillTargets(Math.ceil((producedUntil - t0) / 1000)); // up to the last, partial second
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
        ...(search
          ? {
              maxRate: {
                ceilingMessagesPerSecond: Math.round(search.ceiling),
                ceilingPhaseSeconds: search.ceilingEndSecond,
                sustainableMessagesPerSecond: search.sustainable,
                limitReached: search.limitReached,
                rule,
                steps: search.steps,
              },
            }
          : {}),
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
