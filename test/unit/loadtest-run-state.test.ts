import { describe, expect, it } from 'vitest';
import { encodeRecordValue, nowMs } from '../../src/loadtest/message.js';
import { newTopicState, RunAccounts } from '../../src/loadtest/run-state.js';
import { LOAD_TOPIC, testWorkload } from '../helpers/workload-builder.js';

const RUN_TAG = 7;

describe('RunAccounts.onRecords: what a consumer hands back', () => {
  it('records one end-to-end latency per first delivery, runs of one send time in one update, and the second buckets as well', () => {
    const w = testWorkload().topics[0]!;
    const st = newTopicState(w, 1);
    const acc = new RunAccounts(new Map([[LOAD_TOPIC, st]]), RUN_TAG, { sketches: true });
    const now = nowMs();
    acc.buckets.t0 = now - 500;
    for (let seq = 0; seq < 6; seq++) st.ledger.markSent(0, seq);
    // Three records of one batch (same send time), two of a later one, and then a redelivery of the first.
    const sentAt = [now - 400, now - 400, now - 400, now - 40, now - 40];
    const records = sentAt.map((sentAtMs, seq) => ({ topic: LOAD_TOPIC, partition: 0, offset: seq, value: encodeRecordValue({ runTag: RUN_TAG, producerId: 0, sequence: seq, sentAtMs }, 64) }));
    const foreign = { topic: LOAD_TOPIC, partition: 0, offset: 9, value: encodeRecordValue({ runTag: RUN_TAG + 1, producerId: 0, sequence: 5, sentAtMs: now }, 64) };
    acc.onRecords([...records, foreign, records[0]!]);
    expect(st.e2e.count).toBe(5);
    const second = acc.buckets.all.reduce((n, b) => n + b.e2e.count, 0);
    expect(second).toBe(5);
    expect(acc.buckets.all.reduce((n, b) => n + b.consumed, 0)).toBe(5);
    // Three at about 400 ms and two at about 40 ms: the median is the long one, the fastest the short one.
    expect(st.e2e.percentileMs(50)).toBeGreaterThanOrEqual(390);
    expect(st.e2e.percentileMs(20)).toBeLessThan(100);
    const sketch = acc.buckets.all.find((b) => b.consumed > 0)!.sketches!.e2e;
    expect(sketch.count).toBe(5);
  });

  it('counts records sent from endToEndSentBeforeMs on in the ledger and the seconds, not in the end-to-end latency', () => {
    const w = testWorkload().topics[0]!;
    const st = newTopicState(w, 1);
    const acc = new RunAccounts(new Map([[LOAD_TOPIC, st]]), RUN_TAG, { sketches: true });
    const now = nowMs();
    acc.buckets.t0 = now - 5_000;
    acc.endToEndSentBeforeMs = now - 1_000;
    for (let seq = 0; seq < 4; seq++) st.ledger.markSent(0, seq);
    // Two sent before the consumers were paused, two after (read 900 ms and 300 ms later).
    const sentAt = [now - 2_000, now - 2_000, now - 900, now - 300];
    acc.onRecords(sentAt.map((sentAtMs, seq) => ({ topic: LOAD_TOPIC, partition: 0, offset: seq, value: encodeRecordValue({ runTag: RUN_TAG, producerId: 0, sequence: seq, sentAtMs }, 64) })));
    expect(st.ledger.consumedCount()).toBe(4);
    expect(acc.buckets.all.reduce((n, b) => n + b.consumed, 0)).toBe(4);
    expect(st.e2e.count).toBe(2);
    expect(st.e2e.percentileMs(0)).toBeGreaterThanOrEqual(1_990);
    expect(acc.buckets.all.reduce((n, b) => n + b.e2e.count + (b.sketches?.e2e.count ?? 0), 0)).toBe(4);
  });
});
