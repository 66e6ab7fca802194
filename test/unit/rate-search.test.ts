import { describe, expect, it } from 'vitest';
import { DEFAULT_RATE_RULE, initialMaxRate, judgedSeconds, judgeStep, MAX_RATE_GROWTH, MaxRateSearch, stepDurationMs, type StepStats } from '../../src/loadtest/rate-search.js';
import { newTopicState, RunAccounts } from '../../src/loadtest/run-state.js';
import type { TopicWorkload } from '../../src/loadtest/workload.js';

/** A 10-second step at 1000 msg/s that met every bound; each case changes one figure. */
const OK: StepStats = { targetMessagesPerSecond: 1000, acknowledged: 10_000, elapsedMs: 10_000, publishDelayP99Ms: 20, lag: 0 };

describe('judgeStep (--rate max)', () => {
  const cases: Array<[string, Partial<StepStats>, boolean]> = [
    ['every bound met', {}, true],
    ['publish delay p99 exactly at the 250 ms bound', { publishDelayP99Ms: 250 }, true],
    ['publish delay p99 above 250 ms', { publishDelayP99Ms: 250.5 }, false],
    ['lag up to 1000 records when the target is lower', { lag: 1000 }, true],
    ['lag above 1000 records at 1000 msg/s', { lag: 1001 }, false],
    ['lag up to one second of the target when that is more', { targetMessagesPerSecond: 5000, acknowledged: 50_000, lag: 5000 }, true],
    ['lag above one second of the target', { targetMessagesPerSecond: 5000, acknowledged: 50_000, lag: 5001 }, false],
    ['80 % of the target acknowledged', { acknowledged: 8000 }, true],
    ['less than 80 % of the target acknowledged', { acknowledged: 7990 }, false],
    ['nothing acknowledged', { acknowledged: 0 }, false],
  ];
  it.each(cases)('%s → sustainable: %s', (_name, change, sustainable) => {
    const v = judgeStep({ ...OK, ...change });
    expect(v.sustainable).toBe(sustainable);
    expect(v.step.sustainable).toBe(sustainable);
    // A sustainable step doubles the rate; an unsustainable one ends the search.
    expect(v.nextRateFactor).toBe(sustainable ? MAX_RATE_GROWTH : undefined);
  });

  it('reports the step with a rounded target and the achieved rate over the step', () => {
    const v = judgeStep({ targetMessagesPerSecond: 1234.6, acknowledged: 3_700, elapsedMs: 3_000, publishDelayP99Ms: 12.5, lag: 40 });
    expect(v.step).toEqual({ targetMessagesPerSecond: 1235, acknowledgedPerSecond: 1233, publishDelayP99Ms: 12.5, lag: 40, sustainable: true });
  });

  it('takes the delay bound from the rule', () => {
    expect(judgeStep({ ...OK, publishDelayP99Ms: 120 }, { ...DEFAULT_RATE_RULE, maxPublishDelayMs: 100 }).sustainable).toBe(false);
  });
});

describe('rate search schedule', () => {
  it.each([
    [40, 100],
    [400, 100],
    [1000, 250],
  ])('a topic expecting %s msg/s starts at %s msg/s', (expected, start) => {
    expect(initialMaxRate(expected)).toBe(start);
  });

  it.each([
    [8_000, 3_000],
    [60_000, 6_000],
    [300_000, 10_000],
  ])('a %s ms run has steps of %s ms', (duration, step) => {
    expect(stepDurationMs(duration)).toBe(step);
  });

  it('judges a step by its second half', () => {
    expect(judgedSeconds(0, 3_000, 3_000)).toEqual({ from: 1, to: 3 });
    expect(judgedSeconds(6_000, 16_000, 10_000)).toEqual({ from: 11, to: 16 });
  });
});

function topicWorkload(rate: number): TopicWorkload {
  return { topic: 't', loadTopic: 'kafkaform-loadtest.t.0', temporary: true, partitions: 1, replicationFactor: 1, config: {}, messagesPerSecond: rate, messageBytes: 100, rateSource: 'flag', sizeSource: 'flag', maxMessages: 1_000_000 };
}

describe('MaxRateSearch', () => {
  it('doubles every topic rate after a sustainable step, then stops at the first unsustainable one', () => {
    const st = newTopicState(topicWorkload(400), 1);
    const acc = new RunAccounts(new Map([[st.w.loadTopic, st]]), 1);
    const search = new MaxRateSearch(acc, 3_000);
    const ack = (n: number, from: number) => {
      for (let s = from; s < from + n; s++) {
        st.ledger.markSent(0, s);
        st.ledger.markAcknowledged(0, s);
        st.ledger.markConsumed(0, s, 0, s);
      }
    };
    expect(search.tick(2_000)).toBe(true); // the step is not over yet
    expect(search.steps).toEqual([]);
    ack(1_200, 0); // 400 msg/s for 3 s
    expect(search.tick(3_000)).toBe(true);
    expect(search.steps).toEqual([{ targetMessagesPerSecond: 400, acknowledgedPerSecond: 400, publishDelayP99Ms: 0, lag: 0, sustainable: true }]);
    expect(st.rate).toBe(800);
    expect(st.sustainableRate).toBe(400);
    ack(600, 1_200); // only 200 msg/s of the 800 asked
    expect(search.tick(6_000)).toBe(false);
    expect(search.limitReached).toBe(true);
    expect(search.sustainable).toBe(400);
    expect(search.steps[1]).toMatchObject({ targetMessagesPerSecond: 800, acknowledgedPerSecond: 200, sustainable: false });
    expect(st.rate).toBe(800);
  });
});
