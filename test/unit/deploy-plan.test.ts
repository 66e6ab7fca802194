import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InMemoryClusterPort, type InMemoryClusterOptions } from '../../src/cluster/in-memory-cluster.js';
import { DEFAULT_PARALLELISM, deployStack, planStack, terraformRunOptions, type DeployOptions } from '../../src/deploy/deploy-stack.js';
import { parseParallelism } from '../../src/cli/commands/plan.js';
import type { TerraformPort } from '../../src/deploy/terraform-port.js';
import { IMPORTS_FILE } from '../../src/synth/import-blocks.js';
import { computePlanSkip, type TerraformStateJson } from '../../src/plan/compute-refresh.js';
import { readLocalState } from '../../src/deploy/local-state.js';
import { initStack } from '../../src/deploy/init-cache.js';
import { TerraformError, UserError } from '../../src/errors.js';
import type { Toolchain } from '../../src/toolchain/provider.js';
import { specFromYaml } from '../helpers/spec-builder.js';

const SPEC = `
version: 1
cluster: { name: shop, bootstrapServers: ['127.0.0.1:9092'], brokers: 1 }
defaults: { partitions: 3, replicationFactor: 1 }
topics:
  orders: { retention: 7d }
  payments: {}
users:
  app: { mechanism: SCRAM-SHA-512, passwordFrom: env:APP_PASSWORD }
`;

const PASSWORD = 's3cret-app-password';

const TOOLCHAIN: Toolchain = {
  terraform: { path: '/nonexistent/terraform', version: '1.11.4', flavor: 'terraform', platform: 'linux_amd64', supportsWriteOnly: true },
  providerSource: 'registry',
  cliConfigFile: undefined,
  providers: [],
  env: {},
};

/** A `terraform show -json` resource change, as terraform prints it. */
const topicChange = (actions: string[], before: Record<string, unknown> | null, after: Record<string, unknown> | null) => ({
  address: `kafka_topic.topic_${String((after ?? before)!.name)}`,
  type: 'kafka_topic',
  change: { actions, before, after },
});
const topic = (name: string, partitions: number, config: Record<string, string> = {}) => ({ name, partitions, replication_factor: 1, config });

/**
 * A scripted terraform: records every call, plans what the test says. `protectedDelete` makes the
 * real stack's plan fail the way prevent_destroy does, so planStack plans its unguarded copy.
 */
function scriptedTerraform(resourceChanges: unknown[], opts: { protectedDelete?: boolean; state?: string[]; stateResources?: unknown[] } = {}) {
  const calls: Array<{ op: string; dir: string; vars?: Record<string, string>; parallelism?: number; refresh?: boolean }> = [];
  const port: TerraformPort = {
    toolchain: async () => TOOLCHAIN,
    init: async (dir, _tc, o) => void calls.push({ op: 'init', dir, vars: o.vars }),
    plan: async (dir, _tc, o) => {
      calls.push({ op: 'plan', dir, vars: o.vars, parallelism: o.parallelism, refresh: o.refresh });
      if (opts.protectedDelete && !dir.includes('.kafkaform-plan-only')) {
        throw new TerraformError('terraform plan', 1, ['Error: Instance cannot be destroyed', 'Resource kafka_topic.topic_payments has lifecycle.prevent_destroy set']);
      }
      return { exitCode: resourceChanges.length > 0 ? 2 : 0, planFile: join(dir, 'kafkaform.tfplan') };
    },
    showState: async () => ({ values: { root_module: { resources: opts.stateResources ?? (opts.state ?? []).map((address) => ({ address, type: 'kafka_topic', values: {} })) } } }),
    show: async (dir) => (calls.push({ op: 'show', dir }), { format_version: '1.2', resource_changes: resourceChanges }),
    apply: async (dir, _tc, o) => void calls.push({ op: `apply ${o.planFile}`, dir, vars: o.vars }),
  };
  return { port, calls, ops: () => calls.map((c) => c.op) };
}

let work: string;
beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'kafkaform-deploy-plan-'));
});
afterEach(() => rmSync(work, { recursive: true, force: true }));

