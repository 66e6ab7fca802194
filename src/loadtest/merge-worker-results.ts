/**
 * A worker's accounting as it travels (toWorkerResult), and the merge of every worker's into one
 * run's (mergeWorkerResults): ledgers merged record by record, histograms bucket by bucket, per-second
 * counts added up and per-second latency sketches merged, so build-report.ts makes the same report as
 * for one process. Pure.
 */
import { LatencyHistogram } from './histogram.js';
import { LatencySketch } from './latency-sketch.js';
import { DeliveryLedger } from './ledger.js';
import type { MaxRateResult, MaxRateStep } from './report-types.js';
import { newTopicState, SecondBuckets, secondPercentilesOf, type RunAccounts, type SecondPercentiles, type SecondSketches, type TopicState } from './run-state.js';
import type { WireBucket, WireSketches, WorkerResult } from './worker-protocol.js';
import type { Workload } from './workload.js';

function wholeRunDelay(acc: RunAccounts): LatencyHistogram {
  const h = new LatencyHistogram();
  for (const b of acc.buckets.all) h.add(b.delay);
  return h;
}

/** The wire form of a worker's accounts. */
export function toWorkerResult(
  acc: RunAccounts,
  who: Pick<WorkerResult, 'worker' | 'host' | 'pid' | 'durationSeconds' | 'producers' | 'consumers' | 'partitions' | 'client' | 'maxRate'>,
): WorkerResult {
  return {
    ...who,
    topics: acc.topics.map((st) => ({
      loadTopic: st.w.loadTopic,
      ledger: st.ledger.serialize(),
      publish: st.publish.serialize(),
      e2e: st.e2e.serialize(),
      ackedBytes: st.ackedBytes,
      consumedBytes: st.consumedBytes,
      ...(st.firstAckAt !== undefined ? { firstAckAt: st.firstAckAt, lastAckAt: st.lastAckAt } : {}),
      ...(st.firstConsumeAt !== undefined ? { firstConsumeAt: st.firstConsumeAt, lastConsumeAt: st.lastConsumeAt } : {}),
      ...(st.ceilingRate !== undefined ? { ceilingRate: st.ceilingRate, sustainableRate: st.sustainableRate ?? 0 } : {}),
    })),
    buckets: acc.buckets.all.map(
      (b, second): WireBucket => ({
        second,
        target: b.target,
        closedLoop: b.closedLoop,
        sent: b.sent,
        acked: b.acked,
        consumed: b.consumed,
        ackedBytes: b.ackedBytes,
        consumedBytes: b.consumedBytes,
        errors: b.errors,
        // Its own percentiles (what an older coordinator reads) from the sketches when it has them: 4 reads of a per-second HDR histogram take ~20 ms, of a sketch ~15 µs.
        percentilesMs: secondPercentilesOf(b.sketches ?? b),
        ...(b.sketches ? { sketches: { publish: b.sketches.publish.serialize(), delay: b.sketches.delay.serialize(), e2e: b.sketches.e2e.serialize() } } : {}),
      }),
    ),
    publishDelay: wholeRunDelay(acc).serialize(),
    errorCount: acc.errorCount,
    errorSamples: acc.errorSamples,
  };
}

