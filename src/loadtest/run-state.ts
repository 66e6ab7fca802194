/**
 * What a load run accumulates while it runs: per topic (rates, ledger, histograms, byte counts)
 * and per second since producing started. The runner fills these; build-report.ts reads them.
 */
import { LatencyHistogram } from './histogram.js';
import { DeliveryLedger } from './ledger.js';
import type { TopicWorkload } from './workload.js';

/** One second of the run: the time-series point before aggregation. */
export interface SecondBucket {
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

export interface TopicState {
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

/** A fresh state for a topic with `partitions` partitions, at its workload's rate. */
export function newTopicState(w: TopicWorkload, partitions: number): TopicState {
  return { w, partitions, rate: w.messagesPerSecond, ledger: new DeliveryLedger(), publish: new LatencyHistogram(), e2e: new LatencyHistogram(), ackedBytes: 0, consumedBytes: 0 };
}

/** The per-second buckets, indexed by whole seconds since `t0` (set when producing starts). */
export class SecondBuckets {
  readonly all: SecondBucket[] = [];
  t0 = 0;

  /** The bucket of the second containing `atMs` (created, with the ones before it, on demand). */
  at(atMs: number): SecondBucket {
    const s = Math.max(0, Math.floor((atMs - this.t0) / 1000));
    while (this.all.length <= s) {
      this.all.push({ target: 0, sent: 0, acked: 0, consumed: 0, ackedBytes: 0, consumedBytes: 0, errors: 0, lag: 0, publish: new LatencyHistogram(), delay: new LatencyHistogram(), e2e: new LatencyHistogram() });
    }
    return this.all[s]!;
  }
}
