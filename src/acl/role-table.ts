/** The README's role table, rendered from ROLE_TABLE so documentation and derivation cannot drift apart. */
import { ROLE_TABLE } from './derive.js';

export const ROLE_TABLE_MARKER = '<!-- role-table -->';

/** Markdown table: one row per rule of ROLE_TABLE, in table order. Pure. */
export function renderRoleTable(): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  const rows = ROLE_TABLE.map((r) => `| ${esc(r.role)} | ${esc(r.when)} | ${esc(r.resource)} | ${esc(r.pattern)} | ${r.operations.join(', ')} |`);
  return ['| Role | When | Resource | Pattern | Operations |', '| --- | --- | --- | --- | --- |', ...rows].join('\n');
}

/** The table that follows the marker in a markdown document (undefined without the marker). */
export function extractRoleTable(markdown: string): string | undefined {
  const at = markdown.indexOf(ROLE_TABLE_MARKER);
  if (at < 0) return undefined;
  const lines = markdown.slice(at + ROLE_TABLE_MARKER.length).split('\n').slice(1);
  while (lines.length > 0 && lines[0]!.trim() === '') lines.shift();
  const table: string[] = [];
  for (const l of lines) {
    if (!l.startsWith('|')) break;
    table.push(l.trimEnd());
  }
  return table.join('\n');
}
