/**
 * What a load run accumulates while it runs: per topic (rates, ledger, histograms, byte counts),
 * per second since producing started, and the errors. The runner fills these; build-report.ts reads them.
 */
import { LatencyHistogram } from './histogram.js';
import { LatencySketch } from './latency-sketch.js';
import { DeliveryLedger } from './ledger.js';
import type { ConsumedRecord } from './load-client.js';
import { decodeRecordValue, nowMs } from './message.js';
import type { TopicWorkload } from './workload.js';

/** One second of the run: the time-series point before aggregation. */
export interface SecondBucket {
  target: number;
  /** The producers ran closed-loop (no target) during this second. */
  closedLoop: boolean;
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
  /**
   * A worker's second, also in sketches (1 % relative accuracy): they ship in microseconds where the
   * histograms above would take tens of milliseconds each (see latency-sketch.ts). Absent in one-process runs.
   */
  sketches?: SecondSketches;
  /**
   * A multi-worker run's merged second, used instead of the (then empty) histograms above: the
   * percentiles of the workers' merged sketches (the highest of the workers' own percentiles for a worker
   * that sent none, an older one). The whole-run percentiles are exact merges of HDR histograms.
   */
  percentilesMs?: SecondPercentiles;
}

/** One second's latencies in mergeable sketches. */
export interface SecondSketches {
  publish: LatencySketch;
  delay: LatencySketch;
  e2e: LatencySketch;
}

/** The per-second percentiles the time series shows (ms). */
export interface SecondPercentiles {
  publishP50: number;
  publishP99: number;
  delayP99: number;
  e2eP99: number;
}

/** The per-second percentiles of one second's three latency records (HDR histograms or sketches alike). */
export function secondPercentilesOf(l: Record<'publish' | 'delay' | 'e2e', { percentileMs(p: number): number }>): SecondPercentiles {
  return { publishP50: l.publish.percentileMs(50), publishP99: l.publish.percentileMs(99), delayP99: l.delay.percentileMs(99), e2eP99: l.e2e.percentileMs(99) };
}

export interface TopicState {
  w: TopicWorkload;
  partitions: number;
  /** Current target rate (changes in max mode); infinite while the producers run closed-loop. */
  rate: number;
  /** Max mode: the topic's closed-loop rate (acknowledged msg/s). */
  ceilingRate?: number;
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

/** The run tag every record stamp of a run carries: from its id, so every process of a run agrees on it. */
export function runTagOf(runId: string): number {
  return Number.parseInt(runId.slice(0, 8).padEnd(8, '0'), 16) >>> 0 || 1;
}

/** A fresh state for a topic with `partitions` partitions, at its workload's rate. */
export function newTopicState(w: TopicWorkload, partitions: number): TopicState {
  return { w, partitions, rate: w.messagesPerSecond, ledger: new DeliveryLedger(), publish: new LatencyHistogram(), e2e: new LatencyHistogram(), ackedBytes: 0, consumedBytes: 0 };
}

/** The per-second buckets, indexed by whole seconds since `t0` (set when producing starts). */
export class SecondBuckets {
  readonly all: SecondBucket[] = [];
  t0 = 0;

  /** `sketches`: every second also records its latencies into sketches (a worker's run, which ships them). */
  constructor(private readonly sketches = false) {}

  /** The bucket of the second containing `atMs` (created, with the ones before it, on demand). */
  at(atMs: number): SecondBucket {
    const s = Math.max(0, Math.floor((atMs - this.t0) / 1000));
    while (this.all.length <= s) {
      const b: SecondBucket = { target: 0, closedLoop: false, sent: 0, acked: 0, consumed: 0, ackedBytes: 0, consumedBytes: 0, errors: 0, lag: 0, publish: new LatencyHistogram(), delay: new LatencyHistogram(), e2e: new LatencyHistogram() };
      if (this.sketches) b.sketches = { publish: new LatencySketch(), delay: new LatencySketch(), e2e: new LatencySketch() };
      this.all.push(b);
    }
    return this.all[s]!;
  }
}

/**
 * Records the current target (none while closed loop) in every second from `from` up to `untilSecond`
 * (exclusive) not recorded yet; returns the next second to fill. Called before the rates change.
 */
export function fillTargets(acc: RunAccounts, from: number, untilSecond: number): number {
  const closedLoop = acc.closedLoop();
  for (; from < untilSecond; from++) {
    const b = acc.buckets.at(acc.buckets.t0 + from * 1000);
    b.closedLoop = closedLoop;
    b.target = closedLoop ? 0 : acc.target();
  }
  return from;
}

/** The accounting of one run: topic states, per-second buckets, errors, and what consumers hand back. */
export class RunAccounts {
  readonly buckets: SecondBuckets;
  readonly errorSamples: string[] = [];
  errorCount = 0;
  /** Verification pass: records found then are not live consumption. */
  reread = false;
  /**
   * Records sent at or after this time (nowMs) count in the ledger and the throughput but not in the
   * end-to-end latency: the producer-only ceiling of --rate max paused the consumers, which read them
   * only in the drain. Infinite: every record counts.
   */
  endToEndSentBeforeMs = Number.POSITIVE_INFINITY;

