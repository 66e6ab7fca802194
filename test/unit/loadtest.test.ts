import { describe, expect, it } from 'vitest';
import { baselineMismatches, computeBaselineComparison } from '../../src/loadtest/compare-baseline.js';
import { LatencyHistogram } from '../../src/loadtest/histogram.js';
import { DeliveryLedger } from '../../src/loadtest/ledger.js';
import { decodeRecordValue, encodeRecordValue, HEADER_BYTES } from '../../src/loadtest/message.js';
import { deliveryVerdict, renderHtml, renderMarkdown, renderReport, renderText } from '../../src/loadtest/render-report.js';
import type { LoadTestReport } from '../../src/loadtest/report-types.js';
import { computeWorkload, loadTestTopicName, parseDurationFlag, parseRateFlag, parseSizeFlag, topicCompression } from '../../src/loadtest/workload.js';
import type { ResolvedSpec, ResolvedTopic } from '../../src/manifest/types.js';
import { UserError } from '../../src/errors.js';

function topic(name: string, extra: Partial<ResolvedTopic> = {}): ResolvedTopic {
  return { name, partitions: 6, replicationFactor: 3, config: { 'retention.ms': '604800000' }, ...extra };
}

function spec(topics: ResolvedTopic[]): ResolvedSpec {
  return {
    file: '/x/topics.yaml',
    environment: 'dev',
    cluster: { name: 'c', bootstrapServers: ['127.0.0.1:9092'], brokers: 3, kafkaMajor: 4, connection: { bootstrapServers: ['127.0.0.1:9092'] } },
    policy: { maxPartitions: 100, minReplicationFactor: 1, allowTopicDeletion: false, managedPrefixes: [''], requireSchemaDocs: false },
    topics,
    services: [],
    acls: [],
    users: [],
    quotas: [],
  };
}

const BASE = { durationMs: 10_000, producers: 1, consumers: 1, acks: 'all' as const, compression: 'none' as const, useExisting: false, keepTopics: false, runId: 'abcd1234' };

describe('computeWorkload', () => {
  const s = spec([topic('orders.placed', { expected: { messagesPerSecond: 500, messageBytes: 2048, peakFactor: 3 } }), topic('customers.profile')]);

  it('defaults to the topics with an expected block at rate × peakFactor and their message size', () => {
    const w = computeWorkload(s, BASE);
    expect(w.topics).toHaveLength(1);
    expect(w.topics[0]).toMatchObject({ topic: 'orders.placed', messagesPerSecond: 1500, messageBytes: 2048, rateSource: 'expected', sizeSource: 'expected', partitions: 6, replicationFactor: 3 });
    expect(w.mode).toBe('fixed');
    expect(w.idempotent).toBe(true);
  });

  it('writes to a temporary kafkaform-loadtest.<topic>.<runid> copy unless --use-existing', () => {
    expect(computeWorkload(s, BASE).topics[0]!.loadTopic).toBe('kafkaform-loadtest.orders.placed.abcd1234');
    const existing = computeWorkload(s, { ...BASE, useExisting: true }).topics[0]!;
    expect(existing.loadTopic).toBe('orders.placed');
    expect(existing.temporary).toBe(false);
  });

  it('lets flags override rate and size, and falls back to defaults for topics without expected', () => {
    const w = computeWorkload(s, { ...BASE, topics: ['customers.profile', 'orders.placed'], rate: 42, messageBytes: 100 });
    expect(w.topics.map((t) => [t.topic, t.messagesPerSecond, t.messageBytes, t.rateSource])).toEqual([
      ['customers.profile', 42, 100, 'flag'],
      ['orders.placed', 42, 100, 'flag'],
    ]);
    const d = computeWorkload(s, { ...BASE, topics: ['customers.profile'] }).topics[0]!;
    expect([d.messagesPerSecond, d.messageBytes, d.rateSource]).toEqual([1000, 1024, 'default']);
  });

  it('bounds the message count by the rate and the duration', () => {
    const t = computeWorkload(s, BASE).topics[0]!;
    expect(t.maxMessages).toBe(Math.ceil(1500 * 10 * 1.1) + 1);
  });

  it('rejects an undeclared topic and a spec without any expected block', () => {
    expect(() => computeWorkload(s, { ...BASE, topics: ['nope'] })).toThrow(/not declared/);
    expect(() => computeWorkload(spec([topic('a')]), BASE)).toThrow(UserError);
  });

  it('--rate max starts a search', () => {
    expect(computeWorkload(s, { ...BASE, rate: 'max' }).mode).toBe('max');
  });

  it('shortens long topic names to Kafka’s 249-character limit', () => {
    expect(loadTestTopicName('x'.repeat(249), 'abcd1234').length).toBe(249);
  });
});

