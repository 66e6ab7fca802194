import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { fastParseYaml } from '../../src/manifest/fast-yaml.js';
import { parseSpecDocument } from '../../src/manifest/document.js';

const root = join(import.meta.dirname, '..', '..');

/** What parseSpecDocument's full path reads: the value, or undefined when yaml reports anything. */
function yamlValue(text: string): { ok: boolean; value?: unknown } {
  const doc = parseDocument(text, { uniqueKeys: false, prettyErrors: false, strict: true, merge: true });
  if (doc.errors.length > 0 || doc.warnings.length > 0) return { ok: false };
  return { ok: true, value: doc.toJS({ maxAliasCount: 1000 }) };
}

/** The contract: the fast reader gives up, or gives exactly yaml's value for a text yaml reads without a word. */
function agrees(text: string): 'fast' | 'gave-up' {
  const fast = fastParseYaml(text, 64);
  if (fast === undefined) return 'gave-up';
  const slow = yamlValue(text);
  expect({ text, ok: slow.ok }).toEqual({ text, ok: true });
  expect({ text, value: fast }).toEqual({ text, value: slow.value });
  // toEqual treats -0 and 0, and the keys' order, loosely: compare those too.
  expect(JSON.stringify(fast)).toBe(JSON.stringify(slow.value));
  expect(Object.is(fast, slow.value) || typeof fast === 'object').toBe(true);
  return 'fast';
}

/** A small deterministic PRNG, so a failure names its seed. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SCALARS = [
  'a', 'orders.v1', 'x-y_z', '3', '-3', '+3', '0', '00', '012', '0o17', '0o8', '0x1F', '0xg', '1_000', '1.5', '.5', '5.', '-.5', '1e3', '1E-3', '1.5e+3', '1e', '.inf', '-.Inf', '+.INF', '.nan', '.NaN', '.NAN', 'nan', 'inf',
  'true', 'True', 'TRUE', 'tRue', 'false', 'FALSE', 'yes', 'no', 'on', 'off', 'y', 'n', 'null', 'Null', 'NULL', 'nULL', '~', '~x', '9007199254740993', '123456789012345678901234567890', '-0', '0.0', '-0.0',
  'a b', 'a  b', 'a:b', 'a::b', 'http://x:1/y', 'a#b', 'a #b', 'a -b', '-a', '?a', ':a', 'a?', 'a,b', 'a]b', 'a}b', 'a[b', 'a{b', "a'b", 'a"b', '%a', '@a', '`a', '!a', '&a', '*a', '|', '>', '-', '?', ':', '#',
  "'q'", "'q''s'", "''", "'a b # c'", "'unterminated", '"dq"', '"d\\"q"', '"d\\nq"', '""', '"a # b"', '"unterminated', '[]', '{}', '[ ]', '{ }', '[a, b]', '[a,b]', '[a, [b, c]]', '[a, ]', '[, a]', '[a,,b]', '{a: 1, b: [x, y]}', '{a: 1, a: 2}',
  '{a:1}', '{ "a": 1 }', "{ 'a': x }", '[a: b]', '[a:b]', '[kafka-1:9092, k2:9093]', '{k: v:w}', '{k: v: w}', '[1, 2.5, true, null, ~]', '[a #c]', '[a] # c', '[a] x', '{} # c', '[[[[a]]]]', 'é', 'ü.topic', '日本', '😀', '<<', '=', '__proto__',
];
const KEYS = ['a', 'b', 'name', 'retention.ms', 'orders.v1', '1', '01', '1.0', 'true', 'null', '~', 'x-y', 'a/b', '$k', '@k', '+k', "'q k'", '"dq k"', "''", '""', '<<', '__proto__', 'a b', 'a:b', '-k', '?k', 'k#', '[k]', 'é'];
const COMMENTS = ['', '', '', ' # c', ' #', '  # x: y'];

function pick<T>(r: () => number, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)]!;
}

/** A random block document of the subset's shapes and their near misses. */
function generate(r: () => number): string {
  const lines: string[] = [];
  const block = (indent: number, depth: number, kind: 'map' | 'seq') => {
    const n = 1 + Math.floor(r() * 3);
    const pad = ' '.repeat(indent);
    for (let i = 0; i < n; i++) {
      if (r() < 0.08) lines.push(pick(r, ['', '#c', `${pad}# c`, ' ']));
      const head = kind === 'map' ? `${pad}${pick(r, KEYS)}:` : `${pad}-`;
      const roll = r();
      if (depth < 4 && roll < 0.35) {
        lines.push(head + pick(r, COMMENTS));
        const step = pick(r, [2, 2, 2, 4, 1, 0]);
        const childKind = r() < 0.5 ? 'map' : 'seq';
        if (step === 0 && !(kind === 'map' && childKind === 'seq')) continue;
        block(indent + step, depth + 1, childKind);
      } else if (kind === 'seq' && depth < 4 && roll < 0.5) {
        // `- key: value` and the keys that line up with it.
        const width = pick(r, [1, 1, 3]);
        lines.push(`${pad}-${' '.repeat(width)}${pick(r, KEYS)}: ${pick(r, SCALARS)}${pick(r, COMMENTS)}`);
        const more = Math.floor(r() * 3);
        for (let k = 0; k < more; k++) lines.push(`${pad}${' '.repeat(1 + width + pick(r, [0, 0, 0, 1, -1]))}${pick(r, KEYS)}: ${pick(r, SCALARS)}`);
      } else {
        lines.push(`${head} ${pick(r, SCALARS)}${pick(r, COMMENTS)}`);
        if (r() < 0.04) lines.push(`${pad}  continued`);
      }
    }
  };
  if (r() < 0.05) lines.push(pick(r, ['---', '%YAML 1.2', '# only a comment']));
  block(0, 0, r() < 0.9 ? 'map' : 'seq');
  return lines.join(r() < 0.03 ? '\r\n' : '\n') + (r() < 0.5 ? '\n' : '');
}

