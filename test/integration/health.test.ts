/**
 * Health against real parts: a real broker, a real producer and consumer group create lag;
 * `kafkaform health` reports it (exit 2 over maxLag, 0 within, 1 unreachable); the exporter serves it;
 * a real Prometheus (Debian's package, started here on a free loopback port) scrapes the exporter and a
 * PromQL query returns the lag; promtool checks the exposition. When the cluster goes away the
 * exporter keeps serving with kafkaform_up 0, and it stops on SIGTERM.
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKafka, KafkajsClusterPort } from '../../src/cluster/kafkajs-adapter.js';
import { PlatformaticClusterPort } from '../../src/cluster/platformatic-adapter.js';
import { findFreePort } from '../../src/os/ports.js';
import { waitUntil } from '../../src/os/process.js';
import { scratchProject, startTestCluster, type TestCluster } from './helpers.js';

const ROOT = join(import.meta.dirname, '..', '..');
const OLD_MS = 10 * 60_000; // the lagging records are stamped 10 minutes in the past
const LAG = 50;

const specYaml = (maxLag: string) => `
version: 1
cluster: { name: shop, brokers: 1 }
defaults: { partitions: 2, replicationFactor: 1 }
topics:
  orders: {}
services:
  billing:
    principal: User:billing
    consumes: [orders]
    group: billing
    maxLag: ${maxLag}
`;

let tc: TestCluster | undefined;
let servers: string;
let over: ReturnType<typeof scratchProject>;
let within: ReturnType<typeof scratchProject>;
let exporter: ChildProcess | undefined;
let prometheus: ChildProcess | undefined;
let promDir: string;
let exporterPort: number;
let promPort: number;

function cli(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'kafkaform.js'), ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, KAFKAFORM_FROM_SOURCE: '1', NO_COLOR: '1' },
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Produces `n` records to each partition of orders, stamped `ts`. */
async function produce(n: number, ts: number): Promise<void> {
  const producer = createKafka(tc!.connection, 'health-it-producer').producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    for (const partition of [0, 1]) {
      await producer.send({ topic: 'orders', acks: -1, messages: Array.from({ length: n }, (_, i) => ({ partition, value: `r${i}`, timestamp: String(ts) })) });
    }
  } finally {
    await producer.disconnect();
  }
}

/** A real consumer group `billing` reads everything there is, commits and leaves. */
async function consumeAll(expected: number): Promise<void> {
  const consumer = createKafka(tc!.connection, 'health-it-billing').consumer({ groupId: 'billing', sessionTimeout: 10_000 });
  await consumer.connect();
  let seen = 0;
  try {
    await consumer.subscribe({ topic: 'orders', fromBeginning: true });
    await consumer.run({ eachMessage: async () => void seen++ });
    expect(await waitUntil(() => seen >= expected, 60_000, 100)).toBe(true);
    await consumer.commitOffsets([]); // autoCommit commits on stop; this makes the point explicit
  } finally {
    await consumer.disconnect();
  }
}

async function scrape(): Promise<string> {
  return (await fetch(`http://127.0.0.1:${exporterPort}/metrics`)).text();
}

async function promQuery(q: string): Promise<Array<{ metric: Record<string, string>; value: [number, string] }>> {
  const res = await fetch(`http://127.0.0.1:${promPort}/api/v1/query?query=${encodeURIComponent(q)}`);
  const body = (await res.json()) as { status: string; data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> } };
  return body.status === 'success' ? body.data.result : [];
}

function exited(p: ChildProcess, timeoutMs: number): Promise<number | null> {
  if (p.exitCode !== null) return Promise.resolve(p.exitCode);
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve(null), timeoutMs);
    p.once('exit', (code) => {
      clearTimeout(t);
      resolve(code);
    });
  });
}

beforeAll(async () => {
  tc = await startTestCluster();
  servers = tc.cluster.bootstrapServers.join(',');
  const admin = new KafkajsClusterPort(tc.connection);
  try {
    await admin.createTopic({ name: 'orders', partitions: 2, replicationFactor: 1 });
  } finally {
    await admin.close();
  }
  await produce(20, Date.now());
  await consumeAll(40);
  await produce(LAG / 2, Date.now() - OLD_MS);
  over = scratchProject(specYaml('10'), { withSchemas: false });
  within = scratchProject(specYaml('1000'), { withSchemas: false });
}, 180_000);

afterAll(async () => {
  for (const p of [exporter, prometheus]) {
    if (p && p.exitCode === null) {
      p.kill('SIGKILL');
      await exited(p, 5_000);
    }
  }
  await tc?.stop();
  over?.cleanup();
  within?.cleanup();
  if (promDir) rmSync(promDir, { recursive: true, force: true });
});