describe('flag parsing', () => {
  it('parses durations, rates and sizes', () => {
    expect(parseDurationFlag('30s')).toBe(30_000);
    expect(parseDurationFlag('2m')).toBe(120_000);
    expect(parseDurationFlag('10')).toBe(10_000);
    expect(() => parseDurationFlag('500ms')).toThrow(/shorter than one second/);
    expect(() => parseDurationFlag('2h')).toThrow(/1h limit/);
    expect(parseRateFlag('max')).toBe('max');
    expect(parseRateFlag('2500')).toBe(2500);
    expect(() => parseRateFlag('-1')).toThrow(UserError);
    expect(parseSizeFlag('1KiB')).toBe(1024);
    expect(() => parseSizeFlag('8')).toThrow(/at least/);
  });
});

describe('record stamps', () => {
  it('round-trips producer, sequence and send time in a value of the requested size', () => {
    const v = encodeRecordValue({ runTag: 0xdeadbeef, producerId: 7, sequence: 123456, sentAtMs: 1_700_000_000_123.456 }, 1024);
    expect(v.length).toBe(1024);
    expect(decodeRecordValue(v)).toEqual({ runTag: 0xdeadbeef, producerId: 7, sequence: 123456, sentAtMs: 1_700_000_000_123.456 });
  });

  it('fills the value with (31·i + sequence) mod 256 after the stamp, whatever the size, also when written into a slice', () => {
    for (const [size, sequence] of [[1024, 123456], [32, 0], [5000, 255], [70_000, 2 ** 31 - 1], [100, 7]] as const) {
      const arena = Buffer.alloc(size + 10, 0xaa);
      for (const v of [encodeRecordValue({ runTag: 1, producerId: 2, sequence, sentAtMs: 3 }, size), encodeRecordValue({ runTag: 1, producerId: 2, sequence, sentAtMs: 3 }, size, arena.subarray(5, 5 + size))]) {
        expect(v.length).toBe(size);
        const expected = Array.from({ length: size - HEADER_BYTES }, (_, k) => ((k + HEADER_BYTES) * 31 + sequence) & 0xff);
        expect([...v.subarray(HEADER_BYTES)]).toEqual(expected);
        expect(decodeRecordValue(v)?.sequence).toBe(sequence);
      }
      expect(arena[4]).toBe(0xaa);
      expect(arena[5 + size]).toBe(0xaa);
    }
  });

  it('does not mistake foreign data for a load-test record', () => {
    expect(decodeRecordValue(Buffer.from('{"orderId": 1, "padding": "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"}'))).toBeUndefined();
    expect(decodeRecordValue(Buffer.alloc(HEADER_BYTES - 1))).toBeUndefined();
  });
});

describe('DeliveryLedger', () => {
  it('counts acknowledged-but-never-consumed records as lost', () => {
    const l = new DeliveryLedger();
    for (let s = 0; s < 5; s++) {
      l.markSent(1, s);
      l.markAcknowledged(1, s);
    }
    l.markConsumed(1, 0, 0, 10);
    l.markConsumed(1, 1, 0, 11);
    l.markConsumed(1, 3, 0, 12);
    expect(l.summary()).toMatchObject({ sent: 5, acknowledged: 5, consumed: 3, lost: 2, duplicated: 0 });
    expect(l.lag()).toBe(2);
  });

  it('does not count a failed send as lost, even if never consumed', () => {
    const l = new DeliveryLedger();
    l.markSent(0, 0);
    l.markFailed(0, 0);
    expect(l.summary()).toMatchObject({ failed: 1, lost: 0 });
  });

  it('tells a duplicate in the log (another offset) from a redelivery of the same offset', () => {
    const l = new DeliveryLedger();
    l.markSent(2, 0);
    l.markAcknowledged(2, 0);
    expect(l.markConsumed(2, 0, 1, 100)).toBe('first');
    expect(l.markConsumed(2, 0, 1, 100)).toBe('redelivered');
    expect(l.markConsumed(2, 0, 1, 101)).toBe('duplicate');
    expect(l.summary()).toMatchObject({ consumed: 1, duplicated: 1, redelivered: 1, lost: 0 });
  });

  it('grows for large sequence numbers and keeps producers apart', () => {
    const l = new DeliveryLedger();
    l.markAcknowledged(1, 100_000);
    l.markAcknowledged(2, 100_000);
    l.markConsumed(2, 100_000);
    expect(l.summary().lost).toBe(1);
  });
});

