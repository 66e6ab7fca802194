/**
 * health and one exporter scrape at scale, next to Kafka's own kafka-consumer-groups.sh on the same broker.
 *
 *   npx tsx bench/health.bench.ts            # 1,000 topics, 200 consumer groups (5 topics each)
 *   BENCH_TOPICS=200 BENCH_GROUPS=40 npx tsx bench/health.bench.ts
 *   BENCH_PORT=kafkajs npx tsx bench/health.bench.ts   # the kafkajs adapter instead of health's default
 *
 * Setup (not timed): one private broker, topics created in batches, 10 records per topic, and each group's
 * offsets committed behind the log end (so every group lags). Timed:
 * - health: collectHealthReport, what `kafkaform health` runs for text/json/markdown (connect + the one batched read of
 *   what health judges + computeHealth), first run (the process still cold) and best of 3;
 * - the CLI: `kafkaform health --format json` as a process (node startup and tsx transpiling the sources included);
 * - scrape: the exporter reads once (drift's general read too: the exposition carries drift counts) and serves
 *   /metrics; a scrape = that read plus one HTTP GET;
 * - reference: ConsumerGroupCommand --describe --all-groups from the Kafka jars (kafka-consumer-groups.sh).
 * Target: health and one scrape each under 2 s. Not part of `npm test`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ClusterPortFactory, platformaticPorts } from '../src/cluster/collect.js';
import { kafkajsPorts } from '../src/cluster/kafkajs-adapter.js';
import { createKafka } from '../src/cluster/kafkajs-adapter.js';
import { findFreeBasePort, startDevCluster, stopDevCluster } from '../src/dev/cluster/lifecycle.js';
import { ensureKafkaJars, javaExecutable } from '../src/dev/kafka-dist.js';
import { sleep, waitUntil } from '../src/os/process.js';
import { collectHealthRead, collectHealthReport } from '../src/health/collect-health.js';
import { HealthExporter } from '../src/health/serve-exporter.js';
import { readManifest, requireEnvironment } from '../src/manifest/validate.js';

const TOPICS = Number(process.env.BENCH_TOPICS ?? 1000);
const GROUPS = Number(process.env.BENCH_GROUPS ?? 200);
const TOPICS_PER_GROUP = 5;
const RECORDS = 10;
const RUNS = 3;
const pad = (i: number) => String(i).padStart(5, '0');
const topicName = (i: number) => `bench.t${pad(i)}`;
const groupTopics = (g: number) => Array.from({ length: TOPICS_PER_GROUP }, (_, k) => topicName((g * TOPICS_PER_GROUP + k) % TOPICS));
const secs = (ms: number) => (ms / 1000).toFixed(2);

function specYaml(): string {
  const lines = ['version: 1', 'cluster: { name: bench, brokers: 1 }', 'defaults: { partitions: 1, replicationFactor: 1 }', "policy: { managedPrefixes: ['bench.'] }", 'topics:'];
  for (let i = 0; i < TOPICS; i++) lines.push(`  ${topicName(i)}: {}`);
  lines.push('services:');
  for (let g = 0; g < GROUPS; g++) lines.push(`  svc-${pad(g)}: { principal: 'User:svc-${pad(g)}', consumes: [${groupTopics(g).join(', ')}], group: 'bench.g${pad(g)}', maxLag: 1000 }`);
  return `${lines.join('\n')}\n`;
}

async function setUp(bootstrapServers: string[]): Promise<void> {
  const kafka = createKafka({ bootstrapServers, requestTimeoutMs: 120_000 }, 'health-bench');
  const admin = kafka.admin();
  await admin.connect();
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    const names = Array.from({ length: TOPICS }, (_, i) => topicName(i));
    for (let i = 0; i < names.length; i += 100) {
      await admin.createTopics({ waitForLeaders: false, topics: names.slice(i, i + 100).map((topic) => ({ topic, numPartitions: 1, replicationFactor: 1 })) });
    }
    const led = async () => {
      const meta = await admin.fetchTopicMetadata({ topics: names }).catch(() => undefined);
      return meta?.topics.every((t) => t.partitions.every((p) => p.leader >= 0)) === true;
    };
    // A loaded machine can take minutes to elect 1,000 leaders (setup is not timed).
    if (!(await waitUntil(led, 600_000, 500))) throw new Error('the bench topics got no leaders within 10 min');
    console.log(`  ${TOPICS} topics created`);
    for (let i = 0; i < names.length; i += 100) {
      await producer.sendBatch({ acks: -1, topicMessages: names.slice(i, i + 100).map((topic) => ({ topic, messages: Array.from({ length: RECORDS }, (_, r) => ({ value: `r${r}` })) })) });
    }
    // Offsets committed behind the log end: every group lags RECORDS / 2 per topic.
    console.log(`  ${TOPICS} topics led, ${TOPICS * RECORDS} records produced; committing offsets of ${GROUPS} groups`);
    await commitStandaloneOffsets(kafka);
  } finally {
    await producer.disconnect();
    await admin.disconnect();
  }
}

/**
 * Offsets committed behind the log end (every group lags RECORDS / 2 per topic) with one OffsetCommit per group, as a
 * standalone (generation -1) commit. kafkajs' admin.setOffsets runs a whole consumer per call, minutes for 200 groups.
 */
