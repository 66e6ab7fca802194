/**
 * Terraform's pg backend against a real PostgreSQL (Debian's package, scripts/install-postgresql.sh):
 * a throwaway cluster on a free loopback port, password-protected, the connection string only in
 * PG_CONN_STR. Two deploys of the same topics.yaml from two checkouts at once share the state; a
 * deploy that meets a held lock says which lock; the state is never corrupted, and no local state
 * file or connection string is ever written.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectDrift } from '../../src/drift/collect-drift.js';
import { deployStack, type DeployResult } from '../../src/deploy/deploy-stack.js';
import { runCommand } from '../../src/os/run-command.js';
import { findFreePort } from '../../src/os/ports.js';
import { waitUntil } from '../../src/os/process.js';
import { readManifest, requireEnvironment } from '../../src/manifest/validate.js';
import { ensureToolchain } from '../../src/toolchain/provider.js';
import { scratchProject, startTestCluster, type TestCluster } from './helpers.js';

const PASSWORD = 'pg-Secret-4711';

interface Postgres {
  port: number;
  connStr: string;
  psql: (sql: string) => Promise<string>;
  stop: () => Promise<void>;
}

/** The newest installed PostgreSQL's bin directory (Debian keeps one per major version). */
function postgresBin(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'initdb'))) : [];
  const newest = versions.sort((a, b) => Number(a) - Number(b)).at(-1);
  if (!newest) throw new Error('PostgreSQL is not installed: run scripts/install-postgresql.sh');
  return join(root, newest, 'bin');
}

/** Starts a throwaway PostgreSQL on loopback (initdb refuses root, so it then runs as `postgres`). */
async function startPostgres(): Promise<Postgres> {
  const bin = postgresBin();
  const dir = mkdtempSync(join(tmpdir(), 'kafkaform-pg-'));
  const asRoot = process.getuid?.() === 0;
  const pgUid = asRoot ? Number((await runCommand('id', ['-u', 'postgres'])).stdoutTail[0]) : undefined;
  if (pgUid !== undefined) chownSync(dir, pgUid, pgUid);
  const pg = (tool: string, args: string[]) => (asRoot ? runCommand('runuser', ['-u', 'postgres', '--', join(bin, tool), ...args]) : runCommand(join(bin, tool), args));
  const pwfile = join(dir, 'pw');
  writeFileSync(pwfile, `${PASSWORD}\n`, { mode: 0o600 });
  if (pgUid !== undefined) chownSync(pwfile, pgUid, pgUid);
  const init = await pg('initdb', ['-D', join(dir, 'data'), '-U', 'kafkaform', '-A', 'scram-sha-256', `--pwfile=${pwfile}`, '--no-sync', '-E', 'UTF8', '--locale=C']);
  if (init.exitCode !== 0) throw new Error(`initdb failed: ${init.tail.join('\n')}`);
  const port = await findFreePort();
  const start = await pg('pg_ctl', ['-D', join(dir, 'data'), '-l', join(dir, 'log'), '-w', '-t', '60', '-o', `-p ${port} -k ${dir} -h 127.0.0.1 -c fsync=off`, 'start']);
  if (start.exitCode !== 0) throw new Error(`pg_ctl start failed: ${start.tail.join('\n')}`);
  const psql = async (sql: string): Promise<string> => {
    const r = await runCommand('psql', ['-h', '127.0.0.1', '-p', String(port), '-U', 'kafkaform', '-d', 'terraform', '-tA', '-v', 'ON_ERROR_STOP=1', '-c', sql], {
      env: { ...process.env, PGPASSWORD: PASSWORD },
      keepStdout: true,
    });
    if (r.exitCode !== 0) throw new Error(`psql failed: ${r.tail.join('\n')}`);
    return r.stdout.trim();
  };
  const create = await runCommand('psql', ['-h', '127.0.0.1', '-p', String(port), '-U', 'kafkaform', '-d', 'postgres', '-c', 'CREATE DATABASE terraform'], { env: { ...process.env, PGPASSWORD: PASSWORD } });
  if (create.exitCode !== 0) throw new Error(`createdb failed: ${create.tail.join('\n')}`);
  return {
    port,
    connStr: `postgres://kafkaform:${PASSWORD}@127.0.0.1:${port}/terraform?sslmode=disable`,
    psql,
    stop: async () => {
      await pg('pg_ctl', ['-D', join(dir, 'data'), '-m', 'immediate', '-w', 'stop']);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function topicsYaml(topics: number): string {
  const lines = ['version: 1', 'cluster: { name: shared, brokers: 1 }', 'defaults: { partitions: 1, replicationFactor: 1 }', 'backend: { type: pg }', 'topics:'];
  for (let i = 0; i < topics; i++) lines.push(`  pg.t${String(i).padStart(2, '0')}: {}`);
  lines.push('services:', '  app:', '    principal: User:app', `    produces: [${Array.from({ length: topics }, (_, i) => `pg.t${String(i).padStart(2, '0')}`).join(', ')}]`);
  return `${lines.join('\n')}\n`;
}

/** Every file under dir (recursively). */
function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...filesUnder(p));
    else out.push(p);
  }
  return out;
}

