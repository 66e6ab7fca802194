/**
 * The `--rate max` search: pure rules (where it starts, how long a step lasts, which seconds judge
 * a step, whether a step was sustainable) and MaxRateSearch, which applies them to a run's
 * accounts. No timers here: the runner's ticker calls tick().
 */
import { LatencyHistogram } from './histogram.js';
import type { MaxRateStep } from './report-types.js';
import type { RunAccounts } from './run-state.js';

/** Each sustainable step doubles the rate: a one-minute search brackets the limit within 2×. */
export const MAX_RATE_GROWTH = 2;

/** When a step counts as sustainable. */
export interface RateRule {
  /** Publish delay p99 above this makes a step unsustainable (ms). */
  maxPublishDelayMs: number;
  /** The step must have acknowledged at least this share of its target rate. */
  minAchievedShare: number;
  /** Consumer lag may reach the target rate's one second of records, or this many, whichever is more. */
  minLagAllowance: number;
}

export const DEFAULT_RATE_RULE: RateRule = { maxPublishDelayMs: 250, minAchievedShare: 0.8, minLagAllowance: 1000 };

/** What the runner measured over one step. */
export interface StepStats {
  /** The step's total target rate over all topics (msg/s, unrounded). */
  targetMessagesPerSecond: number;
  /** Records acknowledged during the step, and how long it lasted. */
  acknowledged: number;
  elapsedMs: number;
  /** Publish delay p99 over the judged seconds (see judgedSeconds). */
  publishDelayP99Ms: number;
  /** Consumer lag at the end of the step (records). */
  lag: number;
}

export interface StepVerdict {
  /** The step as the report lists it. */
  step: MaxRateStep;
  sustainable: boolean;
  /** What every topic's rate is multiplied by for the next step; absent when the search stops here. */
  nextRateFactor?: number;
}

/** Judges one step: sustainable when the delay, the lag and the achieved rate all stay within the rule. */
export function judgeStep(stats: StepStats, rule: RateRule = DEFAULT_RATE_RULE): StepVerdict {
  const target = stats.targetMessagesPerSecond;
  const achieved = Math.round((stats.acknowledged * 1000) / stats.elapsedMs);
  const sustainable = stats.publishDelayP99Ms <= rule.maxPublishDelayMs && stats.lag <= Math.max(target, rule.minLagAllowance) && achieved >= rule.minAchievedShare * target;
  return {
    step: { targetMessagesPerSecond: Math.round(target), acknowledgedPerSecond: achieved, publishDelayP99Ms: stats.publishDelayP99Ms, lag: stats.lag, sustainable },
    sustainable,
    ...(sustainable ? { nextRateFactor: MAX_RATE_GROWTH } : {}),
  };
}

/** A topic's first rate in max mode: a quarter of its expected rate, at least 100 msg/s. */
export function initialMaxRate(messagesPerSecond: number): number {
  return Math.max(100, messagesPerSecond / 4);
}

/** A tenth of the run, between 3 and 10 seconds. */
export function stepDurationMs(durationMs: number): number {
  return Math.min(10_000, Math.max(3_000, Math.floor(durationMs / 10)));
}

/**
 * The whole seconds [from, to) since the start of producing that judge a step: its second half,
 * because the first half absorbs the rate change. Times are milliseconds since the start.
 */
export function judgedSeconds(stepStartMs: number, nowMs: number, stepMs: number): { from: number; to: number } {
  return { from: Math.floor(stepStartMs / 1000 + stepMs / 2000), to: Math.floor(nowMs / 1000) };
}

/** Max-rate search state: the ticker measures each step and applies judgeStep's verdict. */
export class MaxRateSearch {
  readonly steps: MaxRateStep[] = [];
  limitReached = false;
  sustainable = 0;
  private stepStartMs = 0;
  private ackedAtStepStart = 0;

  constructor(
    private readonly acc: RunAccounts,
    private readonly stepMs: number,
    private readonly rule: RateRule = DEFAULT_RATE_RULE,
  ) {}

  /** Called every second with the time since producing started; returns false once the limit is reached. */
  tick(elapsedMs: number): boolean {
    if (elapsedMs - this.stepStartMs < this.stepMs) return true;
    const { from, to } = judgedSeconds(this.stepStartMs, elapsedMs, this.stepMs);
    const delay = new LatencyHistogram();
    for (let s = from; s < to; s++) if (this.acc.buckets.all[s]) delay.add(this.acc.buckets.all[s]!.delay);
    const acked = this.acc.acknowledged();
    const verdict = judgeStep(
      { targetMessagesPerSecond: this.acc.target(), acknowledged: acked - this.ackedAtStepStart, elapsedMs: elapsedMs - this.stepStartMs, publishDelayP99Ms: delay.percentileMs(99), lag: this.acc.lag() },
      this.rule,
    );
    this.steps.push(verdict.step);
    if (verdict.nextRateFactor !== undefined) {
      this.sustainable = verdict.step.targetMessagesPerSecond;
      for (const st of this.acc.topics) {
        st.sustainableRate = st.rate;
        st.rate *= verdict.nextRateFactor;
      }
    } else {
      this.limitReached = true;
    }
    this.stepStartMs = elapsedMs;
    this.ackedAtStepStart = acked;
    return !this.limitReached;
  }
}
