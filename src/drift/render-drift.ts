/** Renderers for a DriftReport: plain text for terminals, JSON for machines, Markdown for PR comments. Pure. */
import { type DriftItem, type DriftReport, isPartialRead } from './compute-drift.js';

export type DriftFormat = 'text' | 'json' | 'markdown';

const show = (v: unknown): string => (v === undefined ? '' : v === null ? '(not set)' : typeof v === 'string' ? v : JSON.stringify(v));

/** `3 drift(s): 1 missing, 1 changed, 1 unmanaged` or `in sync`. */
export function summarizeDrift(r: DriftReport): string {
  const head = `${r.cluster} (${r.environment})`;
  const scope = `${r.checked.topics} topic(s), ${r.checked.acls} ACL(s), ${r.checked.users} user(s), ${r.checked.quotas} quota(s)${r.checked.connectors !== undefined ? `, ${r.checked.connectors} connector(s)` : ''} checked${r.partial ? `; partial read: ${unread(r)} not read` : ''}`;
  if (r.inSync) return `${head} is in sync: ${scope}`;
  const count = (k: DriftItem['kind']) => r.drift.filter((d) => d.kind === k).length;
  return `${head} has ${r.drift.length} drift(s): ${count('missing')} missing, ${count('changed')} changed, ${count('unmanaged')} unmanaged (${scope})`;
}

/** `users, topic configs`: what a partial read left out. */
function unread(r: DriftReport): string {
  return [...new Set(r.notChecked.filter(isPartialRead).map((n) => (n.resource === 'topic-config' ? 'topic configs' : `${n.resource}s`)))].join(', ');
}

function describeItem(d: DriftItem): string {
  if (d.kind === 'changed') return `${d.field}: expected ${show(d.expected)}, actual ${show(d.actual)}`;
  if (d.kind === 'missing') return 'declared, not on the cluster';
  return 'on the cluster, not declared';
}

export function renderDriftText(r: DriftReport, paint: (code: string, s: string) => string = (_c, s) => s): string {
  const lines: string[] = [];
  const sym: Record<DriftItem['kind'], [string, string]> = { missing: ['+', '32'], changed: ['~', '33'], unmanaged: ['-', '31'] };
  for (const d of r.drift) {
    const [s, c] = sym[d.kind];
    lines.push(paint(c, `${s} ${d.resource} ${d.name}  ${d.kind}`) + `  ${describeItem(d)}`);
  }
  if (lines.length) lines.push('');
  for (const n of r.notChecked) lines.push(`not checked: ${n.resource}: ${n.reason}`);
  lines.push(r.inSync ? paint('32', `✓ ${summarizeDrift(r)}`) : paint('33', `✗ ${summarizeDrift(r)}`));
  return lines.join('\n');
}

export function renderDriftJson(r: DriftReport): string {
  return JSON.stringify(r, null, 2);
}

/** Markdown table cells cannot hold `|` or newlines. */
const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function renderDriftMarkdown(r: DriftReport): string {
  const lines: string[] = [];
  lines.push(`**kafkaform drift** — ${r.inSync ? '✅' : '⚠️'} ${summarizeDrift(r)}`);
  if (r.drift.length) {
    lines.push('', '| resource | name | drift | field | expected | actual |', '|---|---|---|---|---|---|');
    for (const d of r.drift) {
      const code = (v: unknown) => (v === undefined ? '' : `\`${cell(show(v))}\``);
      lines.push(`| ${d.resource} | \`${cell(d.name)}\` | ${d.kind} | ${d.field ? `\`${d.field}\`` : ''} | ${code(d.expected)} | ${code(d.actual)} |`);
    }
  }
  if (r.notChecked.length) {
    lines.push('', ...r.notChecked.map((n) => `- not checked: **${n.resource}** — ${cell(n.reason)}`));
  }
  return lines.join('\n');
}

export function renderDrift(r: DriftReport, format: DriftFormat, paint?: (code: string, s: string) => string): string {
  return format === 'json' ? renderDriftJson(r) : format === 'markdown' ? renderDriftMarkdown(r) : renderDriftText(r, paint);
}
