/**
 * Local workers of `loadtest --workers N`: each a `kafkaform loadtest worker` child process of this
 * one, told where the cluster is through the KAFKAFORM_* variables (so a password never appears in
 * a command line), its stderr passed on line by line.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { WorkerHandle } from './coordinate-workers.js';

/** bin/kafkaform.js of this installation (src/ or dist/src/ sit below it). */
export function kafkaformBin(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const bin = join(dir, 'bin', 'kafkaform.js');
    if (existsSync(bin)) return bin;
    dir = dirname(dir);
  }
  throw new Error('bin/kafkaform.js not found above the load-test module');
}

export interface SpawnWorkerOptions {
  /** KAFKAFORM_* connection variables (bootstrap servers, SASL, TLS files). */
  env: Record<string, string>;
  onLine?: (line: string) => void;
  /** Extra flags for the worker (e.g. --join-timeout). */
  args?: string[];
}

/** Starts `kafkaform loadtest worker --control TOPIC --name NAME` as a child process. */
export function spawnLocalWorker(name: string, control: string, opts: SpawnWorkerOptions): WorkerHandle {
  const child = spawn(process.execPath, [kafkaformBin(), 'loadtest', 'worker', '--control', control, '--name', name, ...(opts.args ?? [])], {
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let buffered = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    buffered += chunk;
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const l of lines) if (l.trim()) opts.onLine?.(l);
  });
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.once('error', () => resolve(-1));
  });
  return {
    exited,
    pid: child.pid,
    kill: () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      // A worker still starting up (compiling, connecting) must not outlive the coordinator either.
      setTimeout(() => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      }, 3000).unref();
    },
  };
}