describe('LatencyHistogram', () => {
  it('reports percentiles in milliseconds with microsecond resolution', () => {
    const h = new LatencyHistogram();
    for (let i = 1; i <= 1000; i++) h.recordMs(i / 10);
    const s = h.summary();
    expect(s.count).toBe(1000);
    expect(s.p50).toBeCloseTo(50, 0);
    expect(s.p99).toBeCloseTo(99, 0);
    expect(s.max).toBeCloseTo(100, 0);
    expect(h.curve().map((p) => p.percentile)).toContain(99.9);
  });
});

function sampleReport(overrides: Partial<LoadTestReport> = {}): LoadTestReport {
  const lat = { count: 10, mean: 3, p50: 2, p95: 5, p99: 8, p999: 9, max: 10 };
  const curve = [0, 50, 90, 99, 99.9, 100].map((p, i) => ({ percentile: p, valueMs: 1 + i }));
  return {
    reportVersion: 1,
    tool: 'kafkaform loadtest',
    runId: 'abcd1234',
    startedAt: '2026-01-01T00:00:00.000Z',
    finishedAt: '2026-01-01T00:00:05.000Z',
    durationSeconds: 3,
    cluster: { name: 'c', environment: 'dev', bootstrapServers: ['127.0.0.1:9092'] },
    client: 'kafkajs',
    settings: { mode: 'fixed', acks: 'all', compression: 'none', idempotent: true, producersPerTopic: 1, consumersPerTopic: 1, useExistingTopics: false, keepTopics: false },
    producer: { messagesPerSecond: 100, megabytesPerSecond: 0.1 },
    consumer: { messagesPerSecond: 100, megabytesPerSecond: 0.1 },
    latencyMs: { publish: lat, publishDelay: lat, endToEnd: lat },
    latencyPercentilesMs: { publish: curve, endToEnd: curve },
    messages: { sent: 300, acknowledged: 300, failed: 0, consumed: 300, lost: 0, duplicated: 0, redelivered: 0 },
    lag: { max: 5, final: 0 },
    errors: { count: 0, clientWarnings: 0, samples: [] },
    drained: true,
    topics: [
      {
        topic: 'orders.placed',
        loadTopic: 'kafkaform-loadtest.orders.placed.abcd1234',
        temporary: true,
        partitions: 3,
        replicationFactor: 1,
        targetMessagesPerSecond: 100,
        messageBytes: 1024,
        rateSource: 'flag',
        producer: { messagesPerSecond: 100, megabytesPerSecond: 0.1 },
        consumer: { messagesPerSecond: 100, megabytesPerSecond: 0.1 },
        perPartition: { producer: { messagesPerSecond: 33.3, megabytesPerSecond: 0.0325 }, consumer: { messagesPerSecond: 33.3, megabytesPerSecond: 0.0325 } },
        messages: { sent: 300, acknowledged: 300, failed: 0, consumed: 300, lost: 0, duplicated: 0, redelivered: 0 },
        latencyMs: { publish: lat, endToEnd: lat },
      },
    ],
    timeSeries: [0, 1, 2].map((second) => ({
      second,
      targetMessagesPerSecond: 100,
      sentPerSecond: 100,
      acknowledgedPerSecond: 90 + second,
      consumedPerSecond: 95,
      producedMegabytesPerSecond: 0.1,
      consumedMegabytesPerSecond: 0.1,
      publishP50Ms: 2,
      publishP99Ms: 8 + second,
      publishDelayP99Ms: 1,
      endToEndP99Ms: 9,
      lag: second,
      errors: 0,
    })),
    deletedTopics: ['kafkaform-loadtest.orders.placed.abcd1234'],
    ...overrides,
  };
}

