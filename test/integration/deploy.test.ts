/**
 * The walking skeleton, for real: the repository's own topics.yaml deployed through real
 * terraform and the real Mongey/kafka provider to a real KRaft broker, read back with kafkajs.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aclKey } from '../../src/acl/derive.js';
import { KafkajsClusterPort } from '../../src/cluster/kafkajs-adapter.js';
import { collectClusterState } from '../../src/cluster/collect.js';
import { deployStack } from '../../src/deploy/deploy-stack.js';
import { readManifest, requireEnvironment } from '../../src/manifest/validate.js';
import { main } from '../../src/cli/main.js';
import { scratchProject, startTestCluster, type TestCluster } from './helpers.js';

const example = readFileSync(join(import.meta.dirname, '..', '..', 'topics.yaml'), 'utf8');

describe('deploy the example topics.yaml to a real broker with real terraform', () => {
  let tc: TestCluster;
  let project: ReturnType<typeof scratchProject>;

  beforeAll(async () => {
    tc = await startTestCluster({ brokers: 1 });
    project = scratchProject(example);
  });
  afterAll(async () => {
    await tc?.stop();
    project?.cleanup();
  });

  const spec = () => requireEnvironment(readManifest(project.file), 'dev');
  const deploy = () =>
    deployStack({
      spec: spec(),
      outdir: project.outdir,
      stateDir: project.dir,
      autoApprove: true,
      connection: { bootstrapServers: tc.cluster.bootstrapServers.join(',') },
    });

  it('creates every topic and ACL, verified through kafkajs', async () => {
    const r = await deploy();
    expect(r.applied).toBe(true);
    expect(r.changes.every((c) => c.action === 'create')).toBe(true);

    const port = new KafkajsClusterPort(tc.connection);
    try {
      const live = await collectClusterState(port);
      const s = spec();
      for (const t of s.topics) {
        const got = live.topics.find((x) => x.name === t.name);
        expect(got, `topic ${t.name}`).toBeDefined();
        expect(got!.partitions).toBe(t.partitions);
        expect(got!.replicationFactor).toBe(t.replicationFactor);
        expect(got!.config).toEqual(t.config);
      }
      expect(live.topics.find((t) => t.name === 'orders.placed')!.config).toMatchObject({
        'compression.type': 'zstd',
        'max.message.bytes': '1048576',
        'retention.ms': String(7 * 86_400_000),
      });
      expect(live.topics.find((t) => t.name === 'inventory.stock-levels')!.config['cleanup.policy']).toBe('compact');
      expect(live.topics.find((t) => t.name === 'orders.placed.dlq')).toBeDefined();
      const liveAcls = new Set(live.acls.map(aclKey));
      const wanted = s.acls.map(aclKey);
      expect(wanted.length).toBeGreaterThan(40);
      for (const k of wanted) expect(liveAcls.has(k), k).toBe(true);
      expect(live.acls.length).toBe(wanted.length);
    } finally {
      await port.close();
    }
  });

  it('a second deploy plans no changes (no perpetual diff from broker defaults)', async () => {
    const r = await deploy();
    expect(r.hasChanges).toBe(false);
    expect(r.changes).toEqual([]);
    expect(r.applied).toBe(false);
  });

  it('the CLI deploys with --bootstrap-servers and reports no changes, exit 0', async () => {
    let out = '';
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((s: string) => ((out += s), true)) as typeof process.stdout.write;
    let code: number;
    try {
      code = await main(['deploy', '-f', project.file, '--env', 'dev', '--auto-approve', '--quiet', '--bootstrap-servers', tc.cluster.bootstrapServers.join(','), '--out', project.outdir, '--state-dir', project.dir, '--json']);
    } finally {
      process.stdout.write = write;
    }
    expect(code).toBe(0);
    const j = JSON.parse(out);
    expect(j.applied).toBe(false);
    expect(j.live.topics.map((t: { name: string }) => t.name)).toContain('orders.placed');
  });

  it('synthesized files never contain a secret', async () => {
    const text = readFileSync(join(project.outdir, 'stacks', 'dev', 'cdk.tf.json'), 'utf8');
    expect(text).toContain('"sensitive": true');
    expect(text).not.toMatch(/"sasl_password":\s*"[^$]/);
  });
});
