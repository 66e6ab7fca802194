/** Renderers of a connector plan (pure): text lines for the terminal, a Markdown table for a PR. */
import type { ConnectorChange, ConnectorPlan } from './compute-connector-plan.js';

const SYMBOL: Record<ConnectorChange['action'], string> = { create: '+', update: '~', pause: '~', resume: '~', stop: '~', restart: '~', delete: '-', keep: '=' };

/** `connectors at URL: 1 create, 1 update …` and one line per change. */
export function renderConnectorPlanText(plan: ConnectorPlan, url: string, paint: (code: string, s: string) => string = (_c, s) => s): string {
  const colour = { safe: '32', risky: '33', destructive: '31' } as const;
  const lines = plan.changes.map((c) => `${paint(colour[c.risk], `${SYMBOL[c.action]} connector ${c.name}  ${c.action}  [${c.risk}]`)}  ${c.reason}`);
  lines.push(summarizeConnectorPlan(plan, url));
  return lines.join('\n');
}

/** One line: what the plan does to the worker. */
export function summarizeConnectorPlan(plan: ConnectorPlan, url: string): string {
  const applied = plan.changes.filter((c) => c.action !== 'keep');
  if (applied.length === 0) return `connectors at ${url}: no changes`;
  const count = (a: ConnectorChange['action']) => applied.filter((c) => c.action === a).length;
  const parts = (['create', 'update', 'pause', 'resume', 'stop', 'restart', 'delete'] as const).filter((a) => count(a) > 0).map((a) => `${count(a)} ${a}`);
  const risky = applied.filter((c) => c.risk !== 'safe').length;
  return `connectors at ${url}: ${parts.join(', ')}${risky ? ` (${risky} risky or destructive)` : ''}`;
}

/** A Markdown section for a PR comment. */
export function renderConnectorPlanMarkdown(plan: ConnectorPlan, url: string): string {
  const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const rows = plan.changes.map((c) => `| \`${cell(c.name)}\` | ${c.action} | ${c.risk} | ${cell(c.reason)} |`);
  return ['', `**Connectors** — ${summarizeConnectorPlan(plan, url)}`, ...(rows.length ? ['', '| connector | change | risk | why |', '|---|---|---|---|', ...rows] : [])].join('\n');
}

/** A rendered Kafka plan with the connector plan added: a section in text and Markdown, a `connectors` member in JSON. */
export function withConnectorPlan(rendered: string, planned: { plan: ConnectorPlan; port: { url: string } } | undefined, format: 'text' | 'json' | 'markdown', paint?: (code: string, s: string) => string): string {
  if (!planned) return rendered;
  const { plan, port } = planned;
  if (format === 'json') return JSON.stringify({ ...(JSON.parse(rendered) as object), connectors: { url: port.url, changes: plan.changes } }, null, 2);
  if (format === 'markdown') return `${rendered}\n${renderConnectorPlanMarkdown(plan, port.url)}`;
  return `${rendered}\n\n${renderConnectorPlanText(plan, port.url, paint)}`;
}