describe('report renderers', () => {
  it('says plainly whether every acknowledged record arrived exactly once', () => {
    expect(deliveryVerdict(sampleReport())).toBe('OK: all 300 acknowledged messages consumed exactly once');
    const bad = sampleReport({ messages: { sent: 300, acknowledged: 300, failed: 0, consumed: 298, lost: 2, duplicated: 1, redelivered: 0 } });
    expect(deliveryVerdict(bad)).toBe('PROBLEM: 2 acknowledged messages lost, 1 duplicated');
  });

  it('renders text and Markdown with throughput, percentiles and counts', () => {
    const t = renderText(sampleReport());
    expect(t).toContain('Producer  100 msg/s  0.10 MB/s');
    expect(t).toMatch(/publish\s+2\.00 ms\s+5\.00 ms\s+8\.00 ms/);
    const md = renderMarkdown(sampleReport());
    expect(md).toContain('| publish | 2.00 ms | 5.00 ms | 8.00 ms | 9.00 ms | 10.0 ms |');
    expect(md).toContain('| orders.placed | kafkaform-loadtest.orders.placed.abcd1234 | 3 |');
  });

  it('renders JSON that parses back to the same report', () => {
    const r = sampleReport();
    expect(JSON.parse(renderReport(r, 'json'))).toEqual(r);
  });

  it('renders self-contained HTML with one SVG path per series and no external resources', () => {
    const html = renderHtml(sampleReport());
    for (const id of ['chart-throughput', 'chart-latency', 'chart-percentiles', 'chart-lag']) expect(html).toContain(`id="${id}"`);
    const paths = [...html.matchAll(/<path class="series" data-series="([^"]+)" d="([^"]+)"/g)];
    expect(paths.map((p) => p[1])).toEqual(['target', 'acknowledged', 'consumed', 'publish p99', 'publish delay p99', 'end-to-end p99', 'publish', 'end-to-end', 'lag', 'errors']);
    for (const p of paths) expect(p[2]).toMatch(/^M[\d.]+,[\d.]+( L[\d.]+,[\d.]+)+$/);
    expect(html).not.toMatch(/<script|<link|src=/);
  });

  it('escapes names in HTML', () => {
    const html = renderHtml(sampleReport({ cluster: { name: '<b>x</b>', environment: 'dev', bootstrapServers: [] } }));
    expect(html).toContain('&lt;b&gt;x&lt;/b&gt;');
    expect(html).not.toContain('<b>x</b>');
  });
});

