/**
 * The messages of a multi-process load test, exchanged on a control topic of the cluster under
 * test (no other infrastructure): workers say hello and send heartbeats, the coordinator publishes
 * the workload and the start time, workers return their results (ledgers and HDR histograms, gzip,
 * in chunks that fit the broker's default message size). Pure: encoding, decoding, chunking.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import type { SerializedSketch } from './latency-sketch.js';
import type { SerializedLedger } from './ledger.js';
import type { MaxRateResult } from './report-types.js';
import type { SecondBucket, SecondPercentiles } from './run-state.js';
import type { TopicWorkload, Workload } from './workload.js';

/** What a worker is doing, as its heartbeats say. */
export type WorkerPhase = 'joined' | 'ready' | 'producing' | 'draining' | 'reporting';

export interface WorkerCounters {
  sent: number;
  acknowledged: number;
  consumed: number;
  errors: number;
}

/** A workload as JSON can carry it (schema payloads as base64). */
export type WireWorkload = Omit<Workload, 'topics'> & { topics: Array<Omit<TopicWorkload, 'payloads'> & { payloads?: string[] }> };

export type ControlMessage =
  | { type: 'hello'; worker: string; host: string; pid: number }
  | { type: 'heartbeat'; worker: string; phase: WorkerPhase; counters: WorkerCounters }
  | {
      type: 'start';
      runId: string;
      workload: WireWorkload;
      /** The workers taking part, in order: a worker's index decides its partitions and producer ids. */
      workers: string[];
      /** Partitions per load topic (as the cluster has them). */
      partitions: Record<string, number>;
    }
  | { type: 'ready'; worker: string; runId: string }
  | { type: 'go'; runId: string; /** Wall-clock ms when producing starts, on every worker. */ t0Ms: number }
  | { type: 'produced'; worker: string; runId: string; counters: WorkerCounters }
  | { type: 'stop'; runId: string }
  | { type: 'abort'; runId: string; reason: string }
  | { type: 'failed'; worker: string; runId?: string; message: string }
  | { type: 'result'; worker: string; runId: string; chunk: number; chunks: number; data: string };

/** Result chunks stay far below the broker's default 1 MiB message.max.bytes (base64 adds a third). */
export const RESULT_CHUNK_BYTES = 384 * 1024;

export function encodeControlMessage(m: ControlMessage): Buffer {
  return Buffer.from(JSON.stringify(m));
}

/** The message, or undefined for anything else on the topic. */
export function decodeControlMessage(value: Buffer): ControlMessage | undefined {
  try {
    const m = JSON.parse(value.toString('utf8')) as ControlMessage;
    return m && typeof m === 'object' && typeof m.type === 'string' ? m : undefined;
  } catch {
    return undefined;
  }
}

export function toWireWorkload(w: Workload): WireWorkload {
  return { ...w, topics: w.topics.map(({ payloads, ...t }) => ({ ...t, ...(payloads ? { payloads: payloads.map((p) => p.toString('base64')) } : {}) })) };
}

export function fromWireWorkload(w: WireWorkload): Workload {
  return { ...w, topics: w.topics.map(({ payloads, ...t }) => ({ ...t, ...(payloads ? { payloads: payloads.map((p) => Buffer.from(p, 'base64')) } : {}) })) };
}

/**
 * One worker's per-second figures, as they travel: the counters, its latencies as sketches (merged into
 * the run's per-second percentiles), and its own percentiles, which a coordinator falls back on (the
 * highest of them) for a bucket without sketches, from a worker older than the sketches.
 */
export type WireBucket = Omit<SecondBucket, 'publish' | 'delay' | 'e2e' | 'lag' | 'percentilesMs' | 'sketches'> & {
  second: number;
  percentilesMs: SecondPercentiles;
  sketches?: WireSketches;
};

/** One second's latency sketches (latency-sketch.ts). */
export interface WireSketches {
  publish: SerializedSketch;
  delay: SerializedSketch;
  e2e: SerializedSketch;
}

/** One worker's accounting of one topic. */
export interface WireTopicResult {
  loadTopic: string;
  ledger: SerializedLedger;
  publish: string;
  e2e: string;
  ackedBytes: number;
  consumedBytes: number;
  firstAckAt?: number;
  lastAckAt?: number;
  firstConsumeAt?: number;
  lastConsumeAt?: number;
  /** --rate max: this worker's closed-loop rate and highest sustainable rate on the topic (msg/s). */
  ceilingRate?: number;
  sustainableRate?: number;
}

/** What a worker hands back at the end. */
export interface WorkerResult {
  worker: string;
  host: string;
  pid: number;
  /** Seconds its producers ran. */
  durationSeconds: number;
  /** Producers and consumers it ran, over all topics. */
  producers: number;
  consumers: number;
  /** Partitions it produced to, per load topic. */
  partitions: Record<string, number[]>;
  topics: WireTopicResult[];
  buckets: WireBucket[];
  /** The whole run's publish delay (serialized histogram). */
  publishDelay: string;
  errorCount: number;
  errorSamples: string[];
  client: { name: string; warnings: number; warningSamples: string[] };
  /** --rate max: this worker's search over its share (merged by summing, see mergeMaxRates). */
  maxRate?: MaxRateResult;
}

/** A result as `result` messages: gzip of its JSON, in base64 chunks. */
export function chunkResult(r: WorkerResult, runId: string, chunkBytes = RESULT_CHUNK_BYTES): ControlMessage[] {
  const zipped = gzipSync(Buffer.from(JSON.stringify(r)));
  const chunks = Math.max(1, Math.ceil(zipped.length / chunkBytes));
  return Array.from({ length: chunks }, (_, i) => ({ type: 'result', worker: r.worker, runId, chunk: i, chunks, data: zipped.subarray(i * chunkBytes, (i + 1) * chunkBytes).toString('base64') }));
}

/** Collects result chunks per worker (they may arrive in any order, or twice); hands out complete results. */
export class ResultAssembler {
  private readonly parts = new Map<string, Map<number, string>>();

  /** Adds a chunk; returns the worker's result once all its chunks are in. */
  add(m: Extract<ControlMessage, { type: 'result' }>): WorkerResult | undefined {
    const got = this.parts.get(m.worker) ?? new Map<number, string>();
    this.parts.set(m.worker, got);
    got.set(m.chunk, m.data);
    if (got.size < m.chunks) return undefined;
    const zipped = Buffer.concat(Array.from({ length: m.chunks }, (_, i) => Buffer.from(got.get(i)!, 'base64')));
    return JSON.parse(gunzipSync(zipped).toString('utf8')) as WorkerResult;
  }
}
