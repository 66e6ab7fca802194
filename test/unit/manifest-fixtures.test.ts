/**
 * The fixture corpus: every file under test/fixtures/manifests/invalid declares the diagnostics it
 * must produce in leading comments; every file under valid/ must validate without errors.
 *
 * Format (one or more lines at the top of the file):
 *   # expect: [error|warning] code=<code> path=<path> line=<n> col=<n> message~"fragment" hint~"…" found~"…" allowed~"…"
 * `key=value` must be equal, `key~"fragment"` must be contained. Values with spaces are quoted,
 * `\"` escapes a quote. Every error the validator reports must be declared (no surprise errors).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderDiagnostic, type Diagnostic } from '../../src/manifest/diagnostics.js';
import { parseSpecDocument } from '../../src/manifest/document.js';
import { diskFiles, validateSpec } from '../../src/manifest/validate.js';

const ROOT = join(import.meta.dirname, '..', 'fixtures', 'manifests');

interface Expectation {
  raw: string;
  severity: 'error' | 'warning';
  equals: Record<string, string>;
  contains: Record<string, string>;
}

/** Parses the `# expect:` lines of a fixture. */
function parseExpectations(text: string): Expectation[] {
  const out: Expectation[] = [];
  for (const line of text.split('\n')) {
    const m = /^#\s*expect:\s*(.*)$/.exec(line);
    if (!m) continue;
    const exp: Expectation = { raw: m[1]!, severity: 'error', equals: {}, contains: {} };
    const token = /(\w+)(=|~)(?:"((?:[^"\\]|\\.)*)"|(\S+))|(error|warning)/g;
    let t: RegExpExecArray | null;
    while ((t = token.exec(m[1]!))) {
      if (t[5]) {
        exp.severity = t[5] as 'error' | 'warning';
        continue;
      }
      const key = t[1] === 'col' ? 'column' : t[1]!;
      const value = t[3] !== undefined ? t[3].replace(/\\(.)/g, '$1') : t[4]!;
      if (t[2] === '=') exp.equals[key] = value;
      else exp.contains[key] = value;
    }
    out.push(exp);
  }
  return out;
}

function matches(d: Diagnostic, e: Expectation): boolean {
  if (d.severity !== e.severity) return false;
  const field = (k: string) => String((d as unknown as Record<string, unknown>)[k] ?? '');
  for (const [k, v] of Object.entries(e.equals)) if (field(k) !== v) return false;
  for (const [k, v] of Object.entries(e.contains)) if (!field(k).includes(v)) return false;
  return true;
}

function validateFixture(folder: string, name: string) {
  const file = join(ROOT, folder, name);
  const text = readFileSync(file, 'utf8');
  return { text, result: validateSpec(parseSpecDocument(text, file), { files: diskFiles }) };
}

const yamlFiles = (folder: string) => readdirSync(join(ROOT, folder)).filter((f) => f.endsWith('.yaml')).sort();

describe('invalid fixtures', () => {
  const files = yamlFiles('invalid');

  it('the corpus has at least 60 cases, each declaring what it expects', () => {
    expect(files.length).toBeGreaterThanOrEqual(60);
    for (const f of files) expect(parseExpectations(readFileSync(join(ROOT, 'invalid', f), 'utf8')).length, f).toBeGreaterThan(0);
  });

  for (const f of files) {
    it(f.replace(/\.yaml$/, ''), () => {
      const { text, result } = validateFixture('invalid', f);
      const expectations = parseExpectations(text);
      const shown = result.diagnostics.map((d) => renderDiagnostic(d)).join('\n');
      for (const e of expectations) {
        expect(result.diagnostics.some((d) => matches(d, e)), `expected ${e.raw}\ngot:\n${shown}`).toBe(true);
      }
      const surprises = result.diagnostics.filter((d) => d.severity === 'error' && !expectations.some((e) => matches(d, e)));
      expect(surprises.map((d) => renderDiagnostic(d)), 'errors not declared in the fixture').toEqual([]);
      for (const d of result.diagnostics) {
        expect(d.line).toBeGreaterThanOrEqual(1);
        expect(d.column).toBeGreaterThanOrEqual(1);
        expect(d.file).toBe(join(ROOT, 'invalid', f));
        expect(d.message.length).toBeGreaterThan(0);
        if (d.severity === 'error') {
          expect(d.hint !== undefined || (d.found !== undefined && d.allowed !== undefined), `${d.code} says neither what was found and is allowed, nor how to fix it`).toBe(true);
        }
      }
      if (expectations.some((e) => e.severity === 'error')) expect(result.specs.size).toBe(0);
    });
  }
});

describe('valid fixtures', () => {
  for (const f of yamlFiles('valid')) {
    it(f.replace(/\.yaml$/, ''), () => {
      const { result } = validateFixture('valid', f);
      const errors = result.diagnostics.filter((d) => d.severity === 'error');
      expect(errors.map((d) => renderDiagnostic(d))).toEqual([]);
      expect(result.specs.size).toBe(result.environments.length);
    });
  }
});

describe('every rule has its fixtures', () => {
  // validateBackend's `backend-type` cannot come from a file: the schema pass rejects an unknown type first (backend.test.ts covers it).
  const NOT_FROM_A_FILE = new Set(['backend-type']);
  const SRC = join(import.meta.dirname, '..', '..', 'src', 'manifest');
  const sources = [...readdirSync(join(SRC, 'rules')).map((f) => join(SRC, 'rules', f)), join(SRC, 'normalize-topics.ts')];
  const codes = new Set(
    sources.flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/(?:\b(?:error|warn|report)\(\s*(?:'(?:error|warning)',\s*)?|\bcode: )'([a-z][a-z-]+)'/g)].map((m) => m[1]!)),
  );
  const expected = new Set(yamlFiles('invalid').flatMap((f) => parseExpectations(readFileSync(join(ROOT, 'invalid', f), 'utf8')).map((e) => e.equals.code)));

  it('finds the codes the rules report', () => {
    expect(codes.size).toBeGreaterThan(30);
    expect(codes).toContain('sugar-conflict');
    for (const code of NOT_FROM_A_FILE) expect(codes).toContain(code);
  });

  for (const code of [...codes].filter((c) => !NOT_FROM_A_FILE.has(c)).sort()) {
    it(code, () => {
      expect(expected.has(code), `no fixture under test/fixtures/manifests/invalid expects code=${code}`).toBe(true);
    });
  }
});
