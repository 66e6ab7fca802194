/**
 * The closed-loop ceiling of `kafkaform loadtest --rate max` versus Kafka's own
 * kafka-producer-perf-test (org.apache.kafka.tools.ProducerPerformance) tuned as users tune it
 * (linger.ms=5, batch.size=262144, acks=all, idempotent), on the same private local broker, same
 * record size (1 KiB), same topic layout, in one run: single-process and with `--workers N` (local
 * worker processes, each searching its share of the partitions). Prints each and its ratio (target ≥ 0.8)
 * for the producer-only ceiling (`maxRate.producerCeilingMessagesPerSecond`: the run's consumers
 * paused, as perf-test only writes), and beside it the closed-loop ceiling with the consumers reading
 * along (`maxRate.ceilingMessagesPerSecond`, the one the steps are fractions of).
 *
 *   flock /tmp/kafkaform-bench.lock npx tsx bench/loadtest.bench.ts [--records 1000000] [--duration 20s] [--rounds 2] [--workers 1,2] [--producers 1] [--client kafkajs|platformatic]
 *
 * `--workers 1,2`: the kafkaform runs of each round, 1 = one process (runLoad), N > 1 = `--workers N`
 * (coordinateWorkers with N `kafkaform loadtest worker` child processes, run from the sources).
 *
 * Not part of `npm test`: it saturates the machine for a minute.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { KafkajsClusterPort } from '../src/cluster/kafkajs-adapter.js';
import type { Connection } from '../src/cluster/port.js';
import { findFreeBasePort, startDevCluster, stopDevCluster } from '../src/dev/cluster/lifecycle.js';
import { ensureKafkaJars, javaExecutable } from '../src/dev/kafka-dist.js';
import { runCommand } from '../src/os/run-command.js';
import { coordinateWorkers } from '../src/loadtest/coordinate-workers.js';
import { createLoadClient, type LoadClientName } from '../src/loadtest/create-load-client.js';
import type { LoadTestReport } from '../src/loadtest/report-types.js';
import { defaultClusterPort, runLoad } from '../src/loadtest/runner.js';
import { spawnLocalWorker } from '../src/loadtest/spawn-worker.js';
import { MAX_MESSAGES_PER_TOPIC, parseDurationFlag, type Workload } from '../src/loadtest/workload.js';

const { values } = parseArgs({ options: { records: { type: 'string', default: '1000000' }, duration: { type: 'string', default: '20s' }, rounds: { type: 'string', default: '2' }, client: { type: 'string' }, partitions: { type: 'string', default: '6' }, workers: { type: 'string', default: '1,2' }, producers: { type: 'string', default: '1' } } });
const WORKERS = values.workers.split(',').map(Number);
if (WORKERS.some((n) => !Number.isInteger(n) || n < 1)) throw new Error('--workers takes a comma-separated list of process counts ≥ 1, e.g. 1,2');
const RECORDS = Number(values.records);
const DURATION_MS = parseDurationFlag(values.duration);
const ROUNDS = Number(values.rounds);
const PARTITIONS = Number(values.partitions);
const SIZE = 1024;

const dataDir = mkdtempSync(join(tmpdir(), 'kafkaform-bench-'));
const basePort = await findFreeBasePort(1);
const name = `bench-${process.pid}`;
console.log(`starting a 1-broker cluster on 127.0.0.1:${basePort}…`);
const cluster = await startDevCluster({ name, dataDir, brokers: 1, basePort, heapMb: 1024 });
const connection: Connection = { bootstrapServers: cluster.bootstrapServers };
/** One kafka-producer-perf-test run on its own fresh topic; returns records/s. */
async function perfTest(libDir: string, topic: string): Promise<number> {
  const admin = new KafkajsClusterPort(connection);
  await admin.createTopic({ name: topic, partitions: PARTITIONS, replicationFactor: 1 });
  await admin.close();
  console.log(`kafka-producer-perf-test: ${RECORDS} records of ${SIZE} B, acks=all, linger.ms=5, batch.size=262144…`);
  const java = await runCommand(
    javaExecutable(),
    [
      '-Xmx512m',
      '-cp',
      `${libDir}/*`,
      'org.apache.kafka.tools.ProducerPerformance',
      '--topic',
      topic,
      '--num-records',
      String(RECORDS),
      '--record-size',
      String(SIZE),
      '--throughput',
      '-1',
      '--producer-props',
      `bootstrap.servers=${cluster.bootstrapServers.join(',')}`,
      'acks=all',
      'enable.idempotence=true',
      'linger.ms=5',
      'batch.size=262144',
    ],
    { timeoutMs: 300_000, keepStdout: true },
  );
  const last = java.stdout.trim().split('\n').pop() ?? '';
  const m = /([\d.]+) records\/sec \(([\d.]+) MB\/sec\)/.exec(last);
  if (java.exitCode !== 0 || !m) throw new Error(`ProducerPerformance failed (${java.exitCode}):\n${java.tail.join('\n')}`);
  console.log(`  ${last}`);
  return Number(m[1]);
}

