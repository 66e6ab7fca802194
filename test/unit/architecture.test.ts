/**
 * The architecture's checks, run on every `npm test`: the folders of src/ import one another without
 * cycles (data flows one way), and the shared kernel (src/*.ts) depends on no folder. (The one-module
 * rule for cdktf is checked by cdk-portability.test.ts.)
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve, dirname, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(import.meta.dirname, '..', '..', 'src');

function listTs(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return listTs(p);
    return e.name.endsWith('.ts') ? [p] : [];
  });
}

/** Every module specifier a file imports or re-exports, static, type-only or dynamic. */
function importSpecifiers(text: string): string[] {
  const out: string[] = [];
  const re = /(?:^|[\s;])(?:import|export)\s+(?:type\s+)?(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;
  for (const m of text.matchAll(re)) out.push((m[1] ?? m[2])!);
  return out;
}

/** The folder of src/ a file belongs to; files directly in src/ are the shared kernel, except the package's entry point (src/index.ts), the top that nothing imports. */
function folderOf(file: string): string {
  const rel = relative(SRC, file).split(sep);
  if (rel.length === 1 && rel[0] === 'index.ts') return '(entry)';
  return rel.length === 1 ? '(kernel)' : rel[0]!;
}

const files = listTs(SRC);
const edges = new Map<string, Map<string, string>>(); // from folder -> to folder -> example "file -> spec"
for (const f of files) {
  const from = folderOf(f);
  for (const spec of importSpecifiers(readFileSync(f, 'utf8'))) {
    if (!spec.startsWith('.')) continue;
    const to = folderOf(resolve(dirname(f), spec));
    if (to === from) continue;
    if (!edges.has(from)) edges.set(from, new Map());
    if (!edges.get(from)!.has(to)) edges.get(from)!.set(to, `${relative(SRC, f)} imports ${spec}`);
  }
}

/** Every elementary cycle's folders, as found by a depth-first search from each folder. */
function findCycles(graph: Map<string, Map<string, string>>): string[][] {
  const cycles: string[][] = [];
  const seen = new Set<string>();
  const visit = (start: string, node: string, path: string[]) => {
    for (const next of graph.get(node)?.keys() ?? []) {
      if (next === start) {
        const key = [...path].sort().join(',');
        if (!seen.has(key)) {
          seen.add(key);
          cycles.push([...path, start]);
        }
      } else if (!path.includes(next) && next > start) {
        visit(start, next, [...path, next]);
      }
    }
  };
  for (const start of [...graph.keys()].sort()) visit(start, start, [start]);
  return cycles;
}

describe('architecture', () => {
  it('finds the imports it checks (the scan is not empty)', () => {
    expect(files.length).toBeGreaterThan(50);
    expect(edges.get('cli')?.size ?? 0).toBeGreaterThan(3);
  });

  it('the cycle finder finds a planted cycle', () => {
    const g = new Map([
      ['a', new Map([['b', 'a.ts imports b']])],
      ['b', new Map([['c', 'b.ts imports c']])],
      ['c', new Map([['a', 'c.ts imports a']])],
    ]);
    expect(findCycles(g)).toEqual([['a', 'b', 'c', 'a']]);
  });

  it('the folders of src/ import one another without cycles', () => {
    const described = findCycles(edges).map((c) =>
      c
        .slice(1)
        .map((to, i) => `${c[i]} -> ${to} (${edges.get(c[i]!)!.get(to)})`)
        .join('; '),
    );
    expect(described).toEqual([]);
  });

  it('the shared kernel (src/*.ts) imports no folder of src/', () => {
    expect(edges.get('(kernel)')).toBeUndefined();
  });
});
