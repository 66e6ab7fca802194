/**
 * kafkaform as a new team meets it: the packed tarball installed into a fresh project (from the
 * npm cache, offline: the project's lockfile pins what the repository's lockfile pins), then
 * `kafkaform init`, validate, synth, plan and deploy from inside that project to a real broker
 * this test starts. The installed package runs its compiled CLI (no tsx, no sources), and the
 * library API gives byte for byte the Terraform JSON the CLI writes.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KafkajsClusterPort } from '../../src/cluster/kafkajs-adapter.js';
import { collectClusterState } from '../../src/cluster/collect.js';
import { startTestCluster, type TestCluster } from './helpers.js';

const ROOT = join(import.meta.dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string };
const work = mkdtempSync(join(tmpdir(), 'kafkaform-new-user-'));
const project = join(work, 'team-kafka');
let tc: TestCluster;
let tarball: string;
let packed: { size: number; unpackedSize: number; entryCount: number; files: { path: string }[] };

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command in the user's project, as a user's shell would: no repository sources, no tsx on the path. */
function inProject(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): Run {
  const clean = { ...process.env };
  delete clean.KAFKAFORM_FROM_SOURCE;
  delete clean.NODE_OPTIONS;
  const r = spawnSync(cmd, args, { cwd: project, encoding: 'utf8', timeout: 240_000, env: { ...clean, NO_COLOR: '1', npm_config_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false', ...env } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
const kafkaform = (...args: string[]) => inProject('npx', ['--no-install', 'kafkaform', ...args]);

/** The repository as a fresh clone has it (tracked and new files, never dist/ or cdktf.out/), packed there so this checkout's dist/ is left alone. */
function packFromCopy(): string {
  const stage = join(work, 'stage');
  const listed = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' }).split('\0').filter(Boolean);
  for (const f of listed) {
    if (!existsSync(join(ROOT, f))) continue; // deleted in the work tree, not yet committed
    mkdirSync(dirname(join(stage, f)), { recursive: true });
    cpSync(join(ROOT, f), join(stage, f));
  }
  symlinkSync(join(ROOT, 'node_modules'), join(stage, 'node_modules'), 'dir');
  const out = execFileSync('npm', ['pack', '--json', '--silent', '--pack-destination', work], { cwd: stage, encoding: 'utf8', timeout: 240_000, maxBuffer: 64 * 1024 * 1024 });
  packed = (JSON.parse(out) as (typeof packed & { filename: string })[])[0]!;
  return join(work, (JSON.parse(out) as { filename: string }[])[0]!.filename);
}

/**
 * The fresh project's package.json and lockfile: kafkaform from the tarball, its dependencies at
 * the versions the repository's lockfile pins (its runtime entries), so `npm ci --offline`
 * installs from the npm cache alone.
 */
function writeProject(tgz: string): void {
  mkdirSync(project, { recursive: true });
  const spec = `file:../${tgz.slice(work.length + 1)}`;
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, Record<string, unknown>> };
  const root = lock.packages['']!;
  const packages: Record<string, unknown> = {
    '': { name: 'team-kafka', dependencies: { kafkaform: spec } },
    'node_modules/kafkaform': { version: pkg.version, resolved: spec, license: root.license, dependencies: root.dependencies, bin: root.bin, engines: root.engines },
  };
  for (const [path, entry] of Object.entries(lock.packages)) if (path !== '' && !entry.dev && !entry.link) packages[path] = entry;
  // tsx as a devDependency, as a team adds it for `cdktf synth` (cdktf.json runs stacks/main.ts with it).
  for (const path of closure(lock.packages, 'node_modules/tsx')) packages[path] = { ...lock.packages[path], dev: true };
  const tsx = String(lock.packages['node_modules/tsx']!.version);
  (packages[''] as Record<string, unknown>).devDependencies = { tsx };
  const manifest = { name: 'team-kafka', private: true, type: 'module', dependencies: { kafkaform: spec }, devDependencies: { tsx } };
  writeFileSync(join(project, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  writeFileSync(join(project, 'package-lock.json'), `${JSON.stringify({ name: 'team-kafka', lockfileVersion: 3, requires: true, packages }, null, 2)}\n`);
}

/** A package's lockfile path and those of everything it depends on, resolved the way Node does (nearest node_modules up the tree). */
function closure(packages: Record<string, Record<string, unknown>>, start: string): Set<string> {
  const seen = new Set<string>();
  const visit = (path: string) => {
    if (seen.has(path) || !packages[path]) return;
    seen.add(path);
    const deps = { ...(packages[path].dependencies as object), ...(packages[path].optionalDependencies as object) };
    for (const name of Object.keys(deps)) {
      for (let base = path; ; base = base.slice(0, Math.max(0, base.lastIndexOf('/node_modules/')))) {
        const candidate = base === '' ? `node_modules/${name}` : `${base}/node_modules/${name}`;
        if (packages[candidate]) {
          visit(candidate);
          break;
        }
        if (base === '') break;
      }
    }
  };
  visit(start);
  return seen;
}

beforeAll(async () => {
  const cluster = startTestCluster({ brokers: 1 });
  tarball = packFromCopy();
  writeProject(tarball);
  tc = await cluster;
}, 600_000);
afterAll(async () => {
  await tc?.stop();
  rmSync(work, { recursive: true, force: true });
});

describe('a new team installs kafkaform and deploys a topic', () => {
  it('the tarball holds only what runs: compiled code with declarations, the schema, README, LICENSE', () => {
    const paths = packed.files.map((f) => f.path);
    expect(paths.filter((p) => !p.startsWith('dist/src/')).sort()).toEqual(['CHANGELOG.md', 'LICENSE', 'README.md', 'bin/kafkaform.js', 'package.json', 'topics.schema.json']);
    expect(paths).toContain('dist/src/index.js');
    expect(paths).toContain('dist/src/index.d.ts');
    expect(paths.some((p) => /(^|\/)test\/|\.ts$/.test(p) && !p.endsWith('.d.ts'))).toBe(false);
    console.log(`kafkaform tarball: ${packed.entryCount} files, ${(packed.size / 1024).toFixed(0)} KiB packed, ${(packed.unpackedSize / 1024).toFixed(0)} KiB unpacked`);
  });

  it('installs from the npm cache alone and runs the compiled CLI without tsx', () => {
    const r = inProject('npm', ['ci', '--offline']);
    expect(r.stderr).not.toMatch(/ERR!/);
    expect(r.status).toBe(0);
    // The CLI never needs tsx: remove the project's (it is there for cdktf synth) and run kafkaform without it.
    const tsxHidden = join(project, 'node_modules', '.tsx-hidden');
    cpSync(join(project, 'node_modules', 'tsx'), tsxHidden, { recursive: true });
    rmSync(join(project, 'node_modules', 'tsx'), { recursive: true });
    expect(existsSync(join(project, 'node_modules', 'kafkaform', 'src'))).toBe(false);
    const v = kafkaform('--version');
    expect(v.status).toBe(0);
    expect(v.stdout.trim()).toBe(pkg.version);
    cpSync(tsxHidden, join(project, 'node_modules', 'tsx'), { recursive: true });
    rmSync(tsxHidden, { recursive: true });
  });

  it('kafkaform init scaffolds the repository and keeps the package.json it found', () => {
    const before = readFileSync(join(project, 'package.json'), 'utf8');
    const r = kafkaform('init');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/created\s+topics\.yaml/);
    expect(r.stdout).toMatch(/kept\s+package\.json/);
    expect(readFileSync(join(project, 'package.json'), 'utf8')).toBe(before);
    expect(readdirSync(join(project, '.github', 'workflows')).sort()).toEqual(['kafkaform-deploy.yml', 'kafkaform-drift.yml', 'kafkaform-plan.yml']);
    // topics.yaml's $schema resolves to the installed package's file.
    const schemaPath = /\$schema=(\S+)/.exec(readFileSync(join(project, 'topics.yaml'), 'utf8'))![1]!;
    expect(existsSync(join(project, schemaPath))).toBe(true);
  });

  it('the workflows init wrote pass actionlint', () => {
    const actionlint = execFileSync('bash', [join(ROOT, 'scripts', 'install-actionlint.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
    const dir = join(project, '.github', 'workflows');
    const r = spawnSync(actionlint, ['-no-color', ...readdirSync(dir).map((f) => join(dir, f))], { encoding: 'utf8' });
    expect(`${r.stdout}${r.stderr}`).toBe('');
    expect(r.status).toBe(0);
  }, 600_000);

  it('validate passes on the scaffolded topics.yaml', () => {
    const r = kafkaform('validate');
    expect(r.stdout).toMatch(/topics\.yaml is valid \(0 errors, 0 warnings\)/);
    expect(r.status).toBe(0);
  });

  it('synth writes the stacks, and the library API (stacks/main.ts importing kafkaform) writes the same JSON', () => {
    const cli = kafkaform('synth');
    expect(cli.status, cli.stderr).toBe(0);
    // The CDKTF app as cdktf.json runs it (`npx tsx stacks/main.ts`), with the project's tsx.
    const lib = inProject('npx', ['--no-install', 'tsx', 'stacks/main.ts'], { CDKTF_OUTDIR: 'library.out' });
    expect(lib.status, lib.stderr).toBe(0);
    for (const env of ['dev', 'prod']) {
      const viaCli = readFileSync(join(project, 'cdktf.out', 'stacks', env, 'cdk.tf.json'), 'utf8');
      const viaLibrary = readFileSync(join(project, 'library.out', 'stacks', env, 'cdk.tf.json'), 'utf8');
      expect(viaLibrary).toBe(viaCli);
      expect(JSON.parse(viaCli).resource.kafka_topic.topic_orders_placed.name).toBe('orders.placed');
    }
  });

  it('the stock CDKTF CLI (cdktf-cli 0.21.0, installed once into the cache) synthesizes the same JSON from cdktf.json', { tags: ['cdktf-cli'], timeout: 900_000 }, () => {
    const cdktf = execFileSync('bash', [join(ROOT, 'scripts', 'install-cdktf-cli.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], timeout: 600_000 }).trim();
    const r = inProject(cdktf, ['synth', '--output', 'cdktf-cli.out'], { CHECKPOINT_DISABLE: '1', DISABLE_VERSION_CHECK: 'true', CDKTF_DISABLE_PLUGIN_CACHE_ENV: '1' });
    expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
    for (const env of ['dev', 'prod']) {
      expect(readFileSync(join(project, 'cdktf-cli.out', 'stacks', env, 'cdk.tf.json'), 'utf8')).toBe(readFileSync(join(project, 'cdktf.out', 'stacks', env, 'cdk.tf.json'), 'utf8'));
    }
  });

  it('plan against the cluster shows the topic to create (exit 2), and deploy creates it', async () => {
    const servers = tc.cluster.bootstrapServers.join(',');
    const plan = kafkaform('plan', '--env', 'dev', '--bootstrap-servers', servers);
    expect(plan.status, plan.stderr).toBe(2);
    expect(plan.stdout).toContain('orders.placed');

    const deploy = kafkaform('deploy', '--env', 'dev', '--bootstrap-servers', servers, '--auto-approve');
    expect(deploy.status, `${deploy.stdout}\n${deploy.stderr}`).toBe(0);
    const port = new KafkajsClusterPort(tc.connection);
    try {
      const live = await collectClusterState(port);
      expect(live.topics.find((t) => t.name === 'orders.placed')).toMatchObject({ partitions: 3, replicationFactor: 1 });
      expect(live.acls.filter((a) => a.principal === 'User:order-service').map((a) => a.operation).sort()).toEqual(['Describe', 'IdempotentWrite', 'Write']);
    } finally {
      await port.close();
    }
    // Local state lands next to topics.yaml, where the scaffolded .gitignore keeps it out of git.
    expect(existsSync(join(project, 'terraform.dev.tfstate'))).toBe(true);
  });
});