/** One `kafkaform loadtest --rate max` run (same size, acks=all, idempotent); returns its two ceilings. */
async function ceilingRun(round: number, workers: number): Promise<{ producers: number; withConsumers: number }> {
  const client = createLoadClient(connection, values.client as LoadClientName | undefined);
  const runId = `bench${String(workers).padStart(2, '0')}0${round}`;
  const workload: Workload = {
    runId,
    durationMs: DURATION_MS,
    mode: 'max',
    producers: Number(values.producers),
    consumers: 1,
    acks: 'all',
    compression: 'none',
    idempotent: true,
    useExisting: false,
    keepTopics: false,
    topics: [
      {
        topic: 'bench',
        loadTopic: `kafkaform-loadtest.bench.${runId}`,
        temporary: true,
        partitions: PARTITIONS,
        replicationFactor: 1,
        config: {},
        messagesPerSecond: 1000,
        messageBytes: SIZE,
        rateSource: 'default',
        sizeSource: 'flag',
        maxMessages: MAX_MESSAGES_PER_TOPIC,
        compression: 'none',
      },
    ],
  };
  console.log(`kafkaform loadtest --rate max${workers > 1 ? ` --workers ${workers}` : ''} (${client.name}) for ${DURATION_MS / 1000}s: records of ${SIZE} B, acks=all…`);
  const target = { name: 'bench', environment: 'bench' };
  let report: LoadTestReport;
  if (workers === 1) report = await runLoad({ workload, connection, client, cluster: target });
  else {
    const port = defaultClusterPort(connection);
    const env = { KAFKAFORM_BOOTSTRAP_SERVERS: connection.bootstrapServers.join(','), KAFKAFORM_FROM_SOURCE: '1', ...(values.client ? { KAFKAFORM_LOADTEST_CLIENT: values.client } : {}) };
    try {
      report = await coordinateWorkers({ workload, connection, client, cluster: target, clusterPort: port, localWorkers: workers, startWorker: (n, control) => spawnLocalWorker(n, control, { env }) });
    } finally {
      await port.close();
    }
    for (const wr of report.workers ?? []) console.log(`    ${wr.name}: ${wr.status}, partitions ${Object.values(wr.partitions).flat().join(',')}, ${wr.producer.messagesPerSecond} msg/s over its run`);
  }
  const max = report.maxRate!;
  console.log(
    `  producers alone (consumers paused) ${max.producerCeilingMessagesPerSecond ?? 0} records/sec; ceiling with consumers ${max.ceilingMessagesPerSecond} records/sec (${((max.ceilingMessagesPerSecond * SIZE) / 2 ** 20).toFixed(2)} MB/sec), sustainable ${max.sustainableMessagesPerSecond} records/sec, limit ${max.limitReached ? 'reached' : 'not reached'} after ${report.durationSeconds.toFixed(1)} s; ${report.messages.acknowledged} acknowledged, consumed ${report.messages.consumed}, lost ${report.messages.lost}, duplicated ${report.messages.duplicated}`,
  );
  for (const s of max.steps) console.log(`    step ${s.fromSecond}-${s.toSecond}s: target ${s.targetMessagesPerSecond} (${Math.round(s.fractionOfCeiling * 100)} %), achieved ${s.acknowledgedPerSecond}, delay p99 ${s.publishDelayP99Ms} ms, lag ${s.lag}: ${s.sustainable ? 'sustainable' : 'not sustainable'}`);
  if (report.errors.count || report.errors.clientWarnings) console.log(`  errors ${report.errors.count}, client warnings ${report.errors.clientWarnings}: ${report.errors.samples.slice(0, 3).join(' | ')}`);
  return { producers: max.producerCeilingMessagesPerSecond ?? 0, withConsumers: max.ceilingMessagesPerSecond };
}

try {
  const { libDir } = await ensureKafkaJars({ version: cluster.kafkaVersion });
  // Alternating rounds, best of each: on a shared machine the load changes from one minute to the next.
  const java: number[] = [];
  const ours = new Map<number, { producers: number; withConsumers: number }[]>(WORKERS.map((n) => [n, []]));
  for (let round = 1; round <= ROUNDS; round++) {
    java.push(await perfTest(libDir, `bench-java-${round}`));
    for (const n of WORKERS) ours.get(n)!.push(await ceilingRun(round, n));
  }
  const bestJava = Math.max(...java);
  console.log(`\nbest of ${ROUNDS}: tuned kafka-producer-perf-test ${Math.round(bestJava)} records/sec`);
  for (const [n, runs] of ours) {
    const label = n === 1 ? 'one process' : `--workers ${n}`;
    const best = Math.max(...runs.map((r) => r.producers));
    const ratio = best / bestJava;
    console.log(`kafkaform producer-only ceiling, ${label}: ${best} records/sec, ratio = ${ratio.toFixed(2)} (target ≥ 0.80) ${ratio >= 0.8 ? 'OK' : 'BELOW TARGET'}; per round: ${runs.map((o, i) => (o.producers / java[i]!).toFixed(2)).join(', ')}`);
    const withConsumers = Math.max(...runs.map((r) => r.withConsumers));
    console.log(`  closed-loop ceiling with the consumers reading along, ${label}: ${withConsumers} records/sec, ratio = ${(withConsumers / bestJava).toFixed(2)}; per round: ${runs.map((o, i) => (o.withConsumers / java[i]!).toFixed(2)).join(', ')}`);
  }
} finally {
  await stopDevCluster({ name, dataDir, purge: true });
  rmSync(dataDir, { recursive: true, force: true });
}
