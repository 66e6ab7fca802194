import { describe, expect, it } from 'vitest';
import { renderDiagnostic } from '../../src/manifest/diagnostics.js';
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
