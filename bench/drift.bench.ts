/**
 * Drift vs `terraform plan` at scale, side by side on one private local broker.
 *
 *   npx tsx bench/drift.bench.ts            # 1,000 topics (3 configs each), 3,000 ACLs
 *   BENCH_TOPICS=200 BENCH_ACLS=600 npx tsx bench/drift.bench.ts
 *   BENCH_SETUP=admin BENCH_TOPICS=2000 BENCH_ACLS=6000 npx tsx bench/drift.bench.ts
 *
 * BENCH_SETUP=admin makes the cluster through the admin API instead of terraform (minutes faster at
 * scale; no terraform plan comparison) and times drift and import through both ClusterPort
 * adapters (@platformatic/kafka, the default, and kafkajs) on the same broker.
 *
 * The stack is deployed once through real terraform (apply with -parallelism=50), then:
 * - drift: collectDrift (connect + batched ListTopics/Metadata/DescribeConfigs/DescribeAcls + compare);
 * - terraform plan: a refreshing plan of the same state (default parallelism, as a user runs it).
 * ACLs come from producer services: each produces one topic (Write + Describe on the topic,
 * IdempotentWrite on the cluster) = 3 bindings per service. Not part of `npm test`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collectLiveState, type ClusterPortFactory, platformaticPorts } from '../src/cluster/collect.js';
import { kafkajsPorts } from '../src/cluster/kafkajs-adapter.js';
import { PlatformaticClusterPort } from '../src/cluster/platformatic-adapter.js';
import { collectDrift } from '../src/drift/collect-drift.js';
import { computeImport } from '../src/importer/compute-import.js';
import type { ResolvedSpec } from '../src/manifest/types.js';
import { deployStack, planStack, terraformRunOptions } from '../src/deploy/deploy-stack.js';
import { terraformPlan } from '../src/deploy/terraform-runner.js';
import { findFreeBasePort, startDevCluster, stopDevCluster } from '../src/dev/cluster/lifecycle.js';
import { readManifest, requireEnvironment } from '../src/manifest/validate.js';

const TOPICS = Number(process.env.BENCH_TOPICS ?? 1000);
const ACLS = Number(process.env.BENCH_ACLS ?? 3000);
const DRIFT_RUNS = 3;

function specYaml(topics: number, acls: number): string {
  const pad = (i: number) => String(i).padStart(5, '0');
  const lines = [
    'version: 1',
    'cluster: { name: bench, brokers: 1 }',
    'defaults: { partitions: 1, replicationFactor: 1 }',
    "policy: { managedPrefixes: ['bench.'], maxPartitions: 10 }",
    'topics:',
  ];
  for (let i = 0; i < topics; i++) {
    lines.push(`  bench.t${pad(i)}: { retention: 1d, cleanupPolicy: delete, config: { compression.type: lz4 } }`);
  }
  // Each producer service derives exactly 3 bindings (Write, Describe, IdempotentWrite).
  const services = Math.ceil(acls / 3);
  if (services > 0) lines.push('services:');
  for (let i = 0; i < services; i++) {
    lines.push(`  svc-${pad(i)}: { principal: 'User:svc-${pad(i)}', produces: [bench.t${pad(i % Math.max(1, topics))}] }`);
  }
  return `${lines.join('\n')}\n`;
}

const secs = (ms: number) => (ms / 1000).toFixed(2);

/** Topics (one CreateTopics per 500, all with the spec's configs) and ACLs (one CreateAcls per 1,000) through the admin API. */
async function setupThroughAdmin(spec: ResolvedSpec, servers: string[]): Promise<void> {
  const port = new PlatformaticClusterPort({ bootstrapServers: servers, requestTimeoutMs: 120_000 });
  const admin = (port as unknown as { admin: import('@platformatic/kafka').Admin }).admin;
  try {
    const config = Object.entries(spec.topics[0]?.config ?? {}).map(([name, value]) => ({ name, value }));
    for (let i = 0; i < spec.topics.length; i += 500) {
      await admin.createTopics({ topics: spec.topics.slice(i, i + 500).map((t) => t.name), partitions: 1, replicas: 1, configs: config });
    }
    const acls = spec.acls.map(({ origin: _o, ...a }) => a);
    for (let i = 0; i < acls.length; i += 1000) await port.createAcls(acls.slice(i, i + 1000));
    // The broker's metadata cache follows the controller a moment after the writes return: wait (bounded) until it lists everything.
    const until = Date.now() + 600_000;
    for (;;) {
      const [topics, bindings] = await Promise.all([port.listTopics(), port.listAcls()]);
      const seen = topics.filter((t) => t.startsWith('bench.')).length;
      if (seen >= spec.topics.length && bindings.length >= acls.length) break;
      if (Date.now() > until) throw new Error(`setup: the broker lists ${seen} of ${spec.topics.length} topics and ${bindings.length} of ${acls.length} ACLs`);
      await new Promise((r) => setTimeout(r, 500));
    }
  } finally {
    await port.close();
  }
}