describe('health on a real cluster', () => {
  it('reports the lag real consumers left, in records and in time, and exits 2 over maxLag', () => {
    const r = cli(['health', '--bootstrap-servers', servers, '--format', 'json'], over.dir);
    expect(r.stderr).not.toMatch(/rror/);
    expect(r.code).toBe(2);
    const report = JSON.parse(r.stdout);
    const billing = report.services.find((s: { name: string }) => s.name === 'billing');
    expect(billing).toMatchObject({ group: 'billing', state: 'Empty', members: 0, lag: LAG, budget: 'over' });
    // The oldest unconsumed record was stamped OLD_MS ago (give the read a minute of slack).
    expect(billing.lagMs).toBeGreaterThanOrEqual(OLD_MS);
    expect(billing.lagMs).toBeLessThan(OLD_MS + 60_000);
    expect(billing.topics[0].partitions.map((p: { committed: number; logEnd: number }) => [p.committed, p.logEnd])).toEqual([[20, 45], [20, 45]]);
    expect(report.cluster.brokers).toMatchObject({ expected: 1, online: 1 });
    expect(report.partitions).toMatchObject({ checked: 2, offline: [], underMinIsr: [] });
  });

  it('exits 0 when the same lag is within maxLag, and prints it for people', () => {
    const r = cli(['health', '--bootstrap-servers', servers], within.dir);
    expect(r.code).toBe(0);
    // The lagging records were stamped OLD_MS (10 min) before setup; the age grows while the tests run.
    expect(r.stdout).toMatch(/billing\s+billing\s+Empty\s+0\s+50\s+1\dm\s+ok \(maxLag 1000 records\)/);
    expect(r.stdout).toMatch(/✓ shop \(default\) is healthy/);
  });

  it('exits 1 within --timeout when the cluster is unreachable', async () => {
    const dead = await findFreePort();
    // What the process costs without a cluster (node, the sources, the spec) on this machine now: the bound is on top of it.
    let started = Date.now();
    expect(cli(['validate'], within.dir).code).toBe(0);
    const startupMs = Date.now() - started;
    started = Date.now();
    const r = cli(['health', '--bootstrap-servers', `127.0.0.1:${dead}`, '--timeout', '3'], within.dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/127\.0\.0\.1/);
    expect(r.stderr).not.toMatch(/\n\s+at /); // one-line error, no stack trace
    expect(Date.now() - started).toBeLessThan(startupMs + 3_000 + 10_000);
  });
});

describe('the port members health reads through, on the real broker', () => {
  it('kafkajs and @platformatic/kafka answer the same batched offsets, log offsets and record timestamps', async () => {
    const ports = [new KafkajsClusterPort(tc!.connection), new PlatformaticClusterPort(tc!.connection)];
    const key = (o: { topic: string; partition: number }) => `${o.topic}-${o.partition}`;
    const sorted = <T extends { topic: string; partition: number }>(os: T[]) => [...os].sort((a, b) => key(a).localeCompare(key(b)));
    try {
      const reads = await Promise.all(
        ports.map(async (port) => {
          const partitions = await port.describePartitions(['orders']);
          const committed = await port.listGroupsCommittedOffsets(['billing', 'kafkaform-no-such-group']);
          const { earliest, latest } = await port.listLogOffsets(partitions);
          const timestamps = await port.readRecordTimestamps(sorted(committed.billing ?? []));
          return { committed: { billing: sorted(committed.billing ?? []), none: committed['kafkaform-no-such-group'] }, earliest: sorted(earliest), latest: sorted(latest), timestamps };
        }),
      );
      expect(reads[0]).toEqual(reads[1]);
      expect(reads[1]!.committed).toEqual({ billing: [0, 1].map((partition) => ({ topic: 'orders', partition, offset: 20 })), none: [] });
      expect(reads[1]!.latest.map((o) => o.offset)).toEqual([45, 45]);
      expect(reads[1]!.timestamps.every((t) => t.timestampMs !== null && t.timestampMs < Date.now() - OLD_MS + 60_000)).toBe(true);
    } finally {
      await Promise.all(ports.map((p) => p.close()));
    }
  });
});

