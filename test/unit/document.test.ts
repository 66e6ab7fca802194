import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderDiagnostic } from '../../src/manifest/diagnostics.js';
import { detectWideEncoding, MAX_NESTING, parseSpecBytes, parseSpecDocument, readSpecDocument } from '../../src/manifest/document.js';
import { validateSpec } from '../../src/manifest/validate.js';
import { specFromYaml } from '../helpers/spec-builder.js';

const check = (text: string) => specFromYaml(text, 'topics.yaml').validate({ skipFileChecks: true });

describe('loading topics.yaml with positions', () => {
  it('points at the key of an unknown field, with a did-you-mean', () => {
    const r = check('version: 1\ntopics:\n  orders:\n    partitons: 3\n');
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]).toMatchObject({ code: 'unknown-key', line: 4, column: 5, path: 'topics.orders.partitons', hint: 'did you mean "partitions"?' });
  });

  it('points at the value of a wrong type and hints at the quotes', () => {
    const r = check('version: 1\ntopics:\n  orders:\n    partitions: "3"\n');
    expect(r.diagnostics[0]).toMatchObject({ code: 'wrong-type', line: 4, column: 17, path: 'topics.orders.partitions' });
    expect(r.diagnostics[0]!.hint).toContain('without quotes');
  });

  it('reports a duplicate topic at its second occurrence', () => {
    const r = check('version: 1\ntopics:\n  orders: {}\n  orders: {}\n');
    expect(r.diagnostics.some((d) => d.code === 'duplicate-key' && d.line === 4)).toBe(true);
  });

  it('reports every problem in one run, not the first', () => {
    const r = check('version: 1\ntopics:\n  a: { partitions: 0 }\n  b: { replicationFactr: 1 }\n  "bad name": {}\n');
    expect(new Set(r.diagnostics.map((d) => d.code))).toEqual(new Set(['partitions-range', 'unknown-key', 'topic-name']));
  });

  it('turns YAML syntax errors into diagnostics, never exceptions', () => {
    const r = check('version: 1\ntopics:\n  orders: [\n');
    expect(r.diagnostics[0]).toMatchObject({ code: 'yaml-syntax', severity: 'error' });
    expect(r.specs.size).toBe(0);
  });

  it('renders file:line:column, path, found, allowed and hint', () => {
    const r = check('version: 1\ncluster: { brokers: 1 }\ntopics:\n  orders: { replicationFactor: 3 }\n');
    const text = renderDiagnostic(r.diagnostics[0]!);
    expect(text).toMatch(/^topics\.yaml:4:\d+: error\[replication-factor-range\] topics\.orders\.replicationFactor: /);
    expect(text).toContain('found:   3');
    expect(text).toContain('allowed: at most 1 (cluster.brokers)');
    expect(text).toContain('hint:');
  });
});

describe('YAML merge keys, anchors and x- keys', () => {
  const shared = 'version: 1\nx-defaults: &base\n  partitions: 6\n  config: { retention.ms: 1000 }\nx-rf: &rf { replicationFactor: 1 }\n';

  it('resolves `<<: *base` and `<<: [*a, *b]` as YAML 1.1 merge, written keys winning', () => {
    const r = check(`${shared}topics:\n  orders:\n    <<: [*base, *rf]\n    partitions: 4\n  pay:\n    <<: *base\n`);
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const topics = r.specs.get('default')!.topics;
    expect(topics.find((t) => t.name === 'orders')).toMatchObject({ partitions: 4, replicationFactor: 1, config: { 'retention.ms': '1000' } });
    expect(topics.find((t) => t.name === 'pay')).toMatchObject({ partitions: 6, config: { 'retention.ms': '1000' } });
  });

  it('accepts top-level x- keys and ignores them, but still rejects other unknown keys', () => {
    const r = check('version: 1\nx-anything: { whatever: [1, 2] }\nx: 1\n');
    expect(r.diagnostics.map((d) => [d.code, d.path])).toEqual([['unknown-key', 'x']]);
  });

  it('points a diagnostic on a merged value at the line where the value was written', () => {
    const text = 'version: 1\nx-bad: &bad\n  partitions: 0\n  config: { retention.ms: soon }\ntopics:\n  orders:\n    <<: *bad\n  pay:\n    <<: [{ description: x }, *bad]\n';
    const r = check(text);
    // Both topics take the value from one place: that place is reported once.
    const partitions = r.diagnostics.filter((d) => d.code === 'partitions-range');
    expect(partitions.map((d) => [d.path, d.line, d.column])).toEqual([['topics.orders.partitions', 3, 15]]);
    expect(r.diagnostics.find((d) => d.code === 'config-value')).toMatchObject({ line: 4, column: 27 });
  });

  it('points through an alias to its anchor', () => {
    const r = check('version: 1\nx-t: &t { partitions: 0 }\ntopics:\n  orders: *t\n');
    expect(r.diagnostics[0]).toMatchObject({ code: 'partitions-range', line: 2, column: 23 });
  });

  it('is not a duplicate key when a merged key is also written', () => {
    const r = check('version: 1\ntopics:\n  a: &a { partitions: 2 }\n  b:\n    <<: *a\n    partitions: 3\n');
    expect(r.diagnostics).toEqual([]);
    expect(r.specs.get('default')!.topics.map((t) => t.partitions)).toEqual([2, 3]);
  });
});

