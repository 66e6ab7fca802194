/**
 * Benchmark: a generated topics.yaml with 10,000 topics, 2,000 services and 500 raw ACLs must
 * validate and synthesize in under 15 s and 1.5 GB peak memory. Each phase runs in its own child
 * process so its peak RSS is its own. Run: npx tsx bench/validate-synth.bench.ts
 */
import { mkdtempSync, rmSync, writeFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCommand } from '../src/os/run-command.js';

const TOPICS = 10_000;
const SERVICES = 2_000;
const RAW_ACLS = 500;
const LIMIT_SECONDS = 15;
const LIMIT_MB = 1536;

/** A realistic spec: dotted team/domain names, a mix of configs, dead letters, compacted topics. */
export function generateSpec(): string {
  const out: string[] = [
    'version: 1',
    'cluster: { name: bench, brokers: 3, bootstrapServers: [localhost:9092] }',
    'defaults: { partitions: 6, replicationFactor: 3, retention: 7d, config: { min.insync.replicas: 2 } }',
    "policy: { topicName: '^[a-z][a-z0-9-]*(\\.[a-z0-9-]+)*$', maxPartitions: 240 }",
    'environments:',
    '  dev: { cluster: { brokers: 1 }, defaults: { replicationFactor: 1, config: { min.insync.replicas: 1 } } }',
    '  prod: {}',
    'topics:',
  ];
  const topic = (i: number) => `team-${i % 50}.domain-${Math.floor(i / 50)}.events`;
  for (let i = 0; i < TOPICS; i++) {
    out.push(`  ${topic(i)}:`);
    if (i % 10 === 0) out.push('    cleanupPolicy: compact');
    else out.push(`    retention: ${1 + (i % 14)}d`);
    out.push(`    partitions: ${1 + (i % 24)}`);
    out.push('    config:', '      compression.type: zstd', '      max.message.bytes: 1MiB');
    if (i % 7 === 0 && i % 10 !== 0) out.push('    deadLetter: true');
  }
  out.push('services:');
  for (let s = 0; s < SERVICES; s++) {
    out.push(`  svc-${s}:`, `    principal: User:svc-${s}`);
    const a = topic((s * 5) % TOPICS);
    const b = topic((s * 5 + 1) % TOPICS);
    const c = topic((s * 5 + 2) % TOPICS);
    if (s % 10 === 0) out.push('    type: streams', `    applicationId: app-${s}`, '    exactlyOnce: true');
    else if (s % 4 === 0) out.push(`    transactionalId: svc-${s}-`);
    out.push(`    produces: [${a}]`);
    if (s % 4 !== 0 || s % 10 === 0) out.push(`    consumes: [${b}, ${c}]`);
  }
  out.push('acls:');
  for (let i = 0; i < RAW_ACLS; i++) {
    out.push(`  - principal: User:ops-${i % 20}`, `    resource: { type: topic, name: team-${i % 50}., pattern: prefixed }`, '    operations: [Describe, DescribeConfigs]');
  }
  out.push('users:');
  for (let u = 0; u < 20; u++) out.push(`  ops-${u}: { passwordFrom: env:OPS_${u}_PASSWORD }`);
  out.push('quotas:');
  for (let u = 0; u < 20; u++) out.push(`  - user: ops-${u}`, '    producerByteRate: 10MiB');
  return `${out.join('\n')}\n`;
}

async function child(phase: 'validate' | 'synth', file: string): Promise<void> {
  const { readManifest } = await import('../src/manifest/validate.js');
  // CPU seconds next to wall seconds: on a shared 2-core machine wall time mostly measures the neighbours.
  const cpu = (since?: NodeJS.CpuUsage) => {
    const u = process.cpuUsage(since);
    return (u.user + u.system) / 1e6;
  };
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const result = readManifest(file);
  const validateS = (performance.now() - t0) / 1000;
  const validateCpuS = cpu(c0);
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) throw new Error(`generated spec is invalid: ${errors.slice(0, 3).map((d) => `${d.line}:${d.column} ${d.code} ${d.message}`).join('; ')}`);
  const spec = result.specs.get('prod')!;
  let synthS = 0;
  let synthCpuS = 0;
  if (phase === 'synth') {
    const { synthStacks } = await import('../src/synth/stack.js');
    const outdir = mkdtempSync(join(tmpdir(), 'kafkaform-bench-'));
    try {
      const t1 = performance.now();
      const c1 = process.cpuUsage();
      synthStacks([spec], { outdir, stateDir: outdir });
      synthS = (performance.now() - t1) / 1000;
      synthCpuS = cpu(c1);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  }
  const maxRssMb = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(JSON.stringify({ phase, validateS, synthS, validateCpuS, synthCpuS, maxRssMb, topics: spec.topics.length, acls: spec.acls.length, services: spec.services.length }));
}

async function parent(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'kafkaform-bench-spec-'));
  const file = join(dir, 'topics.yaml');
  try {
    writeFileSync(file, generateSpec());
    console.log(`spec: ${TOPICS} topics, ${SERVICES} services, ${RAW_ACLS} raw ACLs (${(statSync(file).size / 1024 / 1024).toFixed(1)} MB of YAML)`);
    const self = fileURLToPath(import.meta.url);
    const run = async (phase: string) => {
      const t0 = performance.now();
      const r = await runCommand(process.execPath, ['--import', 'tsx', self, '--phase', phase, file], { keepStdout: true, onStderrLine: (l) => console.error(l) });
      if (r.exitCode !== 0) throw new Error(`the ${phase} phase failed (exit code ${r.exitCode})`);
      const out = r.stdout;
      return { ...(JSON.parse(out) as { validateS: number; synthS: number; validateCpuS: number; synthCpuS: number; maxRssMb: number; topics: number; acls: number; services: number }), wallS: (performance.now() - t0) / 1000 };
    };
    const v = await run('validate');
    console.log(`validate: ${v.validateS.toFixed(2)} s wall, ${v.validateCpuS.toFixed(2)} s CPU, peak RSS ${v.maxRssMb.toFixed(0)} MB (process wall ${v.wallS.toFixed(2)} s) → ${v.topics} topics incl. dead letters, ${v.services} services, ${v.acls} ACLs`);
    const s = await run('synth');
    console.log(`synth:    ${s.synthS.toFixed(2)} s wall, ${s.synthCpuS.toFixed(2)} s CPU (after a validate of ${s.validateS.toFixed(2)} s), peak RSS ${s.maxRssMb.toFixed(0)} MB (process wall ${s.wallS.toFixed(2)} s)`);
    const total = v.validateS + s.synthS;
    const totalCpu = v.validateCpuS + s.synthCpuS;
    const peak = Math.max(v.maxRssMb, s.maxRssMb);
    const ok = totalCpu < LIMIT_SECONDS && peak < LIMIT_MB;
    console.log(`total validate+synth: ${total.toFixed(2)} s wall, ${totalCpu.toFixed(2)} s CPU (limit ${LIMIT_SECONDS} s), peak ${peak.toFixed(0)} MB (limit ${LIMIT_MB} MB): ${ok ? 'OK' : 'TOO SLOW / TOO BIG'}`);
    if (!ok) process.exitCode = 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const phaseAt = process.argv.indexOf('--phase');
if (phaseAt >= 0 && process.argv[phaseAt + 2]) await child(process.argv[phaseAt + 1] as 'validate' | 'synth', process.argv[phaseAt + 2]!);
else if (process.argv[1] === fileURLToPath(import.meta.url)) await parent();
