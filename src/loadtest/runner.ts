/**
 * runLoad: the I/O edge of the load test. Creates the run's topics, starts consumers, drives
 * open-loop producers on a schedule (so a slow broker shows up as publish delay instead of being
 * hidden: no coordinated omission), drains, accounts every record and deletes what it created.
 */
import type { Connection } from '../cluster/port.js';
import { UserError } from '../errors.js';
import { createLoadClient, type ConsumedRecord, type LoadAdmin, type LoadClient, type LoadProducer, type LoadRecord } from './client.js';
import { LatencyHistogram } from './histogram.js';
import { DeliveryLedger } from './ledger.js';
import { decodeRecordValue, encodeRecordValue, HEADER_BYTES, nowMs } from './message.js';
import { MIB, type LoadTestReport, type MaxRateStep, type TimeSeriesPoint, type TopicResult } from './report-types.js';
import type { TopicWorkload, Workload } from './workload.js';

export interface LiveProgress {
  elapsedSeconds: number;
  remainingSeconds: number;
  phase: 'producing' | 'draining';
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
  /** Default: the client's admin on the same connection. */
  admin?: LoadAdmin;
  onProgress?: (p: LiveProgress) => void;
  onLog?: (message: string) => void;
  /** Stops producing early (Ctrl-C); the run still drains, reports and cleans up. */
  signal?: AbortSignal;
  /** How long to wait for consumers to catch up after producing stops. Default 45 s. */
  drainTimeoutMs?: number;
  /** Max-rate search: publish delay p99 above this makes a step unsustainable. Default 250 ms. */
  maxPublishDelayMs?: number;
}

const MAX_BATCH_BYTES = 1 * MIB;
const MAX_BATCH_RECORDS = 2000;
const MAX_IN_FLIGHT_PER_PRODUCER = 8;
/** Each sustainable step doubles the rate: a one-minute search brackets the limit within 2×. */
export const MAX_RATE_GROWTH = 2;

interface SecondBucket {
  target: number;
  sent: number;
  acked: number;
  consumed: number;
  ackedBytes: number;
  consumedBytes: number;
  errors: number;
  lag: number;
  publish: LatencyHistogram;
  delay: LatencyHistogram;
  e2e: LatencyHistogram;
}

interface TopicState {
  w: TopicWorkload;
  partitions: number;
  /** Current target rate (changes in max mode). */
  rate: number;
  /** Max mode: the topic's rate in the last step judged sustainable. */
  sustainableRate?: number;
  ledger: DeliveryLedger;
  publish: LatencyHistogram;
  e2e: LatencyHistogram;
  ackedBytes: number;
  consumedBytes: number;
  firstAckAt?: number;
  lastAckAt?: number;
  firstConsumeAt?: number;
  lastConsumeAt?: number;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Resolves `p`, or undefined after `ms` (shutdown must never hang on a dead broker). */
async function withTimeout<T>(p: Promise<T>, ms: number): Promise<T | undefined> {
  let t: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<undefined>((r) => (t = setTimeout(() => r(undefined), ms)))]);
  } finally {
    if (t) clearTimeout(t);
  }
}

