import { describe, expect, it } from 'vitest';
import { LatencyHistogram } from '../../src/loadtest/histogram.js';
import { DeliveryLedger } from '../../src/loadtest/ledger.js';
import { mergeMaxRates, mergeWorkerResults, toWorkerResult } from '../../src/loadtest/merge-worker-results.js';
import { newTopicState, RunAccounts, type SecondPercentiles } from '../../src/loadtest/run-state.js';
import { chunkResult, decodeControlMessage, encodeControlMessage, ResultAssembler, type ControlMessage, type WorkerResult } from '../../src/loadtest/worker-protocol.js';
import { LOAD_TOPIC, testWorkload } from '../helpers/workload-builder.js';

/** A deterministic spread of latencies (ms), like a long-tailed publish latency. */
function samples(seed: number, n: number): number[] {
  let x = seed;
  return Array.from({ length: n }, () => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    const u = x / 2 ** 31;
    return 0.2 + 40 * u ** 6;
  });
}

function roundTrip(l: DeliveryLedger): DeliveryLedger {
  return DeliveryLedger.deserialize(JSON.parse(JSON.stringify(l.serialize())));
}

describe('LatencyHistogram across processes', () => {
  it('survives serialize/deserialize with the same summary and curve', () => {
    const h = new LatencyHistogram();
    for (const v of samples(1, 5000)) h.recordMs(v);
    const back = LatencyHistogram.deserialize(h.serialize());
    expect(back.summary()).toEqual(h.summary());
    expect(back.curve()).toEqual(h.curve());
  });

  it('merged serialized histograms equal one histogram of all raw samples, bucket for bucket', () => {
    const parts = [samples(1, 3000), samples(2, 7000), samples(3, 500)];
    const all = new LatencyHistogram();
    const merged = new LatencyHistogram();
    for (const part of parts) {
      const h = new LatencyHistogram();
      for (const v of part) {
        h.recordMs(v);
        all.recordMs(v);
      }
      merged.add(LatencyHistogram.deserialize(h.serialize()));
    }
    expect(merged.count).toBe(10_500);
    expect(merged.summary()).toEqual(all.summary());
    expect(merged.curve()).toEqual(all.curve());
  });

  it('an empty histogram round-trips to an empty one', () => {
    const back = LatencyHistogram.deserialize(new LatencyHistogram().serialize());
    expect(back.count).toBe(0);
    expect(back.summary().p99).toBe(0);
  });
});

describe('DeliveryLedger across processes', () => {
  it('round-trips exactly through its serialized form', () => {
    const l = new DeliveryLedger();
    for (let s = 0; s < 3000; s++) {
      l.markSent(7, s);
      if (s % 10 !== 0) l.markAcknowledged(7, s);
      else l.markFailed(7, s);
      if (s % 3 === 0) l.markConsumed(7, s, 2, 1000 + s);
    }
    l.markConsumed(7, 3, 2, 1003);
    l.markConsumed(7, 6, 1, 5);
    expect(roundTrip(l).summary()).toEqual(l.summary());
  });

  it('a record produced by worker A and consumed by worker B is matched: nothing lost', () => {
    const a = new DeliveryLedger();
    const b = new DeliveryLedger();
    // A produces with id 1, B with id 65536; each consumes what the group gave it.
    for (let s = 0; s < 100; s++) {
      a.markSent(1, s);
      a.markAcknowledged(1, s);
      b.markSent(65536, s);
      b.markAcknowledged(65536, s);
    }
    for (let s = 0; s < 100; s++) {
      b.markConsumed(1, s, 0, s);
      a.markConsumed(65536, s, 1, s);
    }
    // Alone, each looks like it lost everything it produced.
    expect(a.summary().lost).toBe(100);
    const merged = new DeliveryLedger();
    merged.merge(roundTrip(a));
    merged.merge(roundTrip(b));
    expect(merged.summary()).toEqual({ sent: 200, acknowledged: 200, failed: 0, consumed: 200, lost: 0, duplicated: 0, redelivered: 0 });
  });

  it('the same record consumed by two workers is redelivered at the same position and duplicated at another', () => {
    const a = new DeliveryLedger();
    const b = new DeliveryLedger();
    for (let s = 0; s < 3; s++) {
      a.markSent(1, s);
      a.markAcknowledged(1, s);
    }
    a.markConsumed(1, 0, 0, 10);
    a.markConsumed(1, 1, 0, 11);
    b.markConsumed(1, 0, 0, 10); // after a rebalance: the same offset again
    b.markConsumed(1, 1, 0, 99); // written twice
    const merged = new DeliveryLedger();
    merged.merge(a);
    merged.merge(b);
    expect(merged.summary()).toEqual({ sent: 3, acknowledged: 3, failed: 0, consumed: 2, lost: 1, duplicated: 1, redelivered: 1 });
  });

  it('merging gives the same accounting as one ledger that saw everything', () => {
    const one = new DeliveryLedger();
    const parts = [new DeliveryLedger(), new DeliveryLedger(), new DeliveryLedger()];
    for (let w = 0; w < 3; w++) {
      for (let s = 0; s < 500; s++) {
        const id = w * 65536;
        for (const l of [one, parts[w]!]) {
          l.markSent(id, s);
          if (s !== 250) l.markAcknowledged(id, s);
        }
        // Consumed by the worker after it, except a few never consumed.
        if (s % 97 !== 0) {
          one.markConsumed(id, s, w, s);
          parts[(w + 1) % 3]!.markConsumed(id, s, w, s);
        }
      }
    }
    const merged = new DeliveryLedger();
    for (const p of parts) merged.merge(roundTrip(p));
    expect(merged.summary()).toEqual(one.summary());
  });
});