describe('the fast reader of plain block YAML', () => {
  it('gives yaml’s value or gives up, on 5,000 generated documents (and reads most of them itself)', () => {
    let fast = 0;
    for (let seed = 1; seed <= 5000; seed++) if (agrees(generate(rng(seed))) === 'fast') fast++;
    // The generator mixes near misses in on purpose; the subset must still be what most documents use.
    expect(fast).toBeGreaterThan(300);
  });

  it('reads every scalar form alone as yaml does, or gives up', () => {
    let fast = 0;
    for (const s of SCALARS) {
      for (const doc of [`k: ${s}\n`, `k:\n  - ${s}\n`, `${s}: 1\n`, `k: [${s}]\n`, `k: {x: ${s}}\n`, `k: {${s}: 1}\n`]) if (agrees(doc) === 'fast') fast++;
    }
    expect(fast).toBeGreaterThan(150);
  });

  it('gives up on what is outside the subset', () => {
    for (const doc of [
      'a: &x 1\nb: *x\n', 'a: !!str 1\n', 'base: &b {x: 1}\nt:\n  <<: *b\n', 'a: |\n  text\n', 'a: >\n  text\n', 'a: b\n  c\n', 'a:\n\tb: 1\n', 'a: 1\r\n', 'a: 1\nb: 2\na: 3\n',
      '- a\n- b\n', 'a\n', '', '# only\n', '---\na: 1\n', 'a: "x\\ty"\n', "a: 'x\n  y'\n", 'a: [b,\n  c]\n', '? a\n: b\n', 'a b: 1\n', 'a:  b: c\n', 'a: b #c\n  d: 1\n', ' a: 1\n', 'a: 1\n b: 2\n',
      `k: ${'['.repeat(40)}${']'.repeat(40)}\n`, 'a: \u0085\n', 'a: \ufeff\n',
    ]) {
      expect({ doc, value: fastParseYaml(doc, 64) }).toEqual({ doc, value: undefined });
    }
  });

  it('stops at the nesting limit', () => {
    let doc = '';
    for (let i = 0; i < 70; i++) doc += `${' '.repeat(i * 2)}k${i}:\n`;
    expect(fastParseYaml(`${doc}${' '.repeat(140)}v: 1\n`, 64)).toBeUndefined();
    expect(fastParseYaml('a:\n  b:\n    c: 1\n', 2)).toBeUndefined();
    expect(fastParseYaml('a:\n  b:\n    c: 1\n', 3)).toEqual({ a: { b: { c: 1 } } });
  });

  it('reads every topics.yaml in the repository as yaml does, or gives up', () => {
    const files = execFileSync('git', ['ls-files', '*.yaml', '*.yml'], { cwd: root, encoding: 'utf8' }).split('\n').filter(Boolean);
    expect(files.length).toBeGreaterThan(50);
    let fast = 0;
    for (const f of files) if (agrees(readFileSync(join(root, f), 'utf8')) === 'fast') fast++;
    expect(fast).toBeGreaterThan(files.length / 2);
    expect(fastParseYaml(readFileSync(join(root, 'topics.yaml'), 'utf8'), 64)).toBeDefined();
  });

  it('leaves positions to yaml: a document read fast still points at the right line', () => {
    const doc = parseSpecDocument('version: 1\ntopics:\n  orders:\n    partitions: 3\n    config: { retention.ms: 1d }\n', 'x.yaml');
    expect(doc.value).toEqual({ version: 1, topics: { orders: { partitions: 3, config: { 'retention.ms': '1d' } } } });
    expect(doc.diagnostics).toEqual([]);
    expect(doc.positionOf(['topics', 'orders', 'partitions'])).toEqual({ line: 4, column: 17 });
    expect(doc.positionOf(['topics', 'orders', 'config', 'retention.ms'])).toEqual({ line: 5, column: 29 });
  });
});