describe('max-rate report', () => {
  const point = sampleReport().timeSeries[0]!;
  const maxReport = sampleReport({
    settings: { ...sampleReport().settings, mode: 'max' },
    maxRate: {
      ceilingMessagesPerSecond: 50_000,
      ceilingPhaseSeconds: 2,
      sustainableMessagesPerSecond: 45_000,
      limitReached: true,
      rule: { maxPublishDelayMs: 250, minAchievedShare: 0.8, minLagAllowance: 1000 },
      steps: [
        { fromSecond: 3, toSecond: 6, fractionOfCeiling: 0.9, targetMessagesPerSecond: 45_000, acknowledgedPerSecond: 44_900, publishDelayP99Ms: 12, lag: 20, sustainable: true },
        { fromSecond: 6, toSecond: 9, fractionOfCeiling: 0.95, targetMessagesPerSecond: 47_500, acknowledgedPerSecond: 40_000, publishDelayP99Ms: 400, lag: 9000, sustainable: false },
      ],
    },
    timeSeries: Array.from({ length: 9 }, (_, second) => ({ ...point, second, ...(second < 2 ? { closedLoop: true, targetMessagesPerSecond: 0 } : { targetMessagesPerSecond: second < 3 ? 0 : second < 6 ? 45_000 : 47_500 }) })),
  });

  it('lists the ceiling phase and every step as a table in text and Markdown', () => {
    const t = renderText(maxReport);
    expect(t).toContain('Max sustainable rate: 45,000 msg/s (limit reached); closed-loop ceiling 50,000 msg/s');
    expect(t).toMatch(/0–2\s+ceiling \(closed loop\)\s+as fast as possible\s+50,000/);
    expect(t).toMatch(/3–6\s+step \(open loop\)\s+45,000\s+90 %\s+44,900\s+12\.0 ms\s+20\s+sustainable/);
    expect(t).toMatch(/6–9\s+step \(open loop\)\s+47,500\s+95 %\s+40,000\s+400 ms\s+9,000\s+not sustainable/);
    const md = renderMarkdown(maxReport);
    expect(md).toContain('| seconds | phase | target msg/s | of ceiling | achieved msg/s | publish delay p99 | lag | verdict |');
    expect(md).toContain('| 3–6 | step (open loop) | 45,000 | 90 % | 44,900 | 12.0 ms | 20 | sustainable |');
  });

  it('says when the result is only a lower bound', () => {
    expect(renderText({ ...maxReport, maxRate: { ...maxReport.maxRate!, limitReached: false } })).toContain('45,000 msg/s (lower bound: the run ended before the limit was bracketed)');
  });

  it('has the steps table in HTML, and a target line that starts with the first step and follows the steps', () => {
    const html = renderHtml(maxReport);
    expect(html).toContain('<table id="steps">');
    expect(html).toContain('<th>3–6</th><td>step (open loop)</td><td>45,000</td>');
    const target = /<path class="series" data-series="target" d="([^"]+)"/.exec(html)![1]!;
    const ys = target.split(' ').map((p) => Number(p.slice(1).split(',')[1]));
    // 7 points (seconds 2–8, none while closed-loop): paused at 0, then two levels rising.
    expect(ys).toHaveLength(7);
    expect(new Set(ys).size).toBe(3);
    expect(ys[1]!).toBeGreaterThan(ys[4]!);
  });
});

describe('compression of the load (the topic’s own)', () => {
  it('uses each topic’s compression.type unless --compression says otherwise', () => {
    expect(topicCompression('gzip', undefined, false)).toEqual({ compression: 'gzip' });
    expect(topicCompression(undefined, undefined, false)).toEqual({ compression: 'none' });
    expect(topicCompression('producer', undefined, false)).toEqual({ compression: 'none' });
    expect(topicCompression('gzip', 'lz4', false)).toEqual({ compression: 'lz4' });
  });

  it('tests a zstd topic with zstd where Node has it, and with lz4 (saying so) where it does not', () => {
    expect(topicCompression('zstd', undefined, true)).toEqual({ compression: 'zstd' });
    const old = topicCompression('zstd', undefined, false);
    expect(old.compression).toBe('lz4');
    expect(old.note).toMatch(/^zstd tested with lz4: Node [\d.]+ has no zstd \(Node ≥ 22\.15 does\)$/);
  });

  it('puts the substitution in the workload and in every rendered format', () => {
    const s = spec([topic('orders.placed', { config: { 'compression.type': 'zstd' }, expected: { messagesPerSecond: 10, messageBytes: 100, peakFactor: 1 } })]);
    const w = computeWorkload(s, { ...BASE, compression: undefined, zstdAvailable: false });
    expect(w.compression).toBe('topic');
    expect(w.topics[0]).toMatchObject({ compression: 'lz4', config: { 'compression.type': 'lz4' } });
    const base = sampleReport();
    const r = sampleReport({ settings: { ...base.settings, compression: 'topic' }, topics: [{ ...base.topics[0]!, compression: 'lz4', compressionNote: w.topics[0]!.compressionNote! }] });
    expect(renderText(r)).toContain("compression=each topic's own");
    for (const out of [renderText(r), renderMarkdown(r), renderHtml(r)]) expect(out).toContain('orders.placed: zstd tested with lz4');
    expect(computeWorkload(s, { ...BASE, compression: undefined, zstdAvailable: true }).topics[0]).toMatchObject({ compression: 'zstd', config: { 'compression.type': 'zstd' } });
  });
});