  /** `opts.sketches`: the per-second latencies go into sketches too (a worker of a multi-worker run). */
  constructor(
    readonly states: Map<string, TopicState>,
    private readonly runTag: number,
    opts: { sketches?: boolean } = {},
  ) {
    this.buckets = new SecondBuckets(opts.sketches === true);
  }

  get topics(): TopicState[] {
    return [...this.states.values()];
  }

  noteError(e: unknown): void {
    this.errorCount++;
    // Aggregate errors (several clients wrap the per-broker causes) carry the useful part inside.
    const inner = (e as { errors?: unknown[] })?.errors;
    const detail = Array.isArray(inner) && inner.length ? `: ${inner.map((x) => (x as Error)?.message ?? String(x)).slice(0, 3).join('; ')}` : '';
    const msg = `${(e as Error)?.message ?? String(e)}${detail}`;
    if (this.errorSamples.length < 20) this.errorSamples.push(msg.slice(0, 300));
  }

  readonly onRecords = (records: ConsumedRecord[]): void => {
    const at = nowMs();
    const b = this.buckets.t0 && !this.reread ? this.buckets.at(at) : undefined;
    // The records of one produced batch share its send time, so their end-to-end latencies come in
    // runs of one value: each run is one histogram update with its count (an HDR update costs about
    // 1 µs, twice per record before, about a tenth of a core at 50,000 records/s).
    let run: { st: TopicState; e2e: number; count: number } | undefined;
    const flush = () => {
      if (!run) return;
      run.st.e2e.recordMs(run.e2e, run.count);
      if (b) {
        b.e2e.recordMs(run.e2e, run.count);
        b.sketches?.e2e.recordMs(run.e2e, run.count);
      }
      run = undefined;
    };
    for (const r of records) {
      const st = this.states.get(r.topic);
      const stamp = decodeRecordValue(r.stamp ?? r.value);
      if (!st || !stamp || stamp.runTag !== this.runTag) continue;
      if (st.ledger.markConsumed(stamp.producerId, stamp.sequence, r.partition, r.offset) !== 'first') continue;
      if (stamp.sentAtMs < this.endToEndSentBeforeMs) {
        const e2e = at - stamp.sentAtMs;
        if (run && run.st === st && run.e2e === e2e) run.count++;
        else {
          flush();
          run = { st, e2e, count: 1 };
        }
      }
      st.consumedBytes += r.value.length;
      st.firstConsumeAt ??= at;
      st.lastConsumeAt = at;
      if (b) {
        b.consumed++;
        b.consumedBytes += r.value.length;
      }
    }
    flush();
  };

  lag(): number {
    return this.topics.reduce((n, st) => n + st.ledger.lag(), 0);
  }

  lost(): number {
    return this.topics.reduce((n, st) => n + st.ledger.summary().lost, 0);
  }

  target(): number {
    return this.topics.reduce((n, st) => n + st.rate, 0);
  }

  acknowledged(): number {
    return this.topics.reduce((n, st) => n + st.ledger.acknowledgedCount(), 0);
  }

  /** Records sent and still waiting for the broker's answer (neither acknowledged nor failed). */
  unacknowledged(): number {
    return this.topics.reduce((n, st) => n + st.ledger.inFlightCount(), 0);
  }

  /** Records sent so far, all topics. */
  sent(): number {
    return this.topics.reduce((n, st) => n + st.ledger.sentCount(), 0);
  }

  /** Distinct records consumed so far, all topics. */
  consumed(): number {
    return this.topics.reduce((n, st) => n + st.ledger.consumedCount(), 0);
  }

  /** Whether any topic is in closed loop (the ceiling phase of --rate max). */
  closedLoop(): boolean {
    return this.topics.some((st) => !Number.isFinite(st.rate));
  }
}
