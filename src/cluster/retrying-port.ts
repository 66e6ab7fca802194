/**
 * Reads that survive a rolling restart: a ClusterPort decorator that asks again, with capped
 * exponential backoff and jitter, when a read meets a retriable failure (classify-error.ts's
 * isRetriableReadError: not leader, unknown topic-partition while metadata catches up, a broker
 * gone while others are up, a coordinator loading, a timed-out request), until a deadline. Then it
 * fails with one ClusterError naming the operation, the broker (when known) and Kafka's error.
 *
 * Only reads are retried, told by the port's verbs (`describe*`, `list*`, `read*`): asking again
 * changes nothing. Writes (create/delete/alter) pass through untouched, because a write whose
 * answer was lost may have happened, and repeating it blindly is not safe. Members added to the
 * port later follow the same rule by their name.
 */
import { ClusterError } from '../errors.js';
import { brokerOf, isRetriableReadError } from './classify-error.js';
import type { ClusterPort } from './port.js';

/** One retry about to happen (for progress output and for the caller's own timeout message). */
export interface ReadRetry {
  operation: string;
  /** 1 for the first retry. */
  attempt: number;
  delayMs: number;
  error: unknown;
  broker?: string;
}

export interface ReadRetryOptions {
  /** No retry starts after this time (by `now`); the read then fails with the last error. */
  deadlineAt: number;
  /** First backoff (default 100 ms); doubled per attempt up to maxDelayMs (default 2 s). */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Servers named in the final error when the failure names no broker. */
  bootstrapServers?: string[];
  onRetry?: (r: ReadRetry) => void;
  /** Injected for deterministic tests. */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

const READ_VERB = /^(describe|list|read)[A-Z]/;

/** Whether a port member is a read (retried) rather than a write or close (passed through). */
export function isReadOperation(name: string): boolean {
  return READ_VERB.test(name);
}

/** A timer that never holds the process open: a CLI that gave up does not wait for a backoff. */
const unrefSleep = (ms: number) =>
  new Promise<void>((resolve) => {
    setTimeout(resolve, ms).unref();
  });

/** The backoff before retry `attempt` (1-based): exponential, capped, with jitter in [delay/2, delay). */
export function computeBackoffMs(attempt: number, random: number, baseDelayMs = 100, maxDelayMs = 2_000): number {
  const delay = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
  return Math.round(delay / 2 + (random * delay) / 2);
}

/** `port` with every read retried through retriable failures until `opts.deadlineAt`. */
export function withReadRetries(port: ClusterPort, opts: ReadRetryOptions): ClusterPort {
  const now = opts.now ?? Date.now;
  const sleep = opts.sleep ?? unrefSleep;
  const random = opts.random ?? Math.random;
  let answered = false;
  let closed = false;

  async function read<T>(operation: string, call: () => Promise<T>): Promise<T> {
    const started = now();
    for (let attempt = 1; ; attempt++) {
      try {
        const result = await call();
        answered = true;
        return result;
      } catch (e) {
        if (closed || !isRetriableReadError(e, answered)) throw e;
        const delayMs = computeBackoffMs(attempt, random(), opts.baseDelayMs, opts.maxDelayMs);
        if (now() + delayMs >= opts.deadlineAt) throw giveUp(operation, e, attempt, now() - started, opts.bootstrapServers);
        opts.onRetry?.({ operation, attempt, delayMs, error: e, broker: brokerOf(e) });
        await sleep(delayMs);
        if (closed) throw e;
      }
    }
  }

  return new Proxy(port, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop, target);
      if (typeof value !== 'function') return value;
      const f = value as (...args: unknown[]) => Promise<unknown>;
      if (prop === 'close') {
        return () => {
          closed = true;
          return f.call(target);
        };
      }
      if (typeof prop === 'string' && isReadOperation(prop)) return (...args: unknown[]) => read(prop, () => f.apply(target, args));
      return f.bind(target);
    },
  });
}

/** The error a read ends with when retrying ran out of time: the operation, the broker, the last error. */
function giveUp(operation: string, last: unknown, attempts: number, elapsedMs: number, servers?: string[]): ClusterError {
  const broker = brokerOf(last);
  const where = broker ? `broker ${broker}` : servers?.length ? `the cluster at ${servers.join(',')}` : 'the cluster';
  const why = last instanceof Error ? last.message : String(last);
  const code = last instanceof ClusterError && last.code !== 'protocol' ? last.code : 'timeout';
  const kafka = last instanceof ClusterError && 'kafkaCode' in last ? `${String(last.kafkaCode)}: ` : '';
  return new ClusterError(
    code,
    `${operation} from ${where} still failed after ${attempts} attempt(s) in ${(elapsedMs / 1000).toFixed(1)}s: ${kafka}${why}`,
    'a broker may be restarting or unreachable: retry when the cluster is healthy, or raise --timeout',
    broker,
  );
}
