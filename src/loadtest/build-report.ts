/** Aggregates what a load run accumulated into the report value (report-types.ts). Pure. */
import { LatencyHistogram } from './histogram.js';
import { MIB, type LoadTestReport, type MaxRateResult, type TimeSeriesPoint, type TopicResult } from './report-types.js';
import { secondPercentilesOf, type SecondBucket, type TopicState } from './run-state.js';
import type { Workload } from './workload.js';

export interface ReportInput {
  workload: Workload;
  cluster: LoadTestReport['cluster'];
  client: { name: string; warnings: number; warningSamples: string[] };
  startedAt: string;
  finishedAt: string;
  /** Seconds the producers ran. */
  durationSeconds: number;
  topicStates: TopicState[];
  buckets: SecondBucket[];
  errorCount: number;
  errorSamples: string[];
  drained: boolean;
  /** The whole run's publish delay, when the buckets do not hold it (a multi-worker run). */
  publishDelay?: LatencyHistogram;
  /** Max mode only: the search's ceiling, steps and outcome. */
  maxRate?: MaxRateResult;
  deleted: string[];
  missedByConsumers: number;
}

function round(n: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

/** The report of a finished run. */
export function buildReport(a: ReportInput): LoadTestReport {
  const { workload: w, durationSeconds } = a;
  const publish = new LatencyHistogram();
  const delay = new LatencyHistogram();
  const e2e = new LatencyHistogram();
  if (a.publishDelay) delay.add(a.publishDelay);
  else for (const b of a.buckets) delay.add(b.delay);
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
      targetMessagesPerSecond: Number.isFinite(st.rate) ? round(st.rate) : 0,
      messageBytes: st.w.messageBytes,
      compression: st.w.compression,
      ...(st.w.compressionNote ? { compressionNote: st.w.compressionNote } : {}),
      rateSource: st.w.rateSource,
      producer,
      consumer,
      perPartition: { producer: per(producer), consumer: per(consumer) },
      ...(w.mode === 'max' ? { sustainableMessagesPerSecond: round(st.sustainableRate ?? 0), ceilingMessagesPerSecond: round(st.ceilingRate ?? 0) } : {}),
      messages: m,
      latencyMs: { publish: st.publish.summary(), endToEnd: st.e2e.summary() },
    };
  });
  const maxConsumeSeconds = Math.max(durationSeconds, ...a.topicStates.map((st) => ((st.lastConsumeAt ?? 0) - (st.firstConsumeAt ?? 0)) / 1000));
  const timeSeries: TimeSeriesPoint[] = a.buckets.map((b, second) => {
    // A multi-worker run's merged second carries its percentiles; a one-process second reads its histograms.
    const p = b.percentilesMs ?? secondPercentilesOf(b);
    return {
      second,
      targetMessagesPerSecond: round(b.target),
      ...(b.closedLoop ? { closedLoop: true } : {}),
      sentPerSecond: b.sent,
      acknowledgedPerSecond: b.acked,
      consumedPerSecond: b.consumed,
      producedMegabytesPerSecond: round(b.ackedBytes / MIB, 3),
      consumedMegabytesPerSecond: round(b.consumedBytes / MIB, 3),
      publishP50Ms: p.publishP50,
      publishP99Ms: p.publishP99,
      publishDelayP99Ms: p.delayP99,
      endToEndP99Ms: p.e2eP99,
      lag: b.lag,
      errors: b.errors,
    };
  });
  return {
    reportVersion: 1,
    tool: 'kafkaform loadtest',
    runId: w.runId,
    startedAt: a.startedAt,
    finishedAt: a.finishedAt,
    durationSeconds: round(durationSeconds, 3),
    cluster: a.cluster,
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
    errors: { count: a.errorCount, clientWarnings: a.client.warnings, samples: [...a.errorSamples, ...a.client.warningSamples].slice(0, 20) },
    drained: a.drained,
    topics,
    timeSeries,
    ...(w.mode === 'max' && a.maxRate ? { maxRate: a.maxRate } : {}),
    deletedTopics: a.deleted,
  };
}