describe('worker results on the control topic', () => {
  it('travel in chunks that arrive in any order, twice or not, and reassemble to the same result', () => {
    const ledger = new DeliveryLedger();
    for (let i = 0; i < 200_000; i++) {
      ledger.markSent(3, i);
      ledger.markAcknowledged(3, i);
      ledger.markConsumed(3, i, i % 6, i);
    }
    const result: WorkerResult = {
      worker: 'local-1',
      host: 'h',
      pid: 1,
      durationSeconds: 5,
      producers: 1,
      consumers: 1,
      partitions: { t: [0, 3] },
      topics: [{ loadTopic: 't', ledger: ledger.serialize(), publish: new LatencyHistogram().serialize(), e2e: new LatencyHistogram().serialize(), ackedBytes: 1, consumedBytes: 1 }],
      buckets: [],
      publishDelay: new LatencyHistogram().serialize(),
      errorCount: 0,
      errorSamples: [],
      client: { name: 'x', warnings: 0, warningSamples: [] },
    };
    const chunks = chunkResult(result, 'run1', 64 * 1024);
    expect(chunks.length).toBeGreaterThan(1);
    // Every message fits the broker's default 1 MiB message.max.bytes.
    for (const c of chunks) expect(encodeControlMessage(c).length).toBeLessThan(1024 * 1024);
    const assembler = new ResultAssembler();
    const order = [...chunks.slice(1).reverse(), chunks[1]!, chunks[0]!];
    let out: WorkerResult | undefined;
    for (const c of order) out = assembler.add(decodeControlMessage(encodeControlMessage(c)) as Extract<ControlMessage, { type: 'result' }>) ?? out;
    expect(out).toEqual(result);
    expect(DeliveryLedger.deserialize(out!.topics[0]!.ledger).summary()).toEqual(ledger.summary());
  });

  it('ignores what is not a control message', () => {
    expect(decodeControlMessage(Buffer.from('not json'))).toBeUndefined();
    expect(decodeControlMessage(Buffer.from('42'))).toBeUndefined();
  });
});

