import { describe, expect, it } from 'vitest';
import { applyVerdict, ceilingPhaseMs, DEFAULT_RATE_RULE, deliveredRate, FIRST_PROBE, judgedSeconds, judgeStep, limitFound, MaxRateSearch, nextProbe, producerCeilingPhaseMs, searchTiming, stepDurationMs, type StepStats } from '../../src/loadtest/rate-search.js';
import { newTopicState, RunAccounts, type TopicState } from '../../src/loadtest/run-state.js';
import type { TopicWorkload } from '../../src/loadtest/workload.js';

/** A 10-second step at 1000 msg/s that met every bound; each case changes one figure. */
const OK: StepStats = { targetMessagesPerSecond: 1000, acknowledged: 10_000, elapsedMs: 10_000, publishDelayP99Ms: 20, lag: 0 };

describe('judgeStep (--rate max)', () => {
  const cases: Array<[string, Partial<StepStats>, boolean]> = [
    ['every bound met', {}, true],
    ['publish delay p99 exactly at the 250 ms bound', { publishDelayP99Ms: 250 }, true],
    ['publish delay p99 above 250 ms', { publishDelayP99Ms: 250.5 }, false],
    ['lag up to 1000 records when the target is lower', { lag: 1000 }, true],
    ['a backlog from before the step that the consumers work off', { lag: 40_000, lagAtStart: 90_000 }, true],
    ['lag growing by more than 1000 records over the step', { lag: 41_001, lagAtStart: 40_000 }, false],
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
    [8_000, 2_000, 3_000],
    [20_000, 5_000, 3_000],
    [60_000, 10_000, 6_000],
    [300_000, 10_000, 10_000],
  ])('a %s ms run has a ceiling phase of %s ms and steps of %s ms', (duration, ceiling, step) => {
    expect(ceilingPhaseMs(duration)).toBe(ceiling);
    expect(stepDurationMs(duration)).toBe(step);
  });

  it('judges a step by its second half', () => {
    expect(judgedSeconds(0, 3_000, 3_000)).toEqual({ from: 1, to: 3 });
    expect(judgedSeconds(6_000, 16_000, 10_000)).toEqual({ from: 11, to: 16 });
  });
});

describe('the bracket below the ceiling', () => {
  it('starts at 90 % of the ceiling', () => {
    expect(nextProbe({ sustainable: 0, upper: 1 })).toBe(FIRST_PROBE);
  });

  it('descends by 0.6 while nothing was sustainable, then bisects', () => {
    let b = applyVerdict({ sustainable: 0, upper: 1 }, 0.9, false);
    expect(nextProbe(b)).toBeCloseTo(0.54);
    b = applyVerdict(b, 0.54, true);
    expect(nextProbe(b)).toBeCloseTo(0.72);
    expect(limitFound(b)).toBe(false);
  });

  it('after a failed step, probes just below what it delivered, between 0.6 and 0.9 of it', () => {
    // 90 % asked, 79 % delivered: next 0.95 × 0.79.
    let b = applyVerdict({ sustainable: 0, upper: 1 }, 0.9, false, 0.79);
    expect(nextProbe(b)).toBeCloseTo(0.7505);
    // Delivered almost all (it failed on delay): at least 10 % lower.
    expect(nextProbe(applyVerdict({ sustainable: 0, upper: 1 }, 0.9, false, 0.89))).toBeCloseTo(0.81);
    // Delivered little: no lower than 0.6 of the failed probe.
    expect(nextProbe(applyVerdict({ sustainable: 0, upper: 1 }, 0.9, false, 0.1))).toBeCloseTo(0.54);
    // Once a step was sustainable: bisection, as before.
    b = applyVerdict(b, 0.7505, true);
    expect(nextProbe(b)).toBeCloseTo((0.7505 + 0.9) / 2);
    b = applyVerdict(b, 0.825, false, 0.8);
    expect(limitFound(b)).toBe(true);
  });

  it('counts a step as delivering its acknowledged rate, less the lag it let grow', () => {
    const step = { targetMessagesPerSecond: 10_000, acknowledged: 27_000, elapsedMs: 3_000, publishDelayP99Ms: 400 };
    expect(deliveredRate({ ...step, lag: 0 })).toBe(9_000);
    expect(deliveredRate({ ...step, lag: 7_000, lagAtStart: 1_000 })).toBe(7_000);
    expect(deliveredRate({ ...step, lag: 0, lagAtStart: 5_000 })).toBe(9_000);
  });

  it('counts the limit as found within 10 % of the upper bound, and stops within 5 %', () => {
    const b = applyVerdict({ sustainable: 0, upper: 1 }, 0.9, true);
    expect(limitFound(b)).toBe(true);
    expect(nextProbe(b)).toBeCloseTo(0.95);
    expect(nextProbe(applyVerdict(b, 0.95, true))).toBeUndefined();
  });

  it('never finds a limit without a sustainable step', () => {
    expect(limitFound({ sustainable: 0, upper: 0.1 })).toBe(false);
  });
});

