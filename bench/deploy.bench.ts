/**
 * Deploy, adoption and a no-change plan at scale, kafkaform against plain terraform, both sides in
 * one run on one fresh private broker.
 *
 *   npx tsx bench/deploy.bench.ts                       # 1,000 topics, 3,000 ACLs
 *   BENCH_TOPICS=100 BENCH_ACLS=300 npx tsx bench/deploy.bench.ts
 *   BENCH_PARALLELISM=10,25,50 npx tsx bench/deploy.bench.ts   # kafkaform deploys at each -parallelism
 *   BENCH_PLAIN=0 npx tsx bench/deploy.bench.ts                # no plain apply (at 1,000 + 3,000 it runs
 *                                                             # for well over 25 minutes); plain terraform plan
 *                                                             # then runs on kafkaform's deployed stack
 *   BENCH_PLAIN_LIMIT=900 npx tsx bench/deploy.bench.ts        # stop the plain apply after 900 s (SIGTERM: terraform
 *                                                             # finishes what it started); the ratio is then a lower
 *                                                             # bound, and plain terraform plan runs on kafkaform's stack
 *
 * - plain terraform: `terraform apply -auto-approve` with terraform's defaults on the synthesized
 *   stack of one half of the names (`plain.*`);
 * - kafkaform deploy: deployStack (plan, apply, drift check) of the same shape (`kf.*`) at each
 *   parallelism (each on fresh names); past ADMIN_CREATE_THRESHOLD creates it makes the topics and
 *   ACLs through the admin API and terraform imports them;
 * - adoption: the `kf.*` state deleted, then deployStack again (every resource imported);
 * - no-change plan: planStack against plain `terraform plan`.
 * The adopted resources were made through the admin API in batches (the deploy's admin creates), not
 * by Kafka's CLI tools (one JVM per kafka-topics.sh call would take longer than the rest of the bench);
 * the brownfield integration test covers Kafka's tools. Each kafkaform step prints its time.
 * Not part of `npm test`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deployStack, planStack, terraformRunOptions } from '../src/deploy/deploy-stack.js';
import { terraformApply, terraformPlan } from '../src/deploy/terraform-runner.js';
import { PlatformaticClusterPort } from '../src/cluster/platformatic-adapter.js';
import { findFreeBasePort, startDevCluster, stopDevCluster } from '../src/dev/cluster/lifecycle.js';
import { pidRunning, waitUntil } from '../src/os/process.js';
import { readManifest, requireEnvironment } from '../src/manifest/validate.js';

const TOPICS = Number(process.env.BENCH_TOPICS ?? 1000);
const ACLS = Number(process.env.BENCH_ACLS ?? 3000);
const PARALLELISM = (process.env.BENCH_PARALLELISM ?? '10').split(',').map(Number);
const PLAIN = process.env.BENCH_PLAIN !== '0';
/** Seconds after which the plain apply is stopped (unset: it runs to the end). */
const PLAIN_LIMIT_S = process.env.BENCH_PLAIN_LIMIT ? Number(process.env.BENCH_PLAIN_LIMIT) : undefined;

function specYaml(prefix: string, topics: number, acls: number): string {
  const pad = (i: number) => String(i).padStart(5, '0');
  const lines = ['version: 1', `cluster: { name: ${prefix}, brokers: 1 }`, 'defaults: { partitions: 1, replicationFactor: 1 }', `policy: { managedPrefixes: ['${prefix}.'], maxPartitions: 10 }`, 'topics:'];
  for (let i = 0; i < topics; i++) lines.push(`  ${prefix}.t${pad(i)}: { retention: 1d, config: { compression.type: lz4 } }`);
  // Each producer service derives 3 bindings (Write, Describe, IdempotentWrite); its principal is unique.
  const services = Math.ceil(acls / 3);
  if (services > 0) lines.push('services:');
  for (let i = 0; i < services; i++) lines.push(`  ${prefix}-svc-${pad(i)}: { principal: 'User:${prefix}-svc-${pad(i)}', produces: [${prefix}.t${pad(i % Math.max(1, topics))}] }`);
  return `${lines.join('\n')}\n`;
}

const secs = (ms: number) => (ms / 1000).toFixed(1);

/** A Progress that prints each step of a planStack with the time since the previous one (where a no-change plan spends its time). */
function stepTimer(label: string): (message: string) => void {
  let last = Date.now();
  let step = 'start';
  return (message) => {
    const now = Date.now();
    console.log(`    ${label} ${step}: ${secs(now - last)} s`);
    last = now;
    step = message.length > 70 ? `${message.slice(0, 70)}…` : message;
  };
}

/** How many topics and ACL bindings with the prefix the cluster holds (what a stopped plain apply had made). */
async function madeSoFar(servers: string[], prefix: string): Promise<string> {
  const port = new PlatformaticClusterPort({ bootstrapServers: servers, requestTimeoutMs: 60_000 });
  try {
    const [topics, acls] = await Promise.all([port.listTopics(), port.listAcls()]);
    return `${topics.filter((t) => t.startsWith(prefix)).length} of ${TOPICS} topics and ${acls.filter((a) => a.principal.startsWith(`User:${prefix.replace(/\.$/, '')}-`)).length} of ${Math.ceil(ACLS / 3) * 3} ACLs made`;
  } finally {
    await port.close();
  }
}

