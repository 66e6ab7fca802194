/**
 * deploy with a schema registry: the example's Kafka resources through real terraform, its event
 * schemas registered in a real registry (AxonOps, built from its Go module), and drift covering
 * subjects changed behind kafkaform's back.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { startSchemaRegistry, type RunningSchemaRegistry } from '../../src/dev/schema-registry.js';
import { SchemaRegistryClient } from '../../src/registry/registry-client.js';
import { scratchProject, startTestCluster, type TestCluster } from './helpers.js';

const root = join(import.meta.dirname, '..', '..');
let tc: TestCluster;
let registry: RunningSchemaRegistry;
let project: ReturnType<typeof scratchProject>;
let registryDir: string;

async function cli(argv: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  try {
    return { code: await main(argv), out };
  } finally {
    spy.mockRestore();
  }
}

beforeAll(async () => {
  tc = await startTestCluster({ brokers: 1 });
  registryDir = mkdtempSync(join(tmpdir(), 'kf-sr-'));
  registry = await startSchemaRegistry({ dataDir: registryDir });
  project = scratchProject(`${readFileSync(join(root, 'topics.yaml'), 'utf8')}\nschemaRegistry:\n  url: ${registry.url}\n`);
});
afterAll(async () => {
  await registry?.stop();
  if (registryDir) rmSync(registryDir, { recursive: true, force: true });
  project?.cleanup();
  await tc?.stop();
});

describe('deploy registers event schemas; drift sees subject changes', () => {
  const common = () => ['-f', project.file, '--env', 'dev', '--bootstrap-servers', tc.cluster.bootstrapServers.join(','), '--quiet'];

  it('deploy creates the topics and registers every declared subject', async () => {
    const r = await cli(['deploy', ...common(), '--auto-approve', '--out', project.outdir, '--state-dir', project.dir, '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.applied).toBe(true);
    expect(j.schemas.registered.map((x: { subject: string }) => x.subject).sort()).toEqual(['orders.placed-key', 'orders.placed-value', 'payments.completed-value', 'shipping.dispatched-value']);
    const client = new SchemaRegistryClient({ url: registry.url });
    expect((await client.listSubjects()).sort()).toEqual(['orders.placed-key', 'orders.placed-value', 'payments.completed-value', 'shipping.dispatched-value']);
  });

  it('drift is in sync right after, and reports a compatibility level changed behind its back', async () => {
    expect((await cli(['drift', ...common(), '--format', 'json'])).code).toBe(0);
    await new SchemaRegistryClient({ url: registry.url }).setSubjectCompatibility('payments.completed-value', 'NONE');
    const r = await cli(['drift', ...common(), '--format', 'json']);
    expect(r.code).toBe(2);
    const j = JSON.parse(r.out);
    expect(j.drift).toEqual([{ resource: 'schema', name: 'payments.completed-value', kind: 'changed', field: 'compatibility', expected: 'BACKWARD', actual: 'NONE' }]);
    expect(j.checked.subjects).toBe(4);
    expect(j.notChecked.some((n: { resource: string }) => n.resource === 'schema')).toBe(false);
  });
});
