/**
 * Producer throughput of `kafkaform loadtest` versus Kafka's own kafka-producer-perf-test
 * (org.apache.kafka.tools.ProducerPerformance), on the same private local broker, same record
 * size (1 KiB), acks=all (idempotent), same topic layout, in one run. Prints both and the ratio.
 *
 *   npx tsx bench/loadtest.bench.ts [--records 200000] [--client kafkajs|platformatic]
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
import { createLoadClient, type LoadClientName } from '../src/loadtest/create-load-client.js';
import { runLoad } from '../src/loadtest/runner.js';
import type { Workload } from '../src/loadtest/workload.js';

const { values } = parseArgs({ options: { records: { type: 'string', default: '200000' }, client: { type: 'string' }, partitions: { type: 'string', default: '6' } } });
const RECORDS = Number(values.records);
const PARTITIONS = Number(values.partitions);
const SIZE = 1024;

const dataDir = mkdtempSync(join(tmpdir(), 'kafkaform-bench-'));
const basePort = await findFreeBasePort(1);
const name = `bench-${process.pid}`;
console.log(`starting a 1-broker cluster on 127.0.0.1:${basePort}…`);
const cluster = await startDevCluster({ name, dataDir, brokers: 1, basePort, heapMb: 1024 });
const connection: Connection = { bootstrapServers: cluster.bootstrapServers };
try {
  const client = createLoadClient(connection, values.client as LoadClientName | undefined);
  const admin = new KafkajsClusterPort(connection);
  await admin.createTopic({ name: 'bench-java', partitions: PARTITIONS, replicationFactor: 1 });
  await admin.close();

  // 1. Kafka's own producer perf test.
  const { libDir } = await ensureKafkaJars({ version: cluster.kafkaVersion });
  console.log(`kafka-producer-perf-test: ${RECORDS} records of ${SIZE} B, acks=all…`);
  const java = await runCommand(
    javaExecutable(),
    [
      '-Xmx512m',
      '-cp',
      `${libDir}/*`,
      'org.apache.kafka.tools.ProducerPerformance',
      '--topic',
      'bench-java',
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
    ],
    { timeoutMs: 300_000, keepStdout: true },
  );
  const last = java.stdout.trim().split('\n').pop() ?? '';
  const m = /([\d.]+) records\/sec \(([\d.]+) MB\/sec\)/.exec(last);
  if (java.exitCode !== 0 || !m) throw new Error(`ProducerPerformance failed (${java.exitCode}):\n${java.tail.join('\n')}`);
  const javaRate = Number(m[1]);
  console.log(`  ${last}`);

  // 2. kafkaform loadtest's producer: same size, acks=all, idempotent; unthrottled (a rate no client reaches), bounded by the count.
  const workload: Workload = {
    runId: 'bench0001',
    durationMs: 120_000,
    mode: 'fixed',
    producers: 1,
    consumers: 1,
    acks: 'all',
    compression: 'none',
    idempotent: true,
    useExisting: false,
    keepTopics: false,
    topics: [
      {
        topic: 'bench',
        loadTopic: 'kafkaform-loadtest.bench.bench0001',
        temporary: true,
        partitions: PARTITIONS,
        replicationFactor: 1,
        config: {},
        messagesPerSecond: 10_000_000,
        messageBytes: SIZE,
        rateSource: 'flag',
        sizeSource: 'flag',
        maxMessages: RECORDS,
      },
    ],
  };
  console.log(`kafkaform loadtest (${client.name}): ${RECORDS} records of ${SIZE} B, acks=all…`);
  const report = await runLoad({ workload, connection, client, cluster: { name: 'bench', environment: 'bench' } });
  const ours = report.producer.messagesPerSecond;
  console.log(
    `  ${report.messages.acknowledged} records sent, ${ours.toFixed(1)} records/sec (${report.producer.megabytesPerSecond.toFixed(2)} MB/sec), publish p50 ${report.latencyMs.publish.p50} ms, p99 ${report.latencyMs.publish.p99} ms; consumed ${report.messages.consumed}, lost ${report.messages.lost}, duplicated ${report.messages.duplicated}`,
  );
  if (report.errors.count || report.errors.clientWarnings) console.log(`  errors ${report.errors.count}, client warnings ${report.errors.clientWarnings}: ${report.errors.samples.slice(0, 5).join(" | ")}`);
  const ratio = ours / javaRate;
  console.log(`\nratio kafkaform/${client.name} ÷ kafka-producer-perf-test = ${ratio.toFixed(2)} (target ≥ 0.80) ${ratio >= 0.8 ? 'OK' : 'BELOW TARGET'}`);
} finally {
  await stopDevCluster({ name, dataDir, purge: true });
  rmSync(dataDir, { recursive: true, force: true });
}
