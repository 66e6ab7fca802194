/**
 * The `--rate max` search, in three phases. First a closed-loop ceiling: the producers send as fast
 * as they go while the consumers read along, which finds the order of magnitude in seconds. Then
 * open-loop steps below that ceiling, bisecting for the highest rate that meets the sustainability
 * rule. Last, when the run's consumers can pause, the producer-only ceiling: closed loop again with
 * the consumers paused, as kafka-producer-perf-test measures (it only writes); they catch up in the
 * run's drain. Pure rules (phase lengths, judgeStep, nextProbe) and MaxRateSearch, which applies
 * them to a run's accounts. No timers here: the runner's ticker calls tick().
 */
import { LatencyHistogram } from './histogram.js';
import type { MaxRateResult, MaxRateStep } from './report-types.js';
import type { RunAccounts } from './run-state.js';

/** When a step counts as sustainable. */
export interface RateRule {
  /** Publish delay p99 above this makes a step unsustainable (ms). */
  maxPublishDelayMs: number;
  /** The step must have acknowledged at least this share of its target rate. */
  minAchievedShare: number;
  /** Consumer lag may grow over a step by the target rate's one second of records, or this many, whichever is more. */
  minLagAllowance: number;
}

export const DEFAULT_RATE_RULE: RateRule = { maxPublishDelayMs: 250, minAchievedShare: 0.8, minLagAllowance: 1000 };

/** The first open-loop step, as a fraction of the closed-loop ceiling (an open loop rarely holds the ceiling itself). */
export const FIRST_PROBE = 0.9;
/**
 * Below a failed probe, with nothing sustainable yet, the next probe is 95 % of what the failed step
 * delivered (its acknowledged rate, or less when the consumers fell behind: the rate they consumed),
 * kept between DESCENT and MIN_DESCENT of the failed probe; DESCENT alone when that is unknown.
 */
export const DESCENT = 0.6;
export const MIN_DESCENT = 0.9;
const BELOW_DELIVERED = 0.95;
/** The search stops early once the bracket [sustainable, upper bound] is this narrow. */
export const SEARCH_PRECISION = 0.05;
/** The limit counts as found once the bracket is this narrow (the upper bound may be the ceiling itself). */
export const LIMIT_PRECISION = 0.1;

/** The longest pause between the ceiling phase and the first step. */
export const SETTLE_MAX_MS = 3_000;

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
  /** Consumer lag when the step started: a backlog the consumers are working off is not a failure. Default 0. */
  lagAtStart?: number;
}

export interface StepVerdict {
  /** The step as the report lists it (without its place in the run, which the search adds). */
  step: Omit<MaxRateStep, 'fromSecond' | 'toSecond' | 'fractionOfCeiling'>;
  sustainable: boolean;
}

/** Judges one step: sustainable when the delay, the growth of the lag and the achieved rate all stay within the rule. */
export function judgeStep(stats: StepStats, rule: RateRule = DEFAULT_RATE_RULE): StepVerdict {
  const target = stats.targetMessagesPerSecond;
  const achieved = Math.round((stats.acknowledged * 1000) / stats.elapsedMs);
  const lagGrowth = stats.lag - (stats.lagAtStart ?? 0);
  const sustainable = stats.publishDelayP99Ms <= rule.maxPublishDelayMs && lagGrowth <= Math.max(target, rule.minLagAllowance) && achieved >= rule.minAchievedShare * target;
  return { step: { targetMessagesPerSecond: Math.round(target), acknowledgedPerSecond: achieved, publishDelayP99Ms: stats.publishDelayP99Ms, lag: stats.lag, sustainable }, sustainable };
}

/** What the search knows, as fractions of the ceiling: the highest sustainable probe (0: none yet) and the lowest upper bound (1: the ceiling). */
export interface Bracket {
  sustainable: number;
  upper: number;
  /** What the failed step at `upper` delivered, as a fraction of the ceiling (see DESCENT). */
  delivered?: number;
}

/** The next probe (a fraction of the ceiling), or undefined when the bracket is narrow enough to stop. */
export function nextProbe(b: Bracket): number | undefined {
  if (b.sustainable === 0) {
    if (b.upper >= 1) return FIRST_PROBE;
    if (b.delivered === undefined || !Number.isFinite(b.delivered)) return b.upper * DESCENT;
    return Math.min(b.upper * MIN_DESCENT, Math.max(b.upper * DESCENT, b.delivered * BELOW_DELIVERED));
  }
  if ((b.upper - b.sustainable) / b.upper <= SEARCH_PRECISION + 1e-9) return undefined;
  return (b.sustainable + b.upper) / 2;
}

