/**
 * `kafkaform import` of a large cluster, the whole command, against one private local broker whose
 * topics (3 configs each: retention.ms, cleanup.policy, compression.type) and ACLs (a producer service
 * per topic: Write + Describe on it, IdempotentWrite on the cluster) are made through the admin API.
 *
 *   npx tsx bench/import.bench.ts                          # 10,000 topics, 30,000 ACLs
 *   BENCH_TOPICS=1000 npx tsx bench/import.bench.ts
 *
 * The CLI is compiled once into .kafkaform/bench-dist (as `npm run build` does, without touching
 * dist/) and run as a user runs it: a fresh node process, `import -b … -o … --force`, BENCH_RUNS times
 * (3). As the reference in the same run, `kafkaform drift` of the written file (its target is the
 * same, 3 s). Then, in this process, where import's time goes: the read, the fold and render, the
 * check, the write. Not part of `npm test`.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collectLiveState } from '../src/cluster/collect.js';
import { PlatformaticClusterPort } from '../src/cluster/platformatic-adapter.js';
import type { AclBinding } from '../src/manifest/types.js';
import { findFreeBasePort, startDevCluster, stopDevCluster } from '../src/dev/cluster/lifecycle.js';
import { computeImport } from '../src/importer/compute-import.js';
import { importedSpecDocument } from '../src/importer/imported-document.js';
import { validateSpec } from '../src/manifest/validate.js';

const TOPICS = Number(process.env.BENCH_TOPICS ?? 10_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const TARGET_MS = 3000;
const root = join(import.meta.dirname, '..');
const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const pad = (i: number) => String(i).padStart(5, '0');

/** The cluster, made through the admin API: one CreateTopics per 500 topics, one CreateAcls per 1,000 bindings; waits (bounded) until the broker lists all. */
async function makeCluster(servers: string[]): Promise<void> {
  const port = new PlatformaticClusterPort({ bootstrapServers: servers, requestTimeoutMs: 120_000 });
  const admin = (port as unknown as { admin: import('@platformatic/kafka').Admin }).admin;
  try {
    const names = Array.from({ length: TOPICS }, (_, i) => `bench.t${pad(i)}`);
    const configs = [
      { name: 'retention.ms', value: '86400000' },
      { name: 'cleanup.policy', value: 'delete' },
      { name: 'compression.type', value: 'lz4' },
    ];
    for (let i = 0; i < names.length; i += 500) await admin.createTopics({ topics: names.slice(i, i + 500), partitions: 1, replicas: 1, configs });
    const acls: AclBinding[] = names.flatMap((topic, i) => {
      const on = { principal: `User:svc-${pad(i)}`, host: '*', permission: 'allow', patternType: 'literal' } as const;
      return [
        { ...on, operation: 'Write', resourceType: 'topic', resourceName: topic },
        { ...on, operation: 'Describe', resourceType: 'topic', resourceName: topic },
        { ...on, operation: 'IdempotentWrite', resourceType: 'cluster', resourceName: 'kafka-cluster' },
      ] as const;
    });
    for (let i = 0; i < acls.length; i += 1000) await port.createAcls(acls.slice(i, i + 1000));
    const until = Date.now() + 600_000;
    for (;;) {
      const [topics, bindings] = await Promise.all([port.listTopics(), port.listAcls()]);
      const seen = topics.filter((t) => t.startsWith('bench.')).length;
      if (seen >= names.length && bindings.length >= acls.length) return;
      if (Date.now() > until) throw new Error(`setup: the broker lists ${seen} of ${names.length} topics and ${bindings.length} of ${acls.length} ACLs`);
      await new Promise((r) => setTimeout(r, 500));
    }
  } finally {
    await port.close();
  }
}

/** One CLI run in a fresh node process (the compiled CLI); its wall time, exit code and output. */
function cli(main: string, args: string[], cwd: string): { ms: number; code: number; out: string } {
  const runner = `const m = await import(${JSON.stringify(main)}); process.exitCode = await m.main(process.argv.slice(1));`;
  const t = performance.now();
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', runner, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { ms: performance.now() - t, code: r.status ?? 1, out: `${r.stdout}${r.stderr}`.trim() };
}