/** drift (best and first of DRIFT_RUNS) and import (read + computeImport) through one adapter; RSS after. */
async function timeAdapter(name: string, ports: ClusterPortFactory, spec: ResolvedSpec, servers: string[]): Promise<void> {
  const connection = { bootstrapServers: servers };
  const driftMs: number[] = [];
  for (let i = 0; i < DRIFT_RUNS; i++) {
    const t = Date.now();
    const r = await collectDrift(spec, connection, { timeoutMs: 120_000, ports });
    driftMs.push(Date.now() - t);
    if (r.drift.length > 0) throw new Error(`${name}: ${r.drift.length} drift(s), first: ${JSON.stringify(r.drift[0])}`);
  }
  const t = Date.now();
  const imported = computeImport(await collectLiveState(connection, { timeoutMs: 120_000, ports }), { clusterName: 'bench', bootstrapServers: servers });
  const importMs = Date.now() - t;
  console.log(
    `${name}: drift ${secs(driftMs[0]!)} s first, ${secs(Math.min(...driftMs))} s best of ${DRIFT_RUNS}; import ${secs(importMs)} s ` +
      `(${imported.counts.topics} topics, ${imported.counts.aclBindings} ACLs as ${imported.counts.services} services); rss ${Math.round(process.memoryUsage().rss / 2 ** 20)} MiB`,
  );
}

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), 'kafkaform-bench-'));
  const project = mkdtempSync(join(tmpdir(), 'kafkaform-bench-proj-'));
  const basePort = await findFreeBasePort(1);
  const name = `bench-${process.pid}`;
  try {
    console.log(`starting a private broker on 127.0.0.1:${basePort}`);
    const cluster = await startDevCluster({ name, dataDir, brokers: 1, basePort, kafkaVersion: process.env.KAFKAFORM_KAFKA_VERSION });
    const servers = cluster.bootstrapServers.join(',');
    const file = join(project, 'topics.yaml');
    writeFileSync(file, specYaml(TOPICS, ACLS));
    const spec = requireEnvironment(readManifest(file));
    console.log(`spec: ${spec.topics.length} topics (3 configs each: retention.ms, cleanup.policy, compression.type), ${spec.acls.length} ACL bindings; Kafka ${cluster.kafkaVersion}`);

    if (process.env.BENCH_SETUP === 'admin') {
      const t0 = Date.now();
      await setupThroughAdmin(spec, cluster.bootstrapServers);
      console.log(`setup: ${spec.topics.length} topics and ${spec.acls.length} ACLs through the admin API in ${secs(Date.now() - t0)} s`);
      for (const [adapterName, ports] of [['@platformatic/kafka', platformaticPorts], ['kafkajs', kafkajsPorts], ['@platformatic/kafka', platformaticPorts]] as const) {
        await timeAdapter(adapterName, ports, spec, cluster.bootstrapServers);
      }
      return;
    }
    // Deploy once through terraform; a higher apply parallelism only shortens the setup.
    process.env.TF_CLI_ARGS_apply = '-parallelism=50';
    let t = Date.now();
    await deployStack({ spec, outdir: join(project, 'cdktf.out'), stateDir: project, connection: { bootstrapServers: servers }, autoApprove: true, onProgress: (m) => console.log(`  deploy: ${m}`) });
    delete process.env.TF_CLI_ARGS_apply;
    console.log(`setup: terraform deploy of ${spec.topics.length + spec.acls.length} resources took ${secs(Date.now() - t)} s`);

    const connection = { bootstrapServers: cluster.bootstrapServers };
    const driftMs: number[] = [];
    for (let i = 0; i < DRIFT_RUNS; i++) {
      t = Date.now();
      const r = await collectDrift(spec, connection, { timeoutMs: 120_000 });
      driftMs.push(Date.now() - t);
      if (!r.inSync) throw new Error(`bench state is not in sync: ${r.drift.length} drift(s), first: ${JSON.stringify(r.drift[0])}`);
    }

    // Everything terraform plan needs (synth, init, vars) is prepared first; only the plan is timed.
    const p = await planStack({ spec, outdir: join(project, 'cdktf.out'), stateDir: project, connection: { bootstrapServers: servers } });
    if (p.hasChanges) throw new Error(`terraform sees ${p.changes.length} change(s) after deploy`);
    t = Date.now();
    const plan = await terraformPlan(p.stackDir, p.toolchain, terraformRunOptions(p));
    const planMs = Date.now() - t;
    if (plan.exitCode !== 0) throw new Error('terraform plan reported changes');

    const driftBest = Math.min(...driftMs);
    const driftFirst = driftMs[0]!;
    console.log('');
    console.log(`topics=${spec.topics.length} acls=${spec.acls.length}`);
    console.log(`drift seconds (first run, incl. connect): ${secs(driftFirst)}`);
    console.log(`drift seconds (best of ${DRIFT_RUNS}): ${secs(driftBest)}`);
    console.log(`terraform plan seconds (refresh of ${spec.topics.length + spec.acls.length} resources): ${secs(planMs)}`);
    console.log(`ratio terraform plan / drift (first run): ${(planMs / driftFirst).toFixed(1)}x`);
    const ok = driftFirst < 5000 && planMs / driftFirst >= 10;
    console.log(`target (drift < 5 s and >= 10x faster): ${ok ? 'met' : 'NOT met'}`);
    process.exitCode = ok ? 0 : 1;
  } finally {
    await stopDevCluster({ name, dataDir, purge: true }).catch((e) => console.error(`stopping the bench broker failed: ${(e as Error).message}`));
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(project, { recursive: true, force: true });
  }
}

await main();
