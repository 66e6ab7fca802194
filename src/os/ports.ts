/** Loopback TCP ports: whether one is free to bind, whether something accepts connections on it, a free one. */
import { createConnection, createServer } from 'node:net';

export const LOOPBACK = '127.0.0.1';

/** True when `port` can be bound exclusively on `host` right now. */
export function portIsFree(port: number, host = LOOPBACK): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => {
      server.close(() => resolve(true));
    });
  });
}

/** True when a TCP connection to `host:port` is accepted within `timeoutMs`. */
export function portAcceptsTcp(port: number, opts: { host?: string; timeoutMs?: number } = {}): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: opts.host ?? LOOPBACK });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(opts.timeoutMs ?? 1_000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** A port the kernel reports free on `host` (it may be taken again before the caller binds it). */
export function findFreePort(host = LOOPBACK): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const addr = server.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface FreeRangeOptions {
  /** Lowest base tried; default 20000. */
  min?: number;
  /** Highest base tried (exclusive); default 32500, below Linux's ephemeral range (32768+). */
  max?: number;
  /** Bases to skip (e.g. near a well-known default). */
  avoid?: (base: number) => boolean;
  attempts?: number;
}

/**
 * A random base port such that `base + offset` is free on loopback for every offset, or undefined.
 * Random, so that test files running side by side rarely race for the same range; below the
 * ephemeral range, so an outgoing connection cannot grab a port before the server binds it.
 */
export async function findFreePortRange(offsets: readonly number[], opts: FreeRangeOptions = {}): Promise<number | undefined> {
  const min = opts.min ?? 20_000;
  const max = opts.max ?? 32_500;
  for (let attempt = 0; attempt < (opts.attempts ?? 100); attempt++) {
    const base = min + Math.floor(Math.random() * (max - min));
    if (opts.avoid?.(base)) continue;
    if ((await Promise.all(offsets.map((o) => portIsFree(base + o)))).every(Boolean)) return base;
  }
  return undefined;
}