describe('pg backend: shared state in a real PostgreSQL', () => {
  let tc: TestCluster;
  let pg: Postgres;
  const projects: ReturnType<typeof scratchProject>[] = [];
  let holder: ChildProcess | undefined;
  const saved = { conn: process.env.PG_CONN_STR, lock: process.env.KAFKAFORM_LOCK_TIMEOUT };

  beforeAll(async () => {
    [tc, pg] = await Promise.all([startTestCluster({ brokers: 1 }), startPostgres()]);
    // Terraform reads the connection string from the environment; kafkaform never writes it.
    process.env.PG_CONN_STR = pg.connStr;
    for (let i = 0; i < 2; i++) projects.push(scratchProject(topicsYaml(12), { withSchemas: false }));
  }, 120_000);
  afterAll(async () => {
    holder?.kill('SIGKILL');
    if (saved.conn === undefined) delete process.env.PG_CONN_STR;
    else process.env.PG_CONN_STR = saved.conn;
    if (saved.lock === undefined) delete process.env.KAFKAFORM_LOCK_TIMEOUT;
    else process.env.KAFKAFORM_LOCK_TIMEOUT = saved.lock;
    await Promise.all([tc?.stop(), pg?.stop()]);
    for (const p of projects) p.cleanup();
  });

  const deploy = (p: ReturnType<typeof scratchProject>, lines?: string[]) =>
    deployStack({
      spec: requireEnvironment(readManifest(p.file), 'default'),
      outdir: p.outdir,
      stateDir: p.dir,
      autoApprove: true,
      connection: { bootstrapServers: tc.cluster.bootstrapServers.join(',') },
      ...(lines ? { onTerraformOutput: (l: string) => lines.push(l), onProgress: (l: string) => lines.push(l) } : {}),
    });

  const stateOf = async (): Promise<{ rows: number; serial: number; addresses: string[] }> => {
    const rows = Number(await pg.psql('SELECT count(*) FROM kafkaform_default.states'));
    const data = JSON.parse(await pg.psql("SELECT data FROM kafkaform_default.states WHERE name = 'default'")) as {
      serial: number;
      resources: { mode: string; type: string; name: string; instances: { index_key?: unknown }[] }[];
    };
    const addresses = data.resources.filter((r) => r.mode === 'managed').flatMap((r) => r.instances.map((i) => `${r.type}.${r.name}${i.index_key === undefined ? '' : `[${JSON.stringify(i.index_key)}]`}`));
    return { rows, serial: data.serial, addresses };
  };

  it('two deploys at once from two checkouts: both end well, the state holds every resource once', async () => {
    const logs: string[][] = [[], []];
    const results = await Promise.allSettled([deploy(projects[0]!, logs[0]), deploy(projects[1]!, logs[1])]);
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    // The loser either waited for the lock and found nothing (or only the rest) to do, or names the lock.
    for (const f of failed) expect(String((f.reason as Error).message)).toMatch(/locked by another terraform session/);
    const ok = results.filter((r): r is PromiseFulfilledResult<DeployResult> => r.status === 'fulfilled').map((r) => r.value);
    expect(ok.length).toBeGreaterThanOrEqual(1);
    expect(ok.some((r) => r.applied)).toBe(true);

    const spec = requireEnvironment(readManifest(projects[0]!.file), 'default');
    const drift = await collectDrift(spec, tc.connection);
    expect(drift.inSync).toBe(true);
    const state = await stateOf();
    expect(state.rows).toBe(1);
    expect(new Set(state.addresses).size).toBe(state.addresses.length);
    expect(state.addresses.filter((a) => a.startsWith('kafka_topic.'))).toHaveLength(12);
    expect(state.addresses.filter((a) => a.startsWith('kafka_acl.')).length).toBe(spec.acls.length);

    // Either checkout now plans nothing: the state is shared.
    for (const p of projects) {
      const again = await deploy(p);
      expect(again.hasChanges).toBe(false);
    }
    // No local state, and the connection string is in no file kafkaform or terraform wrote.
    for (const p of projects) {
      const files = filesUnder(p.dir);
      expect(files.filter((f) => f.endsWith('.tfstate') && !f.includes(`${join('.terraform', 'terraform.tfstate')}`))).toEqual([]);
      for (const f of files.filter((x) => !x.includes('/providers/'))) expect(readFileSync(f, 'utf8').includes(PASSWORD), f).toBe(false);
    }
    expect(logs.flat().join('\n')).not.toContain(PASSWORD);
  }, 180_000);

  it('a held lock: the deploy waits KAFKAFORM_LOCK_TIMEOUT, then names the lock; once it is released the deploy converges', async () => {
    const p = projects[0]!;
    // A second run holds the lock: `terraform console` keeps it while its input stays open.
    const toolchain = await ensureToolchain({});
    const stackDir = join(p.outdir, 'stacks', 'default');
    holder = spawn(toolchain.terraform.path, ['console'], { cwd: stackDir, env: { ...process.env, ...toolchain.env }, stdio: ['pipe', 'ignore', 'ignore'] });
    expect(await waitUntil(async () => Number(await pg.psql("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'")) > 0, 30_000)).toBe(true);

    // A change, so that terraform has to plan (and lock).
    writeFileSync(p.file, topicsYaml(13));
    process.env.KAFKAFORM_LOCK_TIMEOUT = '2s';
    const before = await stateOf();
    const err = await deploy(p).catch((e: unknown) => e as Error);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/the Terraform state in PostgreSQL \(the stack's schema\) is locked by another terraform session; waited 2s/);
    expect((err as { hint?: string }).hint).toMatch(/pg_terminate_backend/);
    expect((err as Error).stack ?? '').not.toContain(PASSWORD);
    expect(await stateOf()).toEqual(before);

    holder.stdin?.end();
    expect(await waitUntil(() => holder?.exitCode !== null, 30_000)).toBe(true);
    holder = undefined;
    const r = await deploy(p);
    expect(r.applied).toBe(true);
    const after = await stateOf();
    expect(after.addresses.filter((a) => a.startsWith('kafka_topic.'))).toHaveLength(13);
    expect(after.serial).toBeGreaterThan(before.serial);
  }, 120_000);
});