async function commitStandaloneOffsets(kafka: ReturnType<typeof createKafka>): Promise<void> {
  type Broker = { offsetCommit(r: object): Promise<unknown> };
  type Cluster = { connect(): Promise<void>; disconnect(): Promise<void>; findGroupCoordinator(g: { groupId: string }): Promise<Broker> };
  const key = Object.getOwnPropertySymbols(kafka).find((s) => s.description === 'private:Kafka:createCluster');
  const cluster = ((kafka as unknown as Record<symbol, (o: object) => Cluster>)[key as symbol] as (o: object) => Cluster)({});
  await cluster.connect();
  try {
    for (let g0 = 0; g0 < GROUPS; g0 += 20) {
      const batch = Array.from({ length: Math.min(20, GROUPS - g0) }, (_, i) => g0 + i);
      await Promise.all(
        batch.map(async (g) => {
          const groupId = `bench.g${pad(g)}`;
          // The first commits create __consumer_offsets: NOT_COORDINATOR / COORDINATOR_NOT_AVAILABLE until it is led.
          for (let attempt = 1; ; attempt++) {
            try {
              const coordinator = await cluster.findGroupCoordinator({ groupId });
              await coordinator.offsetCommit({ groupId, groupGenerationId: -1, memberId: '', topics: groupTopics(g).map((topic) => ({ topic, partitions: [{ partition: 0, offset: String(RECORDS / 2) }] })) });
              return;
            } catch (e) {
              if (attempt >= 60 || !(e as { retriable?: boolean }).retriable) throw e;
              await sleep(500);
            }
          }
        }),
      );
    }
  } finally {
    await cluster.disconnect();
  }
}

/** The port under test: health's default (@platformatic/kafka) or, with BENCH_PORT=kafkajs, the kafkajs adapter. */
const benchPorts: ClusterPortFactory = process.env.BENCH_PORT === 'kafkajs' ? kafkajsPorts : platformaticPorts;

