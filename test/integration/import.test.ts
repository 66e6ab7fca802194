/**
 * Import from a real broker: create topics and ACLs with the admin client, `kafkaform import`
 * them, validate the written file, and check drift reports the cluster in sync with it.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deriveServiceAcls } from '../../src/acl/derive.js';
import { KafkajsClusterPort } from '../../src/cluster/kafkajs-adapter.js';
import { collectDrift } from '../../src/drift/collect-drift.js';
import type { AclBinding } from '../../src/manifest/types.js';
import { readManifest, requireEnvironment } from '../../src/manifest/validate.js';
import { startTestCluster, type TestCluster } from './helpers.js';

const ROOT = join(import.meta.dirname, '..', '..');
let tc: TestCluster;
let dir: string;
let servers: string;

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'kafkaform.js'), ...args], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, KAFKAFORM_FROM_SOURCE: '1', NO_COLOR: '1' },
    timeout: 120_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(async () => {
  tc = await startTestCluster();
  servers = tc.cluster.bootstrapServers.join(',');
  dir = mkdtempSync(join(tmpdir(), 'kafkaform-import-'));
  const admin = new KafkajsClusterPort(tc.connection);
  try {
    await admin.createTopic({ name: 'orders.placed', partitions: 3, replicationFactor: 1, config: { 'retention.ms': '604800000', 'compression.type': 'zstd', 'max.message.bytes': '2097152' } });
    await admin.createTopic({ name: 'orders.audit', partitions: 1, replicationFactor: 1, config: { 'cleanup.policy': 'compact,delete', 'retention.ms': '-1' } });
    await admin.createTopic({ name: 'payments', partitions: 3, replicationFactor: 1 });
    await admin.createTopic({ name: '_private', partitions: 1, replicationFactor: 1 });
    const role = deriveServiceAcls({ name: 'checkout', principal: 'User:checkout', produces: ['orders.placed'], consumes: ['payments'], group: 'checkout', host: '*' });
    const raw: AclBinding[] = [
      { principal: 'User:ops', host: '*', operation: 'DescribeConfigs', permission: 'allow', resourceType: 'topic', resourceName: 'orders.', patternType: 'prefixed' },
      { principal: 'User:ops', host: '*', operation: 'Describe', permission: 'allow', resourceType: 'cluster', resourceName: 'kafka-cluster', patternType: 'literal' },
    ];
    await admin.createAcls([...role.map(({ origin: _o, ...a }) => a), ...raw]);
  } finally {
    await admin.close();
  }
});

afterAll(async () => {
  await tc?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('kafkaform import on a real cluster', () => {
  it('writes a topics.yaml that validates and is in sync with the cluster', async () => {
    const r = cli(['import', '-b', servers, '-o', 'topics.yaml', '--name', 'shop']);
    expect(r.stderr).not.toMatch(/error/);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/wrote topics\.yaml: 3 topic\(s\), 8 ACL binding\(s\) as 1 service\(s\) and 2 raw acls entries/);
    const text = readFileSync(join(dir, 'topics.yaml'), 'utf8');
    expect(text).toContain('retention: 1w');
    expect(text).toContain('max.message.bytes: 2MiB');
    expect(text).not.toContain('_private');

    const v = cli(['validate', '-f', 'topics.yaml']);
    expect(v.code).toBe(0);

    const spec = requireEnvironment(readManifest(join(dir, 'topics.yaml')));
    expect(spec.services.map((s) => [s.name, s.produces, s.consumes])).toEqual([['checkout', ['orders.placed'], ['payments']]]);
    const report = await collectDrift(spec, tc.connection);
    expect(report.drift).toEqual([]);
    expect(report.inSync).toBe(true);

    const d = cli(['drift', '-f', 'topics.yaml']);
    expect(d.code).toBe(0);
  });

  it('refuses to overwrite an existing file unless --force', () => {
    writeFileSync(join(dir, 'keep.yaml'), 'mine\n');
    const r = cli(['import', '-b', servers, '-o', 'keep.yaml']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/keep\.yaml already exists: nothing was written/);
    expect(readFileSync(join(dir, 'keep.yaml'), 'utf8')).toBe('mine\n');
    const f = cli(['import', '-b', servers, '-o', 'keep.yaml', '--force', '--env', 'prod']);
    expect(f.code).toBe(0);
    const spec = requireEnvironment(readManifest(join(dir, 'keep.yaml')), 'prod');
    expect(spec.cluster.bootstrapServers).toEqual(tc.cluster.bootstrapServers);
  });
});