async function timed<T>(what: string, f: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t = Date.now();
  const value = await f();
  const ms = Date.now() - t;
  console.log(`  ${what}: ${secs(ms)} s`);
  return { ms, value };
}

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), 'kafkaform-bench-'));
  const project = mkdtempSync(join(tmpdir(), 'kafkaform-bench-proj-'));
  const basePort = await findFreeBasePort(1);
  const name = `bench-${process.pid}`;
  try {
    const cluster = await startDevCluster({ name, dataDir, brokers: 1, basePort, kafkaVersion: process.env.KAFKAFORM_KAFKA_VERSION });
    const connection = { bootstrapServers: cluster.bootstrapServers.join(',') };
    const specOf = (prefix: string) => {
      writeFileSync(join(project, `${prefix}.yaml`), specYaml(prefix, TOPICS, ACLS));
      return requireEnvironment(readManifest(join(project, `${prefix}.yaml`)));
    };
    const where = (prefix: string) => ({ outdir: join(project, `${prefix}.out`), stateDir: join(project, `${prefix}.state`), connection });
    console.log(`broker 127.0.0.1:${basePort} (Kafka ${cluster.kafkaVersion}); ${TOPICS} topics and ${Math.ceil(ACLS / 3) * 3} ACLs per side`);

    // Plain terraform: the same synthesized stack, applied with terraform's defaults.
    let plainApply: { ms: number; stopped?: string } | undefined;
    let plainPlan: { ms: number } | undefined;
    if (PLAIN) {
      const plain = specOf('plain');
      const pp = await planStack({ spec: plain, ...where('plain') });
      const limit = PLAIN_LIMIT_S !== undefined ? AbortSignal.timeout(PLAIN_LIMIT_S * 1000) : undefined;
      const t = Date.now();
      let pid: number | undefined;
      try {
        await terraformApply(pp.stackDir, pp.toolchain, { autoApprove: true, ...terraformRunOptions(pp), onSpawn: (p) => (pid = p), ...(limit ? { signal: limit } : {}) });
        plainApply = { ms: Date.now() - t };
        console.log(`  plain terraform apply (defaults): ${secs(plainApply.ms)} s`);
      } catch (e) {
        if (!limit?.aborted) throw e;
        const ms = Date.now() - t;
        // The abort does not wait for terraform: it finishes the creates it started, then exits.
        if (pid !== undefined) await waitUntil(() => !pidRunning(pid!), 120_000);
        plainApply = { ms, stopped: await madeSoFar(cluster.bootstrapServers, 'plain.') };
        console.log(`  plain terraform apply (defaults): stopped after ${secs(plainApply.ms)} s (BENCH_PLAIN_LIMIT=${PLAIN_LIMIT_S}), ${plainApply.stopped}`);
      }
      if (!plainApply.stopped) {
        const pq = await planStack({ spec: plain, ...where('plain') });
        if (pq.hasChanges) throw new Error('plain side not converged');
        plainPlan = await timed('plain terraform plan (no changes)', () => terraformPlan(pq.stackDir, pq.toolchain, terraformRunOptions(pq)));
      }
    }

    const deploys: Array<{ parallelism: number; ms: number }> = [];
    let last = '';
    for (const parallelism of PARALLELISM) {
      last = `kf${parallelism}`;
      const spec = specOf(last);
      const d = await timed(`kafkaform deploy -parallelism=${parallelism}`, () => deployStack({ spec, ...where(last), autoApprove: true, parallelism, onProgress: stepTimer('deploy') }));
      if (!d.value.applied || !d.value.verification?.inSync) throw new Error('kafkaform deploy did not converge');
      deploys.push({ parallelism, ms: d.ms });
    }
    const spec = specOf(last);
    const best = deploys.reduce((a, b) => (b.ms < a.ms ? b : a));
    const noChange = await timed('kafkaform plan (no changes)', () => planStack({ spec, ...where(last), parallelism: best.parallelism, onProgress: stepTimer('plan') }));
    if (noChange.value.hasChanges) throw new Error('kafkaform plan after deploy has changes');
    if (!plainPlan) plainPlan = await timed('plain terraform plan (no changes, on the kafkaform stack)', () => terraformPlan(noChange.value.stackDir, noChange.value.toolchain, terraformRunOptions(noChange.value)));
    console.log(`  (refresh ${noChange.value.refresh?.skip ? 'skipped' : 'run'}: ${noChange.value.refresh?.reason}; terraform plan ${noChange.value.terraformPlanSkipped ? `skipped: ${noChange.value.terraformPlanSkipped.reason}` : 'ran'})`);

    rmSync(join(where(last).stateDir, 'terraform.default.tfstate'));
    const adopt = await timed('kafkaform adoption (state deleted, deploy imports everything)', () => deployStack({ spec, ...where(last), autoApprove: true, parallelism: best.parallelism, onProgress: stepTimer('adopt') }));
    const imported = adopt.value.kafkaformPlan.summary.import;

    console.log('');
    console.log(`topics=${TOPICS} acls=${Math.ceil(ACLS / 3) * 3}`);
    const against = (ms: number) =>
      !plainApply
        ? ''
        : plainApply.stopped
          ? ` (at least ${(plainApply.ms / ms).toFixed(1)}x faster than plain terraform apply, stopped unfinished after ${secs(plainApply.ms)} s)`
          : ` (${(plainApply.ms / ms).toFixed(1)}x faster than plain terraform apply, ${secs(plainApply.ms)} s)`;
    for (const d of deploys) console.log(`deploy -parallelism=${d.parallelism}: ${secs(d.ms)} s${against(d.ms)}`);
    console.log(`adoption of ${imported} resources: ${secs(adopt.ms)} s`);
    console.log(`no-change plan: ${secs(noChange.ms)} s against plain terraform plan ${secs(plainPlan.ms)} s (${(plainPlan.ms / noChange.ms).toFixed(1)}x)`);
  } finally {
    await stopDevCluster({ name, dataDir, purge: true }).catch((e) => console.error(`stopping the bench broker failed: ${(e as Error).message}`));
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(project, { recursive: true, force: true });
  }
}

await main();
