/** Renderers for a HealthReport: text for terminals, JSON for machines, Markdown for PR comments and chat. Pure. */
import { formatDurationMs } from '../model/units.js';
import { formatLagBudget } from '../model/lag-budget.js';
import type { HealthReport, PartitionProblem, ServiceHealth } from './health-report.js';

export type HealthFormat = 'text' | 'json' | 'markdown' | 'prometheus';

type Paint = (code: string, s: string) => string;

/** `1.2s`, `3m20s`-ish ages for people: whole seconds above 10s. */
export function formatAge(ms: number | null): string {
  if (ms === null) return '-';
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)}s`;
  const s = Math.round(ms / 1000);
  return s < 120 ? `${s}s` : formatDurationMs(Math.round(s / 60) * 60_000);
}

/** `healthy: 3/3 brokers, 12 partitions, 2 services within budget` or the count of problems. */
export function summarizeHealth(r: HealthReport): string {
  const head = `${r.cluster.name} (${r.cluster.environment})`;
  const b = r.cluster.brokers;
  const scope = `${b.online}${b.expected !== null ? `/${b.expected}` : ''} broker(s), ${r.partitions.checked} partition(s), ${r.services.length} consuming service(s)`;
  return r.healthy ? `${head} is healthy: ${scope}` : `${head} is unhealthy (${r.problems.length} problem(s)): ${scope}`;
}

function budgetText(s: ServiceHealth): string {
  if (!s.maxLag) return 'no maxLag';
  return `${s.budget} (maxLag ${formatLagBudget(s.maxLag)})`;
}

function serviceRow(s: ServiceHealth): string[] {
  const noCommit = s.topics.reduce((n, t) => n + t.partitionsWithoutCommit, 0);
  return [s.name, s.group, s.state, String(s.members), `${s.lag}${noCommit > 0 ? ` (${noCommit} partition(s) without a commit, from log start)` : ''}`, formatAge(s.lagMs), budgetText(s)];
}

const SERVICE_HEADERS = ['service', 'group', 'state', 'members', 'lag (records)', 'lag (time)', 'budget'];

function align(headers: string[], rows: string[][]): string[] {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ').trimEnd();
  return [line(headers), ...rows.map(line)];
}

const partitionLine = (what: string, p: PartitionProblem) => `${what} ${p.topic}-${p.partition}: leader ${p.leader ?? 'none'}, replicas [${p.replicas.join(',')}], isr [${p.isr.join(',')}], min.insync.replicas ${p.minIsr}`;

export function renderHealthText(r: HealthReport, paint: Paint = (_c, s) => s): string {
  const lines: string[] = [];
  const c = r.cluster;
  lines.push(`brokers: ${c.brokers.online} online${c.brokers.expected !== null ? ` of ${c.brokers.expected}` : ''} [${c.brokers.ids.join(', ')}], controller ${c.controller ?? 'none'}`);
  for (const p of r.partitions.offline) lines.push(paint('31', partitionLine('offline', p)));
  for (const p of r.partitions.underMinIsr) lines.push(paint('31', partitionLine('under min ISR', p)));
  for (const p of r.partitions.underReplicated.filter((x) => x.leader !== null && x.isr.length >= x.minIsr)) lines.push(paint('33', partitionLine('under-replicated', p)));
  if (r.services.length > 0) {
    lines.push('');
    const rows = r.services.map(serviceRow);
    const [head, ...body] = align(SERVICE_HEADERS, rows);
    lines.push(head as string, ...body.map((l, i) => (r.services[i]?.budget === 'over' ? paint('31', l) : l)));
  }
  if (r.unownedGroups.length > 0) {
    lines.push('', `groups no service declares (within policy.managedPrefixes): ${r.unownedGroups.length}`);
    for (const g of r.unownedGroups) lines.push(`  ${g.groupId}  ${g.state}, ${g.members} member(s), lag ${g.lag}`);
  }
  lines.push('');
  for (const p of r.problems) lines.push(paint('31', `✗ ${p}`));
  lines.push(r.healthy ? paint('32', `✓ ${summarizeHealth(r)}`) : paint('31', `✗ ${summarizeHealth(r)}`));
  return lines.join('\n');
}

/** The documented, stable JSON shape (README: "health --format json"). */
export function renderHealthJson(r: HealthReport): string {
  return JSON.stringify(r, null, 2);
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function renderHealthMarkdown(r: HealthReport): string {
  const lines = [`**kafkaform health** — ${r.healthy ? '✅' : '❌'} ${summarizeHealth(r)}`];
  if (r.problems.length > 0) lines.push('', ...r.problems.map((p) => `- ❌ ${cell(p)}`));
  if (r.services.length > 0) {
    lines.push('', `| ${SERVICE_HEADERS.join(' | ')} |`, `|${SERVICE_HEADERS.map(() => '---').join('|')}|`);
    for (const s of r.services) lines.push(`| ${serviceRow(s).map((v, i) => (i <= 1 ? `\`${cell(v)}\`` : cell(v))).join(' | ')} |`);
  }
  if (r.unownedGroups.length > 0) lines.push('', `Groups no service declares: ${r.unownedGroups.map((g) => `\`${cell(g.groupId)}\``).join(', ')}`);
  return lines.join('\n');
}

/** text | json | markdown (the prometheus exposition is rendered by health-metrics.ts: it needs the drift too). */
export function renderHealth(r: HealthReport, format: Exclude<HealthFormat, 'prometheus'>, paint?: Paint): string {
  return format === 'json' ? renderHealthJson(r) : format === 'markdown' ? renderHealthMarkdown(r) : renderHealthText(r, paint);
}