describe('--baseline: the regression gate', () => {
  const base = sampleReport();
  const withLatency = (r: LoadTestReport, p99: number): LoadTestReport => ({ ...r, latencyMs: { ...r.latencyMs, publish: { ...r.latencyMs.publish, p99 } } });

  it('passes a run within the thresholds', () => {
    const c = computeBaselineComparison({ ...base, producer: { messagesPerSecond: 91, megabytesPerSecond: 0.09 } }, base);
    expect(c.regressed).toBe(false);
    expect(c.rows.find((r) => r.metric === 'producer throughput')).toEqual({ metric: 'producer throughput', unit: 'msg/s', baseline: 100, current: 91, change: -0.09, regressed: false });
    expect(c.thresholds).toEqual({ maxThroughputDrop: 0.1, maxLatencyRise: 0.25, minLatencyRiseMs: 5 });
  });

  it('fails when throughput falls by more than 10 %', () => {
    const c = computeBaselineComparison({ ...base, producer: { messagesPerSecond: 89, megabytesPerSecond: 0.09 } }, base);
    expect(c.regressed).toBe(true);
    expect(c.rows.filter((r) => r.regressed).map((r) => r.metric)).toEqual(['producer throughput']);
  });

  it('fails when a percentile rises by more than 25 % and 5 ms, not on sub-5-ms jitter', () => {
    const slow = withLatency(base, 40);
    expect(computeBaselineComparison(slow, withLatency(base, 30)).regressed).toBe(true);
    expect(computeBaselineComparison(withLatency(base, 12), withLatency(base, 8)).regressed).toBe(false); // +50 % but only 4 ms
    expect(computeBaselineComparison(withLatency(base, 37), withLatency(base, 30)).regressed).toBe(false); // +23 %
  });

  it('compares the max-rate figures when both runs searched', () => {
    const max = (sustainable: number): LoadTestReport => ({
      ...base,
      settings: { ...base.settings, mode: 'max' },
      maxRate: { ceilingMessagesPerSecond: 1000, ceilingPhaseSeconds: 2, sustainableMessagesPerSecond: sustainable, limitReached: true, rule: { maxPublishDelayMs: 250, minAchievedShare: 0.8, minLagAllowance: 1000 }, steps: [] },
    });
    const c = computeBaselineComparison(max(700), max(900));
    expect(c.rows.map((r) => r.metric)).toContain('closed-loop ceiling');
    expect(c.rows.find((r) => r.metric === 'max sustainable rate')!.regressed).toBe(true);
    expect(baselineMismatches(max(700), base)).toEqual(['mode max vs fixed in the baseline']);
    // The producer-only ceiling is compared only when both reports have it (older ones do not).
    expect(c.rows.map((r) => r.metric)).not.toContain('producers alone (consumers paused)');
    const withProducers = (m: LoadTestReport, v: number): LoadTestReport => ({ ...m, maxRate: { ...m.maxRate!, producerCeilingMessagesPerSecond: v, producerCeilingFromSecond: 12, producerCeilingToSecond: 15 } });
    const p = computeBaselineComparison(withProducers(max(900), 5_000), withProducers(max(900), 8_000));
    expect(p.rows.find((r) => r.metric === 'producers alone (consumers paused)')).toMatchObject({ baseline: 8_000, current: 5_000, regressed: true });
  });

  it('shows the comparison in text, as a Markdown table for a PR, and in HTML', () => {
    const r = { ...base, baseline: computeBaselineComparison({ ...base, producer: { messagesPerSecond: 80, megabytesPerSecond: 0.08 } }, base) };
    expect(renderText(r)).toMatch(/producer throughput\s+100 msg\/s\s+80 msg\/s\s+-20\.0 %\s+REGRESSED/);
    const md = renderMarkdown(r);
    expect(md).toContain('**REGRESSION against baseline run abcd1234 (2026-01-01T00:00:00.000Z): throughput may fall 10 %, latency percentiles may rise 25 % (and 5 ms)**');
    expect(md).toContain('| metric | baseline | this run | change | verdict |');
    expect(md).toContain('| producer throughput | 100 msg/s | 80 msg/s | -20.0 % | REGRESSED |');
    expect(md).toContain('| publish p99 | 8.00 ms | 8.00 ms | 0.0 % | ok |');
    expect(renderHtml(r)).toContain('<table id="baseline">');
    expect(JSON.parse(renderReport(r, 'json')).baseline.regressed).toBe(true);
  });
});
