/**
 * A real Confluent-compatible schema registry for development and tests: the AxonOps Schema
 * Registry (Apache-2.0, Go), built from its Go module and run with in-memory storage on loopback.
 * Only v0.2.1 is served by the Go module proxy here; the binary is built once and cached.
 */
import { spawn } from 'node:child_process';
import { openSync, closeSync, readFileSync } from 'node:fs';
import { cp, mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { chmodUserWritable, isExecutable } from '../toolchain/go-provider.js';
import { cacheDir } from '../toolchain/paths.js';
import { UserError } from '../errors.js';
import { noProgress, type Progress } from '../progress.js';

export const SCHEMA_REGISTRY_MODULE = 'github.com/axonops/axonops-schema-registry';
export const SCHEMA_REGISTRY_VERSION = 'v0.2.1';

const GO_MISSING_HINT = 'Install Go >= 1.24 (https://go.dev/dl/) so kafkaform can build the AxonOps schema registry locally, or point --registry-url at an existing registry';

function binaryPath(): string {
  return join(cacheDir(), 'bin', `axonops-schema-registry-${SCHEMA_REGISTRY_VERSION}`);
}

function run(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolveP, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolveP({ code: code ?? 1, stdout, stderr }));
  });
}


let inFlight: Promise<string> | undefined;

/** Path of the registry binary, building it with Go on first use (idempotent, cached in cacheDir()/bin). */
export function ensureSchemaRegistryBinary(opts: { onProgress?: Progress } = {}): Promise<string> {
  inFlight ??= build(opts.onProgress ?? noProgress).finally(() => (inFlight = undefined));
  return inFlight;
}

async function build(progress: Progress): Promise<string> {
  const target = binaryPath();
  if (await isExecutable(target)) return target;
  const goEnv = { ...process.env, GOFLAGS: '', CGO_ENABLED: '0' };
  let dl;
  try {
    dl = await run('go', ['mod', 'download', '-json', `${SCHEMA_REGISTRY_MODULE}@${SCHEMA_REGISTRY_VERSION}`], { env: goEnv });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new UserError('`go` was not found on PATH: it is needed to build the local schema registry', GO_MISSING_HINT);
    throw e;
  }
  const info = (() => {
    try {
      return JSON.parse(dl.stdout) as { Dir?: string; Error?: string };
    } catch {
      return {} as { Dir?: string; Error?: string };
    }
  })();
  if (dl.code !== 0 || !info.Dir) throw new UserError(`cannot download ${SCHEMA_REGISTRY_MODULE}@${SCHEMA_REGISTRY_VERSION}: ${info.Error ?? dl.stderr.trim().slice(-500)}`, 'check access to the Go module proxy (GOPROXY)');
  progress(`building the AxonOps schema registry ${SCHEMA_REGISTRY_VERSION} with Go (once, ~30 s)`);
  await mkdir(join(cacheDir(), 'bin'), { recursive: true });
  const work = await mkdtemp(join(cacheDir(), 'bin', '.build-'));
  try {
    // The module cache is read-only: build from a writable copy.
    const src = join(work, 'src');
    await cp(info.Dir, src, { recursive: true });
    await chmodUserWritable(src);
    const out = join(work, 'schema-registry');
    const r = await run('go', ['build', '-trimpath', '-o', out, './cmd/schema-registry'], { cwd: src, env: goEnv });
    if (r.code !== 0) throw new UserError(`building the schema registry failed:\n${(r.stderr || r.stdout).trim().split('\n').slice(-15).join('\n')}`, GO_MISSING_HINT);
    // Atomic: concurrent builders each rename a complete binary.
    await rename(out, target);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  return target;
}

/** A free TCP port on 127.0.0.1. */
export function findFreePort(): Promise<number> {
  return new Promise((resolveP, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolveP(port));
    });
  });
}

export interface RunningSchemaRegistry {
  url: string;
  pid: number;
  logFile: string;
  stop: () => Promise<void>;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Starts the registry (in-memory storage, no auth) on 127.0.0.1:`port` as a detached process
 * logging to `<dataDir>/schema-registry.log`; resolves once `GET /subjects` answers.
 */
export async function startSchemaRegistry(opts: { port?: number; dataDir: string; timeoutMs?: number; onProgress?: Progress }): Promise<RunningSchemaRegistry> {
  const binary = await ensureSchemaRegistryBinary({ onProgress: opts.onProgress });
  const port = opts.port ?? (await findFreePort());
  await mkdir(opts.dataDir, { recursive: true });
  const config = join(opts.dataDir, 'schema-registry.yaml');
  await writeFile(
    config,
    ['server:', '  host: "127.0.0.1"', `  port: ${port}`, 'storage:', '  type: memory', 'compatibility:', '  default_level: BACKWARD', 'logging:', '  level: info', '  format: json', ''].join('\n'),
  );
  const logFile = join(opts.dataDir, 'schema-registry.log');
  const fd = openSync(logFile, 'a');
  // Environment overrides would beat the config file: drop any SCHEMA_REGISTRY_* the caller has.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SCHEMA_REGISTRY_')));
  const child = spawn(binary, ['--config', config], { detached: true, stdio: ['ignore', fd, fd], env });
  closeSync(fd);
  child.unref();
  const pid = child.pid!;
  const url = `http://127.0.0.1:${port}`;
  let exited = false;
  child.once('exit', () => (exited = true));
  // A reaped child is gone; kill(pid, 0) alone would also see an unreaped zombie as alive.
  const running = () => !exited && alive(pid);
  const stop = async () => {
    if (!running()) return;
    process.kill(pid, 'SIGTERM');
    for (let i = 0; i < 50 && running(); i++) await sleep(100);
    if (running()) process.kill(pid, 'SIGKILL');
  };
  const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
  while (Date.now() < deadline) {
    if (!running()) break;
    try {
      const res = await fetch(`${url}/subjects`, { signal: AbortSignal.timeout(1000) });
      if (res.ok) return { url, pid, logFile, stop };
    } catch {
      // not listening yet
    }
    await sleep(150);
  }
  await stop();
  let tail = '';
  try {
    tail = readFileSync(logFile, 'utf8').trim().split('\n').slice(-10).join('\n');
  } catch {
    // no log
  }
  throw new UserError(`the schema registry did not answer on ${url} within ${Math.round((opts.timeoutMs ?? 30_000) / 1000)} s${tail ? `:\n${tail}` : ''}`, `see ${logFile}`);
}
