/**
 * Renderers of the plan value: text for terminals, Markdown for pull-request comments and CI step
 * summaries, JSON for machines. Pure: they return strings and never apply anything.
 */
import type { AttributeChange } from './terraform-plan.js';
import type { KafkaformPlan, RiskedChange, RiskLevel } from './risk.js';

/** Hidden marker a workflow uses to find (and update) its own PR comment. */
export function planMarker(environment: string): string {
  return `<!-- kafkaform-plan:${environment} -->`;
}

const SYMBOL: Record<string, string> = { import: '<-', create: '+', update: '~', replace: '-/+', delete: '-' };
const VERB: Record<string, string> = { import: 'import', create: 'create', update: 'update in place', replace: 'replace', delete: 'delete' };
const RISK_ICON: Record<RiskLevel, string> = { destructive: '🛑', risky: '⚠️', safe: '✅' };

/** More rows than this and a Markdown list is folded into a `<details>` block. */
export const MARKDOWN_FOLD_AFTER = 10;

function value(v: unknown): string {
  if (v === undefined || v === null) return '∅';
  return typeof v === 'string' ? v : JSON.stringify(v);
}

export function formatAttributeChange(a: AttributeChange): string {
  if (a.sensitive) return `${a.attribute}: (sensitive)`;
  return `${a.attribute}: ${value(a.before)} → ${value(a.after)}`;
}

/** One line that says everything: counts per action and per risk. */
export function renderPlanSummaryLine(plan: KafkaformPlan): string {
  const s = plan.summary;
  const where = `${plan.cluster} (${plan.environment})`;
  const blocked = plan.errors.length + plan.violations.length;
  const tail = blocked > 0 ? ` — BLOCKED: ${blocked} problem${blocked === 1 ? '' : 's'}` : '';
  if (!plan.hasChanges) return `Plan for ${where}: no changes${tail}`;
  return (
    `Plan for ${where}: ${s.import > 0 ? `${s.import} to import, ` : ''}${s.create} to create, ${s.update} to update, ${s.replace} to replace, ${s.delete} to delete` +
    ` — ${s.destructive} destructive, ${s.risky} risky, ${s.safe} safe${tail}`
  );
}

export interface TextOptions {
  paint?: (code: string, s: string) => string;
}

/** Terminal rendering, Terraform-like symbols, with risk labels and reasons. */
export function renderPlanText(plan: KafkaformPlan, opts: TextOptions = {}): string {
  const paint = opts.paint ?? ((_c: string, s: string) => s);
  const riskColor: Record<RiskLevel, string> = { destructive: '31;1', risky: '33', safe: '32' };
  const lines: string[] = [renderPlanSummaryLine(plan)];
  for (const e of plan.errors) lines.push('', paint('31;1', `error: ${e.message}`), `  hint: ${e.hint}`);
  for (const v of plan.violations) lines.push('', paint('31;1', `error: refusing to ${v.change}: ${v.message}`), `  hint: set ${v.policyKey}: true to allow it, or restore the topic in topics.yaml`);
  if (plan.changes.length) lines.push('');
  for (const c of plan.changes) {
    lines.push(`${paint(riskColor[c.risk], `[${c.risk}]`.padEnd(13))} ${SYMBOL[c.action] ?? '?'} ${c.resource} ${c.name} (${VERB[c.action] ?? c.action})`);
    for (const a of c.changes) lines.push(`      ${formatAttributeChange(a)}`);
    for (const r of c.reasons) lines.push(`      ${paint(riskColor[c.risk], '!')} ${r}`);
  }
  return lines.join('\n');
}

/** Escapes text for a Markdown table cell. */
function cell(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');
}

function code(s: string): string {
  return `\`${s.replace(/`/g, "'")}\``;
}

function changeRow(c: RiskedChange): string {
  const attrs = c.changes.map((a) => code(formatAttributeChange(a))).join('<br>');
  const why = c.reasons.join('<br>');
  return `| ${RISK_ICON[c.risk]} ${c.risk} | ${VERB[c.action] ?? c.action} | ${c.resource} | ${cell(code(c.name))} | ${cell(attrs)} | ${cell(why)} |`;
}

function fold(summary: string, body: string[], foldIt: boolean): string[] {
  if (!foldIt) return body;
  return ['<details>', `<summary>${summary}</summary>`, '', ...body, '', '</details>'];
}

/** Markdown for a PR comment or GITHUB_STEP_SUMMARY; starts with the hidden marker. */
export function renderPlanMarkdown(plan: KafkaformPlan): string {
  const out: string[] = [planMarker(plan.environment)];
  const blocked = plan.errors.length + plan.violations.length > 0;
  const icon = blocked ? '🛑' : !plan.hasChanges ? '✅' : plan.summary.destructive ? '🛑' : plan.summary.risky ? '⚠️' : '✅';
  out.push(`### ${icon} kafkaform plan: \`${plan.cluster}\` (${plan.environment})`, '', `**${renderPlanSummaryLine(plan)}**`);

  if (blocked) {
    out.push('', '> [!CAUTION]', '> This plan cannot be applied:');
    for (const e of plan.errors) out.push(`> - **${e.message}**`, `>   ${e.hint}`);
    for (const v of plan.violations) out.push(`> - **refusing to ${v.change}**: ${v.message}. Set \`${v.policyKey}: true\` to allow it.`);
  }

  const flagged = plan.changes.filter((c) => c.risk !== 'safe');
  if (flagged.length) {
    out.push('', '#### Needs attention', '');
    const body = flagged.flatMap((c) => [`- ${RISK_ICON[c.risk]} **${c.risk}** — ${VERB[c.action] ?? c.action} ${c.resource} ${code(c.name)}`, ...c.reasons.map((r) => `  - ${r}`)]);
    out.push(...fold(`${flagged.length} risky or destructive changes`, body, flagged.length > MARKDOWN_FOLD_AFTER));
  }

  if (plan.changes.length) {
    const table = ['| risk | action | resource | name | changes | why |', '| --- | --- | --- | --- | --- | --- |', ...plan.changes.map(changeRow)];
    out.push('', ...fold(`All ${plan.changes.length} changes`, table, plan.changes.length > MARKDOWN_FOLD_AFTER));
  } else if (!blocked) {
    out.push('', 'The cluster already matches topics.yaml.');
  }
  out.push('', '<sub>Generated by `kafkaform plan`. Exit codes: 0 no changes, 2 changes, 1 error.</sub>');
  return out.join('\n') + '\n';
}

/** JSON for machines: the plan value as is. */
export function renderPlanJson(plan: KafkaformPlan): string {
  return JSON.stringify(plan, null, 2);
}
