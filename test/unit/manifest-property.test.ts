/**
 * Property: whatever the text, validation returns a result with diagnostics and never throws;
 * every diagnostic points at a real position (line ≥ 1, column ≥ 1). Valid specs are mutated
 * at random (seeded, so a failure reproduces): keys dropped, types swapped, junk inserted, text
 * truncated, lines duplicated or deleted.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { rng } from '../../src/schema/payload.js';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { parseSpecBytes, parseSpecDocument } from '../../src/manifest/document.js';
import { diskFiles, validateSpec } from '../../src/manifest/validate.js';

const ITERATIONS = 3000;
const VALID = join(import.meta.dirname, '..', 'fixtures', 'manifests', 'valid');
const BASES = readdirSync(VALID)
  .filter((f) => f.endsWith('.yaml'))
  .sort()
  .map((f) => ({ name: f, text: readFileSync(join(VALID, f), 'utf8') }));


type Rand = () => number;
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

const JUNK: unknown[] = [
  0, -1, 1.5, 2 ** 53, -(2 ** 31), '', ' ', '7d', '1MiB', 'forever', '12', 'true', 'User:', 'env:', 'file:', '*', '.', '..', '__x', 'ü∂ƒ', 'a'.repeat(300),
  true, false, null, [], {}, [1, 'x', null], { a: 1 }, { partitions: 'x' }, ['compact', 'delete', 'compact'], 'constructor', '__proto__', 'toString',
];
const JUNK_KEYS = ['partitons', 'x', '', ' ', 'config', 'topics', 'retention.ms', '__proto__', 'constructor', 'a.b', '0', 'deadLetter', 'type', '<default>'];

function nodes(v: unknown, out: Array<{ parent: Record<string, unknown> | unknown[]; key: string | number }> = []) {
  if (Array.isArray(v)) for (const [i, x] of v.entries()) (out.push({ parent: v, key: i }), nodes(x, out));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) (out.push({ parent: v as Record<string, unknown>, key: k }), nodes(x, out));
  return out;
}

function mutateValue(r: Rand, text: string): string {
  const value = parse(text) as unknown;
  const steps = 1 + Math.floor(r() * 4);
  let root = value;
  for (let s = 0; s < steps; s++) {
    const all = nodes(root);
    if (all.length === 0) {
      root = pick(r, JUNK);
      continue;
    }
    const { parent, key } = pick(r, all);
    const op = Math.floor(r() * 4);
    if (op === 0) {
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete parent[key as string];
    } else if (op === 1) {
      (parent as Record<string | number, unknown>)[key] = structuredClone(pick(r, JUNK));
    } else if (op === 2 && !Array.isArray(parent)) {
      Object.defineProperty(parent, pick(r, JUNK_KEYS), { value: structuredClone(pick(r, JUNK)), enumerable: true, configurable: true, writable: true });
    } else {
      const v = (parent as Record<string | number, unknown>)[key];
      (parent as Record<string | number, unknown>)[key] = typeof v === 'number' ? String(v) : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : [v];
    }
  }
  return stringify(root);
}

function mutateText(r: Rand, text: string): string {
  const lines = text.split('\n');
  switch (Math.floor(r() * 6)) {
    case 0:
      return text.slice(0, Math.floor(r() * text.length));
    case 1: {
      const i = Math.floor(r() * lines.length);
      lines.splice(i, 0, lines[i]!);
      return lines.join('\n');
    }
    case 2:
      lines.splice(Math.floor(r() * lines.length), 1);
      return lines.join('\n');
    case 3: {
      const at = Math.floor(r() * text.length);
      return text.slice(0, at) + pick(r, ['{', '}', '[', ']', ':', '- ', '\t', '"', "'", '&a', '*a', '!!binary ', '\n  ', '#', '|', '>', '%', '@', '`']) + text.slice(at);
    }
    case 4: {
      const i = Math.floor(r() * lines.length);
      lines[i] = lines[i]!.replace(/^(\s*)/, (m) => (r() < 0.5 ? m.slice(1) : `${m} `));
      return lines.join('\n');
    }
    default:
      return lines.map((l) => (r() < 0.1 ? `${l} ${String(pick(r, JUNK))}` : l)).join('\n');
  }
}

describe('validation never crashes', () => {
  it(`survives ${ITERATIONS} seeded mutations of the valid fixtures`, () => {
    expect(BASES.length).toBeGreaterThan(0);
    const r = rng(20_251_121);
    let withErrors = 0;
    for (let i = 0; i < ITERATIONS; i++) {
      const base = pick(r, BASES);
      const text = r() < 0.5 ? mutateValue(r, base.text) : mutateText(r, r() < 0.3 ? mutateValue(r, base.text) : base.text);
      const file = join(VALID, `mutant-${i}.yaml`);
      let result: ReturnType<typeof validateSpec>;
      try {
        result = validateSpec(parseSpecDocument(text, file), { files: diskFiles, skipFileChecks: r() < 0.8 });
      } catch (e) {
        throw new Error(`iteration ${i} (base ${base.name}) threw ${(e as Error).stack}\n--- input ---\n${text}`);
      }
      expect(Array.isArray(result.diagnostics)).toBe(true);
      for (const d of result.diagnostics) {
        if (!(d.line >= 1 && d.column >= 1 && Number.isInteger(d.line) && Number.isInteger(d.column))) {
          throw new Error(`iteration ${i}: bad position ${d.line}:${d.column} for ${d.code} ${d.path}\n--- input ---\n${text}`);
        }
        expect(typeof d.message).toBe('string');
      }
      if (result.diagnostics.some((d) => d.severity === 'error')) withErrors++;
      else expect(result.specs.size).toBeGreaterThan(0);
    }
    // The mutations must actually produce broken input most of the time, or the property says little.
    expect(withErrors).toBeGreaterThan(ITERATIONS / 3);
  }, 60_000);
});

describe('reading bytes never crashes', () => {
  const SEED = 20_261_201;
  const PREFIXES = [[0xef, 0xbb, 0xbf], [0xff, 0xfe], [0xfe, 0xff], [0xff, 0xfe, 0, 0], [0, 0, 0xfe, 0xff], [], [0xc3], [0xe9]];

  it('survives 1000 seeded byte mutations of the valid fixtures (BOMs, NULs, bytes that are not UTF-8), naming no raw bytes', () => {
    const r = rng(SEED);
    for (let i = 0; i < 1000; i++) {
      const base = pick(r, BASES);
      const bytes = [...pick(r, PREFIXES), ...Buffer.from(base.text, 'utf8')];
      for (let k = Math.floor(r() * 4); k > 0; k--) bytes.splice(Math.floor(r() * bytes.length), r() < 0.5 ? 1 : 0, Math.floor(r() * 256));
      const where = `seed ${SEED}, iteration ${i} (base ${base.name})`;
      let result: ReturnType<typeof validateSpec>;
      try {
        result = validateSpec(parseSpecBytes(Uint8Array.from(bytes), join(VALID, `bytes-${i}.yaml`)), { skipFileChecks: true });
      } catch (e) {
        throw new Error(`${where} threw ${(e as Error).stack}`);
      }
      for (const d of result.diagnostics) {
        expect(d.line >= 1 && d.column >= 1, `${where}: bad position for ${d.code}`).toBe(true);
        const shown = `${d.message} ${d.found ?? ''}`;
        expect(shown.includes('\u0000') || shown.includes('\uFFFD'), `${where}: ${d.code} shows raw bytes: ${shown}`).toBe(false);
      }
    }
  }, 60_000);
});