export interface MergedRun {
  states: Map<string, TopicState>;
  buckets: SecondBuckets;
  errorCount: number;
  errorSamples: string[];
  /** The longest producing time of any worker. */
  durationSeconds: number;
  warnings: number;
  warningSamples: string[];
  /** The whole run's publish delay, merged. */
  publishDelay: LatencyHistogram;
  /** --rate max: the workers' searches, summed (mergeMaxRates). */
  maxRate?: MaxRateResult;
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

/**
 * The `--rate max` result of a multi-worker run: each worker searched its own share of the partitions
 * on the same clock, so the ceiling and the sustainable rate are the sums of the workers'. Step k is
 * every worker's k-th step (they start and end on the same ticks): targets, achieved rates and lags
 * add up, the delay p99 is the highest, and it is sustainable only if it was for every worker.
 * The limit counts as reached only when every worker's search reached it. The producer-only
 * ceiling (the workers measure it together) is the sum of theirs when every worker measured it.
 */
export function mergeMaxRates(results: MaxRateResult[]): MaxRateResult | undefined {
  if (results.length === 0) return undefined;
  const ceiling = sum(results.map((r) => r.ceilingMessagesPerSecond));
  const steps: MaxRateStep[] = [];
  for (let k = 0; k < Math.min(...results.map((r) => r.steps.length)); k++) {
    const ks = results.map((r) => r.steps[k]!);
    const target = sum(ks.map((s) => s.targetMessagesPerSecond));
    steps.push({
      fromSecond: Math.min(...ks.map((s) => s.fromSecond)),
      toSecond: Math.max(...ks.map((s) => s.toSecond)),
      fractionOfCeiling: ceiling > 0 ? Math.round((target / ceiling) * 1000) / 1000 : 0,
      targetMessagesPerSecond: target,
      acknowledgedPerSecond: sum(ks.map((s) => s.acknowledgedPerSecond)),
      publishDelayP99Ms: Math.max(...ks.map((s) => s.publishDelayP99Ms)),
      lag: sum(ks.map((s) => s.lag)),
      sustainable: ks.every((s) => s.sustainable),
    });
  }
  const producerOnly = results.every((r) => r.producerCeilingMessagesPerSecond !== undefined);
  return {
    ceilingMessagesPerSecond: ceiling,
    ceilingPhaseSeconds: Math.max(...results.map((r) => r.ceilingPhaseSeconds)),
    ...(producerOnly
      ? {
          producerCeilingMessagesPerSecond: sum(results.map((r) => r.producerCeilingMessagesPerSecond!)),
          producerCeilingFromSecond: Math.min(...results.map((r) => r.producerCeilingFromSecond ?? 0)),
          producerCeilingToSecond: Math.max(...results.map((r) => r.producerCeilingToSecond ?? 0)),
        }
      : {}),
    sustainableMessagesPerSecond: sum(results.map((r) => r.sustainableMessagesPerSecond)),
    limitReached: results.every((r) => r.limitReached),
    rule: results[0]!.rule,
    steps,
  };
}

function minDefined(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined ? b : b === undefined ? a : Math.min(a, b);
}

function maxDefined(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined ? b : b === undefined ? a : Math.max(a, b);
}

/** One merged second's latencies: the workers' sketches added up, and the highest own percentiles of the workers that sent no sketches. */
interface SecondLatencies {
  sketches?: SecondSketches;
  legacy?: SecondPercentiles;
}

function maxPercentiles(a: SecondPercentiles, b: SecondPercentiles): SecondPercentiles {
  return { publishP50: Math.max(a.publishP50, b.publishP50), publishP99: Math.max(a.publishP99, b.publishP99), delayP99: Math.max(a.delayP99, b.delayP99), e2eP99: Math.max(a.e2eP99, b.e2eP99) };
}

function decodeSketches(w: WireSketches | undefined): SecondSketches | undefined {
  if (!w) return undefined;
  const publish = LatencySketch.deserialize(w.publish);
  const delay = LatencySketch.deserialize(w.delay);
  const e2e = LatencySketch.deserialize(w.e2e);
  return publish && delay && e2e ? { publish, delay, e2e } : undefined;
}

function addSecond(into: SecondLatencies, wb: WireBucket): void {
  const s = decodeSketches(wb.sketches);
  if (!s) into.legacy = into.legacy ? maxPercentiles(into.legacy, wb.percentilesMs) : { ...wb.percentilesMs };
  else if (!into.sketches) into.sketches = s;
  else for (const k of ['publish', 'delay', 'e2e'] as const) into.sketches[k].add(s[k]);
}

/** The merged second's percentiles: its merged sketches', raised to an older worker's own where one took part (the old upper bound). */
function secondPercentiles(m: SecondLatencies): SecondPercentiles {
  const s = m.sketches;
  const merged = s && secondPercentilesOf(s);
  return merged && m.legacy ? maxPercentiles(merged, m.legacy) : (merged ?? m.legacy!);
}

/** The run's accounts from the workers' results (each worker's seconds count from the same start time). */
export function mergeWorkerResults(w: Workload, partitionCounts: Record<string, number>, results: WorkerResult[]): MergedRun {
  const states = new Map<string, TopicState>();
  for (const t of w.topics) states.set(t.loadTopic, newTopicState(t, partitionCounts[t.loadTopic] ?? t.partitions));
  const buckets = new SecondBuckets();
  const merged: MergedRun = { states, buckets, errorCount: 0, errorSamples: [], durationSeconds: 0, warnings: 0, warningSamples: [], publishDelay: new LatencyHistogram() };
  const latencies: SecondLatencies[] = [];
  for (const r of results) {
    for (const t of r.topics) {
      const st = states.get(t.loadTopic);
      if (!st) continue;
      st.ledger.merge(DeliveryLedger.deserialize(t.ledger));
      st.publish.add(LatencyHistogram.deserialize(t.publish));
      st.e2e.add(LatencyHistogram.deserialize(t.e2e));
      st.ackedBytes += t.ackedBytes;
      st.consumedBytes += t.consumedBytes;
      st.firstAckAt = minDefined(st.firstAckAt, t.firstAckAt);
      st.lastAckAt = maxDefined(st.lastAckAt, t.lastAckAt);
      st.firstConsumeAt = minDefined(st.firstConsumeAt, t.firstConsumeAt);
      st.lastConsumeAt = maxDefined(st.lastConsumeAt, t.lastConsumeAt);
      if (t.ceilingRate !== undefined) st.ceilingRate = (st.ceilingRate ?? 0) + t.ceilingRate;
      if (t.sustainableRate !== undefined) st.sustainableRate = (st.sustainableRate ?? 0) + t.sustainableRate;
    }
    for (const wb of r.buckets) {
      const b = buckets.at(wb.second * 1000);
      b.target += wb.target;
      b.closedLoop ||= wb.closedLoop;
      b.sent += wb.sent;
      b.acked += wb.acked;
      b.consumed += wb.consumed;
      b.ackedBytes += wb.ackedBytes;
      b.consumedBytes += wb.consumedBytes;
      b.errors += wb.errors;
      latencies[wb.second] ??= {};
      addSecond(latencies[wb.second]!, wb);
    }
    merged.publishDelay.add(LatencyHistogram.deserialize(r.publishDelay));
    merged.errorCount += r.errorCount;
    merged.errorSamples.push(...r.errorSamples.map((s) => `${r.worker}: ${s}`));
    merged.durationSeconds = Math.max(merged.durationSeconds, r.durationSeconds);
    merged.warnings += r.client.warnings;
    merged.warningSamples.push(...r.client.warningSamples.map((s) => `${r.worker}: ${s}`));
  }
  latencies.forEach((m, second) => {
    buckets.at(second * 1000).percentilesMs = secondPercentiles(m);
  });
  const maxRate = mergeMaxRates(results.flatMap((r) => (r.maxRate ? [r.maxRate] : [])));
  if (maxRate) merged.maxRate = maxRate;
  merged.errorSamples = merged.errorSamples.slice(0, 20);
  merged.warningSamples = merged.warningSamples.slice(0, 20);
  return merged;
}