function topicWorkload(rate: number): TopicWorkload {
  return { topic: 't', loadTopic: 'kafkaform-loadtest.t.0', temporary: true, partitions: 1, replicationFactor: 1, config: {}, messagesPerSecond: rate, messageBytes: 100, rateSource: 'flag', sizeSource: 'flag', maxMessages: 1_000_000, compression: 'none' };
}

/** Sends, acknowledges and consumes the next `n` records of producer 0 (numbered on from the last call). */
function acker(st: TopicState): (n: number) => void {
  let seq = 0;
  return (n) => {
    for (const end = seq + n; seq < end; seq++) {
      st.ledger.markSent(0, seq);
      st.ledger.markAcknowledged(0, seq);
      st.ledger.markConsumed(0, seq, 0, seq);
    }
  };
}

describe('MaxRateSearch', () => {
  it('measures the closed-loop ceiling, steps below it and stops once the limit is bracketed', () => {
    const st = newTopicState(topicWorkload(400), 1);
    const acc = new RunAccounts(new Map([[st.w.loadTopic, st]]), 1);
    const search = new MaxRateSearch(acc, searchTiming(20_000));
    const ack = acker(st);
    search.start();
    expect(st.rate).toBe(Number.POSITIVE_INFINITY);
    expect(acc.closedLoop()).toBe(true);
    ack(10_000);
    expect(search.tick(1_000)).toBe(true);
    expect(search.tick(2_000)).toBe(true); // 40 % of the 5 s phase: the measurement starts here
    ack(30_000); // 10 000 msg/s for 3 s
    expect(search.tick(5_000)).toBe(true);
    expect(search.ceiling).toBe(10_000);
    expect(st.ceilingRate).toBe(10_000);
    expect(search.ceilingEndSecond).toBe(5);
    // Paused until the ceiling's in-flight records are answered, then the first step at 90 %.
    expect(search.phase).toBe('settle');
    expect(st.rate).toBe(0);
    st.ledger.markSent(1, 0); // one record (of another producer) still in flight at the next tick
    expect(search.tick(6_000)).toBe(true);
    expect(search.phase).toBe('settle');
    st.ledger.markAcknowledged(1, 0);
    st.ledger.markConsumed(1, 0, 0, 40_001);
    expect(search.tick(7_000)).toBe(true);
    expect(search.phase).toBe('search');
    expect(st.rate).toBe(9_000);
    ack(27_000);
    expect(search.tick(10_000)).toBe(true);
    expect(search.steps).toEqual([{ fromSecond: 7, toSecond: 10, fractionOfCeiling: 0.9, targetMessagesPerSecond: 9_000, acknowledgedPerSecond: 9_000, publishDelayP99Ms: 0, lag: 0, sustainable: true }]);
    expect(search.limitReached).toBe(true);
    expect(st.sustainableRate).toBe(9_000);
    expect(st.rate).toBe(9_500);
    ack(6_000); // only 2 000 msg/s of the 9 500 asked
    expect(search.tick(13_000)).toBe(true);
    expect(search.steps[1]).toMatchObject({ targetMessagesPerSecond: 9_500, acknowledgedPerSecond: 2_000, sustainable: false });
    expect(st.rate).toBe(9_250);
    ack(27_750);
    expect(search.tick(16_000)).toBe(false); // 9 250 of [9 250, 9 500]: within 5 %
    expect(search.phase).toBe('done');
    expect(search.sustainable).toBe(9_250);
  });

  it('after the steps, pauses the consumers and measures the producers alone in closed loop, then resumes them and ends', () => {
    const st = newTopicState(topicWorkload(400), 1);
    const acc = new RunAccounts(new Map([[st.w.loadTopic, st]]), 1);
    acc.buckets.t0 = 1_000_000;
    const calls: string[] = [];
    const search = new MaxRateSearch(acc, searchTiming(8_000), undefined, { consumers: { pause: () => calls.push('pause'), resume: () => calls.push('resume') }, notBeforeMs: 9_000 });
    search.start();
    const ack = acker(st);
    search.tick(1_000);
    ack(1_000);
    search.tick(2_000);
    search.tick(3_000); // settled: the first step starts
    ack(300); // not sustainable, and no further step fits in the 8 s run
    expect(search.tick(6_000)).toBe(true); // the search is over, the run is not
    expect(search.phase).toBe('quiet');
    expect(st.rate).toBe(0);
    expect(calls).toEqual([]);
    // The workers start the phase together, at notBeforeMs.
    expect(search.tick(8_000)).toBe(true);
    expect(search.phase).toBe('quiet');
    st.ledger.markSent(1, 0); // a batch still in flight does not hold back the common start
    expect(search.tick(9_000)).toBe(true);
    expect(search.phase).toBe('producer-ceiling');
    expect(calls).toEqual(['pause']);
    expect(st.rate).toBe(Number.POSITIVE_INFINITY);
    expect(acc.endToEndSentBeforeMs).toBe(1_009_000);
    // 2 s phase, measured over its whole seconds after the first: second 10 (a late tick adds none before it).
    expect(producerCeilingPhaseMs(8_000)).toBe(2_000);
    acc.buckets.at(1_009_500).acked += 5_000;
    expect(search.tick(10_000)).toBe(true);
    acc.buckets.at(1_010_500).acked += 4_000;
    expect(search.tick(11_000)).toBe(false);
    expect(search.phase).toBe('done');
    expect(calls).toEqual(['pause', 'resume']);
    expect(search.result()).toMatchObject({ producerCeilingMessagesPerSecond: 4_000, producerCeilingFromSecond: 9, producerCeilingToSecond: 11, ceilingMessagesPerSecond: 1_000 });
    // The guard on the run's end leaves room for the phase.
    expect(search.overrunMs()).toBeGreaterThan(new MaxRateSearch(acc, searchTiming(8_000)).overrunMs() + 2_000 + 1_000);
  });

  it('in one process, starts the producer-only phase once the last batches are answered', () => {
    const st = newTopicState(topicWorkload(400), 1);
    const acc = new RunAccounts(new Map([[st.w.loadTopic, st]]), 1);
    const paused: boolean[] = [];
    const search = new MaxRateSearch(acc, searchTiming(8_000), undefined, { consumers: { pause: () => paused.push(true), resume: () => paused.push(false) } });
    search.start();
    const ack = acker(st);
    search.tick(1_000);
    ack(1_000);
    search.tick(2_000);
    search.tick(3_000);
    ack(300);
    st.ledger.markSent(1, 0);
    expect(search.tick(6_000)).toBe(true);
    expect(search.tick(7_000)).toBe(true);
    expect(search.phase).toBe('quiet');
    st.ledger.markAcknowledged(1, 0);
    expect(search.tick(8_000)).toBe(true);
    expect(search.phase).toBe('producer-ceiling');
    expect(paused).toEqual([true]);
  });

  it('has no producer-only phase without a consumer switch', () => {
    const st = newTopicState(topicWorkload(400), 1);
    const search = new MaxRateSearch(new RunAccounts(new Map([[st.w.loadTopic, st]]), 1), searchTiming(8_000));
    search.start();
    let seq = 0;
    search.tick(1_000);
    for (; seq < 1_000; seq++) st.ledger.markAcknowledged(0, seq);
    search.tick(2_000);
    search.tick(3_000);
    expect(search.tick(6_000)).toBe(false);
    expect(search.result().producerCeilingMessagesPerSecond).toBeUndefined();
  });

  it('gives up without a limit when the ceiling phase acknowledged nothing', () => {
    const st = newTopicState(topicWorkload(400), 1);
    const search = new MaxRateSearch(new RunAccounts(new Map([[st.w.loadTopic, st]]), 1), searchTiming(8_000));
    search.start();
    expect(search.tick(1_000)).toBe(true);
    expect(search.tick(2_000)).toBe(false);
    expect(search.limitReached).toBe(false);
    expect(search.steps).toEqual([]);
  });

  it('ends the search when no further step fits in the run', () => {
    const st = newTopicState(topicWorkload(400), 1);
    const search = new MaxRateSearch(new RunAccounts(new Map([[st.w.loadTopic, st]]), 1), searchTiming(8_000));
    search.start();
    let seq = 0;
    const ack = (n: number) => {
      for (const end = seq + n; seq < end; seq++) {
        st.ledger.markAcknowledged(0, seq);
        st.ledger.markConsumed(0, seq, 0, seq);
      }
    };
    search.tick(1_000);
    ack(1_000);
    search.tick(2_000);
    expect(search.ceiling).toBe(1_000);
    search.tick(3_000); // settled: the first step starts
    ack(300); // a tenth of the 900 msg/s asked: not sustainable
    expect(search.tick(6_000)).toBe(false); // 6 s + another 3 s step would overrun the 8 s run
    expect(search.steps.map((s) => [s.fromSecond, s.toSecond, s.sustainable])).toEqual([[3, 6, false]]);
    expect(search.sustainable).toBe(0);
    expect(search.limitReached).toBe(false);
  });
});
