/**
 * The CPU side of `kafkaform import` at scale, without a broker: a ClusterState of N topics and 3N
 * ACL bindings (one producer service per topic: Write + Describe on it, IdempotentWrite on the
 * cluster, the drift bench's shape) is folded by computeImport, the written text is parsed and
 * validated as the command does before writing, and written. Where import's time goes besides the
 * read (bench/drift.bench.ts times the read through a real broker).
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

const ms = (t: number) => `${((performance.now() - t) / 1000).toFixed(2)} s`;
const dir = mkdtempSync(join(tmpdir(), 'kafkaform-import-bench-'));
try {
  const state = clusterState(TOPICS);
  const total = performance.now();
  let t = performance.now();
  const r = computeImport(state, { clusterName: 'bench', bootstrapServers: ['127.0.0.1:9092'] });
  console.log(`computeImport: ${ms(t)} (${r.counts.topics} topics, ${r.counts.aclBindings} ACLs as ${r.counts.services} services, ${r.counts.rawAcls} raw; ${Math.round(r.text.length / 1024)} KiB)`);
  t = performance.now();
  const doc = parseSpecDocument(r.text, join(dir, 'topics.yaml'));
  console.log(`parse the written YAML: ${ms(t)}`);
  t = performance.now();
  const check = validateSpec(doc);
  console.log(`validate it: ${ms(t)} (${check.diagnostics.length} diagnostics)`);
  t = performance.now();
  writeFileSync(join(dir, 'topics.yaml'), r.text);
  console.log(`write: ${ms(t)}`);
  console.log(`total without the read: ${ms(total)}; rss ${Math.round(process.memoryUsage().rss / 2 ** 20)} MiB`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
