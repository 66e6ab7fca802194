/** A consuming service's lag budget (`maxLag`): a record count or a duration, told apart once here. */
import { Duration, formatDurationMs } from './units.js';

/** Records (summed over the service's partitions) or the age of its oldest unconsumed record. */
export type LagBudget = { kind: 'records'; records: number } | { kind: 'time'; ms: number };

/** `10000` (or `"10000"`) is a count; `5m`, `30s`, `500ms` a duration; anything else (negative, `forever`, `5 minutes`) is undefined. */
export function parseLagBudget(input: unknown): LagBudget | undefined {
  if (typeof input === 'number') return Number.isSafeInteger(input) && input >= 0 ? { kind: 'records', records: input } : undefined;
  if (typeof input !== 'string') return undefined;
  const s = input.trim();
  if (/^\d+$/.test(s)) return parseLagBudget(Number(s));
  // A bare number is a count above, so only a duration with its unit gets here; `forever` is no budget.
  if (!/^\d+\s*(ms|s|m|h|d|w)$/.test(s)) return undefined;
  const d = Duration.tryParse(s);
  return d && !d.isForever() ? { kind: 'time', ms: d.toMilliseconds() } : undefined;
}

/** `10000 records` or `5m`. */
export function formatLagBudget(b: LagBudget): string {
  return b.kind === 'records' ? `${b.records} records` : formatDurationMs(b.ms);
}