/** Whether the bracket locates the limit: something sustainable within LIMIT_PRECISION of the upper bound. */
export function limitFound(b: Bracket): boolean {
  return b.sustainable > 0 && (b.upper - b.sustainable) / b.upper <= LIMIT_PRECISION + 1e-9;
}

/** The bracket after judging a probe; `delivered`: what a failed step delivered (a fraction of the ceiling), when known. */
export function applyVerdict(b: Bracket, probe: number, sustainable: boolean, delivered?: number): Bracket {
  // Once a step was sustainable the search bisects: what a failed step delivered is not read again.
  if (sustainable) return { sustainable: Math.max(b.sustainable, probe), upper: b.upper };
  if (probe >= b.upper) return b;
  return { sustainable: b.sustainable, upper: probe, ...(delivered !== undefined ? { delivered } : {}) };
}

/** What a step delivered (msg/s): its acknowledged rate, or the rate the consumers kept up with when its lag grew. */
export function deliveredRate(stats: StepStats): number {
  const seconds = Math.max(0.001, stats.elapsedMs / 1000);
  const acknowledged = stats.acknowledged / seconds;
  const lagGrowth = Math.max(0, stats.lag - (stats.lagAtStart ?? 0));
  return Math.max(0, Math.min(acknowledged, acknowledged - lagGrowth / seconds));
}

/** The producer-only ceiling phase: 60 % of the ceiling phase, at least 2 seconds (measured over its whole seconds after the first). */
export function producerCeilingPhaseMs(durationMs: number): number {
  return Math.max(2_000, Math.round(ceilingPhaseMs(durationMs) * 0.6));
}

/** The closed-loop ceiling phase: a quarter of the run, between 2 and 10 seconds. */
export function ceilingPhaseMs(durationMs: number): number {
  return Math.min(10_000, Math.max(2_000, Math.floor(durationMs / 4)));
}

/** An open-loop step: a tenth of the run, between 3 and 10 seconds. */
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

/**
 * Where the search is: measuring the ceiling, pausing until its in-flight backlog is acknowledged,
 * stepping below it, pausing again before the producer-only ceiling (`quiet`), measuring that, or finished.
 */
export type SearchPhase = 'ceiling' | 'settle' | 'search' | 'quiet' | 'producer-ceiling' | 'done';

export interface SearchTiming {
  durationMs: number;
  ceilingMs: number;
  stepMs: number;
  producerCeilingMs: number;
}

/** The timing of a run of `durationMs`. */
export function searchTiming(durationMs: number): SearchTiming {
  return { durationMs, ceilingMs: ceilingPhaseMs(durationMs), stepMs: stepDurationMs(durationMs), producerCeilingMs: producerCeilingPhaseMs(durationMs) };
}

/** The run's consumers, as the producer-only ceiling pauses and resumes them. */
export interface ConsumerSwitch {
  pause(): void;
  resume(): void;
}

export interface ProducerCeilingOptions {
  consumers: ConsumerSwitch;
  /**
   * The phase starts at this time (ms since the start of producing), or at the first tick after it:
   * the workers of a multi-worker run start it together, after every worker's last step, whatever
   * their own last batches (a worker that started later would measure while the others' phases
   * were over, and their sum would exceed what the cluster takes). Default: as soon as the search is
   * done and its last batches are acknowledged (at most SETTLE_MAX_MS).
   */
  notBeforeMs?: number;
}


/**
 * Max-rate search state. start() puts every topic in closed loop; the ticker then calls tick()
 * every second: it measures the ceiling over the second part of the ceiling phase (the first
 * part warms the connections up), then sets open-loop rates at fractions of each topic's own
 * ceiling and judges each step.
 */
