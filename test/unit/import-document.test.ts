/**
 * import checks the structure its text is rendered from (importedSpecDocument), not a re-parse of the
 * text: these tests hold the two equal, so the check still means "kafkaform validate accepts the file".
 * Adversarial names and values (YAML keywords, numbers as strings, indicators, line breaks, control
 * characters) go through every place a live value reaches the file: keys, values and header comments.
 */
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import type { AclBinding } from '../../src/manifest/types.js';
import type { ClusterState } from '../../src/cluster/port.js';
import { computeImport } from '../../src/importer/compute-import.js';
import { commentLine, importedSpecDocument } from '../../src/importer/imported-document.js';
import { parseSpecDocument } from '../../src/manifest/document.js';
import { validateSpec } from '../../src/manifest/validate.js';

const NASTY = [
  'true', 'null', '~', 'yes', 'NO', '0x1F', '0o17', '1e3', '.inf', '-.nan', '012', '+1', '1_000', '2026-12-01', '- x', ': x', 'a: b', 'a #b', '#x', ' lead', 'trail ',
  "'q'", '"dq"', 'a\nb', 'line\r\nbreak', '\u2028ls', 'tab\there', 'nul\u0000', 'esc\u001b[31m', '*alias', '&anchor', '!tag', '%dir', '@at', '`tick', '{', '[', '}', ']', ',', '<<',
  '?', '|', '>', 'ü', '日本', '🙂', '\uFEFFbom', '', '---', '...', 'a\\b', '${env:X}',
];

function state(): ClusterState {
  const topics = NASTY.map((v, i) => ({
    name: `t.${i}`,
    partitions: 1 + (i % 3),
    replicationFactor: 1,
    // A key outside the catalogue is kept verbatim: a vendor's value can be any string (and reaches a `# kept:` comment).
    config: { 'acme.mode': v, 'retention.ms': '86400000', 'leader.replication.throttled.replicas': v },
    internal: false,
  }));
  const acls: AclBinding[] = NASTY.flatMap((v, i) => [
    { principal: `User:${v}`, host: '*', operation: 'Write', permission: 'allow', resourceType: 'topic', resourceName: `t.${i}`, patternType: 'literal' },
    { principal: `User:${v}`, host: '*', operation: 'Describe', permission: 'allow', resourceType: 'topic', resourceName: `t.${i}`, patternType: 'literal' },
    { principal: `User:raw-${i}`, host: v || '*', operation: 'Read', permission: 'allow', resourceType: 'group', resourceName: v || 'g', patternType: 'prefixed' },
  ]);
  return {
    info: { clusterId: 'c', controller: 1, brokers: [{ nodeId: 1, host: '127.0.0.1', port: 9092 }] },
    topics,
    acls,
    users: NASTY.filter(Boolean).map((v) => ({ name: v, credentials: [{ mechanism: 'SCRAM-SHA-256' as const, iterations: 4096 }] })),
    quotas: [],
    notChecked: [{ resource: 'quota', code: 'unauthorized', reason: `refused\n${NASTY.join(' ')}` }],
  };
}

describe('importedSpecDocument: the structure import checks is what the file reads back as', () => {
  for (const environment of [undefined, 'prod']) {
    it(`parsing the written text gives back the structure, with no YAML diagnostic${environment ? ' (servers under an environment)' : ''}`, () => {
      const r = computeImport(state(), { clusterName: 'c: #1', bootstrapServers: ['127.0.0.1:9092'], environment, source: 'a\nversion: 2', schemaPath: './x\n#y' });
      const reread = parseSpecDocument(r.text, 'topics.yaml');
      expect(reread.diagnostics).toEqual([]);
      expect(reread.value).toEqual(r.document);
      // Line breaks in live values stay out of the comments: every line before the document is a comment.
      const firstContent = r.text.split('\n').findIndex((l) => !l.startsWith('# '));
      expect(r.text.split('\n')[firstContent]).toBe('version: 1');
    });
  }

  it('validates exactly as a re-parse of the text does, positions of the diagnostics included', () => {
    const r = computeImport(state(), { clusterName: 'c', bootstrapServers: ['127.0.0.1:9092'] });
    const structural = validateSpec(importedSpecDocument('topics.yaml', r.text, r.document));
    const reparsed = validateSpec(parseSpecDocument(r.text, 'topics.yaml'));
    expect(structural.diagnostics).toEqual(reparsed.diagnostics);
    expect([...structural.specs.keys()]).toEqual([...reparsed.specs.keys()]);
    // An invalid structure: both report the same errors at the same lines.
    const { users: _users, ...rest } = r.document;
    const bad = { ...rest, topics: { ...(r.document.topics as object), 'x y': { partitions: 0, config: { 'no.such.key': 1 } } } };
    const text = stringify(bad, { lineWidth: 0 });
    const a = validateSpec(importedSpecDocument('topics.yaml', text, bad)).diagnostics.filter((d) => d.severity === 'error');
    const b = validateSpec(parseSpecDocument(text, 'topics.yaml')).diagnostics.filter((d) => d.severity === 'error');
    expect(a.length).toBeGreaterThan(0);
    expect(a).toEqual(b);
  });

  it('checks a copy: the rules never see (or change) the importer\'s own objects', () => {
    const r = computeImport(state(), { clusterName: 'c', bootstrapServers: ['127.0.0.1:9092'] });
    const doc = importedSpecDocument('topics.yaml', r.text, r.document);
    expect(doc.value).toEqual(r.document);
    expect(doc.value).not.toBe(r.document);
  });

  it('comment lines hold no line break or control character', () => {
    expect(commentLine('a\nb\r\nc\u2028d\u0000e\u0085f')).toBe('# a b  c d e f');
  });
});
