/**
 * Brownfield adoption on a real broker whose topics and ACLs were made by Kafka's own tools
 * (TopicCommand, AclCommand, ConfigCommand from the jars kafkaform fetches), not by kafkaform:
 * import → validate → plan (imports only) → deploy → plan (no changes) → delete the state → plan
 * (imports only) → deploy → drift in sync; then a throttle set by hand is neither drift nor planned
 * away, and survives a deploy that changes the topic.
 * Users and a quota made with ConfigCommand are imported too; finally a quota changed, a user deleted
 * and one added by hand are exactly the drift (with a throttle set by hand, which is not).
 * The same sequence runs on a SASL_PLAINTEXT/SCRAM cluster with the authorizer on, every command and
 * tool logged in as its admin (the throttle-survives-a-deploy step runs on plaintext only, to save a deploy).
 * validate is live (--bootstrap-servers): a misspelt config key is an error naming the broker's key.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { collectLiveState } from '../../src/cluster/collect.js';
import { assertJava } from '../../src/dev/kafka-dist.js';
import { renderJvmArgs, scramJaasConfig } from '../../src/dev/cluster/server-properties.js';
import { requireState, writeSecretFile } from '../../src/dev/cluster/state-file.js';
import { joinTail, runCommandSettled } from '../../src/os/run-command.js';
import type { KafkaformPlan } from '../../src/plan/risk.js';
import { scratchProject, startTestCluster, type TestCluster } from './helpers.js';

describe.each([{ sasl: false }, { sasl: true }])('brownfield: a cluster made by Kafka’s own tools (sasl: $sasl)', ({ sasl }) => {
  let tc: TestCluster;
  let project: ReturnType<typeof scratchProject>;
  let servers: string;

  /** Runs one of Kafka's command-line tools (a main class in the fetched jars) against the test broker, as its admin on SASL; C1 only, as the tools run briefly. */
  async function kafkaTool(mainClass: string, args: string[]): Promise<void> {
    const state = requireState(tc.dataDir);
    const commandConfig = join(tc.dataDir, 'brownfield-admin.properties');
    writeSecretFile(
      commandConfig,
      state.sasl ? `security.protocol=SASL_PLAINTEXT\nsasl.mechanism=SCRAM-SHA-512\nsasl.jaas.config=${scramJaasConfig(state.sasl.username, state.sasl.password)}\n` : 'security.protocol=PLAINTEXT\n',
    );
    const r = await runCommandSettled(
      assertJava(),
      [...renderJvmArgs(state, 1, 256, true), '-XX:TieredStopAtLevel=1', mainClass, '--bootstrap-server', servers, '--command-config', commandConfig, ...args],
      { timeoutMs: 60_000, secrets: state.sasl ? [state.sasl.password] : [] },
    );
    if (r.exitCode !== 0) throw new Error(`${mainClass} ${args.join(' ')} failed (${r.exitCode}): ${joinTail(r.tail, 10)}`);
  }
  const major = () => (requireState(tc.dataDir).kafkaVersion.startsWith('3') ? 3 : 4);
  const topicCommand = (args: string[]) => kafkaTool('org.apache.kafka.tools.TopicCommand', args);
  const aclCommand = (args: string[]) => kafkaTool(major() >= 4 ? 'org.apache.kafka.tools.AclCommand' : 'kafka.admin.AclCommand', args);
  const configCommand = (args: string[]) => kafkaTool('kafka.admin.ConfigCommand', args);
  /** A SCRAM user made with ConfigCommand; the password goes through a file, never argv. */
  async function scramUser(name: string, mechanism: string): Promise<void> {
    const file = join(project.dir, `${name}.properties`);
    writeFileSync(file, `${mechanism}=password=${name}-secret\n`, { mode: 0o600 });
    await configCommand(['--alter', '--entity-type', 'users', '--entity-name', name, '--add-config-file', file]);
    rmSync(file);
  }

  async function cli(args: string[], opts: { file?: boolean } = {}): Promise<{ code: number; stdout: string; stderr: string }> {
    let stdout = '';
    let stderr = '';
    const out = process.stdout.write.bind(process.stdout);
    const err = process.stderr.write.bind(process.stderr);
    process.stdout.write = ((s: string) => ((stdout += s), true)) as typeof process.stdout.write;
    process.stderr.write = ((s: string) => ((stderr += s), true)) as typeof process.stderr.write;
    // On SASL every command logs in as the cluster's admin: the user from the flag, the password only from the environment.
    const login = requireState(tc.dataDir).sasl;
    const saved = process.env.KAFKAFORM_SASL_PASSWORD;
    if (login) process.env.KAFKAFORM_SASL_PASSWORD = login.password;
    try {
      const fileArgs = opts.file === false ? [] : ['-f', project.file];
      const code = await main([...args, ...fileArgs, '--quiet', '--no-color', '--bootstrap-servers', servers, ...(login ? ['--sasl-username', login.username] : [])]);
      return { code, stdout, stderr };
    } finally {
      process.stdout.write = out;
      process.stderr.write = err;
      if (saved === undefined) delete process.env.KAFKAFORM_SASL_PASSWORD;
      else process.env.KAFKAFORM_SASL_PASSWORD = saved;
    }
  }
  const where = () => ['--state-dir', project.dir];
  async function plan(): Promise<{ code: number; plan: KafkaformPlan; stderr: string }> {
    const r = await cli(['plan', '--synth-dir', project.outdir, ...where(), '--format', 'json']);
    return { code: r.code, plan: r.stdout ? (JSON.parse(r.stdout) as KafkaformPlan) : (undefined as never), stderr: r.stderr };
  }
  const deploy = () => cli(['deploy', '--out', project.outdir, ...where(), '--auto-approve']);
  const actions = (p: KafkaformPlan) => [...new Set(p.changes.map((c) => c.action))];

  beforeAll(async () => {
    tc = await startTestCluster({ brokers: 1, sasl });
    servers = tc.cluster.bootstrapServers.join(',');
    project = scratchProject('', { withSchemas: false });
    rmSync(project.file);
    await topicCommand(['--create', '--topic', 'shop.orders', '--partitions', '3', '--replication-factor', '1', '--config', 'retention.ms=86400000', '--config', 'cleanup.policy=delete']);
    await topicCommand(['--create', '--topic', 'shop.customers', '--partitions', '1', '--replication-factor', '1', '--config', 'cleanup.policy=compact']);
    await aclCommand(['--add', '--allow-principal', 'User:order-service', '--operation', 'Write', '--operation', 'Describe', '--topic', 'shop.orders']);
    await aclCommand(['--add', '--allow-principal', 'User:ops', '--operation', 'Describe', '--topic', 'shop.', '--resource-pattern-type', 'prefixed']);
    await scramUser('order-service', 'SCRAM-SHA-512');
    await scramUser('legacy', 'SCRAM-SHA-256');
    await configCommand(['--alter', '--entity-type', 'users', '--entity-name', 'order-service', '--add-config', 'producer_byte_rate=1048576']);
  }, 240_000);

  afterAll(async () => {
    await tc?.stop();
    project?.cleanup();
  }, 120_000);

  it('import writes a topics.yaml that validates', async () => {
    const r = await cli(['import', '-o', project.file, '--name', 'shop', '--kafka-version', String(major())], { file: false });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const text = readFileSync(project.file, 'utf8');
    expect(text).toContain('shop.orders');
    expect(text).toContain('shop.customers');
    expect(text).toMatch(/legacy:/);
    expect(text).toMatch(/producerByteRate/);
    // validate is live here (--bootstrap-servers): the keys are checked against the ones the broker reports.
    const valid = await cli(['validate']);
    expect(valid.stdout).not.toContain('live-config-keys-unread');
    expect(valid.code).toBe(0);
    const typo = join(project.dir, 'typo.yaml');
    writeFileSync(typo, text.replace(/^( +)retention: 1d$/m, '$1retention: 1d\n$1config:\n$1  retention.bytez: 1024'));
    const refused = await cli(['validate', '-f', typo], { file: false });
    expect(refused.code).toBe(1);
    expect(refused.stdout).toMatch(/typo\.yaml:\d+:\d+: error\[unknown-live-config\] topics\.shop\.orders\.config\.retention\.bytez: the broker at .* does not know the topic config "retention\.bytez"/);
    expect(refused.stdout).toContain('did you mean "retention.bytes"?');
    rmSync(typo);
  }, 120_000);

  it('plan adopts everything with imports and creates nothing; deploy takes it under Terraform; the next plan has no changes', async () => {
    const first = await plan();
    expect(first.code).toBe(2);
    expect(actions(first.plan)).toEqual(['import']);
    expect(first.plan.changes.filter((c) => c.resource === 'topic').map((c) => c.name).sort()).toEqual(['shop.customers', 'shop.orders']);
    expect(first.plan.changes.filter((c) => c.resource === 'acl')).toHaveLength(3);
    // The quota has no importer: its create writes the declared (= live) values, shown as an import.
    expect(first.plan.changes.filter((c) => c.resource === 'quota').map((c) => c.name)).toEqual(['user:order-service']);
    // Users without passwordFrom (as imported) are checked by drift, never put under Terraform.
    expect(first.plan.changes.filter((c) => c.resource === 'user')).toEqual([]);
    expect(first.plan.summary).toMatchObject({ import: 6, create: 0, update: 0, replace: 0, delete: 0 });

    const d = await deploy();
    expect(d.stderr).toBe('');
    expect(d.code).toBe(0);
    const again = await plan();
    expect(again.code).toBe(0);
    expect(again.plan.changes).toEqual([]);
  }, 300_000);

  it('a lost state recovers the same way: imports only, then in sync', async () => {
    rmSync(join(project.dir, 'terraform.default.tfstate'));
    const p = await plan();
    expect(p.code).toBe(2);
    expect(actions(p.plan)).toEqual(['import']);
    expect(p.plan.summary.import).toBe(6);
    expect((await deploy()).code).toBe(0);
    const drift = await cli(['drift']);
    expect(drift.stdout).toContain('in sync');
    expect(drift.code).toBe(0);
  }, 300_000);

  // On SASL the throttle is set with the last step's changes instead: the deploy it survives here is the plaintext run's.
  if (!sasl) it('a replication throttle set by hand is neither drift nor planned away', async () => {
    await configCommand(['--alter', '--entity-type', 'topics', '--entity-name', 'shop.orders', '--add-config', 'follower.replication.throttled.replicas=0:1,leader.replication.throttled.replicas=*']);
    const drift = await cli(['drift']);
    expect(drift.code).toBe(0);
    const p = await plan();
    expect(p.code).toBe(0);
    expect(p.plan.changes).toEqual([]);
    // A deploy that changes the topic keeps the throttle (the provider writes the whole config map back).
    const text = readFileSync(project.file, 'utf8');
    const edited = text.replace(/retention: 1d/, 'retention: 2d');
    expect(edited).not.toBe(text);
    writeFileSync(project.file, edited);
    const update = await plan();
    expect(update.plan.changes.map((c) => [c.action, c.name, c.changes.map((a) => a.attribute)])).toEqual([['update', 'shop.orders', ['config.retention.ms']]]);
    expect((await deploy()).code).toBe(0);
    const live = (await collectLiveState(tc.connection)).topics.find((t) => t.name === 'shop.orders')!;
    expect(live.config).toMatchObject({ 'retention.ms': '172800000', 'follower.replication.throttled.replicas': '0:1', 'leader.replication.throttled.replicas': '*' });
  }, 240_000);

  it('a quota changed, a user deleted and a user added by hand are exactly the drift (the throttle is not)', async () => {
    if (sasl) await configCommand(['--alter', '--entity-type', 'topics', '--entity-name', 'shop.orders', '--add-config', 'follower.replication.throttled.replicas=0:1,leader.replication.throttled.replicas=*']);
    await configCommand(['--alter', '--entity-type', 'users', '--entity-name', 'order-service', '--add-config', 'producer_byte_rate=2097152']);
    await configCommand(['--alter', '--entity-type', 'users', '--entity-name', 'legacy', '--delete-config', 'SCRAM-SHA-256']);
    await scramUser('newcomer', 'SCRAM-SHA-512');
    const r = await cli(['drift', '--format', 'json']);
    expect(r.code).toBe(2);
    const report = JSON.parse(r.stdout) as { drift: Array<{ resource: string; kind: string; name: string }> };
    expect(report.drift.map((d) => `${d.kind} ${d.resource} ${d.name}`).sort()).toEqual([
      expect.stringMatching(/^changed quota .*order-service/),
      'missing user legacy',
      'unmanaged user newcomer',
    ]);
  }, 180_000);
});
