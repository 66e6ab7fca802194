/** Reads a `kafkaform loadtest --format json` report from a file (capacity --from, loadtest --baseline). */
import { readFileSync } from 'node:fs';
import { UserError } from '../errors.js';
import type { LoadTestReport } from './report-types.js';

/** The report in `path`, or a UserError saying how to produce one. */
export function readLoadTestReport(path: string): LoadTestReport {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new UserError(`cannot read load-test report ${path}: ${(e as Error).message}`, 'produce one with `kafkaform loadtest --format json --out report.json`');
  }
  const r = parsed as Partial<LoadTestReport>;
  if (r.reportVersion !== 1 || !Array.isArray(r.topics) || !r.producer || !r.latencyMs) {
    throw new UserError(`${path} is not a kafkaform load-test report (reportVersion 1)`, 'produce one with `kafkaform loadtest --format json --out report.json`');
  }
  return r as LoadTestReport;
}
