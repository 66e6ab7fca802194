/** classifyTopicChange: the one change-safety rule set behind validate --against/--live, plan and deploy. */
import { describe, expect, it } from 'vitest';
import { normalizeCleanupPolicy, parseCleanupPolicy } from '../../src/model/cleanup-policy.js';
import { classifyTopicChange, type ChangeFinding, type ClassifyOptions } from '../../src/safety/classify-topic-change.js';
import { computeTopicDefaults, declaredTopicFacts, KAFKA_DEFAULTS, type TopicFacts } from '../../src/safety/topic-facts.js';

const DAY = 86_400_000;
const t = (over: Partial<TopicFacts> = {}, config: Record<string, string> = {}): TopicFacts => ({ name: 'orders', partitions: 3, replicationFactor: 3, config, keyed: false, ...over });
const policy = (p: string) => t({}, { 'cleanup.policy': p });
const retention = (ms: number) => t({}, { 'retention.ms': String(ms) });
const unset = t();

/** The verdict in one line per finding: `code severity/risk field`. */
const verdicts = (fs: ChangeFinding[]) => fs.map((f) => `${f.code} ${f.severity}/${f.risk}${f.field ? ` ${f.field}` : ''}`);

interface Case {
  name: string;
  before?: TopicFacts;
  after?: TopicFacts;
  opts?: ClassifyOptions;
  expect: string[];
  reason?: RegExp;
}