async function main() {
  const outDir = join(root, '.kafkaform', 'bench-dist');
  const dataDir = mkdtempSync(join(tmpdir(), 'kafkaform-bench-'));
  const project = mkdtempSync(join(tmpdir(), 'kafkaform-bench-proj-'));
  const name = `bench-${process.pid}`;
  try {
    let t = performance.now();
    // tsc exits non-zero on a type error elsewhere but still emits: the CLI is what matters here.
    try {
      execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tsconfig.build.json'), '--outDir', outDir, '--declaration', 'false'], { stdio: 'pipe' });
    } catch {
      console.log('(tsc reported errors; the emitted CLI is used)');
    }
    const mainJs = join(outDir, 'src', 'cli', 'main.js');
    console.log(`compiled the CLI in ${secs(performance.now() - t)}`);
    const basePort = await findFreeBasePort(1);
    const cluster = await startDevCluster({ name, dataDir, brokers: 1, basePort, kafkaVersion: process.env.KAFKAFORM_KAFKA_VERSION });
    const servers = cluster.bootstrapServers;
    t = performance.now();
    await makeCluster(servers);
    console.log(`setup: ${TOPICS} topics and ${TOPICS * 3} ACLs through the admin API in ${secs(performance.now() - t)} (Kafka ${cluster.kafkaVersion})`);

    const importMs: number[] = [];
    const driftMs: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const imp = cli(mainJs, ['import', '-b', servers.join(','), '-o', 'topics.yaml', '--force', '--timeout', '120'], project);
      if (imp.code !== 0) throw new Error(`import exited ${imp.code}: ${imp.out.slice(0, 2000)}`);
      importMs.push(imp.ms);
      const drift = cli(mainJs, ['drift', '-f', 'topics.yaml', '-b', servers.join(','), '--timeout', '120'], project);
      if (drift.code !== 0) throw new Error(`drift of the imported file exited ${drift.code}: ${drift.out.slice(0, 2000)}`);
      driftMs.push(drift.ms);
      console.log(`run ${i + 1}: import ${secs(imp.ms)}, drift of the written file ${secs(drift.ms)} (in sync) — ${imp.out.split('\n')[0]}`);
    }

    // Where import's time goes, in this process (the modules are loaded by a first read).
    await collectLiveState({ bootstrapServers: servers }, { timeoutMs: 120_000 });
    t = performance.now();
    const state = await collectLiveState({ bootstrapServers: servers }, { timeoutMs: 120_000 });
    const readMs = performance.now() - t;
    t = performance.now();
    const r = computeImport(state, { clusterName: 'imported', bootstrapServers: servers });
    const foldMs = performance.now() - t;
    t = performance.now();
    const check = validateSpec(importedSpecDocument(join(project, 'x.yaml'), r.text, r.document));
    const checkMs = performance.now() - t;
    t = performance.now();
    writeFileSync(join(project, 'x.yaml'), r.text);
    const writeMs = performance.now() - t;
    if (check.diagnostics.some((d) => d.severity === 'error')) throw new Error('the imported structure does not validate');

    const best = Math.min(...importMs);
    const bestDrift = Math.min(...driftMs);
    console.log('');
    console.log(`topics=${TOPICS} acls=${TOPICS * 3}`);
    console.log(`import, whole command (fresh process): best ${secs(best)}, runs ${importMs.map(secs).join(', ')}; ${(best / TARGET_MS).toFixed(2)}x the ${secs(TARGET_MS)} target`);
    console.log(`reference, drift of the written file (fresh process): best ${secs(bestDrift)}; import / drift ${(best / bestDrift).toFixed(2)}`);
    console.log(`phases in-process: read ${secs(readMs)}, fold + render ${secs(foldMs)}, check ${secs(checkMs)}, write ${secs(writeMs)}; rss ${Math.round(process.memoryUsage().rss / 2 ** 20)} MiB`);
    console.log(`target (import <= 3 s): ${best <= TARGET_MS ? 'met' : 'NOT met'}`);
  } finally {
    await stopDevCluster({ name, dataDir, purge: true }).catch((e) => console.error(`stopping the bench broker failed: ${(e as Error).message}`));
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(project, { recursive: true, force: true });
    rmSync(outDir, { recursive: true, force: true });
  }
}

await main();