describe('mergeMaxRates', () => {
  const rule = { maxPublishDelayMs: 250, minAchievedShare: 0.8, minLagAllowance: 1000 };
  const step = (fraction: number, target: number, achieved: number, p99: number, lag: number, sustainable: boolean, from = 3) => ({ fromSecond: from, toSecond: from + 3, fractionOfCeiling: fraction, targetMessagesPerSecond: target, acknowledgedPerSecond: achieved, publishDelayP99Ms: p99, lag, sustainable });
  it('sums the workers’ ceilings, steps and sustainable rates; a step is sustainable only when it was for every worker', () => {
    const a = { ceilingMessagesPerSecond: 1000, ceilingPhaseSeconds: 3, sustainableMessagesPerSecond: 900, limitReached: true, rule, steps: [step(0.9, 900, 890, 20, 10, true), step(0.95, 950, 940, 30, 5, true, 6)] };
    const b = { ceilingMessagesPerSecond: 3000, ceilingPhaseSeconds: 2, sustainableMessagesPerSecond: 1620, limitReached: false, rule, steps: [step(0.9, 2700, 2000, 300, 900, false, 4)] };
    expect(mergeMaxRates([a, b])).toEqual({
      ceilingMessagesPerSecond: 4000,
      ceilingPhaseSeconds: 3,
      sustainableMessagesPerSecond: 2520,
      limitReached: false,
      rule,
      steps: [{ fromSecond: 3, toSecond: 7, fractionOfCeiling: 0.9, targetMessagesPerSecond: 3600, acknowledgedPerSecond: 2890, publishDelayP99Ms: 300, lag: 910, sustainable: false }],
    });
    expect(mergeMaxRates([a])).toEqual(a);
    expect(mergeMaxRates([])).toBeUndefined();
  });
});