/** Runs the workload against the cluster and returns the report. */
export async function runLoad(opts: RunLoadOptions): Promise<LoadTestReport> {
  const w = opts.workload;
  const log = opts.onLog ?? (() => {});
  const client = opts.client ?? createLoadClient(opts.connection);
  const admin = opts.admin ?? client.createAdmin();
  const runTag = Number.parseInt(w.runId.slice(0, 8).padEnd(8, '0'), 16) >>> 0 || 1;
  const startedAt = new Date().toISOString();
  const created: string[] = [];
  const deleted: string[] = [];
  const producers: LoadProducer[] = [];
  const consumers: Array<{ disconnect(): Promise<void> }> = [];
  const errorSamples: string[] = [];
  let errorCount = 0;
  const noteError = (e: unknown) => {
    errorCount++;
    // Aggregate errors (several clients wrap the per-broker causes) carry the useful part inside.
    const inner = (e as { errors?: unknown[] })?.errors;
    const detail = Array.isArray(inner) && inner.length ? `: ${inner.map((x) => (x as Error)?.message ?? String(x)).slice(0, 3).join('; ')}` : '';
    const msg = `${(e as Error)?.message ?? String(e)}${detail}`;
    if (errorSamples.length < 20) errorSamples.push(msg.slice(0, 300));
  };

  try {
    // 1. Topics: the run's own temporary copies, or the declared ones with --use-existing.
    const states = new Map<string, TopicState>();
    if (w.useExisting) {
      const live = await admin.describeTopics(w.topics.map((t) => t.loadTopic));
      for (const t of w.topics) {
        const l = live.find((x) => x.name === t.loadTopic);
        if (!l || l.partitions === 0) throw new UserError(`topic ${t.loadTopic} does not exist on the cluster`, 'deploy first, or drop --use-existing to load-test temporary copies');
      }
      for (const t of w.topics) states.set(t.loadTopic, newTopicState(t, live.find((x) => x.name === t.loadTopic)!.partitions));
    } else {
      for (const t of w.topics) {
        log(`creating ${t.loadTopic} (${t.partitions} partitions, RF ${t.replicationFactor})`);
        try {
          await admin.createTopic({ name: t.loadTopic, partitions: t.partitions, replicationFactor: t.replicationFactor, config: t.config });
        } catch (e) {
          throw new UserError(`cannot create load-test topic ${t.loadTopic}: ${(e as Error).message}`, 'the cluster needs as many brokers as the replication factor, and the principal needs Create on the cluster or on the kafkaform-loadtest. prefix');
        }
        created.push(t.loadTopic);
        states.set(t.loadTopic, newTopicState(t, t.partitions));
      }
    }
    const topicStates = [...states.values()];

    // 2. Consumers first, so the whole run is read back.
    const buckets: SecondBucket[] = [];
    let t0 = 0; // set when producing starts
    let reread = false; // verification pass: records found then are not live consumption
    const bucket = (atMs: number): SecondBucket => {
      const s = Math.max(0, Math.floor((atMs - t0) / 1000));
      while (buckets.length <= s) {
        buckets.push({ target: 0, sent: 0, acked: 0, consumed: 0, ackedBytes: 0, consumedBytes: 0, errors: 0, lag: 0, publish: new LatencyHistogram(), delay: new LatencyHistogram(), e2e: new LatencyHistogram() });
      }
      return buckets[s]!;
    };
    const onRecords = (records: ConsumedRecord[]) => {
      const at = nowMs();
      for (const r of records) {
        const st = states.get(r.topic);
        const stamp = decodeRecordValue(r.stamp ?? r.value);
        if (!st || !stamp || stamp.runTag !== runTag) continue;
        if (st.ledger.markConsumed(stamp.producerId, stamp.sequence, r.partition, r.offset) !== 'first') continue;
        const b = t0 && !reread ? bucket(at) : undefined;
        const e2e = at - stamp.sentAtMs;
        st.e2e.recordMs(e2e);
        st.consumedBytes += r.value.length;
        st.firstConsumeAt ??= at;
        st.lastConsumeAt = at;
        if (b) {
          b.consumed++;
          b.consumedBytes += r.value.length;
          b.e2e.recordMs(e2e);
        }
      }
    };
    log(`starting ${w.consumers * topicStates.length} consumer(s)`);
    await Promise.all(
      topicStates.flatMap((st) =>
        Array.from({ length: w.consumers }, async (_, i) => {
          const c = client.createConsumer({
            clientId: `kafkaform-loadtest-${w.runId}-c${i}`,
            groupId: `kafkaform-loadtest-${st.w.topic}-${w.runId}`,
            topics: [st.w.loadTopic],
            fromBeginning: !w.useExisting,
          });
          consumers.push(c);
          await c.start(onRecords);
        }),
      ),
    );

    // 3. Producers.
    log(`starting ${w.producers * topicStates.length} producer(s)`);
    const producerPlans: Array<{ st: TopicState; p: LoadProducer; id: number }> = [];
    let nextId = 0;
    for (const st of topicStates) {
      for (let i = 0; i < w.producers; i++) {
        const p = client.createProducer({ clientId: `kafkaform-loadtest-${w.runId}-p${nextId}`, acks: w.acks, compression: w.compression, idempotent: w.idempotent });
        producers.push(p);
        producerPlans.push({ st, p, id: nextId++ });
      }
    }
    await Promise.all(producers.map((p) => p.connect()));

    let stopped = false;
    const stop = () => {
      stopped = true;
    };
    opts.signal?.addEventListener('abort', stop, { once: true });
    t0 = nowMs();
    const endAt = t0 + w.durationMs;

    // Max-rate search: rates start low and grow while the previous step stayed sustainable.
    const steps: MaxRateStep[] = [];
    let limitReached = false;
    let sustainable = 0;
    if (w.mode === 'max') for (const st of topicStates) st.rate = Math.max(100, st.w.messagesPerSecond / 4);
    const stepMs = Math.min(10_000, Math.max(3_000, Math.floor(w.durationMs / 10)));
    const maxDelay = opts.maxPublishDelayMs ?? 250;

    const runProducer = async ({ st, p, id }: { st: TopicState; p: LoadProducer; id: number }) => {
      const size = st.w.messageBytes;
      const perProducerMax = Math.ceil(st.w.maxMessages / w.producers);
      const batchCap = Math.max(1, Math.min(MAX_BATCH_RECORDS, Math.floor(MAX_BATCH_BYTES / size)));
      const inFlight = new Set<Promise<void>>();
      let seq = 0;
      let next = t0;
      let partition = id % st.partitions;
      while (!stopped && seq < perProducerMax) {
        const now = nowMs();
        if (now >= endAt) break;
        if (next > now) {
          await sleep(Math.min(next - now, 20));
          continue;
        }
        const interval = (1000 * w.producers) / st.rate;
        const records: LoadRecord[] = [];
        const intended: number[] = [];
        const firstSeq = seq;
        const sentAt = nowMs();
        while (next <= now && records.length < batchCap && seq < perProducerMax) {
          const stamp = { runTag, producerId: id, sequence: seq, sentAtMs: sentAt };
          const payloads = st.w.payloads;
          records.push(
            payloads && payloads.length > 0
              ? { partition, key: Buffer.from(`${id}:${seq}`), value: payloads[seq % payloads.length]!, stamp: encodeRecordValue(stamp, HEADER_BYTES) }
              : { partition, key: Buffer.from(`${id}:${seq}`), value: encodeRecordValue(stamp, size) },
          );
          intended.push(next);
          st.ledger.markSent(id, seq);
          seq++;
          partition = (partition + 1) % st.partitions;
          next += interval;
        }
        const b = bucket(sentAt);
        b.sent += records.length;
        for (const i of intended) b.delay.recordMs(sentAt - i);
        while (inFlight.size >= Math.min(MAX_IN_FLIGHT_PER_PRODUCER, p.maxInFlight)) await Promise.race(inFlight);
        const sending = p
          .send(st.w.loadTopic, records)
          .then(
            () => {
              const at = nowMs();
              const lat = at - sentAt;
              const ab = bucket(at);
              for (let s = firstSeq; s < firstSeq + records.length; s++) st.ledger.markAcknowledged(id, s);
              for (let i = 0; i < records.length; i++) {
                st.publish.recordMs(lat);
                ab.publish.recordMs(lat);
              }
              ab.acked += records.length;
              ab.ackedBytes += records.length * size;
              st.ackedBytes += records.length * size;
              st.firstAckAt ??= at;
              st.lastAckAt = at;
            },
            (e) => {
              for (let s = firstSeq; s < firstSeq + records.length; s++) st.ledger.markFailed(id, s);
              noteError(e);
              bucket(nowMs()).errors++;
            },
          )
          .finally(() => inFlight.delete(sending));
        inFlight.add(sending);
        // Yield so acknowledgements and consumed records get processed between batches.
        await new Promise<void>((r) => setImmediate(r));
      }
      await Promise.allSettled([...inFlight]);
    };

    const totalLag = () => topicStates.reduce((n, st) => n + st.ledger.lag(), 0);
    const totalTarget = () => topicStates.reduce((n, st) => n + st.rate, 0);
    let lastStepAt = t0;
    let stepAckedBase = 0;
    const ackedSoFar = () => topicStates.reduce((n, st) => n + st.ledger.summary().acknowledged, 0);
    let phase: LiveProgress['phase'] = 'producing';
    const ticker = setInterval(() => {
      const now = nowMs();
      const b = bucket(Math.max(t0, now - 1000)); // the second that just ended
      b.lag = totalLag();
      b.target = b.target || totalTarget();
      const last = buckets[Math.max(0, Math.floor((now - t0) / 1000) - 1)];
      opts.onProgress?.({
        elapsedSeconds: Math.round((now - t0) / 1000),
        remainingSeconds: Math.max(0, Math.round((endAt - now) / 1000)),
        phase,
        targetMessagesPerSecond: Math.round(totalTarget()),
        acknowledgedPerSecond: last?.acked ?? 0,
        publishP99Ms: last?.publish.percentileMs(99) ?? 0,
        lag: b.lag,
        errors: errorCount,
      });
      if (w.mode === 'max' && phase === 'producing' && now - lastStepAt >= stepMs && !stopped) {
        // Judge the step by its second half (the first half absorbs the rate change).
        const from = Math.floor((lastStepAt - t0) / 1000 + stepMs / 2000);
        const to = Math.floor((now - t0) / 1000);
        const delay = new LatencyHistogram();
        for (let s = from; s < to; s++) if (buckets[s]) delay.add(buckets[s]!.delay);
        const acked = ackedSoFar();
        const achieved = Math.round(((acked - stepAckedBase) * 1000) / (now - lastStepAt));
        const target = totalTarget();
        const lag = totalLag();
        const ok = delay.percentileMs(99) <= maxDelay && lag <= Math.max(target, 1000) && achieved >= 0.8 * target;
        steps.push({ targetMessagesPerSecond: Math.round(target), acknowledgedPerSecond: achieved, publishDelayP99Ms: delay.percentileMs(99), lag, sustainable: ok });
        if (ok) {
          sustainable = Math.round(target);
          for (const st of topicStates) {
            st.sustainableRate = st.rate;
            st.rate *= MAX_RATE_GROWTH;
          }
        } else {
          limitReached = true;
          stop();
        }
        lastStepAt = now;
        stepAckedBase = acked;
      }
    }, 1000);
    for (let s = 0; s * 1000 < w.durationMs; s++) bucket(t0 + s * 1000).target = totalTarget();

    try {
      await Promise.all(producerPlans.map(runProducer));
      const producedUntil = Math.min(nowMs(), endAt);
      const durationSeconds = Math.max(0.001, (producedUntil - t0) / 1000);

      // 4. Drain: wait until every acknowledged record was consumed (bounded).
      phase = 'draining';
      log('producers stopped; waiting for consumers to catch up');
      const drainDeadline = nowMs() + (opts.drainTimeoutMs ?? 45_000);
      while (totalLag() > 0 && nowMs() < drainDeadline) await sleep(100);
      // A short grace period catches late duplicates (redelivery after a rebalance).
      await sleep(500);
      const drained = topicStates.every((st) => st.ledger.summary().lost === 0);
      clearInterval(ticker);

      // 5. Verification: when the live consumers missed acknowledged records, re-read the topics
      // from the beginning with a fresh group. What it finds was in the log all along (a consumer
      // problem, reported as missedByConsumers); only what it cannot find is truly lost.
      let missedByConsumers = 0;
      if (!drained) {
        const before = topicStates.reduce((n, st) => n + st.ledger.summary().lost, 0);
        log(`${before} acknowledged record(s) not consumed; re-reading the topics from the beginning to check the log`);
        reread = true;
        const verifiers = topicStates.map((st) =>
          client.createConsumer({ clientId: `kafkaform-loadtest-${w.runId}-verify`, groupId: `kafkaform-loadtest-${st.w.topic}-${w.runId}-verify`, topics: [st.w.loadTopic], fromBeginning: true }),
        );
        consumers.push(...verifiers);
        await withTimeout(Promise.all(verifiers.map((v) => v.start(onRecords))), 30_000).catch(noteError);
        const verifyDeadline = nowMs() + 30_000;
        while (topicStates.some((st) => st.ledger.summary().lost > 0) && nowMs() < verifyDeadline) await sleep(250);
        missedByConsumers = before - topicStates.reduce((n, st) => n + st.ledger.summary().lost, 0);
      }

      return buildReport({ w, opts, client, startedAt, durationSeconds, topicStates, buckets, errorCount, errorSamples, drained, steps, limitReached, sustainable, deleted, missedByConsumers });
    } finally {
      clearInterval(ticker);
      opts.signal?.removeEventListener('abort', stop);
    }
  } finally {
    // 5. Cleanup, always, bounded in time.
    await Promise.all(producers.map((p) => withTimeout(p.disconnect().catch(() => undefined), 10_000)));
    await Promise.all(consumers.map((c) => withTimeout(c.disconnect().catch(() => undefined), 15_000)));
    if (!w.keepTopics) {
      for (const name of created) {
        try {
          await withTimeout(admin.deleteTopic(name), 30_000);
          deleted.push(name);
        } catch (e) {
          log(`could not delete ${name}: ${(e as Error).message}`);
        }
      }
    }
    if (!opts.admin) await admin.close();
  }
}

