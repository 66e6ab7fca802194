/**
 * A real Confluent-compatible schema registry for development and tests: the AxonOps Schema
 * Registry (Apache-2.0, Go), built from its Go module and run with in-memory storage on loopback.
 * Only v0.2.1 is served by the Go module proxy here; the binary is built once and cached.
 */
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ensureGoBinary } from '../os/go-build.js';
import { findFreePort } from '../os/ports.js';
import { pidRunning, signal, sleep, waitUntil } from '../os/process.js';
import { spawnDetached } from '../os/run-command.js';
import { cacheDir } from '../toolchain/paths.js';
import { UserError } from '../errors.js';
import { noProgress, type Progress } from '../progress.js';

export const SCHEMA_REGISTRY_MODULE = 'github.com/axonops/axonops-schema-registry';
export const SCHEMA_REGISTRY_VERSION = 'v0.2.1';

const GO_MISSING_HINT = 'Install Go >= 1.24 (https://go.dev/dl/) so kafkaform can build the AxonOps schema registry locally, or point --registry-url at an existing registry';

/** Path of the registry binary, building it with Go on first use (idempotent, cached in cacheDir()/bin). */
export function ensureSchemaRegistryBinary(opts: { onProgress?: Progress } = {}): Promise<string> {
  const binDir = join(cacheDir(), 'bin');
  return ensureGoBinary({
    module: SCHEMA_REGISTRY_MODULE,
    version: SCHEMA_REGISTRY_VERSION,
    pkg: './cmd/schema-registry',
    target: join(binDir, `axonops-schema-registry-${SCHEMA_REGISTRY_VERSION}`),
    workDir: binDir,
    label: `the AxonOps schema registry ${SCHEMA_REGISTRY_VERSION}`,
    purpose: 'the local schema registry',
    hint: GO_MISSING_HINT,
    onProgress: opts.onProgress ?? noProgress,
  });
}

export interface RunningSchemaRegistry {
  url: string;
  pid: number;
  logFile: string;
  stop: () => Promise<void>;
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
  // Environment overrides would beat the config file: drop any SCHEMA_REGISTRY_* the caller has.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SCHEMA_REGISTRY_')));
  const child = spawnDetached(binary, ['--config', config], { env, logFile });
  const pid = child.pid;
  const url = `http://127.0.0.1:${port}`;
  let exited = false;
  void child.exits.then(() => (exited = true));
  const running = (): boolean => !exited && pidRunning(pid);
  const stop = async (): Promise<void> => {
    if (!running()) return;
    signal(pid, 'SIGTERM');
    if (!(await waitUntil(() => !running(), 5_000, 100))) signal(pid, 'SIGKILL');
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
