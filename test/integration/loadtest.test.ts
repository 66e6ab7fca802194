/**
 * kafkaform loadtest against a real single-broker SASL/SCRAM cluster: the CLI end to end, the
 * delivery accounting, the max-rate search, the HTML report rendered in a real headless Chromium,
 * and capacity planning from the report.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { measurementsFromReport, planCapacity } from '../../src/capacity/compute-capacity.js';
import { main } from '../../src/cli/main.js';
import { KafkajsClusterPort } from '../../src/cluster/kafkajs-adapter.js';
import { renderHtml } from '../../src/loadtest/render-report.js';
import type { LoadTestReport } from '../../src/loadtest/report-types.js';
import { runLoad } from '../../src/loadtest/runner.js';
import { computeWorkload } from '../../src/loadtest/workload.js';
import { readManifest, requireEnvironment } from '../../src/manifest/validate.js';
import { scratchProject, startTestCluster, type TestCluster } from './helpers.js';

const SPEC = `version: 1
cluster:
  name: loadtest-it
  brokers: 1
defaults:
  partitions: 3
  replicationFactor: 1
environments:
  dev:
    cluster: { bootstrapServers: [], brokers: 1 }
topics:
  orders.placed:
    partitions: 3
    retention: 1d
    expected:
      messagesPerSecond: 150
      messageBytes: 1KiB
      peakFactor: 2
  customers.profile:
    partitions: 2
    cleanupPolicy: compact
`;

let tc: TestCluster;
let project: ReturnType<typeof scratchProject>;
let work: string;
let report: LoadTestReport;
const savedPassword = process.env.KAFKAFORM_SASL_PASSWORD;

beforeAll(async () => {
  tc = await startTestCluster({ sasl: true });
  project = scratchProject(SPEC, { withSchemas: false });
  work = mkdtempSync(join(tmpdir(), 'kafkaform-lt-'));
  process.env.KAFKAFORM_SASL_PASSWORD = tc.connection.sasl!.password;
});

afterAll(async () => {
  if (savedPassword === undefined) delete process.env.KAFKAFORM_SASL_PASSWORD;
  else process.env.KAFKAFORM_SASL_PASSWORD = savedPassword;
  project?.cleanup();
  if (work) rmSync(work, { recursive: true, force: true });
  await tc?.stop();
});

function cliArgs(...extra: string[]): string[] {
  return ['-f', project.file, '--env', 'dev', '--bootstrap-servers', tc.cluster.bootstrapServers.join(','), '--sasl-username', 'admin', '--sasl-mechanism', 'scram-sha512', '--quiet', ...extra];
}

async function loadTestTopicsOnCluster(): Promise<string[]> {
  const port = new KafkajsClusterPort(tc.connection);
  try {
    return (await port.listTopics()).filter((t) => t.startsWith('kafkaform-loadtest.'));
  } finally {
    await port.close();
  }
}

describe('kafkaform loadtest (real broker, SASL/SCRAM)', () => {
  it('runs the expected workload, accounts every record and deletes its temporary topic', async () => {
    const out = join(work, 'report.json');
    const code = await main(['loadtest', ...cliArgs('--duration', '5s', '--format', 'json', '--out', out)]);
    expect(code).toBe(0);
    report = JSON.parse(readFileSync(out, 'utf8')) as LoadTestReport;
    expect(report.reportVersion).toBe(1);
    // Default workload: the topic with an `expected` block, 150 × 2 = 300 msg/s of 1 KiB.
    expect(report.topics.map((t) => t.topic)).toEqual(['orders.placed']);
    expect(report.topics[0]!.targetMessagesPerSecond).toBe(300);
    expect(report.topics[0]!.loadTopic).toMatch(/^kafkaform-loadtest\.orders\.placed\.[0-9a-f]{8}$/);
    const m = report.messages;
    expect(m.acknowledged).toBeGreaterThan(300 * 5 * 0.7);
    expect(m.sent).toBeLessThanOrEqual(Math.ceil(300 * 5 * 1.1) + 1);
    expect(m.lost).toBe(0);
    expect(m.duplicated).toBe(0);
    expect(m.consumed).toBe(m.acknowledged);
    expect(report.producer.messagesPerSecond).toBeGreaterThan(200);
    expect(report.producer.megabytesPerSecond).toBeGreaterThan(0.19);
    for (const k of ['p50', 'p95', 'p99', 'p999', 'max'] as const) {
      expect(report.latencyMs.publish[k]).toBeGreaterThan(0);
      expect(report.latencyMs.endToEnd[k]).toBeGreaterThan(0);
    }
    expect(report.latencyMs.publish.p50).toBeLessThanOrEqual(report.latencyMs.publish.p99);
    expect(report.timeSeries.length).toBeGreaterThanOrEqual(5);
    expect(report.timeSeries.slice(1, 4).every((p) => p.acknowledgedPerSecond > 0)).toBe(true);
    expect(report.deletedTopics).toEqual([report.topics[0]!.loadTopic]);
    expect(await loadTestTopicsOnCluster()).toEqual([]);
  });

  it('keeps the temporary topic with --keep-topics, and loads a topic named with --topic and --rate', async () => {
    const out = join(work, 'keep.md');
    const code = await main(['loadtest', ...cliArgs('--topic', 'customers.profile', '--rate', '100', '--duration', '2s', '--keep-topics', '--format', 'markdown', '--out', out)]);
    expect(code).toBe(0);
    const md = readFileSync(out, 'utf8');
    expect(md).toContain('| customers.profile | kafkaform-loadtest.customers.profile.');
    expect(md).toMatch(/all [\d,]+ acknowledged messages consumed exactly once/);
    const left = await loadTestTopicsOnCluster();
    expect(left).toHaveLength(1);
    expect(left[0]).toMatch(/^kafkaform-loadtest\.customers\.profile\./);
    const port = new KafkajsClusterPort(tc.connection);
    try {
      const [live] = await port.describeTopics(left);
      // The copy has the declared topic's partitions and configs (a compacted topic stays compacted).
      expect(live!.partitions).toBe(2);
      expect(live!.config['cleanup.policy']).toBe('compact');
      await port.deleteTopic(left[0]!);
    } finally {
      await port.close();
    }
  });

  it('--rate max measures a closed-loop ceiling, then steps below it to the highest sustainable rate', async () => {
    const spec = requireEnvironment(readManifest(project.file), 'dev');
    const workload = computeWorkload(spec, { topics: ['orders.placed'], durationMs: 8_000, rate: 'max', producers: 1, consumers: 1, acks: 'all', compression: 'none', useExisting: false, keepTopics: false });
    const r = await runLoad({ workload, connection: tc.connection, cluster: { name: 'it', environment: 'dev' } });
    expect(r.maxRate).toBeDefined();
    const max = r.maxRate!;
    // 8 s: a 2 s ceiling phase, then up to two 3 s steps, the first at 90 % of the ceiling. The phase
    // ends on the runner's first one-second tick at or after 2 s; a loaded machine delays ticks (one
    // Node 22 run measured 3), never fires them early.
    expect(max.ceilingPhaseSeconds).toBeGreaterThanOrEqual(2);
    expect(max.ceilingPhaseSeconds).toBeLessThanOrEqual(4);
    expect(max.ceilingMessagesPerSecond).toBeGreaterThan(1000);
    expect(max.steps.length).toBeGreaterThanOrEqual(1);
    expect(max.steps[0]!.fractionOfCeiling).toBe(0.9);
    expect(max.steps[0]!.targetMessagesPerSecond).toBeCloseTo(0.9 * max.ceilingMessagesPerSecond, -2);
    expect(max.sustainableMessagesPerSecond).toBeLessThanOrEqual(max.ceilingMessagesPerSecond);
    // The target series follows the steps: none while closed-loop, then each step's target.
    expect(r.timeSeries.slice(0, 2).every((p) => p.closedLoop === true && p.targetMessagesPerSecond === 0)).toBe(true);
    const s0 = max.steps[0]!;
    expect(s0.fromSecond).toBeGreaterThanOrEqual(max.ceilingPhaseSeconds);
    expect(r.timeSeries[s0.fromSecond + 1]!.targetMessagesPerSecond).toBeCloseTo(s0.targetMessagesPerSecond, -1);
    // Last, the producers alone with the consumer paused (as kafka-producer-perf-test measures): on
    // this broker no slower than with the consumer reading along, and every record of it read in the drain.
    const last = max.steps[max.steps.length - 1]!;
    expect(max.producerCeilingFromSecond).toBeGreaterThanOrEqual(last.toSecond);
    expect(max.producerCeilingMessagesPerSecond).toBeGreaterThan(0.8 * max.ceilingMessagesPerSecond);
    expect(r.messages.lost).toBe(0);
    expect(r.messages.consumed).toBe(r.messages.acknowledged);
  });

  it('--baseline exits 2 with a Markdown comparison when the run falls short of an earlier report, and refuses a file that is not one', async () => {
    const faster = join(work, 'faster-baseline.json');
    writeFileSync(faster, JSON.stringify({ ...report, runId: 'fast0001', producer: { ...report.producer, messagesPerSecond: report.producer.messagesPerSecond * 10 } }));
    const out = join(work, 'gate.md');
    expect(await main(['loadtest', ...cliArgs('--duration', '2s', '--baseline', faster, '--format', 'markdown', '--out', out)])).toBe(2);
    const md = readFileSync(out, 'utf8');
    expect(md).toContain('**REGRESSION against baseline run fast0001');
    expect(md).toMatch(/\| producer throughput \| [\d,]+ msg\/s \| [\d,]+ msg\/s \| -\d+\.\d % \| REGRESSED \|/);
    const notAReport = join(work, 'not-a-report.json');
    writeFileSync(notAReport, '{"hello": 1}');
    expect(await main(['loadtest', ...cliArgs('--duration', '2s', '--baseline', notAReport)])).toBe(1);
  });

  it('capacity plans partitions from the measured per-partition throughput', async () => {
    const spec = requireEnvironment(readManifest(project.file), 'dev');
    const plan = planCapacity(spec, measurementsFromReport(report));
    const t = plan.topics.find((x) => x.topic === 'orders.placed')!;
    expect(t.measured.produceBytesPerSecond).toBeGreaterThan(0);
    expect(t.recommendedPartitions).toBeGreaterThanOrEqual(1);
    const reportFile = join(work, 'report.json');
    expect(await main(['capacity', '-f', project.file, '--env', 'dev', '--from', reportFile, '--json', '--quiet'])).toBeLessThanOrEqual(2);
  });

  it('renders an HTML report whose SVG charts draw in headless Chromium', () => {
    const chromium = '/usr/bin/chromium';
    if (!existsSync(chromium)) execFileSync('bash', [join(import.meta.dirname, '..', '..', 'scripts', 'install-chromium.sh')], { stdio: 'inherit' });
    const html = join(work, 'report.html');
    writeFileSync(html, renderHtml(report));
    const profile = mkdtempSync(join(tmpdir(), 'kafkaform-chromium-'));
    try {
      const r = spawnSync(
        chromium,
        ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', `--user-data-dir=${profile}`, '--dump-dom', `file://${html}`],
        { encoding: 'utf8', timeout: 120_000 },
      );
      expect(r.status).toBe(0);
      const dom = r.stdout;
      for (const id of ['chart-throughput', 'chart-latency', 'chart-percentiles', 'chart-lag']) {
        const svg = new RegExp(`<svg[^>]*id="${id}"[\\s\\S]*?</svg>`).exec(dom)?.[0];
        expect(svg, id).toBeDefined();
        const ds = [...svg!.matchAll(/<path[^>]*class="series"[^>]*d="([^"]*)"/g)].map((x) => x[1]!);
        expect(ds.length, id).toBeGreaterThan(0);
        // Every series path has at least two points with numeric coordinates.
        for (const d of ds) expect(d).toMatch(/^M[\d.]+,[\d.]+ L[\d.]+,[\d.]+/);
      }
      expect(dom).toContain('consumed exactly once');
      expect(dom).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
    } finally {
      rmSync(profile, { recursive: true, force: true });
    }
  });
});