function newTopicState(w: TopicWorkload, partitions: number): TopicState {
  return { w, partitions, rate: w.messagesPerSecond, ledger: new DeliveryLedger(), publish: new LatencyHistogram(), e2e: new LatencyHistogram(), ackedBytes: 0, consumedBytes: 0 };
}

function round(n: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

function buildReport(a: {
  w: Workload;
  opts: RunLoadOptions;
  client: LoadClient;
  startedAt: string;
  durationSeconds: number;
  topicStates: TopicState[];
  buckets: SecondBucket[];
  errorCount: number;
  errorSamples: string[];
  drained: boolean;
  steps: MaxRateStep[];
  limitReached: boolean;
  sustainable: number;
  deleted: string[];
  missedByConsumers: number;
}): LoadTestReport {
  const { w, durationSeconds } = a;
  const publish = new LatencyHistogram();
  const delay = new LatencyHistogram();
  const e2e = new LatencyHistogram();
  for (const b of a.buckets) delay.add(b.delay);
  const totals = { sent: 0, acknowledged: 0, failed: 0, consumed: 0, lost: 0, duplicated: 0, redelivered: 0 };
  let ackedBytes = 0;
  let consumedBytes = 0;
  const topics: TopicResult[] = a.topicStates.map((st) => {
    publish.add(st.publish);
    e2e.add(st.e2e);
    const m = st.ledger.summary();
    for (const k of Object.keys(totals) as Array<keyof typeof totals>) totals[k] += m[k];
    ackedBytes += st.ackedBytes;
    consumedBytes += st.consumedBytes;
    // Consumer throughput over the time it actually consumed (it may run into the drain).
    const consumeSeconds = Math.max(durationSeconds, ((st.lastConsumeAt ?? 0) - (st.firstConsumeAt ?? 0)) / 1000, 0.001);
    const producer = { messagesPerSecond: round(m.acknowledged / durationSeconds), megabytesPerSecond: round(st.ackedBytes / MIB / durationSeconds, 3) };
    const consumer = { messagesPerSecond: round(m.consumed / consumeSeconds), megabytesPerSecond: round(st.consumedBytes / MIB / consumeSeconds, 3) };
    const per = (t: { messagesPerSecond: number; megabytesPerSecond: number }) => ({ messagesPerSecond: round(t.messagesPerSecond / st.partitions), megabytesPerSecond: round(t.megabytesPerSecond / st.partitions, 4) });
    return {
      topic: st.w.topic,
      loadTopic: st.w.loadTopic,
      temporary: st.w.temporary,
      partitions: st.partitions,
      replicationFactor: st.w.replicationFactor,
      targetMessagesPerSecond: round(st.rate),
      messageBytes: st.w.messageBytes,
      rateSource: st.w.rateSource,
      producer,
      consumer,
      perPartition: { producer: per(producer), consumer: per(consumer) },
      ...(w.mode === 'max' ? { sustainableMessagesPerSecond: round(st.sustainableRate ?? 0) } : {}),
      messages: m,
      latencyMs: { publish: st.publish.summary(), endToEnd: st.e2e.summary() },
    };
  });
  const maxConsumeSeconds = Math.max(durationSeconds, ...a.topicStates.map((st) => ((st.lastConsumeAt ?? 0) - (st.firstConsumeAt ?? 0)) / 1000));
  const timeSeries: TimeSeriesPoint[] = a.buckets.map((b, second) => ({
    second,
    targetMessagesPerSecond: round(b.target),
    sentPerSecond: b.sent,
    acknowledgedPerSecond: b.acked,
    consumedPerSecond: b.consumed,
    producedMegabytesPerSecond: round(b.ackedBytes / MIB, 3),
    consumedMegabytesPerSecond: round(b.consumedBytes / MIB, 3),
    publishP50Ms: b.publish.percentileMs(50),
    publishP99Ms: b.publish.percentileMs(99),
    publishDelayP99Ms: b.delay.percentileMs(99),
    endToEndP99Ms: b.e2e.percentileMs(99),
    lag: b.lag,
    errors: b.errors,
  }));
  return {
    reportVersion: 1,
    tool: 'kafkaform loadtest',
    runId: w.runId,
    startedAt: a.startedAt,
    finishedAt: new Date().toISOString(),
    durationSeconds: round(durationSeconds, 3),
    cluster: { name: a.opts.cluster.name, environment: a.opts.cluster.environment, bootstrapServers: a.opts.connection.bootstrapServers },
    client: a.client.name,
    settings: {
      mode: w.mode,
      acks: w.acks,
      compression: w.compression,
      idempotent: w.idempotent,
      producersPerTopic: w.producers,
      consumersPerTopic: w.consumers,
      useExistingTopics: w.useExisting,
      keepTopics: w.keepTopics,
    },
    producer: { messagesPerSecond: round(totals.acknowledged / durationSeconds), megabytesPerSecond: round(ackedBytes / MIB / durationSeconds, 3) },
    consumer: { messagesPerSecond: round(totals.consumed / maxConsumeSeconds), megabytesPerSecond: round(consumedBytes / MIB / maxConsumeSeconds, 3) },
    latencyMs: { publish: publish.summary(), publishDelay: delay.summary(), endToEnd: e2e.summary() },
    latencyPercentilesMs: { publish: publish.curve(), endToEnd: e2e.curve() },
    messages: { ...totals, missedByConsumers: a.missedByConsumers },
    lag: { max: Math.max(0, ...a.buckets.map((b) => b.lag)), final: a.topicStates.reduce((n, st) => n + st.ledger.lag(), 0) },
    errors: { count: a.errorCount, clientWarnings: a.client.warnings(), samples: [...a.errorSamples, ...a.client.warningSamples()].slice(0, 20) },
    drained: a.drained,
    topics,
    timeSeries,
    ...(w.mode === 'max' ? { maxRate: { sustainableMessagesPerSecond: a.sustainable, limitReached: a.limitReached, steps: a.steps } } : {}),
    deletedTopics: a.deleted,
  };
}