describe('min.insync.replicas, read with a key list', () => {
  it("reads a topic's own min.insync.replicas alone through both clients, and health names the partition under it", async () => {
    const ports = [new KafkajsClusterPort(tc!.connection), new PlatformaticClusterPort(tc!.connection)];
    try {
      // Set on the topic only (topics.yaml does not declare it): RF 1 under min.insync.replicas 2 is under min ISR.
      await ports[1]!.createTopic({ name: 'strict', partitions: 1, replicationFactor: 1, config: { 'min.insync.replicas': '2', 'retention.ms': '3600000' } });
      expect(await waitUntil(async () => (await ports[1]!.describePartitions(['strict']).catch(() => []))[0]?.leader != null, 30_000, 200)).toBe(true);
      for (const port of ports) {
        const [strict] = await port.describeTopics(['strict'], { configKeys: ['min.insync.replicas'] });
        expect(strict!.config).toEqual({ 'min.insync.replicas': '2' });
      }
    } finally {
      await Promise.all(ports.map((p) => p.close()));
    }
    const r = cli(['health', '--bootstrap-servers', servers, '--format', 'json'], within.dir);
    expect(r.code).toBe(2);
    const report = JSON.parse(r.stdout);
    expect(report.partitions.underMinIsr).toHaveLength(1);
    expect(report.partitions.underMinIsr[0]).toMatchObject({ topic: 'strict', partition: 0, isr: [report.partitions.underMinIsr[0].leader], minIsr: 2 });
    expect(report.problems.join('\n')).toMatch(/under min\.insync\.replicas: strict/);
  });
});

describe('the exporter, scraped by a real Prometheus', () => {
  it('serves the lag; Prometheus scrapes it and PromQL returns it; promtool accepts the exposition', async () => {
    exporterPort = await findFreePort();
    exporter = spawn(process.execPath, [join(ROOT, 'bin', 'kafkaform.js'), 'exporter', '--bootstrap-servers', servers, '--listen', `127.0.0.1:${exporterPort}`, '--interval', '1s', '--timeout', '3'], {
      cwd: over.dir,
      env: { ...process.env, KAFKAFORM_FROM_SOURCE: '1', NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    expect(await waitUntil(async () => (await scrape().catch(() => '')).includes('kafkaform_up 1'), 30_000, 200)).toBe(true);
    const text = await scrape();
    expect(text).toContain(`kafka_consumergroup_lag_sum{consumergroup="billing",topic="orders"} ${LAG}`);
    expect(text).toContain('kafkaform_service_lag_over_budget{service="billing",consumergroup="billing"} 1');

    // promtool check metrics: only the finding kafka_exporter's own name draws.
    const check = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8', timeout: 30_000 });
    expect(check.error, 'promtool must be installed (scripts/install-prometheus.sh)').toBeUndefined();
    expect(`${check.stdout}${check.stderr}`.trim()).toBe('kafka_consumergroup_lag_sum non-histogram and non-summary metrics should not have "_sum" suffix');

    promPort = await findFreePort();
    promDir = mkdtempSync(join(tmpdir(), 'kafkaform-prom-'));
    writeFileSync(
      join(promDir, 'prometheus.yml'),
      `global: { scrape_interval: 1s, evaluation_interval: 1s }\nrule_files: ['${join(ROOT, 'monitoring', 'alerts.yml')}']\nscrape_configs:\n  - job_name: kafkaform\n    static_configs: [{ targets: ['127.0.0.1:${exporterPort}'] }]\n`,
    );
    execFileSync('promtool', ['check', 'config', join(promDir, 'prometheus.yml')], { stdio: 'ignore' });
    prometheus = spawn('prometheus', [`--config.file=${join(promDir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(promDir, 'data')}`, `--web.listen-address=127.0.0.1:${promPort}`], { stdio: 'ignore' });
    const query = `kafka_consumergroup_lag_sum{job="kafkaform",consumergroup="billing",topic="orders"}`;
    let result: Awaited<ReturnType<typeof promQuery>> = [];
    expect(
      await waitUntil(async () => {
        result = await promQuery(query).catch(() => []);
        return result.length > 0;
      }, 60_000, 500),
    ).toBe(true);
    expect(Number(result[0]!.value[1])).toBe(LAG);
    const seconds = await promQuery('kafkaform_service_lag_seconds{service="billing"}');
    expect(Number(seconds[0]?.value[1])).toBeGreaterThanOrEqual(OLD_MS / 1000);
  }, 120_000);

  it('keeps serving with kafkaform_up 0 when the cluster goes away, and stops on SIGTERM', async () => {
    expect(exporter, 'the exporter started in the test before').toBeDefined();
    await tc!.stop();
    tc = undefined;
    expect(await waitUntil(async () => (await scrape().catch(() => '')).includes('kafkaform_up 0'), 60_000, 500)).toBe(true);
    const down = await scrape();
    expect(down).not.toContain('kafka_consumergroup_lag_sum');
    expect(down).toMatch(/kafkaform_last_successful_read_timestamp_seconds \d/);
    exporter!.kill('SIGTERM');
    expect(await exited(exporter!, 10_000)).toBe(0);
  }, 120_000);
});