export class MaxRateSearch {
  readonly steps: MaxRateStep[] = [];
  phase: SearchPhase = 'ceiling';
  /** Total closed-loop rate over all topics (msg/s); 0 until measured. */
  ceiling = 0;
  /** Total rate of the highest sustainable step (msg/s). */
  sustainable = 0;
  limitReached = false;
  /** The ceiling phase as seconds since the start of producing: [0, ceilingEndSecond). */
  ceilingEndSecond = 0;
  /** Total producer-only closed-loop rate (msg/s), and the seconds [from, to) of its phase; undefined until measured. */
  producerCeiling?: { messagesPerSecond: number; fromSecond: number; toSecond: number };
  private searchEndMs = 0;
  private producerStartMs = 0;
  private bracket: Bracket = { sustainable: 0, upper: 1 };
  private probe = 0;
  private mark?: { atMs: number; acked: number[] };
  private readonly topicCeilings: number[] = [];
  private stepStartMs = 0;
  private ackedAtStepStart = 0;
  private lagAtStepStart = 0;

  /** `producerCeilingOpts`: measure the producer-only ceiling after the steps, pausing the run's consumers. */
  constructor(
    private readonly acc: RunAccounts,
    private readonly timing: SearchTiming,
    private readonly rule: RateRule = DEFAULT_RATE_RULE,
    private readonly producerCeilingOpts?: ProducerCeilingOptions,
  ) {}

  /** How long past `durationMs` this search may keep the producers going (the guard on a run's end). */
  overrunMs(): number {
    return 2_000 + (this.producerCeilingOpts ? 1_000 + SETTLE_MAX_MS + this.timing.producerCeilingMs : 0);
  }

  /** The report's `maxRate` (report-types.ts) as the search stands. */
  result(): MaxRateResult {
    const p = this.producerCeiling;
    return {
      ceilingMessagesPerSecond: Math.round(this.ceiling),
      ceilingPhaseSeconds: this.ceilingEndSecond,
      ...(p ? { producerCeilingMessagesPerSecond: p.messagesPerSecond, producerCeilingFromSecond: p.fromSecond, producerCeilingToSecond: p.toSecond } : {}),
      sustainableMessagesPerSecond: this.sustainable,
      limitReached: this.limitReached,
      rule: this.rule,
      steps: this.steps,
    };
  }

  /** Closed loop on every topic (the producers treat an infinite rate as "as fast as you go", and a rate of 0 as a pause). */
  start(): void {
    for (const st of this.acc.topics) st.rate = Number.POSITIVE_INFINITY;
  }

  /** Called every second with the time since producing started; returns false once producing should stop. */
  tick(elapsedMs: number): boolean {
    if (this.phase === 'ceiling') return this.tickCeiling(elapsedMs);
    if (this.phase === 'settle') return this.tickSettle(elapsedMs);
    if (this.phase === 'quiet') return this.tickQuiet(elapsedMs);
    if (this.phase === 'producer-ceiling') return this.tickProducerCeiling(elapsedMs);
    if (this.phase === 'done') return false;
    if (elapsedMs - this.stepStartMs < this.timing.stepMs) return true;
    this.judge(elapsedMs);
    return (this.phase as SearchPhase) !== 'done'; // judge() may have moved it on
  }

  private tickCeiling(elapsedMs: number): boolean {
    const topics = this.acc.topics;
    if (!this.mark && elapsedMs >= this.timing.ceilingMs * 0.4) this.mark = { atMs: elapsedMs, acked: topics.map((st) => st.ledger.acknowledgedCount()) };
    if (!this.mark || elapsedMs < this.timing.ceilingMs) return true;
    const seconds = (elapsedMs - this.mark.atMs) / 1000;
    topics.forEach((st, i) => {
      this.topicCeilings[i] = (st.ledger.acknowledgedCount() - this.mark!.acked[i]!) / seconds;
      st.ceilingRate = this.topicCeilings[i];
    });
    this.ceiling = this.topicCeilings.reduce((a, b) => a + b, 0);
    this.ceilingEndSecond = Math.round(elapsedMs / 1000);
    if (this.ceiling <= 0) {
      this.phase = 'done';
      return false;
    }
    // Closed loop leaves batches queued at the broker; a step that started behind them would be judged on the ceiling's backlog.
    this.phase = 'settle';
    for (const st of topics) st.rate = 0;
    return true;
  }

  /** Pauses the producers until nothing sent is still waiting for its acknowledgement (at most SETTLE_MAX_MS), then starts the first step. */
  private tickSettle(elapsedMs: number): boolean {
    if (this.acc.unacknowledged() > 0 && elapsedMs - this.ceilingEndSecond * 1000 < SETTLE_MAX_MS) return true;
    this.phase = 'search';
    this.startStep(elapsedMs, FIRST_PROBE);
    return true;
  }

