/**
 * The regression gate: a run compared with an earlier report (`--baseline FILE`). Pure; the
 * thresholds are documented in the README and carried in the comparison, so a CI log says what
 * was allowed.
 */
import type { LoadTestReport } from './report-types.js';

export interface BaselineThresholds {
  /** Throughput may fall by this share of the baseline (0.1 = 10 %) before the gate fails. */
  maxThroughputDrop: number;
  /** A latency percentile may rise by this share of the baseline (0.25 = 25 %)… */
  maxLatencyRise: number;
  /** …and by at least this many milliseconds: sub-millisecond jitter on loopback is not a regression. */
  minLatencyRiseMs: number;
}

export const DEFAULT_BASELINE_THRESHOLDS: BaselineThresholds = { maxThroughputDrop: 0.1, maxLatencyRise: 0.25, minLatencyRiseMs: 5 };

export interface ComparisonRow {
  metric: string;
  unit: 'msg/s' | 'ms';
  baseline: number;
  current: number;
  /** current ÷ baseline − 1 (0 when the baseline is 0). */
  change: number;
  regressed: boolean;
}

export interface BaselineComparison {
  baselineRunId: string;
  baselineStartedAt: string;
  thresholds: BaselineThresholds;
  rows: ComparisonRow[];
  /** Some row crossed its threshold: `kafkaform loadtest` exits 2. */
  regressed: boolean;
}

function row(metric: string, unit: ComparisonRow['unit'], baseline: number, current: number, t: BaselineThresholds): ComparisonRow {
  const change = baseline > 0 ? current / baseline - 1 : 0;
  const regressed = unit === 'msg/s' ? baseline > 0 && current < baseline * (1 - t.maxThroughputDrop) : current > baseline * (1 + t.maxLatencyRise) && current - baseline >= t.minLatencyRiseMs;
  return { metric, unit, baseline, current, change: Math.round(change * 1000) / 1000, regressed };
}

/** Compares `current` with `baseline`: throughput (producer, consumer, and the max-rate figures when both have them) and the publish and end-to-end percentiles. */
export function computeBaselineComparison(current: LoadTestReport, baseline: LoadTestReport, t: BaselineThresholds = DEFAULT_BASELINE_THRESHOLDS): BaselineComparison {
  const rows: ComparisonRow[] = [
    row('producer throughput', 'msg/s', baseline.producer.messagesPerSecond, current.producer.messagesPerSecond, t),
    row('consumer throughput', 'msg/s', baseline.consumer.messagesPerSecond, current.consumer.messagesPerSecond, t),
  ];
  if (current.maxRate && baseline.maxRate) {
    rows.push(row('max sustainable rate', 'msg/s', baseline.maxRate.sustainableMessagesPerSecond, current.maxRate.sustainableMessagesPerSecond, t));
    if (baseline.maxRate.ceilingMessagesPerSecond !== undefined) rows.push(row('closed-loop ceiling', 'msg/s', baseline.maxRate.ceilingMessagesPerSecond, current.maxRate.ceilingMessagesPerSecond, t));
    const [b, c] = [baseline.maxRate.producerCeilingMessagesPerSecond, current.maxRate.producerCeilingMessagesPerSecond];
    if (b !== undefined && c !== undefined) rows.push(row('producers alone (consumers paused)', 'msg/s', b, c, t));
  }
  for (const [name, key] of [
    ['publish', 'publish'],
    ['end-to-end', 'endToEnd'],
  ] as const) {
    for (const [p, label] of [
      ['p50', 'p50'],
      ['p99', 'p99'],
      ['p999', 'p99.9'],
    ] as const) {
      rows.push(row(`${name} ${label}`, 'ms', baseline.latencyMs[key][p], current.latencyMs[key][p], t));
    }
  }
  return { baselineRunId: baseline.runId, baselineStartedAt: baseline.startedAt, thresholds: t, rows, regressed: rows.some((r) => r.regressed) };
}

/** Whether two runs measured the same thing; a mismatch is worth a warning, not a refusal (a workload may change on purpose). */
export function baselineMismatches(current: LoadTestReport, baseline: LoadTestReport): string[] {
  const out: string[] = [];
  if (current.settings.mode !== baseline.settings.mode) out.push(`mode ${current.settings.mode} vs ${baseline.settings.mode} in the baseline`);
  const topics = (r: LoadTestReport) => r.topics.map((x) => x.topic).sort().join(', ');
  if (topics(current) !== topics(baseline)) out.push(`topics ${topics(current)} vs ${topics(baseline)} in the baseline`);
  return out;
}