describe('file encodings', () => {
  const yaml = 'version: 1\ntopics:\n  orders: {}\n';
  const utf16be = (s: string) => Buffer.from(s, 'utf16le').swap16();
  const utf32 = (s: string, le: boolean) => {
    const out = Buffer.alloc(s.length * 4);
    for (let i = 0; i < s.length; i++) (le ? out.writeUInt32LE : out.writeUInt32BE).call(out, s.charCodeAt(i), i * 4);
    return out;
  };
  const cases: Array<[string, Buffer]> = [
    ['UTF-16 LE (with BOM)', Buffer.from(`\uFEFF${yaml}`, 'utf16le')],
    ['UTF-16 LE', Buffer.from(yaml, 'utf16le')],
    ['UTF-16 BE (with BOM)', utf16be(`\uFEFF${yaml}`)],
    ['UTF-16 BE', utf16be(yaml)],
    ['UTF-32 LE (with BOM)', utf32(`\uFEFF${yaml}`, true)],
    ['UTF-32 LE', utf32(yaml, true)],
    ['UTF-32 BE (with BOM)', utf32(`\uFEFF${yaml}`, false)],
    ['UTF-32 BE', utf32(yaml, false)],
  ];
  for (const [name, bytes] of cases) {
    it(`names ${name} and asks for UTF-8, without dumping bytes`, () => {
      expect(detectWideEncoding(bytes)).toBe(name);
      const r = validateSpec(parseSpecBytes(bytes, 'topics.yaml'));
      expect(r.diagnostics).toHaveLength(1);
      expect(r.diagnostics[0]).toMatchObject({ code: 'file-encoding', line: 1, column: 1, found: name, hint: expect.stringContaining('save the file as UTF-8') });
      const shown = renderDiagnostic(r.diagnostics[0]!);
      expect(shown.includes('\u0000') || shown.includes('\uFFFD')).toBe(false);
      expect(r.specs.size).toBe(0);
    });
  }

  it('reads the file from disk the same way', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kafkaform-enc-'));
    try {
      const file = join(dir, 'topics.yaml');
      writeFileSync(file, Buffer.from(`\uFEFF${yaml}`, 'utf16le'));
      expect(readSpecDocument(file).diagnostics.map((d) => d.message)).toEqual(['the file is encoded as UTF-16 LE (with BOM); kafkaform reads UTF-8']);
      writeFileSync(file, `\uFEFF${yaml}`);
      expect(readSpecDocument(file).diagnostics).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('accepts a UTF-8 BOM, columns of line 1 unchanged', () => {
    const r = validateSpec(parseSpecBytes(Buffer.from('\uFEFFversion: 2\n', 'utf8'), 'topics.yaml'));
    expect(r.diagnostics[0]).toMatchObject({ code: 'not-allowed-value', line: 1, column: 10 });
    expect(validateSpec(parseSpecBytes(Buffer.from(`\uFEFF${yaml}`, 'utf8'), 'topics.yaml')).specs.size).toBe(1);
  });

  it('points at the first byte that is not UTF-8 (Latin-1 text)', () => {
    const bytes = Buffer.concat([Buffer.from('version: 1\ntopics:\n  caf'), Buffer.from([0xe9]), Buffer.from(': {}\n')]);
    const r = validateSpec(parseSpecBytes(bytes, 'topics.yaml'));
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]).toMatchObject({ code: 'file-encoding', line: 3, column: 6, hint: 'save the file as UTF-8' });
  });

  it('names NUL characters in text another reader decoded', () => {
    const r = validateSpec(parseSpecDocument(Buffer.from(yaml, 'utf16le').toString('utf8'), 'topics.yaml'));
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]!.message).toContain('UTF-16 or UTF-32');
  });
});

describe('nesting depth', () => {
  it(`stops at ${MAX_NESTING} levels with a diagnostic at the depth point, not a stack overflow`, () => {
    for (const levels of [MAX_NESTING + 1, 20_000]) {
      const text = `version: 1\ntopics:\n  t:\n    config:\n      x: ${'['.repeat(levels)}${']'.repeat(levels)}\n`;
      const r = validateSpec(parseSpecDocument(text, 'topics.yaml'));
      expect(r.diagnostics.map((d) => d.code), String(levels)).toEqual(['nesting-too-deep']);
      // Levels 1-4 are the mappings root, topics, t and config: the lists start at level 5.
      expect(r.diagnostics[0]).toMatchObject({ line: 5, column: 10 + MAX_NESTING - 4, message: `nested more than ${MAX_NESTING} levels deep` });
      expect(r.specs.size).toBe(0);
    }
  });

  it('reads a mapping nested exactly to the limit', () => {
    const text = `version: 1\nx-deep: ${'{a: '.repeat(MAX_NESTING - 1)}1${'}'.repeat(MAX_NESTING - 1)}\n`;
    expect(validateSpec(parseSpecDocument(text, 'topics.yaml')).diagnostics).toEqual([]);
  });

  it('also counts the depth aliases build', () => {
    // Each anchor wraps the previous one in 8 lists: the text is shallow, the value is not.
    const lines = ['version: 1', 'x-0: &a0 [1]'];
    for (let i = 1; i <= MAX_NESTING / 8; i++) lines.push(`x-${i}: &a${i} ${'['.repeat(8)}*a${i - 1}${']'.repeat(8)}`);
    const r = validateSpec(parseSpecDocument(`${lines.join('\n')}\n`, 'topics.yaml'));
    expect(r.diagnostics.map((d) => [d.code, d.line, d.column])).toEqual([['nesting-too-deep', 1, 1]]);
  });
});