  /** The steps are over: pause the producers, or end the run when there is no producer-only ceiling to measure. */
  private endSearch(elapsedMs: number): void {
    if (!this.producerCeilingOpts) {
      this.phase = 'done';
      return;
    }
    this.phase = 'quiet';
    this.searchEndMs = elapsedMs;
    for (const st of this.acc.topics) st.rate = 0;
  }

  /** Waits for the common start, or for the last step's batches (at most SETTLE_MAX_MS), then pauses the consumers and goes closed loop. */
  private tickQuiet(elapsedMs: number): boolean {
    const o = this.producerCeilingOpts!;
    if (o.notBeforeMs !== undefined) {
      if (elapsedMs < o.notBeforeMs) return true;
    } else if (this.acc.unacknowledged() > 0 && elapsedMs - this.searchEndMs < SETTLE_MAX_MS) return true;
    o.consumers.pause();
    // What is sent from here on is read only in the drain: its end-to-end latency is the pause's, not the cluster's.
    this.acc.endToEndSentBeforeMs = this.acc.buckets.t0 + elapsedMs;
    this.phase = 'producer-ceiling';
    this.producerStartMs = elapsedMs;
    for (const st of this.acc.topics) st.rate = Number.POSITIVE_INFINITY;
    return true;
  }

  /**
   * Measured over the phase's whole seconds after its first (the warm-up), counted in the run's
   * per-second buckets: the same seconds on every worker of a multi-worker run, whose ticks drift
   * apart by then (a tick-to-tick window would not be, and their sum would overshoot).
   */
  private tickProducerCeiling(elapsedMs: number): boolean {
    if (elapsedMs - this.producerStartMs < this.timing.producerCeilingMs) return true;
    const from = Math.floor(this.producerStartMs / 1000) + 1;
    const to = Math.max(from + 1, Math.floor(elapsedMs / 1000));
    let acked = 0;
    for (let s = from; s < to; s++) acked += this.acc.buckets.all[s]?.acked ?? 0;
    this.producerCeiling = { messagesPerSecond: Math.round(acked / (to - from)), fromSecond: Math.round(this.producerStartMs / 1000), toSecond: Math.round(elapsedMs / 1000) };
    this.producerCeilingOpts!.consumers.resume();
    this.phase = 'done';
    return false;
  }

  private startStep(elapsedMs: number, probe: number): void {
    this.probe = probe;
    this.acc.topics.forEach((st, i) => {
      st.rate = Math.max(1, probe * this.topicCeilings[i]!);
    });
    this.stepStartMs = elapsedMs;
    this.ackedAtStepStart = this.acc.acknowledged();
    this.lagAtStepStart = this.acc.lag();
  }

  private judge(elapsedMs: number): void {
    const { from, to } = judgedSeconds(this.stepStartMs, elapsedMs, this.timing.stepMs);
    const delay = new LatencyHistogram();
    for (let s = from; s < to; s++) if (this.acc.buckets.all[s]) delay.add(this.acc.buckets.all[s]!.delay);
    const acked = this.acc.acknowledged();
    const stats: StepStats = { targetMessagesPerSecond: this.acc.target(), acknowledged: acked - this.ackedAtStepStart, elapsedMs: elapsedMs - this.stepStartMs, publishDelayP99Ms: delay.percentileMs(99), lag: this.acc.lag(), lagAtStart: this.lagAtStepStart };
    const verdict = judgeStep(stats, this.rule);
    this.steps.push({ ...verdict.step, fromSecond: Math.round(this.stepStartMs / 1000), toSecond: Math.round(elapsedMs / 1000), fractionOfCeiling: Math.round(this.probe * 1000) / 1000 });
    if (verdict.sustainable && verdict.step.targetMessagesPerSecond > this.sustainable) {
      this.sustainable = verdict.step.targetMessagesPerSecond;
      for (const st of this.acc.topics) st.sustainableRate = st.rate;
    }
    this.bracket = applyVerdict(this.bracket, this.probe, verdict.sustainable, deliveredRate(stats) / this.ceiling);
    this.limitReached = limitFound(this.bracket);
    const next = nextProbe(this.bracket);
    // Another step only when it can finish within the run (the last tick may come a little late).
    if (next === undefined || elapsedMs + this.timing.stepMs > this.timing.durationMs + 500) {
      this.endSearch(elapsedMs);
      return;
    }
    this.startStep(elapsedMs, next);
  }
}
