/**
 * `kafkaform plan` / `deploy` for real: a real KRaft broker, real terraform and the real
 * Mongey/kafka provider. From a deployed state, topics.yaml is edited the way pull requests do
 * and the plan's exit codes, risk labels and Markdown are checked; allowed changes are applied
 * and the drift check must then report the cluster in sync.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { deployStack } from '../../src/deploy/deploy-stack.js';
import { collectDrift } from '../../src/drift/collect-drift.js';
import type { KafkaformPlan } from '../../src/plan/risk.js';
import { readManifest, requireEnvironment } from '../../src/manifest/validate.js';
import { scratchProject, startTestCluster, type TestCluster } from './helpers.js';

interface Edits {
  ordersPartitions?: number;
  ordersRetention?: string;
  customersPartitions?: number;
  withLegacy?: boolean;
  withAudit?: boolean;
  allowDeletion?: boolean;
}

function specText(e: Edits = {}): string {
  return `version: 1
cluster: { name: shop, bootstrapServers: ['127.0.0.1:1'], brokers: 1 }
defaults: { partitions: 1, replicationFactor: 1 }
policy: { allowTopicDeletion: ${e.allowDeletion ?? false}, managedPrefixes: ['shop.'] }
topics:
  shop.orders:
    partitions: ${e.ordersPartitions ?? 2}
    retention: ${e.ordersRetention ?? '7d'}
  shop.customers:
    partitions: ${e.customersPartitions ?? 1}
    cleanupPolicy: compact
${e.withLegacy === false ? '' : '  shop.legacy: {}\n'}services:
  order-service:
    principal: User:order-service
    produces: [shop.orders]
${e.withAudit ? '  audit:\n    principal: User:audit\n    consumes: [shop.orders]\n' : ''}`;
}

describe('plan and deploy from a deployed state', () => {
  let tc: TestCluster;
  let project: ReturnType<typeof scratchProject>;
  let servers: string;

  const write = (e: Edits) => writeFileSync(project.file, specText(e));

  async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    let stdout = '';
    let stderr = '';
    const out = process.stdout.write.bind(process.stdout);
    const err = process.stderr.write.bind(process.stderr);
    process.stdout.write = ((s: string) => ((stdout += s), true)) as typeof process.stdout.write;
    process.stderr.write = ((s: string) => ((stderr += s), true)) as typeof process.stderr.write;
    try {
      const code = await main([...args, '-f', project.file, '--quiet', '--no-color', '--bootstrap-servers', servers, '--state-dir', project.dir]);
      return { code, stdout, stderr };
    } finally {
      process.stdout.write = out;
      process.stderr.write = err;
    }
  }
  const plan = (...extra: string[]) => cli(['plan', '--synth-dir', project.outdir, ...extra]);
  const planJson = async () => {
    const r = await plan('--format', 'json');
    return { ...r, plan: JSON.parse(r.stdout) as KafkaformPlan };
  };
  const risks = (p: KafkaformPlan) => Object.fromEntries(p.changes.map((c) => [`${c.action} ${c.resource} ${c.name}`, c.risk]));

  beforeAll(async () => {
    tc = await startTestCluster({ brokers: 1 });
    servers = tc.cluster.bootstrapServers.join(',');
    project = scratchProject(specText(), { withSchemas: false });
    const r = await deployStack({
      spec: requireEnvironment(readManifest(project.file)),
      outdir: project.outdir,
      stateDir: project.dir,
      autoApprove: true,
      connection: { bootstrapServers: servers },
    });
    expect(r.applied).toBe(true);
    expect(r.verification?.inSync).toBe(true);
  }, 600_000);

  afterAll(async () => {
    await tc?.stop();
    project?.cleanup();
  }, 120_000);

  it('no edits: exit 0 and "no changes"', async () => {
    const r = await plan();
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe('Plan for shop (default): no changes');
  });

  it('partition increase, retention cut, compacted-topic increase and a new service: exit 2 with risk labels', async () => {
    write({ ordersPartitions: 4, ordersRetention: '1d', customersPartitions: 2, withAudit: true });
    const { code, plan: p } = await planJson();
    expect(code).toBe(2);
    expect(risks(p)).toEqual({
      'update topic shop.customers': 'risky',
      'update topic shop.orders': 'risky',
      'create acl User:audit ALLOW Describe topic:shop.orders (literal) @*': 'safe',
      'create acl User:audit ALLOW Read group:audit (literal) @*': 'safe',
      'create acl User:audit ALLOW Read topic:shop.orders (literal) @*': 'safe',
    });
    const orders = p.changes.find((c) => c.name === 'shop.orders')!;
    expect(orders.changes).toEqual([
      { attribute: 'config.retention.ms', before: '604800000', after: '86400000' },
      { attribute: 'partitions', before: 2, after: 4 },
    ]);
    expect(orders.reasons).toEqual([expect.stringMatching(/^retention 1w → 1d \(cut by more than half\)/)]);
    expect(p.changes.find((c) => c.name === 'shop.customers')!.reasons).toEqual([expect.stringMatching(/^partitions 1 → 2 on a compacted topic/)]);
    expect(p.summary).toEqual({ import: 0, create: 3, update: 2, replace: 0, delete: 0, destructive: 0, risky: 2, safe: 3 });
  });

  it('renders the same plan as a PR comment (Markdown snapshot, written with --out)', async () => {
    const out = join(project.dir, 'plan.md');
    const r = await plan('--format', 'markdown', '--out', out);
    expect(r.code).toBe(2);
    expect(r.stdout.trim()).toBe('Plan for shop (default): 3 to create, 2 to update, 0 to replace, 0 to delete — 0 destructive, 2 risky, 3 safe');
    const md = readFileSync(out, 'utf8');
    expect(md.startsWith('<!-- kafkaform-plan:default -->\n')).toBe(true);
    await expect(md).toMatchFileSnapshot('__snapshots__/plan.pr-comment.md');
  });

  it('deleting a topic without policy.allowTopicDeletion: exit 1 naming the change and the policy key', async () => {
    write({ ordersPartitions: 4, ordersRetention: '1d', customersPartitions: 2, withAudit: true, withLegacy: false });
    const r = await plan();
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error: the plan would delete topic shop\.legacy, which policy\.allowTopicDeletion \(false\) does not allow/);
    expect(r.stderr).toMatch(/hint: set policy\.allowTopicDeletion: true/);
    // The rendered plan still shows everything, the deletion labelled destructive.
    expect(r.stdout).toMatch(/\[destructive\] - topic shop\.legacy \(delete\)/);
    expect(r.stdout).toMatch(/\[risky\]\s+~ topic shop\.orders/);
    expect(r.stdout).toMatch(/BLOCKED: 1 problem/);
    // deploy refuses it too, and changes nothing.
    const d = await cli(['deploy', '--out', project.outdir, '--auto-approve']);
    expect(d.code).toBe(1);
    expect(d.stderr).toMatch(/refusing to delete topic shop\.legacy.*policy\.allowTopicDeletion is false.*nothing was deployed/);
    const drift = await collectDrift(requireEnvironment(readManifest(project.file)), tc.connection);
    expect(drift.drift.some((x) => x.name === 'shop.legacy')).toBe(true); // still there
  });

  it('a partition decrease is caught before terraform: exit 1 naming the topic, the counts and why', async () => {
    write({ ordersPartitions: 1 });
    const r = await plan();
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error: topic shop.orders: partitions 2 → 1 is a decrease; Kafka cannot remove partitions from a topic');
    expect(r.stderr).toContain('hint: set topics.shop.orders.partitions back to 2 or more');
    const md = await plan('--format', 'markdown');
    expect(md.code).toBe(1);
    expect(md.stdout).toContain('> - **topic shop.orders: partitions 2 → 1 is a decrease');
  });

  it('deploy applies the allowed changes, verifies with the drift check, and the next plan is empty', async () => {
    write({ ordersPartitions: 4, ordersRetention: '1d', customersPartitions: 2, withAudit: true });
    const d = await cli(['deploy', '--out', project.outdir, '--auto-approve']);
    expect(d.stderr).toBe('');
    expect(d.code).toBe(0);
    expect(d.stdout).toMatch(/^Plan for shop \(default\): 3 to create, 2 to update/);
    expect(d.stdout).toMatch(/✓ verified: shop \(default\) is in sync/);
    expect(d.stdout).toMatch(/applied to shop \(default\).*3 created, 2 updated, 0 replaced, 0 deleted/);
    expect((await plan()).code).toBe(0);
    const drift = await collectDrift(requireEnvironment(readManifest(project.file)), tc.connection);
    expect(drift.inSync).toBe(true);
  });

  it('with policy.allowTopicDeletion the deletion is destructive but allowed: exit 2, then deployed', async () => {
    write({ ordersPartitions: 4, ordersRetention: '1d', customersPartitions: 2, withAudit: true, withLegacy: false, allowDeletion: true });
    const { code, plan: p } = await planJson();
    expect(code).toBe(2);
    expect(risks(p)).toEqual({ 'delete topic shop.legacy': 'destructive' });
    expect(p.violations).toEqual([]);
    const d = await cli(['deploy', '--out', project.outdir, '--auto-approve']);
    expect(d.code).toBe(0);
    expect((await plan()).code).toBe(0);
    const drift = await collectDrift(requireEnvironment(readManifest(project.file)), tc.connection);
    expect(drift.inSync).toBe(true);
  });
});
