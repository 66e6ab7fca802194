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
import { renderYaml } from '../../src/importer/render-yaml.js';
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
      // Strictly: no key the text leaves out (an undefined value) is in what the check reads.
      expect(reread.value).toStrictEqual(importedSpecDocument('topics.yaml', r.text, r.document).value);
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
    // Undefined values are not written, so the check does not see them either.
    const withHoles = importedSpecDocument('x.yaml', '', { version: 1, a: undefined, b: [undefined, { c: undefined, d: 1 }] });
    expect(withHoles.value).toStrictEqual({ version: 1, b: [null, { d: 1 }] });
    expect(parseSpecDocument(renderYaml({ version: 1, a: undefined, b: [undefined, { c: undefined, d: 1 }] }), 'x.yaml').value).toStrictEqual(withHoles.value);
  });

  it('comment lines hold no line break or control character', () => {
    expect(commentLine('a\nb\r\nc\u2028d\u0000e\u0085f')).toBe('# a b  c d e f');
  });
});

describe('renderYaml', () => {
  /** A realistic import: the shapes and values a real cluster gives (names, units, lists of maps, an environment). */
  function realistic(environment?: string) {
    const s = state();
    s.topics = Array.from({ length: 30 }, (_, i) => ({
      name: `orders.t${i}`, partitions: i % 4 === 0 ? 6 : 3, replicationFactor: 1, internal: false,
      config: { 'retention.ms': String(86_400_000 * (1 + (i % 8))), 'cleanup.policy': i % 5 === 0 ? 'compact,delete' : 'delete', 'max.message.bytes': '2097152', 'min.cleanable.dirty.ratio': '0.25', 'unclean.leader.election.enable': 'false', 'confluent.tier.enable': 'true' },
    }));
    s.acls = s.topics.flatMap((t, i) => [
      { principal: `User:svc-${i}`, host: '*', operation: 'Write', permission: 'allow', resourceType: 'topic', resourceName: t.name, patternType: 'literal' },
      { principal: `User:svc-${i}`, host: '*', operation: 'Describe', permission: 'allow', resourceType: 'topic', resourceName: t.name, patternType: 'literal' },
      { principal: 'User:ops', host: '10.0.0.1', operation: 'DescribeConfigs', permission: 'allow', resourceType: 'topic', resourceName: t.name, patternType: 'prefixed' },
    ] satisfies AclBinding[]);
    s.users = [{ name: 'alice', credentials: [{ mechanism: 'SCRAM-SHA-512', iterations: 8192 }] }];
    s.quotas = [{ user: 'alice', producerByteRate: 10 * 1024 * 1024, requestPercentage: 12.5 }, { clientId: '<default>', consumerByteRate: 1000 }];
    return computeImport(s, { clusterName: 'shop', bootstrapServers: ['kafka-1:9092', 'kafka-2:9092'], environment });
  }

  it('writes what the yaml library writes for a realistic import, byte for byte', () => {
    for (const env of [undefined, 'prod']) {
      const r = realistic(env);
      expect(r.text.slice(r.text.indexOf('\nversion: 1\n') + 1)).toBe(stringify(r.document, { lineWidth: 0 }));
    }
  });

  it('reads back as the value it was given: keys and values YAML would read as something else are quoted', () => {
    const value = {
      version: 1,
      keys: Object.fromEntries(NASTY.map((v, i) => [v, i])),
      values: Object.fromEntries(NASTY.map((v, i) => [`k${i}`, v])),
      list: [...NASTY, 0.1, -0, 1e21, -5, true, false, {}, { a: [] }, { b: {} }],
      nested: [{ a: 1, b: [{ c: 'x' }], d: { e: ['f'] } }],
      merge: { '<<': { a: 1 } },
      long: { [`k${'x'.repeat(1100)}`]: 'v' },
      empty: {},
      none: [],
    };
    const text = renderYaml(value);
    const back = parseSpecDocument(text, 'x.yaml');
    expect(back.diagnostics).toEqual([]);
    expect(back.value).toEqual(value);
    expect(renderYaml({})).toBe('{}\n');
  });
});
