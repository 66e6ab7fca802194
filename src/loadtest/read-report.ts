/** Reads a `kafkaform loadtest --format json` report from a file (capacity --from, loadtest --baseline). */
import { readFileSync } from 'node:fs';
import { UserError } from '../errors.js';
import type { LoadTestReport } from './report-types.js';

const HINT = 'produce one with `kafkaform loadtest --format json --out report.json`';

/** What a number at `path` must be; `optional` lets it be absent. */
interface NumberRule {
  path: string;
  min: number;
  integer?: boolean;
  optional?: boolean;
}

// The fields that capacity and the baseline comparison compute with. A report edited by hand or cut
// short must fail here with the field named, not turn into NaN or Infinity in a plan.
const TOP: NumberRule[] = [
  { path: 'producer.messagesPerSecond', min: 0 },
  { path: 'consumer.messagesPerSecond', min: 0 },
  { path: 'maxRate.sustainableMessagesPerSecond', min: 0, optional: true },
  { path: 'maxRate.ceilingMessagesPerSecond', min: 0, optional: true },
  { path: 'maxRate.producerCeilingMessagesPerSecond', min: 0, optional: true },
  ...['publish', 'publishDelay', 'endToEnd'].flatMap((k) => ['p50', 'p99', 'p999'].map((p) => ({ path: `latencyMs.${k}.${p}`, min: 0, optional: k !== 'publish' }))),
];
const PER_TOPIC: NumberRule[] = [
  { path: 'partitions', min: 1, integer: true },
  { path: 'messageBytes', min: 1 },
  { path: 'sustainableMessagesPerSecond', min: 0, optional: true },
  { path: 'perPartition.producer.megabytesPerSecond', min: 0 },
  { path: 'perPartition.consumer.megabytesPerSecond', min: 0 },
];
// Throughputs above 1 TB/s per partition or message rates above 10^12/s are not measurements.
const MAX = 1e12;

function at(v: unknown, path: string): unknown {
  let cur = v;
  for (const k of path.split('.')) cur = cur !== null && typeof cur === 'object' ? (cur as Record<string, unknown>)[k] : undefined;
  return cur;
}

function checkNumbers(v: unknown, rules: NumberRule[], prefix: string): string | undefined {
  for (const r of rules) {
    const x = at(v, r.path);
    if (x === undefined && r.optional) continue;
    if (typeof x !== 'number' || !Number.isFinite(x) || x < r.min || x > MAX || (r.integer && !Number.isInteger(x))) {
      return `${prefix}${r.path} is ${JSON.stringify(x) ?? 'missing'}, not ${r.integer ? 'an integer' : 'a number'} ≥ ${r.min}`;
    }
  }
  return undefined;
}

/** Why `r` is not a report capacity and the baseline comparison can compute with, or undefined. */
function reportProblem(r: Record<string, unknown>): string | undefined {
  if (r.reportVersion !== 1) return 'reportVersion is not 1';
  const settings = r.settings as Record<string, unknown> | undefined;
  if (typeof settings?.mode !== 'string' || typeof settings.acks !== 'string') return 'settings.mode or settings.acks is missing';
  if (!Array.isArray(r.topics)) return 'topics is not a list';
  const top = checkNumbers(r, TOP, '');
  if (top) return top;
  for (const [i, t] of r.topics.entries()) {
    if (typeof (t as { topic?: unknown } | null)?.topic !== 'string') return `topics[${i}].topic is not a topic name`;
    const bad = checkNumbers(t, PER_TOPIC, `topics[${i}].`);
    if (bad) return bad;
  }
  return undefined;
}

/** The report in `path`, or a UserError naming the file, what is wrong with it, and how to produce one. */
export function readLoadTestReport(path: string): LoadTestReport {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new UserError(`cannot read load-test report ${path}: ${(e as Error).message}`, HINT);
  }
  const problem = parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? reportProblem(parsed as Record<string, unknown>) : 'it is not a JSON object';
  if (problem) throw new UserError(`${path} is not a kafkaform load-test report (reportVersion 1): ${problem}`, HINT);
  return parsed as LoadTestReport;
}
