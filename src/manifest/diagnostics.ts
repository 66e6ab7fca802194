/** Diagnostics are data: every problem in topics.yaml, with where, what, what is allowed, and a hint. */

export type Severity = 'error' | 'warning';

export interface Diagnostic {
  severity: Severity;
  /** Stable identifier of the rule, e.g. `unknown-key`, `partitions-range`. */
  code: string;
  file: string;
  line: number;
  column: number;
  /** Dotted path as users read it: topics.orders.placed.partitions */
  path: string;
  message: string;
  found?: string;
  allowed?: string;
  hint?: string;
}

export function hasErrors(diags: readonly Diagnostic[]): boolean {
  return diags.some((d) => d.severity === 'error');
}

export function sortDiagnostics(diags: Diagnostic[]): Diagnostic[] {
  return diags.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column || a.code.localeCompare(b.code));
}

/** Renders one diagnostic the way compilers do: `file:line:col: error[code] path: message`. */
export function renderDiagnostic(d: Diagnostic, opts: { color?: boolean } = {}): string {
  const paint = (code: string, s: string) => (opts.color ? `\u001b[${code}m${s}\u001b[0m` : s);
  const sev = d.severity === 'error' ? paint('31;1', 'error') : paint('33;1', 'warning');
  const lines = [`${d.file}:${d.line}:${d.column}: ${sev}[${d.code}] ${d.path ? `${d.path}: ` : ''}${d.message}`];
  if (d.found !== undefined) lines.push(`  found:   ${d.found}`);
  if (d.allowed !== undefined) lines.push(`  allowed: ${d.allowed}`);
  if (d.hint) lines.push(`  ${paint('36', 'hint')}:    ${d.hint}`);
  return lines.join('\n');
}

export function summarizeDiagnostics(diags: readonly Diagnostic[]): string {
  const errors = diags.filter((d) => d.severity === 'error').length;
  const warnings = diags.length - errors;
  const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
  return `${plural(errors, 'error')}, ${plural(warnings, 'warning')}`;
}

/** Levenshtein distance, for "did you mean". */
export function editDistance(a: string, b: string): number {
  const dp = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = dp[0]!;
    dp[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = dp[j]!;
      dp[j] = Math.min(dp[j]! + 1, dp[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return dp[b.length]!;
}

export function didYouMean(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  if (best === undefined) return undefined;
  const limit = Math.max(2, Math.floor(word.length / 3));
  // A one- or two-letter word is "near" everything: only suggest what keeps part of the word.
  return bestD <= limit && bestD < word.length ? best : undefined;
}

/** What a rule may add to a diagnostic; `key: true` points at the key instead of the value. */
export interface DiagnosticDetails {
  found?: string;
  allowed?: string;
  hint?: string;
  key?: boolean;
}

/** Where rules (and the config walk they share with normalisation) send what they find. */
export type Report = (severity: Severity, code: string, path: ReadonlyArray<string | number>, message: string, details?: DiagnosticDetails) => void;
