/**
 * Every workaround kafkaform needs for @platformatic/kafka (checked against 1.35.0, the version in
 * package.json). Each names what fails upstream, so it can be dropped when a release fixes it.
 * Only platformatic-load-client.ts uses these.
 */
import { plt } from '../cluster/platformatic-kafka.js';
import { sleep } from '../os/process.js';
import type { Compression } from './load-client.js';
import { runtimeHasZstd } from './workload.js';

type PoolGet = (broker: unknown, callback?: (e: Error | null, c?: unknown) => void) => unknown;
let installed = false;

/** Installs the process-wide patches (today one); safe to call any number of times. */
export function installPlatformaticWorkarounds(): void {
  if (installed) return;
  installed = true;
  // Upstream bug (1.35.0, network/connection-pool.js): when a partition leader or group coordinator
  // has just crashed, its node id is missing from the cached metadata, the producer and consumer pass
  // `metadata.brokers.get(id)` = undefined to ConnectionPool.get, and `broker.host` throws a TypeError
  // inside a callback: an uncaught exception that kills the CLI. Turn it into a retriable error.
  const proto = plt.ConnectionPool.prototype as unknown as { get: PoolGet };
  const original = proto.get;
  proto.get = function (this: unknown, broker, callback) {
    if (broker === undefined || broker === null) {
      const err = new Error('partition leader is not a live broker (it may have just crashed); retrying with fresh metadata');
      if (callback) {
        process.nextTick(() => callback(err));
        return undefined;
      }
      return Promise.reject(err);
    }
    return original.call(this, broker, callback);
  };
}

/** How long one batch may be re-routed and re-sent before the send counts as failed. */
const RESEND_WINDOW_MS = 60_000;

/** Client-side give-ups on connection trouble are worth another route; protocol rejections are not. */
function isRetriable(e: unknown): boolean {
  const any = e as { findBy?: (k: string, v: unknown) => unknown };
  if (typeof any?.findBy === 'function' && any.findBy('canRetry', false)) return false;
  return true;
}

/**
 * Sends `records` with `send`, re-routing what failed. Upstream bug (1.35.0, Producer
 * #performSingleDestinationSend): a produce looks its leader up once and retries against that same
 * broker; fresh metadata is fetched only for errors flagged hasStaleMetadata, so a crashed leader is
 * retried until the retries run out. Here: refresh metadata and send again only the partitions that
 * did not succeed. Their idempotent sequence numbers were not advanced (the client advances them only
 * on a response), so a batch the dead leader did write is de-duplicated by the new leader.
 */
export async function sendRerouting<R extends { partition: number }>(
  records: R[],
  io: { send(pending: R[]): Promise<unknown>; clearMetadata(): void; warn(message: string): void },
): Promise<void> {
  let pending = records;
  const deadline = Date.now() + RESEND_WINDOW_MS;
  for (;;) {
    try {
      await io.send(pending);
      return;
    } catch (e) {
      const produced = (e as { produced?: { offsets?: Array<{ partition: number; offset: bigint }> } }).produced;
      const done = new Set((produced?.offsets ?? []).filter((o) => o.offset >= 0n).map((o) => o.partition));
      pending = pending.filter((r) => !done.has(r.partition));
      if (pending.length === 0) return;
      if (Date.now() > deadline || !isRetriable(e)) throw e;
      io.warn(`re-sending ${pending.length} record(s) after: ${String((e as Error).message).slice(0, 150)}`);
      io.clearMetadata();
      await sleep(500);
    }
  }
}

/** Heartbeat failures in a row after which the member counts as gone from its group. */
const HEARTBEAT_FAILURES_TO_REJOIN = 3;

/**
 * Calls `onGone` once the consumer's heartbeats keep failing. Upstream bug (1.35.0, Consumer
 * #heartbeat): the group coordinator's id is cached once found and never cleared, and a heartbeat
 * that fails on the connection (not with a rejoin error) is only rescheduled, so a member whose
 * coordinator crashed heart-beats the dead broker forever instead of finding the new one.
 */
export function watchCoordinatorHeartbeats(consumer: unknown, onGone: (reason: string) => void): void {
  let failures = 0;
  const emitter = consumer as { on(event: string, f: (...a: unknown[]) => void): void };
  emitter.on('consumer:heartbeat:error', () => {
    if (++failures >= HEARTBEAT_FAILURES_TO_REJOIN) onGone('group coordinator unreachable (heartbeats failing)');
  });
  emitter.on('consumer:heartbeat:end', () => {
    failures = 0;
  });
}

/**
 * The client's codec name for `--compression`, or undefined when this runtime cannot do it.
 * Upstream limitation (1.35.0, protocol/compression.js): zstd goes through node:zlib, which has it
 * only from Node 22.15, so on older Node every zstd produce fails with UnsupportedCompressionError.
 * (workload.ts gives the temporary topics lz4 instead of a topic-level zstd for the same reason.)
 */
export function platformaticCompression(c: Compression, zstdAvailable = runtimeHasZstd()): 'none' | 'gzip' | 'lz4' | 'zstd' | undefined {
  if (c === 'zstd' && !zstdAvailable) return undefined;
  return c;
}
