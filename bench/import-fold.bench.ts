/**
 * The CPU side of `kafkaform import` at scale, without a broker: a ClusterState of N topics and 3N
 * ACL bindings (one producer service per topic: Write + Describe on it, IdempotentWrite on the
 * cluster, the drift bench's shape) is folded by computeImport, checked as the command does before
 * writing (validateSpec of the structure the text is rendered from), and written; as the reference,
 * the same run times the previous check (parse the written text, then validate it). Where import's
 * time goes besides the read (bench/import.bench.ts times the whole command against a real broker).
 *
 *   npx tsx bench/import-fold.bench.ts            # 10,000 topics, 30,000 ACLs
 *   BENCH_TOPICS=1000 npx tsx bench/import-fold.bench.ts
 *
 * Not part of `npm test`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClusterState } from '../src/cluster/port.js';
import { computeImport } from '../src/importer/compute-import.js';
import { importedSpecDocument } from '../src/importer/imported-document.js';
import { parseSpecDocument } from '../src/manifest/document.js';
import { validateSpec } from '../src/manifest/validate.js';

const TOPICS = Number(process.env.BENCH_TOPICS ?? 10_000);

function clusterState(n: number): ClusterState {
  const pad = (i: number) => String(i).padStart(5, '0');
  const topics = Array.from({ length: n }, (_, i) => ({
    name: `bench.t${pad(i)}`,
    partitions: 1,
    replicationFactor: 1,
    config: { 'retention.ms': '86400000', 'cleanup.policy': 'delete', 'compression.type': 'lz4' },
    internal: false,
  }));
  const acls = topics.flatMap((t, i) => {
    const principal = `User:svc-${pad(i)}`;
    const on = { principal, host: '*', permission: 'allow' as const, patternType: 'literal' as const };
    return [
      { ...on, operation: 'Write' as const, resourceType: 'topic' as const, resourceName: t.name },
      { ...on, operation: 'Describe' as const, resourceType: 'topic' as const, resourceName: t.name },
      { ...on, operation: 'IdempotentWrite' as const, resourceType: 'cluster' as const, resourceName: 'kafka-cluster' },
    ];
  });
  return { info: { clusterId: 'bench', controller: 1, brokers: [{ nodeId: 1, host: '127.0.0.1', port: 9092 }] }, topics, acls, users: [], quotas: [], brokerDefaults: {}, notChecked: [] };
}

const secs = (msValue: number) => `${(msValue / 1000).toFixed(2)} s`;
/** Runs f once and returns its result and how long it took (ms). */
function timed<T>(f: () => T): [T, number] {
  const t = performance.now();
  const v = f();
  return [v, performance.now() - t];
}
const dir = mkdtempSync(join(tmpdir(), 'kafkaform-import-bench-'));
try {
  const file = join(dir, 'topics.yaml');
  const state = clusterState(TOPICS);
  const [r, foldMs] = timed(() => computeImport(state, { clusterName: 'bench', bootstrapServers: ['127.0.0.1:9092'] }));
  console.log(`computeImport (fold and render YAML): ${secs(foldMs)} (${r.counts.topics} topics, ${r.counts.aclBindings} ACLs as ${r.counts.services} services, ${r.counts.rawAcls} raw; ${Math.round(r.text.length / 1024)} KiB)`);
  // The first validateSpec of a process compiles the JSON Schema; the command pays that once, so does this run (in the check).
  const [check, checkMs] = timed(() => validateSpec(importedSpecDocument(file, r.text, r.document)));
  console.log(`check, validate the structure: ${secs(checkMs)} (${check.diagnostics.length} diagnostics; JSON Schema compile included)`);
  const [doc, parseMs] = timed(() => parseSpecDocument(r.text, file));
  console.log(`reference (the previous check), parse the written text: ${secs(parseMs)}`);
  const [again, validateMs] = timed(() => validateSpec(doc));
  console.log(`reference, validate the parsed text: ${secs(validateMs)} (${again.diagnostics.length} diagnostics)`);
  const [, writeMs] = timed(() => writeFileSync(file, r.text));
  console.log(`write: ${secs(writeMs)}`);
  const now = foldMs + checkMs + writeMs;
  const before = foldMs + parseMs + validateMs + writeMs;
  console.log(`import without the read: ${secs(now)}; with the previous check ${secs(before)} (${(before / now).toFixed(1)}x); rss ${Math.round(process.memoryUsage().rss / 2 ** 20)} MiB`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