function options(cluster: InMemoryClusterOptions, terraform: TerraformPort, over: Partial<DeployOptions> = {}): DeployOptions {
  return {
    spec: specFromYaml(SPEC).resolve(),
    outdir: join(work, 'cdktf.out'),
    stateDir: join(work, 'state'),
    env: { APP_PASSWORD: PASSWORD },
    ports: () => new InMemoryClusterPort(cluster),
    terraform,
    ...over,
  };
}

describe('planStack', () => {
  it('finds a partition decrease against the live cluster before terraform runs', async () => {
    const tf = scriptedTerraform([]);
    const p = await planStack(options({ topics: [{ name: 'orders', partitions: 6, replicationFactor: 1 }] }, tf.port));
    expect(p.kafkaformPlan.errors).toHaveLength(1);
    expect(p.kafkaformPlan.errors[0]).toMatchObject({ code: 'partition-decrease', resource: 'topic orders' });
    expect(p.kafkaformPlan.errors[0]!.message).toMatch(/6 → 3|6.*3/);
    expect(p.applicable).toBe(false);
    expect(tf.ops()).toEqual([]);
    expect(p.live).toEqual([{ name: 'orders', partitions: 6, replicationFactor: 1, config: {} }]);
  });

  it('reports no changes when terraform plans none, and the plan is applicable', async () => {
    const tf = scriptedTerraform([]);
    const p = await planStack(options({ topics: [{ name: 'orders', partitions: 3, replicationFactor: 1, config: { 'retention.ms': '604800000' } }, { name: 'payments', partitions: 3, replicationFactor: 1 }] }, tf.port));
    expect(p.hasChanges).toBe(false);
    expect(p.changes).toEqual([]);
    expect(p.kafkaformPlan.summary).toMatchObject({ destructive: 0, risky: 0, safe: 0 });
    expect(p.applicable).toBe(true);
    expect(tf.ops()).toEqual(['init', 'plan', 'show']);
  });

  it('labels planned creates safe on an empty cluster', async () => {
    const tf = scriptedTerraform([topicChange(['create'], null, topic('orders', 3)), topicChange(['create'], null, topic('payments', 3))]);
    const p = await planStack(options({}, tf.port));
    expect(p.hasChanges).toBe(true);
    expect(p.kafkaformPlan.changes.map((c) => [c.name, c.action, c.risk])).toEqual([
      ['orders', 'create', 'safe'],
      ['payments', 'create', 'safe'],
    ]);
    expect(p.applicable).toBe(true);
  });

  it('turns a deletion prevent_destroy refuses into a policy violation, planned on an unguarded copy that is never applicable', async () => {
    const tf = scriptedTerraform([topicChange(['delete'], topic('payments', 3), null)], { protectedDelete: true });
    const p = await planStack(options({ topics: [{ name: 'payments', partitions: 3, replicationFactor: 1 }] }, tf.port));
    expect(p.kafkaformPlan.violations.map((v) => [v.change, v.policyKey])).toEqual([['delete topic payments', 'policy.allowTopicDeletion']]);
    expect(p.applicable).toBe(false);
    expect(tf.ops()).toEqual(['init', 'plan', 'init', 'plan', 'show']);
    expect(tf.calls[2]!.dir).toMatch(/\.kafkaform-plan-only/);
  });

  it('adopts declared topics that exist on the cluster but not in the state with import blocks, and shows import then update', async () => {
    const importing = {
      ...topicChange(['update'], topic('orders', 3, { 'retention.ms': '86400000' }), topic('orders', 3, { 'retention.ms': '604800000' })),
    };
    importing.change = { ...importing.change, importing: { id: 'orders' } } as typeof importing.change;
    const tf = scriptedTerraform([importing], { state: ['kafka_topic.topic_payments'] });
    const cluster = { topics: [{ name: 'orders', partitions: 3, replicationFactor: 1, config: { 'retention.ms': '86400000' } }, { name: 'payments', partitions: 3, replicationFactor: 1 }, { name: 'other', partitions: 1, replicationFactor: 1 }] };
    const p = await planStack(options(cluster, tf.port));
    expect(p.adoption.imports).toEqual([{ to: 'kafka_topic.topic_orders', id: 'orders' }]);
    const blocks = JSON.parse(readFileSync(join(p.stackDir, IMPORTS_FILE), 'utf8')) as unknown;
    expect(blocks).toEqual({ import: [{ to: 'kafka_topic.topic_orders', id: 'orders' }] });
    expect(p.kafkaformPlan.changes.map((c) => [c.name, c.action])).toEqual([
      ['orders', 'import'],
      ['orders', 'update'],
    ]);
    expect(p.kafkaformPlan.summary).toMatchObject({ import: 1, update: 1, create: 0 });
    // Once the state holds it, the import file goes away.
    const again = await planStack(options(cluster, scriptedTerraform([], { state: ['kafka_topic.topic_orders', 'kafka_topic.topic_payments'] }).port));
    expect(again.adoption.imports).toEqual([]);
    expect(existsSync(join(again.stackDir, IMPORTS_FILE))).toBe(false);
  });

  it('skips terraform’s refresh only when the live read proves the state equal to the cluster', async () => {
    const stateTopic = (name: string, config: Record<string, string>) => ({ address: `kafka_topic.topic_${name}`, type: 'kafka_topic', values: { name, partitions: 3, replication_factor: 1, config } });
    const cluster = { topics: [{ name: 'orders', partitions: 3, replicationFactor: 1, config: { 'retention.ms': '604800000' } }, { name: 'payments', partitions: 3, replicationFactor: 1 }] };
    const equal = scriptedTerraform([], { stateResources: [stateTopic('orders', { 'retention.ms': '604800000' }), stateTopic('payments', {})] });
    const p = await planStack(options(cluster, equal.port));
    expect(p.refresh).toEqual({ skip: true, reason: "kafkaform's live read matches all 2 resources in the state" });
    expect(equal.calls.find((c) => c.op === 'plan')!.refresh).toBe(false);
    const changed = scriptedTerraform([], { stateResources: [stateTopic('orders', { 'retention.ms': '86400000' }), stateTopic('payments', {})] });
    const q = await planStack(options(cluster, changed.port));
    expect(q.refresh).toEqual({ skip: false, reason: 'kafka_topic.topic_orders differs from the cluster' });
    expect(changed.calls.find((c) => c.op === 'plan')!.refresh).toBe(true);
  });

  it('plans with terraform -parallelism: the default, or the one asked for', async () => {
    const tf = scriptedTerraform([]);
    await planStack(options({}, tf.port));
    await planStack(options({}, tf.port, { parallelism: 32 }));
    expect(tf.calls.filter((c) => c.op === 'plan').map((c) => c.parallelism)).toEqual([DEFAULT_PARALLELISM, 32]);
    expect(parseParallelism('25')).toBe(25);
    for (const bad of ['0', '2.5', 'many', '1000']) expect(() => parseParallelism(bad)).toThrow(/--parallelism must be a whole number from 1 to 256/);
  });

  it('takes an unset retention to be the broker’s value when the cluster reports it', async () => {
    const tf = scriptedTerraform([]);
    const p = await planStack(options({ topicDefaults: { 'retention.ms': '86400000' } }, tf.port));
    expect(p.defaults).toEqual({ retentionMs: 86_400_000, source: 'broker' });
    const q = await planStack(options({}, scriptedTerraform([]).port));
    expect(q.defaults.source).toBe('kafka-default');
  });

  it('keeps the resolved secrets out of the plan value, but gives them to terraform', async () => {
    const tf = scriptedTerraform([topicChange(['create'], null, topic('orders', 3))]);
    const p = await planStack(options({}, tf.port));
    expect(JSON.stringify(p.kafkaformPlan)).not.toContain(PASSWORD);
    expect(Object.values(p).some((v) => JSON.stringify(v ?? null).includes(PASSWORD))).toBe(false);
    expect(Object.values(terraformRunOptions(p).vars ?? {})).toContain(PASSWORD);
    expect(tf.calls.find((c) => c.op === 'plan')!.vars).toEqual(terraformRunOptions(p).vars);
  });

  it('without servers and without an embedded-cluster starter, says where to connect', async () => {
    const spec = specFromYaml(SPEC.replace("bootstrapServers: ['127.0.0.1:9092'], ", '')).resolve();
    await expect(planStack(options({}, scriptedTerraform([]).port, { spec }))).rejects.toThrow(/names no bootstrap servers/);
  });

  it('starts the embedded cluster through the injected starter, asking for 3 brokers only when the spec says 3', async () => {
    const spec = specFromYaml(SPEC.replace("bootstrapServers: ['127.0.0.1:9092'], ", '')).resolve();
    const asked: unknown[] = [];
    const p = await planStack(
      options({}, scriptedTerraform([]).port, {
        spec,
        embedded: async (want) => (asked.push(want.brokers), { bootstrapServers: ['127.0.0.1:29092'], dataDir: join(work, 'embedded') }),
      }),
    );
    expect(asked).toEqual([undefined]);
    expect(p.connection.source).toBe('embedded');
    expect(p.connection.connection.bootstrapServers).toEqual(['127.0.0.1:29092']);
  });
});

