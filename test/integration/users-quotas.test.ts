/**
 * SCRAM users and client quotas on a real broker, made with Kafka's own kafka-configs
 * (kafka.admin.ConfigCommand from the fetched jars), not by kafkaform: the @platformatic/kafka port
 * reads them exactly (user, client-id, user + client-id and default entities; mechanisms and
 * iterations), `import` writes them, and drift reports a changed quota, a deleted user and an added
 * user exactly once each. On a plaintext cluster and on a SASL/SCRAM one with ACLs on, where a
 * principal without DescribeConfigs on the cluster gets a partial read that drift refuses unless
 * --allow-partial.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { collectLiveState } from '../../src/cluster/collect.js';
import { PlatformaticClusterPort } from '../../src/cluster/platformatic-adapter.js';
import type { ClusterState } from '../../src/cluster/port.js';
import { createDevScramUser } from '../../src/dev/cluster/scram-users.js';
import { renderJvmArgs, scramJaasConfig } from '../../src/dev/cluster/server-properties.js';
import { requireState, writeSecretFile } from '../../src/dev/cluster/state-file.js';
import { assertJava } from '../../src/dev/kafka-dist.js';
import { collectDrift } from '../../src/drift/collect-drift.js';
import { computeImport } from '../../src/importer/compute-import.js';
import type { ResolvedSpec } from '../../src/manifest/types.js';
import { joinTail, runCommandSettled } from '../../src/os/run-command.js';
import { specFromYaml } from '../helpers/spec-builder.js';
import { startTestCluster, type TestCluster } from './helpers.js';

/** Reads until `ok` holds (bounded): the broker applies a kafka-configs change a moment after the tool returns. */
async function eventually<T>(read: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (ok(v) || Date.now() > until) return v;
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe.each([{ sasl: false }, { sasl: true }])('SCRAM users and quotas made by kafka-configs (sasl: $sasl)', ({ sasl }) => {
  let tc: TestCluster;
  let work: string;
  let spec: ResolvedSpec;

  /** kafka-configs against the test broker, as its admin (a 0600 command-config file on SASL). */
  async function kafkaConfigs(args: string[]): Promise<void> {
    const state = requireState(tc.dataDir);
    const commandConfig = join(work, 'admin.properties');
    writeSecretFile(
      commandConfig,
      state.sasl ? `security.protocol=SASL_PLAINTEXT\nsasl.mechanism=SCRAM-SHA-512\nsasl.jaas.config=${scramJaasConfig(state.sasl.username, state.sasl.password)}\n` : 'security.protocol=PLAINTEXT\n',
    );
    const r = await runCommandSettled(
      assertJava(),
      [...renderJvmArgs(state, 1, 256, true), 'kafka.admin.ConfigCommand', '--bootstrap-server', state.bootstrapServers.join(','), '--command-config', commandConfig, '--alter', ...args],
      { timeoutMs: 60_000, secrets: state.sasl ? [state.sasl.password] : [] },
    );
    if (r.exitCode !== 0) throw new Error(`kafka-configs --alter ${args.join(' ')} failed (${r.exitCode}): ${joinTail(r.tail, 10)}`);
  }
  const read = (connection = tc.connection) => collectLiveState(connection, { timeoutMs: 20_000 });
  const others = (s: ClusterState) => s.users?.filter((u) => u.name !== 'admin');

  beforeAll(async () => {
    tc = await startTestCluster({ sasl });
    work = mkdtempSync(join(tc.dataDir, 'uq-'));
    await kafkaConfigs(['--entity-type', 'users', '--entity-name', 'alice', '--add-config', 'SCRAM-SHA-512=[iterations=8192,password=alice-secret]']);
    await kafkaConfigs(['--entity-type', 'users', '--entity-name', 'bob', '--add-config', 'SCRAM-SHA-256=[password=bob-secret]']);
    await kafkaConfigs(['--entity-type', 'users', '--entity-name', 'alice', '--add-config', 'producer_byte_rate=1048576,consumer_byte_rate=2097152']);
    await kafkaConfigs(['--entity-type', 'clients', '--entity-name', 'reporting', '--add-config', 'request_percentage=50']);
    await kafkaConfigs(['--entity-type', 'users', '--entity-default', '--add-config', 'producer_byte_rate=10485760']);
    await kafkaConfigs(['--entity-type', 'users', '--entity-name', 'alice', '--entity-type', 'clients', '--entity-name', 'app', '--add-config', 'consumer_byte_rate=1024']);
  }, 240_000);

  afterAll(async () => {
    await tc?.stop();
  }, 120_000);

  it('reads every user with its mechanism and iterations, and every quota entity with its limits, exactly', async () => {
    const s = await eventually(read, (x) => x.quotas?.length === 4 && others(x)?.length === 2);
    expect(others(s)).toEqual([
      { name: 'alice', credentials: [{ mechanism: 'SCRAM-SHA-512', iterations: 8192 }] },
      { name: 'bob', credentials: [{ mechanism: 'SCRAM-SHA-256', iterations: 4096 }] },
    ]);
    expect(s.quotas).toEqual([
      { clientId: 'reporting', requestPercentage: 50 },
      { user: '<default>', producerByteRate: 10485760 },
      { user: 'alice', producerByteRate: 1048576, consumerByteRate: 2097152 },
      { user: 'alice', clientId: 'app', consumerByteRate: 1024 },
    ]);
    expect(s.notChecked).toEqual([]);
  });

  it('import writes them; drift on the written file is in sync but for the user + client-id quota it cannot express', async () => {
    const state = await read();
    const r = computeImport(state, { clusterName: 'uq', bootstrapServers: tc.connection.bootstrapServers });
    expect(r.skipped).toEqual([expect.stringMatching(/^quota user=alice,client-id=app \(a user \+ client-id quota has no form/)]);
    spec = specFromYaml(r.text).resolve();
    expect(spec.users.filter((u) => u.name !== 'admin').map((u) => [u.name, u.mechanism, u.iterations, u.passwordFrom])).toEqual([
      ['alice', 'SCRAM-SHA-512', 8192, undefined],
      ['bob', 'SCRAM-SHA-256', 4096, undefined],
    ]);
    const report = await collectDrift(spec, tc.connection);
    expect(report.drift.map((d) => [d.resource, d.name, d.kind])).toEqual([['quota', 'user=alice,client-id=app', 'unmanaged']]);
    expect(report.partial).toBe(false);
    expect(report.notChecked.map((n) => n.code)).toEqual(['never-returned']);
  });

  it('drift reports a changed quota, a deleted user and an added user exactly once each', async () => {
    await kafkaConfigs(['--entity-type', 'users', '--entity-name', 'alice', '--entity-type', 'clients', '--entity-name', 'app', '--delete-config', 'consumer_byte_rate']);
    await kafkaConfigs(['--entity-type', 'users', '--entity-name', 'alice', '--add-config', 'producer_byte_rate=4096']);
    await kafkaConfigs(['--entity-type', 'users', '--entity-name', 'bob', '--delete-config', 'SCRAM-SHA-256']);
    await kafkaConfigs(['--entity-type', 'users', '--entity-name', 'carol', '--add-config', 'SCRAM-SHA-512=[password=carol-secret]']);
    const report = await eventually(
      () => collectDrift(spec, tc.connection),
      (r) => r.drift.length === 3,
    );
    expect(report.drift).toEqual([
      { resource: 'user', name: 'bob', kind: 'missing', expected: { mechanism: 'SCRAM-SHA-256', iterations: 4096 } },
      { resource: 'user', name: 'carol', kind: 'unmanaged', actual: { credentials: [{ mechanism: 'SCRAM-SHA-512', iterations: 4096 }] } },
      { resource: 'quota', name: 'user=alice', kind: 'changed', field: 'producerByteRate', expected: 1048576, actual: 4096 },
    ]);
  });

  // Only the SASL cluster has an authorizer to refuse anything.
  if (sasl) it('a principal without DescribeConfigs on the cluster gets a partial read: drift exits 1 naming it, 2 with --allow-partial', async () => {
    await createDevScramUser(tc.cluster, 'auditor', 'auditor-secret');
    const admin = new PlatformaticClusterPort(tc.connection);
    try {
      await admin.createTopic({ name: 'audit.visible', partitions: 1, replicationFactor: 1, config: { 'retention.ms': '3600000' } });
      await admin.createTopic({ name: 'audit.hidden', partitions: 1, replicationFactor: 1 });
      const grant = (resourceType: 'cluster' | 'topic', resourceName: string, operation: 'Describe' | 'DescribeConfigs', patternType: 'literal' | 'prefixed' = 'literal') =>
        ({ principal: 'User:auditor', host: '*', permission: 'allow', resourceType, resourceName, operation, patternType }) as const;
      await admin.createAcls([grant('cluster', 'kafka-cluster', 'Describe'), grant('topic', 'audit.', 'Describe', 'prefixed'), grant('topic', 'audit.visible', 'DescribeConfigs')]);
    } finally {
      await admin.close();
    }
    const auditor = { bootstrapServers: tc.connection.bootstrapServers, sasl: { mechanism: 'scram-sha512' as const, username: 'auditor', password: 'auditor-secret' } };
    const s = await eventually(
      () => read(auditor).catch(() => undefined),
      (x) => (x?.topics.length ?? 0) === 2,
    );
    expect(s?.notChecked.map((n) => [n.resource, n.code])).toEqual([
      ['topic-config', 'unauthorized'],
      ['quota', 'unauthorized'],
    ]);
    expect(s?.topics.find((t) => t.name === 'audit.visible')?.config).toEqual({ 'retention.ms': '3600000' });
    expect(s?.users?.map((u) => u.name)).toContain('alice');

    const file = join(work, 'audit.yaml');
    writeFileSync(file, `version: 1\ncluster: { name: audit, brokers: 1 }\ndefaults: { partitions: 1, replicationFactor: 1 }\npolicy: { managedPrefixes: ['audit.'] }\ntopics:\n  audit.visible: { retention: 1h }\n  audit.hidden: {}\n`);
    const run = async (extra: string[]) => {
      let stdout = '';
      let stderr = '';
      const out = process.stdout.write.bind(process.stdout);
      const err = process.stderr.write.bind(process.stderr);
      process.stdout.write = ((x: string) => ((stdout += x), true)) as typeof process.stdout.write;
      process.stderr.write = ((x: string) => ((stderr += x), true)) as typeof process.stderr.write;
      const saved = process.env.KAFKAFORM_SASL_PASSWORD;
      process.env.KAFKAFORM_SASL_PASSWORD = 'auditor-secret';
      try {
        const code = await main(['drift', '-f', file, '--quiet', '--no-color', '-b', tc.connection.bootstrapServers.join(','), '--sasl-username', 'auditor', ...extra]);
        return { code, stdout, stderr };
      } finally {
        process.stdout.write = out;
        process.stderr.write = err;
        if (saved === undefined) delete process.env.KAFKAFORM_SASL_PASSWORD;
        else process.env.KAFKAFORM_SASL_PASSWORD = saved;
      }
    };
    const refused = await run([]);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toMatch(/not checked: topic-config: the configs of 1 topic\(s\) could not be read \(audit\.hidden\): DescribeConfigs was refused/);
    expect(refused.stdout).toMatch(/not checked: quota: client quotas could not be read: the broker refused/);
    expect(refused.stderr).toMatch(/error: the cluster could not be read fully \(topic-config, quota\)/);
    expect(refused.stderr).not.toContain('auditor-secret');
    const allowed = await run(['--allow-partial']);
    // Only what could be read is compared: the auditor's own ACLs on audit.* are the drift; audit.hidden's unread configs are not.
    expect(allowed.code).toBe(2);
    expect(allowed.stdout).toMatch(/has 2 drift\(s\): 0 missing, 0 changed, 2 unmanaged \(2 topic\(s\), 0 ACL\(s\), 0 user\(s\), 0 quota\(s\) checked; partial read: topic configs, quotas not read\)/);
    expect(allowed.stdout).not.toMatch(/topic audit\./);
  }, 120_000);
});
