/**
 * Drift against a real broker: deploy a small spec with real terraform, check it is in sync,
 * then change the cluster behind kafkaform's back with the admin client and check each change
 * is reported exactly once, with the right fields. Also the CLI's exit codes 0 / 2 / 1.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KafkajsClusterPort } from '../../src/cluster/kafkajs-adapter.js';
import { collectDrift } from '../../src/drift/collect-drift.js';
import type { DriftItem } from '../../src/drift/compute-drift.js';
import { deployStack } from '../../src/deploy/deploy-stack.js';
import type { ResolvedSpec } from '../../src/manifest/types.js';
import { readManifest, requireEnvironment } from '../../src/manifest/validate.js';
import { scratchProject, startTestCluster, type TestCluster } from './helpers.js';

const SPEC = `
version: 1
cluster: { name: shop, brokers: 1 }
defaults: { partitions: 2, replicationFactor: 1 }
policy: { managedPrefixes: ['orders.'] }
topics:
  orders.placed:
    retention: 1d
    config: { compression.type: zstd, max.message.bytes: 512KiB }
  orders.shipped: {}
  orders.returns: { cleanupPolicy: compact }
services:
  order-service:
    principal: User:order-service
    produces: [orders.placed]
  billing:
    principal: User:billing
    consumes: [orders.placed, orders.shipped]
acls:
  - principal: User:ops
    resource: { type: topic, name: orders., pattern: prefixed }
    operations: [Describe]
`;

const ROOT = join(import.meta.dirname, '..', '..');
let tc: TestCluster;
let project: ReturnType<typeof scratchProject>;
let spec: ResolvedSpec;
let servers: string;

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'kafkaform.js'), ...args], {
    cwd: project.dir,
    encoding: 'utf8',
    env: { ...process.env, KAFKAFORM_FROM_SOURCE: '1', NO_COLOR: '1' },
    timeout: 120_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(async () => {
  tc = await startTestCluster();
  servers = tc.cluster.bootstrapServers.join(',');
  console.error(`[drift] Kafka ${tc.cluster.kafkaVersion} at ${servers}`);
  project = scratchProject(SPEC, { withSchemas: false });
  spec = requireEnvironment(readManifest(project.file));
  await deployStack({ spec, outdir: project.outdir, stateDir: project.dir, connection: { bootstrapServers: servers }, autoApprove: true });
});

afterAll(async () => {
  await tc?.stop();
  project?.cleanup();
});

describe('drift on a real cluster', () => {
  it('a fresh deploy is in sync (only configs set on the topic are compared)', async () => {
    const r = await collectDrift(spec, tc.connection);
    expect(r.drift).toEqual([]);
    expect(r.inSync).toBe(true);
    expect(r.checked.topics).toBe(3);
    expect(r.checked.acls).toBe(spec.acls.length);
    expect(r.notChecked).toEqual([]);
    expect(r.partial).toBe(false);
  });

  it('the CLI exits 0 in sync and prints the summary', () => {
    const r = cli(['drift', '--bootstrap-servers', servers]);
    expect(r.stderr).not.toMatch(/error/);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/shop \(default\) is in sync: 3 topic\(s\)/);
  });

  it('reports each change made behind its back exactly once', async () => {
    const admin = new KafkajsClusterPort(tc.connection);
    const removedAcl = spec.acls.find((a) => a.principal === 'User:billing' && a.operation === 'Read' && a.resourceName === 'orders.shipped')!;
    const strayAcl = { principal: 'User:intruder', host: '*', operation: 'Write' as const, permission: 'allow' as const, resourceType: 'topic' as const, resourceName: 'orders.placed', patternType: 'literal' as const };
    try {
      // Non-incremental AlterConfigs: the full set, with one value changed.
      await admin.alterTopicConfig('orders.placed', { 'retention.ms': '3600000', 'compression.type': 'zstd', 'max.message.bytes': '524288' });
      await admin.deleteTopic('orders.shipped');
      await admin.createPartitions('orders.returns', 4);
      await admin.createTopic({ name: 'orders.legacy', partitions: 1, replicationFactor: 1 });
      await admin.createTopic({ name: 'payments.other', partitions: 1, replicationFactor: 1 }); // outside managedPrefixes
      await admin.deleteAcls([removedAcl]);
      await admin.createAcls([strayAcl]);
    } finally {
      await admin.close();
    }
    // Topic deletion completes asynchronously: wait until the broker no longer lists it.
    let r = await collectDrift(spec, tc.connection);
    for (let i = 0; i < 30 && !r.drift.some((d) => d.kind === 'missing' && d.resource === 'topic'); i++) {
      await new Promise((res) => setTimeout(res, 500));
      r = await collectDrift(spec, tc.connection);
    }
    const expected: DriftItem[] = [
      { resource: 'topic', name: 'orders.shipped', kind: 'missing', expected: { partitions: 2, replicationFactor: 1, config: {} } },
      { resource: 'topic', name: 'orders.placed', kind: 'changed', field: 'config.retention.ms', expected: '86400000', actual: '3600000' },
      { resource: 'topic', name: 'orders.returns', kind: 'changed', field: 'partitions', expected: 2, actual: 4 },
      { resource: 'topic', name: 'orders.legacy', kind: 'unmanaged', actual: { partitions: 1, replicationFactor: 1, config: {} } },
      { resource: 'acl', name: 'User:billing ALLOW Read topic:orders.shipped (literal) @*', kind: 'missing' },
      { resource: 'acl', name: 'User:intruder ALLOW Write topic:orders.placed (literal) @*', kind: 'unmanaged' },
    ];
    expect(r.drift).toEqual(expected);
    expect(r.inSync).toBe(false);
  });

  it('the CLI exits 2 on drift, with JSON and Markdown', () => {
    const j = cli(['drift', '-b', servers, '--format', 'json']);
    expect(j.code).toBe(2);
    const report = JSON.parse(j.stdout);
    expect(report).toMatchObject({ cluster: 'shop', environment: 'default', inSync: false });
    expect(report.drift).toHaveLength(6);
    const md = cli(['drift', '-b', servers, '--format', 'markdown']);
    expect(md.code).toBe(2);
    expect(md.stdout).toMatch(/^\*\*kafkaform drift\*\* — ⚠️ shop \(default\) has 6 drift\(s\): 2 missing, 2 changed, 2 unmanaged/);
    expect(md.stdout).toContain('| acl | `User:intruder ALLOW Write topic:orders.placed (literal) @*` | unmanaged |');
  });

  it('the CLI exits 1 with a clear message when the cluster is unreachable within the timeout', () => {
    const started = Date.now();
    const r = cli(['drift', '-b', '127.0.0.1:1', '--timeout', '5']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error: cannot (reach Kafka at|read the cluster at) 127\.0\.0\.1:1/);
    expect(r.stderr).not.toMatch(/at .*\.ts:\d+/); // no stack trace
    expect(Date.now() - started).toBeLessThan(60_000);
  });

  it('the CLI exits 1 on an invalid spec', () => {
    const r = cli(['drift', '-f', 'missing.yaml', '-b', servers]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error: /);
  });
});