/** One in-memory cluster shared by every port the factory hands out (each port's close() leaves it open). */
function unclosable(cluster: InMemoryClusterPort): InMemoryClusterPort {
  return new Proxy(cluster, {
    get: (target, key) => {
      if (key === 'close') return async () => undefined;
      const v = Reflect.get(target, key) as unknown;
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}

describe('deployStack', () => {
  it('applies the saved plan with the secrets, and returns a result without them', async () => {
    const tf = scriptedTerraform([topicChange(['create'], null, topic('orders', 3))]);
    const r = await deployStack(options({}, tf.port, { autoApprove: true, verify: false }));
    expect(r.applied).toBe(true);
    const apply = tf.calls.find((c) => c.op.startsWith('apply'))!;
    expect(apply.op).toBe(`apply ${join(apply.dir, 'kafkaform.tfplan')}`);
    expect(Object.values(apply.vars ?? {})).toContain(PASSWORD);
    expect(JSON.stringify(r)).not.toContain(PASSWORD);
  });

  it('refuses a partition decrease without running terraform', async () => {
    const tf = scriptedTerraform([]);
    await expect(deployStack(options({ topics: [{ name: 'orders', partitions: 6, replicationFactor: 1 }] }, tf.port, { autoApprove: true }))).rejects.toBeInstanceOf(UserError);
    expect(tf.ops()).toEqual([]);
  });

  it('makes many creates through the admin API, then applies the plan that imports them', async () => {
    const cluster = new InMemoryClusterPort({});
    const creates = [topicChange(['create'], null, topic('orders', 3, { 'retention.ms': '604800000' })), topicChange(['create'], null, topic('payments', 3))];
    // Terraform as it behaves: once the import blocks are there, the plan imports instead of creating.
    const tf = scriptedTerraform(creates);
    const port: TerraformPort = {
      ...tf.port,
      show: async (dir, ...rest) => {
        const imports = existsSync(join(dir, IMPORTS_FILE)) ? (JSON.parse(readFileSync(join(dir, IMPORTS_FILE), 'utf8')) as { import: Array<{ to: string; id: string }> }).import : [];
        if (imports.length === 0) return tf.port.show(dir, ...rest);
        tf.calls.push({ op: 'show', dir });
        return { resource_changes: creates.map((c) => ({ ...c, change: { ...c.change, actions: ['no-op'], before: c.change.after, importing: { id: String(c.change.after!.name) } } })) };
      },
    };
    const r = await deployStack(options({}, port, { autoApprove: true, verify: false, adminCreateThreshold: 2, ports: () => unclosable(cluster) }));
    expect((await cluster.listTopics()).sort()).toEqual(['orders', 'payments']);
    expect(tf.ops()).toEqual(['init', 'plan', 'show', 'init', 'plan', 'show', `apply ${join(r.stackDir, 'kafkaform.tfplan')}`]);
    expect(r.changes.map((c) => [c.name, c.action])).toEqual([
      ['orders', 'create'],
      ['payments', 'create'],
    ]);
    // Below the threshold, terraform creates them itself.
    const small = scriptedTerraform(creates);
    await deployStack(options({}, small.port, { autoApprove: true, verify: false, adminCreateThreshold: 3, ports: () => new InMemoryClusterPort({}) }));
    expect(small.ops()).toEqual(['init', 'plan', 'show', `apply ${join(r.stackDir, 'kafkaform.tfplan')}`]);
  });

  it('stops before terraform when the plan after the admin creates would create again', async () => {
    const cluster = new InMemoryClusterPort({});
    const tf = scriptedTerraform([topicChange(['create'], null, topic('orders', 3)), topicChange(['create'], null, topic('payments', 3))]);
    await expect(deployStack(options({}, tf.port, { autoApprove: true, verify: false, adminCreateThreshold: 1, ports: () => unclosable(cluster) }))).rejects.toThrow(/differs from the approved one \(create topic orders, create topic payments\)/);
    expect(tf.ops().some((o) => o.startsWith('apply'))).toBe(false);
  });

  it('adopts a topic that appeared after the live read (its create fails: already exists) by planning again, and applies that plan once', async () => {
    const cluster = new InMemoryClusterPort({});
    const creates = [topicChange(['create'], null, topic('orders', 3, { 'retention.ms': '604800000' })), topicChange(['create'], null, topic('payments', 3))];
    const importsIn = (dir: string) => (existsSync(join(dir, IMPORTS_FILE)) ? (JSON.parse(readFileSync(join(dir, IMPORTS_FILE), 'utf8')) as { import: Array<{ to: string }> }).import : []);
    const tf = scriptedTerraform(creates);
    let applies = 0;
    const port: TerraformPort = {
      ...tf.port,
      show: async (dir, ...rest) => {
        const imports = importsIn(dir);
        if (imports.length === 0) return tf.port.show(dir, ...rest);
        tf.calls.push({ op: 'show', dir });
        // payments was created by the failed apply (in the state now); orders is imported.
        return { resource_changes: [{ ...creates[0]!, change: { actions: ['no-op'], before: creates[0]!.change.after, after: creates[0]!.change.after, importing: { id: 'orders' } } }] };
      },
      apply: async (dir, tc, o) => {
        await tf.port.apply(dir, tc, o);
        if (applies++ > 0) return;
        // An interrupted run's CreateTopics lands after the live read: terraform's create then fails.
        await cluster.createTopic({ name: 'orders', partitions: 3, replicationFactor: 1, config: { 'retention.ms': '604800000' } });
        throw new TerraformError('terraform apply', 1, ['Error: kafka server: Topic with this name already exists', '  with kafka_topic.topic_orders,']);
      },
    };
    const progress: string[] = [];
    const r = await deployStack(options({}, port, { autoApprove: true, verify: false, ports: () => unclosable(cluster), onProgress: (l) => progress.push(l) }));
    expect(r.applied).toBe(true);
    expect(tf.ops()).toEqual(['init', 'plan', 'show', `apply ${join(r.stackDir, 'kafkaform.tfplan')}`, 'init', 'plan', 'show', `apply ${join(r.stackDir, 'kafkaform.tfplan')}`]);
    expect(importsIn(r.stackDir).map((i) => i.to)).toEqual(['kafka_topic.topic_orders']);
    expect(progress.some((l) => /^kafka_topic\.topic_orders exists now .*planning again to adopt it/.test(l))).toBe(true);
  });

  it('does not apply again when the plan after an already-exists failure holds a change that was not approved', async () => {
    const cluster = new InMemoryClusterPort({});
    const tf = scriptedTerraform([topicChange(['create'], null, topic('orders', 3))]);
    const port: TerraformPort = {
      ...tf.port,
      apply: async (dir, tc, o) => {
        await tf.port.apply(dir, tc, o);
        throw new TerraformError('terraform apply', 1, ['Error: kafka server: Topic with this name already exists', '', '  with kafka_topic.topic_orders,']);
      },
      // The cluster never shows the topic, so the plan after the failure would create it again.
    };
    await expect(deployStack(options({}, port, { autoApprove: true, verify: false, ports: () => unclosable(cluster) }))).rejects.toThrow(/exists now, but the plan to import them differs from the approved one/);
    expect(tf.ops().filter((o) => o.startsWith('apply'))).toHaveLength(1);
  });

  it('verifies after apply through the same injected ClusterPort factory', async () => {
    const tf = scriptedTerraform([topicChange(['create'], null, topic('orders', 3))]);
    // The scripted terraform changes nothing, so the in-memory cluster lacks the topics: the check must say so.
    await expect(deployStack(options({}, tf.port, { autoApprove: true }))).rejects.toThrow(/applied, but the cluster is not in sync/);
  });
});

/** The state terraform would hold after applying a synthesized stack: each resource's literal values, `${var.X}` resolved. */
function stateOfStack(stackDir: string, vars: Record<string, string>): TerraformStateJson {
  const stack = JSON.parse(readFileSync(join(stackDir, 'cdk.tf.json'), 'utf8')) as { resource: Record<string, Record<string, Record<string, unknown>>>; output?: Record<string, { value: unknown }> };
  const resources = Object.entries(stack.resource).flatMap(([type, byName]) =>
    Object.entries(byName).map(([name, config]) => {
      const values: Record<string, unknown> = { id: name };
      for (const [k, v] of Object.entries(config)) {
        if (['//', 'provider', 'lifecycle'].includes(k) || k.endsWith('_wo')) continue;
        values[k] = typeof v === 'string' && v.startsWith('${var.') ? (vars[v.slice(6, -1)] ?? '1') : v;
      }
      return { address: `${type}.${name}`, type, mode: 'managed', values };
    }),
  );
  return { values: { outputs: Object.fromEntries(Object.entries(stack.output ?? {}).map(([k, o]) => [k, { value: o.value }])), root_module: { resources } } };
}

describe('a no-change plan without terraform plan', () => {
  const CLUSTER = {
    topics: [
      { name: 'orders', partitions: 3, replicationFactor: 1, config: { 'retention.ms': '604800000' } },
      { name: 'payments', partitions: 3, replicationFactor: 1 },
    ],
    users: [{ name: 'app', credentials: [{ mechanism: 'SCRAM-SHA-512' as const, iterations: 4096 }] }],
    quotas: [],
  };

  it('skips terraform plan when the live read proves the state equal and the stack declares exactly the state', async () => {
    const first = await planStack(options(CLUSTER, scriptedTerraform([]).port));
    const state = stateOfStack(first.stackDir, terraformRunOptions(first).vars ?? {});
    const tf = scriptedTerraform([], { stateResources: state.values!.root_module!.resources });
    const port: TerraformPort = { ...tf.port, showState: async () => state };
    const p = await planStack(options(CLUSTER, port));
    expect(p.refresh?.skip).toBe(true);
    expect(p.terraformPlanSkipped).toEqual({ skip: true, reason: 'the stack declares exactly the 3 resources in the state, with the same values' });
    expect(tf.ops()).toEqual(['init']);
    expect(p).toMatchObject({ hasChanges: false, changes: [], applicable: true, planFile: '' });
    // deploy then has nothing to apply.
    const d = await deployStack(options(CLUSTER, port, { autoApprove: true, verify: false }));
    expect(d.applied).toBe(false);
  });

  it('plans when the stack and the state differ, naming the first difference', async () => {
    const first = await planStack(options(CLUSTER, scriptedTerraform([]).port));
    const stack = JSON.parse(readFileSync(join(first.stackDir, 'cdk.tf.json'), 'utf8')) as Record<string, unknown>;
    const vars = terraformRunOptions(first).vars ?? {};
    const equal = stateOfStack(first.stackDir, vars);
    expect(computePlanSkip(stack, equal, vars)).toMatchObject({ skip: true });
    // An expression other than a variable reference is not evaluated: terraform plans.
    const withExpression = structuredClone(stack) as { resource: { kafka_topic: Record<string, Record<string, unknown>> } };
    withExpression.resource.kafka_topic.topic_orders!.name = '${lower("ORDERS")}';
    expect(computePlanSkip(withExpression, equal, vars).reason).toBe('kafka_topic.topic_orders: name is an expression kafkaform does not evaluate');
    const topicAt = (s: TerraformStateJson) => s.values!.root_module!.resources!.find((r) => r.type === 'kafka_topic' && r.values.name === 'orders')!;
    const changed = structuredClone(equal);
    topicAt(changed).values.config = { 'retention.ms': '1' };
    expect(computePlanSkip(stack, changed, vars)).toEqual({ skip: false, reason: 'kafka_topic.topic_orders: config differs from the state' });
    // A key that ignore_changes names (a replication throttle) is not a difference.
    const throttled = structuredClone(equal);
    topicAt(throttled).values.config = { ...(topicAt(equal).values.config as object), 'leader.replication.throttled.replicas': '0:1' };
    expect(computePlanSkip(stack, throttled, vars).skip).toBe(true);
    const extra = structuredClone(equal);
    extra.values!.root_module!.resources!.push({ address: 'kafka_topic.topic_gone', type: 'kafka_topic', mode: 'managed', values: { name: 'gone' } });
    expect(computePlanSkip(stack, extra, vars).reason).toBe('the state holds 1 resource(s) the stack no longer declares');
    expect(computePlanSkip({ ...stack, data: {} }, equal, vars).reason).toBe('the stack has a data block');
    const output = structuredClone(equal);
    output.values!.outputs = { ...output.values!.outputs, topics: { value: ['orders'] } };
    expect(computePlanSkip(stack, output, vars).reason).toBe('output topics differs from the state');
  });
});

describe('readLocalState', () => {
  const stackWith = (backend: unknown) => {
    const dir = join(work, 'stack');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'cdk.tf.json'), JSON.stringify({ terraform: { backend } }));
    return dir;
  };
  it('reads the local backend’s file in the shape terraform show -json prints', () => {
    const dir = stackWith({ local: { path: '../state/terraform.default.tfstate' } });
    expect(readLocalState(dir, {})).toEqual({});
    mkdirSync(join(work, 'state'));
    const raw = {
      version: 4,
      outputs: { acl_count: { value: 0, type: 'number' } },
      resources: [{ mode: 'managed', type: 'kafka_topic', name: 'topic_orders', instances: [{ schema_version: 0, attributes: { id: 'orders', name: 'orders', partitions: 3 } }] }],
    };
    writeFileSync(join(work, 'state', 'terraform.default.tfstate'), JSON.stringify(raw));
    expect(readLocalState(dir, {})).toEqual({
      values: { outputs: { acl_count: { value: 0, type: 'number' } }, root_module: { resources: [{ address: 'kafka_topic.topic_orders', type: 'kafka_topic', mode: 'managed', values: { id: 'orders', name: 'orders', partitions: 3 } }] } },
    });
    // What it cannot represent faithfully is left to terraform.
    expect(readLocalState(dir, { TF_WORKSPACE: 'staging' })).toBeUndefined();
    writeFileSync(join(work, 'state', 'terraform.default.tfstate'), JSON.stringify({ ...raw, resources: [{ ...raw.resources[0], module: 'module.x' }] }));
    expect(readLocalState(dir, {})).toBeUndefined();
    writeFileSync(join(work, 'state', 'terraform.default.tfstate'), '{"version": 4, "resou');
    expect(readLocalState(dir, {})).toBeUndefined();
    expect(readLocalState(stackWith({ s3: { bucket: 'b' } }), {})).toBeUndefined();
  });
});

describe('initStack', () => {
  it('runs terraform init once per configuration and toolchain', async () => {
    const dir = join(work, 'stack');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'cdk.tf.json'), JSON.stringify({ terraform: { backend: { local: { path: 'a.tfstate' } } } }));
    let inits = 0;
    const port: TerraformPort = {
      ...scriptedTerraform([]).port,
      init: async (d) => {
        inits++;
        mkdirSync(join(d, '.terraform', 'providers'), { recursive: true });
        writeFileSync(join(d, '.terraform.lock.hcl'), '# lock\n');
      },
    };
    expect(await initStack(port, dir, TOOLCHAIN, {})).toBe(true);
    expect(await initStack(port, dir, TOOLCHAIN, {})).toBe(false);
    expect(await initStack(port, dir, { ...TOOLCHAIN, terraform: { ...TOOLCHAIN.terraform, version: '1.12.0' } }, {})).toBe(true);
    writeFileSync(join(dir, 'cdk.tf.json'), JSON.stringify({ terraform: { backend: { local: { path: 'b.tfstate' } } } }));
    expect(await initStack(port, dir, { ...TOOLCHAIN, terraform: { ...TOOLCHAIN.terraform, version: '1.12.0' } }, {})).toBe(true);
    rmSync(join(dir, '.terraform.lock.hcl'));
    expect(await initStack(port, dir, { ...TOOLCHAIN, terraform: { ...TOOLCHAIN.terraform, version: '1.12.0' } }, {})).toBe(true);
    expect(inits).toBe(4);
  });
});