describe('per-second latencies of a multi-worker run', () => {
  const T0 = 1_000_000;
  type Kind = 'publish' | 'delay' | 'e2e';

  /** A worker's accounts with the given latencies (ms) in second 0 and 1, recorded as the producer and consumers record them. */
  function workerAccounts(sketches: boolean, seconds: Array<Record<Kind, number[]>>): RunAccounts {
    const w = testWorkload();
    const acc = new RunAccounts(new Map([[LOAD_TOPIC, newTopicState(w.topics[0]!, 3)]]), 1, { sketches });
    acc.buckets.t0 = T0;
    seconds.forEach((latencies, second) => {
      const b = acc.buckets.at(T0 + second * 1000 + 500);
      for (const kind of ['publish', 'delay', 'e2e'] as const) {
        for (const v of latencies[kind]) {
          b[kind].recordMs(v);
          b.sketches?.[kind].recordMs(v);
        }
      }
    });
    return acc;
  }

  /** Its WorkerResult after the trip over the control topic (JSON, gzip, chunks). */
  function shipped(acc: RunAccounts, worker: string): WorkerResult {
    const r = toWorkerResult(acc, { worker, host: 'h', pid: 1, durationSeconds: 2, producers: 1, consumers: 1, partitions: { [LOAD_TOPIC]: [0] }, client: { name: 'x', warnings: 0, warningSamples: [] } });
    const assembler = new ResultAssembler();
    let out: WorkerResult | undefined;
    for (const c of chunkResult(r, 'run1')) out = assembler.add(c as Extract<ControlMessage, { type: 'result' }>) ?? out;
    return out!;
  }

  const spread = (n: number, from: number, to: number) => Array.from({ length: n }, (_, i) => from + ((to - from) * i) / Math.max(1, n - 1));
  // A: a busy worker, fast (1-10 ms). B: a quiet worker with a slow tail (95 at 5 ms, 5 at 80 ms): its own p99 is 80 ms.
  const A = { publish: spread(1000, 1, 10), delay: spread(1000, 0.1, 3), e2e: spread(1000, 2, 20) };
  const B = { publish: [...spread(95, 5, 5), ...spread(5, 80, 80)], delay: [...spread(98, 0.2, 0.2), 40, 40], e2e: [...spread(95, 6, 6), ...spread(5, 150, 150)] };
  // Second 1: both slow in the tail, where the union's p99 is the tail.
  const A1 = { publish: [...spread(970, 2, 3), ...spread(30, 60, 70)], delay: spread(1000, 1, 2), e2e: spread(1000, 3, 4) };
  const B1 = { publish: [...spread(970, 2, 3), ...spread(30, 90, 95)], delay: spread(1000, 1, 2), e2e: spread(1000, 3, 4) };

  const exactP = (values: number[], p: number) => {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.max(1, Math.floor((p / 100) * sorted.length + 0.5)) - 1]!;
  };
  const unionPercentiles = (a: Record<Kind, number[]>, b: Record<Kind, number[]>): SecondPercentiles => ({
    publishP50: exactP([...a.publish, ...b.publish], 50),
    publishP99: exactP([...a.publish, ...b.publish], 99),
    delayP99: exactP([...a.delay, ...b.delay], 99),
    e2eP99: exactP([...a.e2e, ...b.e2e], 99),
  });
  const expectWithin1Percent = (got: SecondPercentiles, want: SecondPercentiles) => {
    for (const k of Object.keys(want) as Array<keyof SecondPercentiles>) expect(Math.abs(got[k] - want[k]), k).toBeLessThanOrEqual(0.01 * want[k] + 0.0005);
  };
  const merge = (...results: WorkerResult[]) => mergeWorkerResults(testWorkload(), { [LOAD_TOPIC]: 3 }, results).buckets.all.map((b) => b.percentilesMs!);

  it("each merged second's percentiles are those of the union of the workers' samples, within 1 %", () => {
    const a = shipped(workerAccounts(true, [A, A1]), 'local-1');
    const b = shipped(workerAccounts(true, [B, B1]), 'local-2');
    expect(a.buckets[0]!.sketches).toBeDefined();
    const [s0, s1] = merge(a, b);
    expectWithin1Percent(s0!, unionPercentiles(A, B));
    expectWithin1Percent(s1!, unionPercentiles(A1, B1));
    // The old rule (the highest of the workers' own percentiles) overstated second 0: B's 80 ms tail is under 1 % of the union.
    const maxRule = (k: keyof SecondPercentiles) => Math.max(a.buckets[0]!.percentilesMs[k], b.buckets[0]!.percentilesMs[k]);
    expect(maxRule('publishP99')).toBeGreaterThanOrEqual(79.9);
    expect(s0!.publishP99).toBeLessThan(11);
    expect(s0!.delayP99).toBeLessThan(maxRule('delayP99'));
    expect(s0!.e2eP99).toBeLessThan(maxRule('e2eP99') / 5);
    // Merging is order-free.
    expect(merge(b, a)).toEqual([s0, s1]);
  });

  it('a worker without sketches (an older one) merges with the old rule: the highest of the percentiles', () => {
    const a = shipped(workerAccounts(true, [A, A1]), 'local-1');
    const old = shipped(workerAccounts(true, [B, B1]), 'local-2');
    for (const wb of old.buckets) delete wb.sketches;
    const olderToo = shipped(workerAccounts(false, [A, A1]), 'local-3');
    expect(olderToo.buckets[0]!.sketches).toBeUndefined();
    // Only older workers: exactly the old rule.
    const [l0] = merge(olderToo, old);
    expect(l0).toEqual({
      publishP50: Math.max(olderToo.buckets[0]!.percentilesMs.publishP50, old.buckets[0]!.percentilesMs.publishP50),
      publishP99: Math.max(olderToo.buckets[0]!.percentilesMs.publishP99, old.buckets[0]!.percentilesMs.publishP99),
      delayP99: Math.max(olderToo.buckets[0]!.percentilesMs.delayP99, old.buckets[0]!.percentilesMs.delayP99),
      e2eP99: Math.max(olderToo.buckets[0]!.percentilesMs.e2eP99, old.buckets[0]!.percentilesMs.e2eP99),
    });
    // Mixed: the sketch-merged figures, raised to the older worker's own where higher.
    const [m0] = merge(a, old);
    expect(m0!.publishP99).toBe(old.buckets[0]!.percentilesMs.publishP99);
    expect(m0!.publishP50).toBeGreaterThanOrEqual(a.buckets[0]!.percentilesMs.publishP50 * 0.99);
    // A sketch of another accuracy counts as none.
    const other = shipped(workerAccounts(true, [B, B1]), 'local-4');
    for (const wb of other.buckets) wb.sketches!.publish.accuracy = 0.05;
    expect(merge(a, other)[0]!.publishP99).toBe(other.buckets[0]!.percentilesMs.publishP99);
  });

  it('a one-process run records no sketches', () => {
    const acc = workerAccounts(false, [A]);
    expect(acc.buckets.all[0]!.sketches).toBeUndefined();
    expect(acc.buckets.all[0]!.publish.count).toBe(1000);
  });
});