const cases: Case[] = [
  // creation, deletion, no change
  { name: 'a new topic is safe', after: t(), expect: [] },
  { name: 'no change is safe', before: t(), after: t(), expect: [] },
  { name: 'a deletion is an error and destructive', before: t(), expect: ['topic-deletion error/destructive'], reason: /^deletes the topic and every message in it$/ },
  { name: 'a deletion the policy allows is a warning, still destructive', before: t(), opts: { allowTopicDeletion: true }, expect: ['topic-deletion warning/destructive'] },
  // partitions
  { name: 'a partition decrease is an error and destructive', before: t({ partitions: 6 }), after: t({ partitions: 3 }), expect: ['partition-decrease error/destructive partitions'], reason: /^partitions 6 → 3: Kafka cannot remove partitions$/ },
  { name: 'a partition increase on a plain topic is safe', before: t({ partitions: 3 }), after: t({ partitions: 6 }), expect: [] },
  { name: 'a partition increase on a compacted topic is risky', before: t({ partitions: 3 }, { 'cleanup.policy': 'compact' }), after: t({ partitions: 6 }, { 'cleanup.policy': 'compact' }), expect: ['partition-increase-keyed warning/risky partitions'], reason: /^partitions 3 → 6 on a compacted topic: keys move/ },
  { name: 'a partition increase on a keyed topic is risky like a compacted one', before: t({ partitions: 3, keyed: true }), after: t({ partitions: 4, keyed: true }), expect: ['partition-increase-keyed warning/risky partitions'], reason: /on a keyed topic/ },
  { name: 'keyed on one side is enough (a key schema added with the increase)', before: t({ partitions: 3 }), after: t({ partitions: 4, keyed: true }), expect: ['partition-increase-keyed warning/risky partitions'] },
  { name: 'compacted and keyed are both named', before: t({ partitions: 3, keyed: true }, { 'cleanup.policy': 'compact' }), after: t({ partitions: 4, keyed: true }, { 'cleanup.policy': 'compact' }), expect: ['partition-increase-keyed warning/risky partitions'], reason: /on a compacted, keyed topic/ },
  { name: 'a partition decrease on a keyed topic is only the decrease', before: t({ partitions: 4, keyed: true }), after: t({ partitions: 3, keyed: true }), expect: ['partition-decrease error/destructive partitions'] },
  // replication factor, both directions
  { name: 'a replication-factor increase is risky', before: t({ replicationFactor: 1 }), after: t({ replicationFactor: 3 }), expect: ['replication-factor-change warning/risky replicationFactor'], reason: /^replication factor 1 → 3: Kafka reassigns/ },
  { name: 'a replication-factor decrease is risky', before: t({ replicationFactor: 3 }), after: t({ replicationFactor: 2 }), expect: ['replication-factor-change warning/risky replicationFactor'] },
  // cleanup.policy: any change is risky
  { name: 'compact → delete is risky', before: policy('compact'), after: policy('delete'), expect: ['cleanup-policy-change warning/risky cleanupPolicy'], reason: /^cleanup\.policy compact → delete: the latest value per key is no longer kept/ },
  { name: 'delete → compact is risky', before: policy('delete'), after: policy('compact'), expect: ['cleanup-policy-change warning/risky cleanupPolicy'], reason: /records without a key are rejected/ },
  { name: 'unset → compact is risky and says delete was the default', before: unset, after: policy('compact'), expect: ['cleanup-policy-change warning/risky cleanupPolicy'], reason: /^cleanup\.policy delete \(default\) → compact/ },
  { name: 'compact → compact,delete is risky', before: policy('compact'), after: policy('compact,delete'), expect: ['cleanup-policy-change warning/risky cleanupPolicy'], reason: /even the latest value of a key/ },
  { name: 'compact,delete → compact is risky', before: policy('compact,delete'), after: policy('compact'), expect: ['cleanup-policy-change warning/risky cleanupPolicy'], reason: /no longer deleted by age/ },
  { name: 'delete → unset is no change (delete is the default)', before: policy('delete'), after: unset, expect: [] },
  { name: 'the order of a policy list does not matter', before: policy('delete, compact'), after: policy('compact,delete'), expect: [] },
  // retention: cut by more than half, both directions
  { name: 'a retention cut by more than half is risky', before: retention(7 * DAY), after: retention(DAY), expect: ['retention-cut warning/risky retention'], reason: /^retention 1w → 1d \(cut by more than half\): records older than 1d/ },
  { name: 'a cut by exactly half is safe', before: retention(8 * DAY), after: retention(4 * DAY), expect: [] },
  { name: 'a retention increase is safe', before: retention(DAY), after: retention(7 * DAY), expect: [] },
  { name: 'forever → finite is risky', before: retention(-1), after: retention(30 * DAY), expect: ['retention-cut warning/risky retention'], reason: /^retention forever → 30d/ },
  { name: 'finite → forever is safe', before: retention(DAY), after: retention(-1), expect: [] },
  // retention: an unset value is the default, and the reason says which default was assumed
  { name: "unset → 1d cuts Kafka's 7d default (said so)", before: unset, after: retention(DAY), expect: ['retention-cut warning/risky retention'], reason: /^retention 1w \(unset: Kafka's default; the broker's was not read\) → 1d/ },
  { name: "unset → 5d is within half of Kafka's default", before: unset, after: retention(5 * DAY), expect: [] },
  { name: "unset → 5d cuts a broker's 30d (said so)", before: unset, after: retention(5 * DAY), opts: { defaults: { retentionMs: 30 * DAY, source: 'broker' } }, expect: ['retention-cut warning/risky retention'], reason: /^retention 30d \(unset: the broker's default\) → 5d/ },
  { name: "30d → unset cuts to Kafka's default", before: retention(30 * DAY), after: unset, expect: ['retention-cut warning/risky retention'], reason: /→ 1w \(unset: Kafka's default/ },
  { name: "30d → unset is safe when the broker's default is 20d", before: retention(30 * DAY), after: unset, opts: { defaults: { retentionMs: 20 * DAY, source: 'broker' } }, expect: [] },
  // several at once, in a fixed order
  {
    name: 'several changes are each reported, partitions first',
    before: t({ partitions: 3, replicationFactor: 1 }, { 'cleanup.policy': 'compact', 'retention.ms': String(7 * DAY) }),
    after: t({ partitions: 6, replicationFactor: 3 }, { 'cleanup.policy': 'delete', 'retention.ms': String(DAY) }),
    expect: ['partition-increase-keyed warning/risky partitions', 'replication-factor-change warning/risky replicationFactor', 'cleanup-policy-change warning/risky cleanupPolicy', 'retention-cut warning/risky retention'],
  },
];

describe('classifyTopicChange', () => {
  it.each(cases)('$name', (c) => {
    const findings = classifyTopicChange(c.before, c.after, c.opts);
    expect(verdicts(findings)).toEqual(c.expect);
    if (c.reason) expect(findings[0]!.reason).toMatch(c.reason);
  });

  it('every finding says what, why and what to do; validate blocks exactly what plan calls destructive', () => {
    for (const c of cases) {
      for (const f of classifyTopicChange(c.before, c.after, c.opts)) {
        expect(f.message, c.name).toContain(f.code === 'topic-deletion' ? `"${c.before!.name}"` : `topic ${c.before!.name}`);
        expect(f.reason.length, c.name).toBeGreaterThan(0);
        expect(f.hint.length, c.name).toBeGreaterThan(0);
        expect(f.severity === 'error', c.name).toBe(f.risk === 'destructive' && !c.opts?.allowTopicDeletion);
      }
    }
  });

  it('an error carries found and allowed, naming where the old version came from', () => {
    const [del] = classifyTopicChange(t(), undefined, { previousLabel: 'main:topics.yaml' });
    expect(del).toMatchObject({ found: '"orders" in main:topics.yaml, not in this version', allowed: expect.stringContaining('allowTopicDeletion') });
    const [dec] = classifyTopicChange(t({ partitions: 6 }), t({ partitions: 3 }));
    expect(dec).toMatchObject({ found: '3', allowed: 'at least 6 (Kafka cannot remove partitions)' });
    expect(dec!.message).toBe('topic orders: partitions 6 → 3 is a decrease; Kafka cannot remove partitions from a topic (only delete and recreate it, losing its data)');
    expect(dec!.hint).toMatch(/^set topics\.orders\.partitions back to 6 or more: the Terraform provider would destroy and recreate the topic/);
  });
});

describe('topic facts and defaults', () => {
  it("uses the broker's retention when the cluster was read, else Kafka's default", () => {
    expect(computeTopicDefaults()).toEqual(KAFKA_DEFAULTS);
    expect(KAFKA_DEFAULTS).toEqual({ retentionMs: 604_800_000, source: 'kafka-default' });
    expect(computeTopicDefaults({ 'retention.ms': '86400000' })).toEqual({ retentionMs: DAY, source: 'broker' });
    expect(computeTopicDefaults({ 'retention.ms': '-1' })).toEqual({ retentionMs: -1, source: 'broker' });
    expect(computeTopicDefaults({ 'retention.ms': '' })).toEqual(KAFKA_DEFAULTS);
    expect(computeTopicDefaults({ 'segment.ms': '1000' })).toEqual(KAFKA_DEFAULTS);
  });

  it('a declared topic is keyed when it has a key schema', () => {
    const base = { name: 'p', partitions: 3, replicationFactor: 1, config: {} };
    expect(declaredTopicFacts({ ...base, schema: { key: { subject: 'p-key' } } }).keyed).toBe(true);
    expect(declaredTopicFacts({ ...base, schema: {} }).keyed).toBe(false);
    expect(declaredTopicFacts(base).keyed).toBe(false);
  });
});

describe('cleanup.policy normalisation', () => {
  it.each([
    ['compact', 'compact'],
    ['delete,compact', 'compact,delete'],
    [' compact , delete ', 'compact,delete'],
    [['delete', 'compact'], 'compact,delete'],
    ['', ''],
  ] as const)('%j → %j', (input, want) => {
    expect(normalizeCleanupPolicy(input)).toBe(want);
  });

  it('unset is no policy at all (the caller decides what the default is)', () => {
    expect(parseCleanupPolicy(undefined)).toEqual([]);
  });
});