/** The bench's port with the wall time of each member summed into `calls` (where a health read spends its time). */
function timedPorts(calls: Map<string, number>): ClusterPortFactory {
  return (connection) => {
    const port = benchPorts(connection);
    return new Proxy(port, {
      get(target, prop, receiver) {
        const v = Reflect.get(target, prop, receiver);
        if (typeof v !== 'function' || typeof prop !== 'string') return v;
        return async (...args: unknown[]) => {
          const started = Date.now();
          try {
            return await (v as (...a: unknown[]) => Promise<unknown>).apply(target, args);
          } finally {
            calls.set(prop, (calls.get(prop) ?? 0) + Date.now() - started);
          }
        };
      },
    });
  };
}

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), 'kafkaform-bench-'));
  const project = mkdtempSync(join(tmpdir(), 'kafkaform-bench-proj-'));
  const basePort = await findFreeBasePort(1);
  const name = `bench-health-${process.pid}`;
  try {
    console.log(`starting a private broker on 127.0.0.1:${basePort}`);
    const cluster = await startDevCluster({ name, dataDir, brokers: 1, basePort, kafkaVersion: process.env.KAFKAFORM_KAFKA_VERSION });
    const servers = cluster.bootstrapServers.join(',');
    let t = Date.now();
    await setUp(cluster.bootstrapServers);
    console.log(`setup: ${TOPICS} topics, ${TOPICS * RECORDS} records, ${GROUPS} groups x ${TOPICS_PER_GROUP} topics committed in ${secs(Date.now() - t)} s (Kafka ${cluster.kafkaVersion})`);
    const file = join(project, 'topics.yaml');
    writeFileSync(file, specYaml());
    const spec = requireEnvironment(readManifest(file));
    const connection = { bootstrapServers: cluster.bootstrapServers };

    const healthMs: number[] = [];
    const calls = new Map<string, number>();
    for (let i = 0; i < RUNS; i++) {
      t = Date.now();
      const read = await collectHealthReport(spec, connection, { timeoutMs: 120_000, ports: i === 0 ? timedPorts(calls) : benchPorts });
      healthMs.push(Date.now() - t);
      const lag = read.report.services.reduce((s, x) => s + x.lag, 0);
      if (i === 0) console.log(`  port calls (first run, wall ms of each member, summed): ${[...calls].map(([m, ms]) => `${m} ${ms}`).join(', ')}`);
      if (i === 0) console.log(`health: ${read.report.services.length} services, ${read.state.groups.length} groups, ${read.state.partitions.length} partitions, total lag ${lag} (expected ${GROUPS * TOPICS_PER_GROUP * (RECORDS / 2)})`);
    }

    t = Date.now();
    const cli = spawnSync(process.execPath, [join(import.meta.dirname, '..', 'bin', 'kafkaform.js'), 'health', '-f', file, '--bootstrap-servers', servers, '--format', 'json'], { encoding: 'utf8', env: { ...process.env, KAFKAFORM_FROM_SOURCE: '1', NO_COLOR: '1' }, maxBuffer: 256 * 1024 * 1024 });
    const cliMs = Date.now() - t;
    if (cli.status !== 0) throw new Error(`kafkaform health exited ${cli.status}: ${cli.stderr.slice(0, 500)}`);

    const exporter = new HealthExporter({ read: () => collectHealthRead(spec, connection, { timeoutMs: 120_000, ports: benchPorts }), intervalMs: 3_600_000, host: '127.0.0.1', port: 0 });
    const { port } = await exporter.start();
    const scrapeMs: number[] = [];
    let bytes = 0;
    try {
      for (let i = 0; i < RUNS; i++) {
        t = Date.now();
        await exporter.refresh();
        bytes = (await (await fetch(`http://127.0.0.1:${port}/metrics`)).text()).length;
        scrapeMs.push(Date.now() - t);
      }
    } finally {
      await exporter.stop();
    }

    const jars = await ensureKafkaJars({ version: cluster.kafkaVersion });
    t = Date.now();
    const ref = spawnSync(javaExecutable(), ['-cp', `${jars.libDir}/*`, 'org.apache.kafka.tools.consumer.group.ConsumerGroupCommand', '--bootstrap-server', servers, '--describe', '--all-groups'], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
    const refMs = Date.now() - t;
    const refRows = ref.stdout.split('\n').filter((l) => l.startsWith('bench.g')).length;

    console.log('');
    console.log(`topics=${TOPICS} groups=${GROUPS} port=${process.env.BENCH_PORT === 'kafkajs' ? 'kafkajs' : 'platformatic'} load=${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
    console.log(`health seconds (first run, incl. connect): ${secs(healthMs[0]!)}; best of ${RUNS}: ${secs(Math.min(...healthMs))}`);
    console.log(`kafkaform health CLI seconds (process, incl. node startup): ${secs(cliMs)}`);
    console.log(`scrape seconds (one read + GET /metrics, ${(bytes / 1024).toFixed(0)} KiB): first ${secs(scrapeMs[0]!)}; best of ${RUNS}: ${secs(Math.min(...scrapeMs))}`);
    console.log(`kafka-consumer-groups.sh --describe --all-groups seconds (JVM startup incl., ${refRows} rows, exit ${ref.status}): ${secs(refMs)}`);
    const ratio = (ms: number) => `${(ms / refMs).toFixed(2)}x`;
    console.log(`ratio to kafka-consumer-groups.sh: health ${ratio(healthMs[0]!)} first, ${ratio(Math.min(...healthMs))} best; scrape ${ratio(scrapeMs[0]!)} first, ${ratio(Math.min(...scrapeMs))} best`);
    const ok = healthMs[0]! < 2000 && scrapeMs[0]! < 2000;
    console.log(`target (health and one scrape < 2 s): ${ok ? 'met' : 'NOT met'}`);
    process.exitCode = ok ? 0 : 1;
  } finally {
    await stopDevCluster({ name, dataDir, purge: true }).catch((e) => console.error(`stopping the bench broker failed: ${(e as Error).message}`));
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(project, { recursive: true, force: true });
  }
}

// kafkajs can reject outside the awaited chain; stop the broker all the same.
process.on('unhandledRejection', (e) => {
  console.error(`unhandled: ${(e as Error).message}`);
  process.exitCode = 1;
});
await main();
