/**
 * Crash safety with real terraform and a real broker: a deploy whose terraform is killed (SIGKILL)
 * early, in the middle and late in an apply, and the next deploy converges (nothing lost, nothing
 * created twice, a valid state, no changes left); and kafkaform itself stopped by SIGTERM mid-apply
 * forwards it to terraform, which saves the state and releases its lock. The stack grows by 30 topics
 * (and their ACLs) per scenario, so every kill meets an apply that creates things on top of a state
 * that already holds the earlier ones.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aclKey } from '../../src/acl/derive.js';
import { PlatformaticClusterPort } from '../../src/cluster/platformatic-adapter.js';
import { deployStack, planStack } from '../../src/deploy/deploy-stack.js';
import { realTerraform, type TerraformPort } from '../../src/deploy/terraform-port.js';
import { readManifest, requireEnvironment } from '../../src/manifest/validate.js';
import { pidRunning, waitUntil } from '../../src/os/process.js';
import { scratchProject, startTestCluster, type TestCluster } from './helpers.js';

/** Topics per stage; the last (interrupted through the CLI) stays below deploy's admin-API create threshold so terraform creates it. */
const STAGE_TOPICS = [30, 30, 30, 10];
const topicsUpTo = (stages: number) => STAGE_TOPICS.slice(0, stages).reduce((a, b) => a + b, 0);
const PASSWORD = 'crash-user-secret-1';

/** topics.yaml with `stages` groups of topics, each produced by its own service; one SCRAM user. */
function stagesYaml(stages: number): string {
  const lines = ['version: 1', 'cluster: { name: crash, brokers: 1 }', 'defaults: { partitions: 1, replicationFactor: 1 }', 'topics:'];
  const names = (s: number) => Array.from({ length: STAGE_TOPICS[s]! }, (_, i) => `crash.s${s}.t${String(i).padStart(2, '0')}`);
  for (let s = 0; s < stages; s++) for (const n of names(s)) lines.push(`  ${n}: {}`);
  lines.push('services:');
  for (let s = 0; s < stages; s++) lines.push(`  app${s}:`, `    principal: User:app${s}`, `    produces: [${names(s).join(', ')}]`);
  lines.push('users:', '  crash-user: { mechanism: SCRAM-SHA-512, passwordFrom: env:CRASH_USER_PASSWORD }');
  return `${lines.join('\n')}\n`;
}

/** Pids of the direct children of `pid` (Linux /proc). */
function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return '';
  }
}

interface StateJson {
  resources?: { mode: string; type: string; name: string; instances: { index_key?: unknown; attributes?: { name?: string } }[] }[];
}

describe('crash safety: terraform killed mid-apply, kafkaform interrupted mid-apply', () => {
  let tc: TestCluster;
  let project: ReturnType<typeof scratchProject>;
  const savedPassword = process.env.CRASH_USER_PASSWORD;
  const stateFile = () => join(project.dir, 'terraform.default.tfstate');
  const lockInfo = () => join(project.dir, '.terraform.default.tfstate.lock.info');

  beforeAll(async () => {
    process.env.CRASH_USER_PASSWORD = PASSWORD;
    tc = await startTestCluster({ brokers: 1 });
    project = scratchProject(stagesYaml(1), { withSchemas: false });
  }, 120_000);
  afterAll(async () => {
    if (savedPassword === undefined) delete process.env.CRASH_USER_PASSWORD;
    else process.env.CRASH_USER_PASSWORD = savedPassword;
    await tc?.stop();
    project?.cleanup();
  });

  const spec = () => requireEnvironment(readManifest(project.file));
  const options = (terraform?: TerraformPort) => ({
    spec: spec(),
    outdir: project.outdir,
    stateDir: project.dir,
    autoApprove: true,
    connection: { bootstrapServers: tc.cluster.bootstrapServers.join(',') },
    ...(terraform ? { terraform } : {}),
  });

  /** The managed resources in the local state: address → topic/user name; throws if the file is not valid. */
  const stateAddresses = (): string[] => {
    const text = existsSync(stateFile()) ? readFileSync(stateFile(), 'utf8') : '';
    if (text.trim() === '') return [];
    const state = JSON.parse(text) as StateJson;
    return (state.resources ?? [])
      .filter((r) => r.mode === 'managed')
      .flatMap((r) => r.instances.map((i) => `${r.type}.${r.name}${i.index_key === undefined ? '' : `[${JSON.stringify(i.index_key)}]`}`));
  };
  const stateTopicNames = (): string[] => {
    const state = JSON.parse(readFileSync(stateFile(), 'utf8')) as StateJson;
    return (state.resources ?? []).filter((r) => r.type === 'kafka_topic').flatMap((r) => r.instances.map((i) => i.attributes?.name ?? ''));
  };
  const live = async () => {
    const port = new PlatformaticClusterPort(tc.connection);
    try {
      return { topics: (await port.listTopics()).filter((t) => t.startsWith('crash.')), acls: await port.listAcls(), users: await port.listScramUsers() };
    } finally {
      await port.close();
    }
  };

  /** After a crash: the next deploy converges, and the cluster, the state and a new plan all agree with the file. */
  const expectConverged = async (stages: number) => {
    const r = await deployStack(options());
    expect(r.verification?.inSync ?? !r.hasChanges).toBe(true);
    const again = await planStack(options());
    expect(again.hasChanges).toBe(false);
    const s = spec();
    const addresses = stateAddresses();
    expect(new Set(addresses).size).toBe(addresses.length);
    expect(addresses.filter((a) => a.startsWith('kafka_topic.'))).toHaveLength(topicsUpTo(stages));
    expect(addresses.filter((a) => a.startsWith('kafka_acl.'))).toHaveLength(s.acls.length);
    expect(addresses.filter((a) => a.startsWith('kafka_user_scram_credential.'))).toHaveLength(1);
    const l = await live();
    expect(l.topics.sort()).toEqual(s.topics.map((t) => t.name).sort());
    // Nothing twice: every declared ACL exactly once on the broker, and no other.
    expect(l.acls.map(aclKey).sort()).toEqual(s.acls.map(aclKey).sort());
    expect(l.users.map((u) => u.name)).toEqual(['crash-user']);
    return r;
  };

  /**
   * Deploys `stages` stages and SIGKILLs terraform apply once `killAt(changes)` resources were created
   * (or imported). `terraformCreates`: terraform creates everything itself; otherwise deploy's default,
   * where many creates are made through the admin API and the killed apply is the one importing them.
   */
  const killedApply = async (stages: number, killAt: (changes: number) => number, terraformCreates: boolean) => {
    writeFileSync(project.file, stagesYaml(stages));
    const before = stateAddresses();
    let changes = 0;
    let created = 0;
    let pid = 0;
    let providers: number[] = [];
    const seen: string[] = [];
    const killing: TerraformPort = {
      ...realTerraform,
      apply: (dir, toolchain, o) =>
        realTerraform.apply(dir, toolchain, {
          ...o,
          parallelism: 10, // below deploy's 50, so that the kill points fall inside the apply
          onSpawn: (p) => {
            pid = p;
          },
          onOutput: (line) => {
            seen.push(line);
            if (!/(Creation|Import) complete/.test(line) || ++created !== killAt(changes)) return;
            providers = childrenOf(pid);
            process.kill(pid, 'SIGKILL');
          },
        }),
    };
    const err = await deployStack({
      ...options(killing),
      ...(terraformCreates ? { adminCreateThreshold: Number.POSITIVE_INFINITY } : {}),
      onProgress: (l) => seen.push(`progress: ${l}`),
      onPlan: (p) => (changes = p.changes.length),
    }).catch((e: unknown) => e as Error);
    expect(err, `the killed apply fails (${changes} changes, ${created} created, pid ${pid}): ${seen.filter((l) => !/Importing|Import complete|Creating\.\.\.|Still creating/.test(l)).slice(0, 30).join(' | ')}`).toBeInstanceOf(Error);
    expect(created).toBeGreaterThanOrEqual(killAt(changes));
    expect(created).toBeLessThanOrEqual(changes);
    // The provider plugins of a killed terraform go away by themselves (bounded).
    expect(await waitUntil(() => !pidRunning(pid) && providers.every((p) => !pidRunning(p) || !cmdline(p).includes('terraform-provider')), 30_000)).toBe(true);
    // A killed terraform leaves its local lock info behind, but the OS lock died with it.
    expect(existsSync(lockInfo())).toBe(true);
    // Terraform's local backend rewrites the state in place after each resource: a kill between its
    // truncate and its write leaves the file empty (seen here) or cut short; otherwise it holds everything
    // it held before. The next deploy restores terraform's backup then (state-recovery.ts) and adopts the rest.
    let after: string[] | undefined;
    try {
      after = stateAddresses();
    } catch {
      after = undefined; // cut short
    }
    if (after !== undefined && (after.length > 0 || before.length === 0)) for (const a of before) expect(after).toContain(a);
    return { changes, created };
  };

  it('SIGKILL early in the apply (2 resources created): the next deploy adopts what exists and converges', async () => {
    const { changes } = await killedApply(1, () => 2, true);
    expect(changes).toBeGreaterThan(STAGE_TOPICS[0]! * 2);
    const r = await expectConverged(1);
    expect(r.adoption.imports.length).toBeGreaterThan(0);
  }, 180_000);

  it('SIGKILL in the middle of the apply: the next deploy converges', async () => {
    await killedApply(2, (n) => Math.floor(n / 2), true);
    await expectConverged(2);
  }, 180_000);

  it('SIGKILL late in the apply that imports what deploy created through the admin API (3 resources left): the next deploy converges', async () => {
    await killedApply(3, (n) => n - 3, false);
    await expectConverged(3);
  }, 180_000);

  it('SIGTERM to kafkaform mid-apply: forwarded to terraform, which saves the state and releases its lock', async () => {
    writeFileSync(project.file, stagesYaml(4));
    const cli = spawn(process.execPath, [join(import.meta.dirname, '..', '..', 'bin', 'kafkaform.js'), 'deploy', '-f', project.file, '-o', project.outdir, '--state-dir', project.dir, '-b', tc.cluster.bootstrapServers.join(','), '--auto-approve', '--parallelism', '2'], {
      env: { ...process.env, KAFKAFORM_FROM_SOURCE: '1', NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    cli.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    cli.stdout.resume();
    const exited = new Promise<number | null>((resolve) => cli.on('exit', (code) => resolve(code)));
    let apply = 0;
    const stage4 = async () => (await live()).topics.filter((t) => t.startsWith('crash.s3.')).length;
    expect(await waitUntil(() => (apply = childrenOf(cli.pid!).find((p) => / apply /.test(cmdline(p))) ?? 0) > 0, 120_000, 100), 'terraform apply started').toBe(true);
    expect(await waitUntil(async () => (await stage4()) > 0, 60_000, 250), 'the apply created something').toBe(true);
    cli.kill('SIGTERM');
    const code = await Promise.race([exited, new Promise<'hung'>((r) => setTimeout(() => r('hung'), 90_000))]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/stopped by SIGTERM: `terraform apply .*` was interrupted and has ended/);
    expect(stderr).not.toMatch(/\n\s+at .*\(/); // no stack trace
    expect(stderr).not.toContain(PASSWORD);
    expect(pidRunning(apply)).toBe(false);
    // terraform released its lock itself (a killed one leaves the lock info behind) and saved every topic it created.
    expect(existsSync(lockInfo())).toBe(false);
    // The state is whole; it holds what terraform finished. A create in flight when terraform cancelled
    // (at most --parallelism of them) may exist without being in the state: the next deploy adopts it.
    const onCluster = (await live()).topics.filter((t) => t.startsWith('crash.s3.')).sort();
    expect(onCluster.length).toBeLessThan(STAGE_TOPICS[3]!);
    const inState = stateTopicNames().filter((t) => t.startsWith('crash.s3.'));
    for (const t of inState) expect(onCluster).toContain(t);
    expect(onCluster.length - inState.length).toBeLessThanOrEqual(2);
    const r = await expectConverged(4);
    expect(r.adoption.imports.filter((i) => i.to.startsWith('kafka_topic.')).length).toBe(onCluster.length - inState.length);
  }, 240_000);
});
