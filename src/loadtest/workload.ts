/**
 * What a load test will do, decided before any connection: which topics, at what rate, with which
 * message size, into which (temporary) topics. Pure: spec + options in, workload out.
 */
import { randomBytes } from 'node:crypto';
import zlib from 'node:zlib';
import { Size } from '../model/units.js';
import type { ResolvedSpec } from '../manifest/types.js';
import { UserError } from '../errors.js';
import type { Acks, Compression } from './load-client.js';
import { MIN_MESSAGE_BYTES } from './message.js';

export const LOADTEST_TOPIC_PREFIX = 'kafkaform-loadtest.';
/** Used when a topic has no `expected` block and no --rate / --message-bytes flag. */
export const FALLBACK_RATE = 1000;
export const FALLBACK_MESSAGE_BYTES = 1024;
/** Hard bounds: a load test never runs longer or sends more than this, whatever the flags say. */
export const MAX_DURATION_MS = 60 * 60_000;
export const MAX_MESSAGES_PER_TOPIC = 50_000_000;

export interface LoadTestOptions {
  topics?: string[];
  /** Whether this runtime can decompress zstd (default: detected); decides the temporary topics' compression. */
  zstdAvailable?: boolean;
  durationMs: number;
  /** Messages per second per topic (all producers together), or 'max' to search the highest sustainable rate. */
  rate?: number | 'max';
  messageBytes?: number;
  producers: number;
  consumers: number;
  acks: Acks;
  /** Producer compression for every topic; undefined: each topic's own compression.type (see topicCompression). */
  compression?: Compression;
  useExisting: boolean;
  keepTopics: boolean;
  /** Cap on messages per topic; default: what the rate sends in the duration, plus 10 %. */
  maxMessages?: number;
  runId?: string;
}

export interface TopicWorkload {
  /** The declared topic in topics.yaml. */
  topic: string;
  /** The topic actually written to: the temporary `kafkaform-loadtest.<topic>.<runid>` or the declared one. */
  loadTopic: string;
  temporary: boolean;
  partitions: number;
  replicationFactor: number;
  config: Record<string, string>;
  /** Target messages per second for the topic ('max' mode: the starting rate). */
  messagesPerSecond: number;
  messageBytes: number;
  rateSource: 'flag' | 'expected' | 'default';
  sizeSource: 'flag' | 'expected' | 'default';
  maxMessages: number;
  /** The producers' codec for this topic. */
  compression: Compression;
  /** Why the codec is not the topic's own (zstd on a Node without it), for the report. */
  compressionNote?: string;
  /**
   * Values that conform to the topic's value schema (see schema-payloads.ts), used in turn; the
   * record stamp then travels in a header. Absent: synthetic values with the stamp inside.
   */
  payloads?: Buffer[];
}

export interface Workload {
  runId: string;
  durationMs: number;
  mode: 'fixed' | 'max';
  producers: number;
  consumers: number;
  acks: Acks;
  /** The --compression flag, or 'topic' when each topic uses its own codec. */
  compression: Compression | 'topic';
  idempotent: boolean;
  useExisting: boolean;
  keepTopics: boolean;
  topics: TopicWorkload[];
}

/** A short random id: names the run's temporary topics and consumer groups. */
export function newRunId(): string {
  return randomBytes(4).toString('hex');
}

/** Parses `30s`, `2m`, `500ms` or plain seconds. */
export function parseDurationFlag(v: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/.exec(v.trim());
  if (!m) throw new UserError(`--duration "${v}" is not a duration`, 'e.g. --duration 30s, 2m, 500ms');
  const ms = Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(m[2] ?? 's') as 'ms' | 's' | 'm' | 'h'];
  if (ms < 1000) throw new UserError(`--duration ${v} is shorter than one second`, 'a load test needs at least 1s');
  if (ms > MAX_DURATION_MS) throw new UserError(`--duration ${v} is longer than the 1h limit`, 'load tests are bounded; run several if you need longer');
  return Math.round(ms);
}

export function parseRateFlag(v: string): number | 'max' {
  if (v === 'max') return 'max';
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new UserError(`--rate "${v}" must be a positive number of messages per second or "max"`, 'e.g. --rate 2000, --rate max');
  return n;
}

export function parseSizeFlag(v: string): number {
  const s = Size.tryParse(v);
  if (!s || s.bytes < MIN_MESSAGE_BYTES) throw new UserError(`--message-bytes "${v}" is not a size of at least ${MIN_MESSAGE_BYTES} bytes`, 'e.g. --message-bytes 1KiB, 512, 4KiB');
  return s.bytes;
}

/** Computes the workload for the spec's topics (those with an `expected` block, or those named by --topic). */
export function computeWorkload(spec: ResolvedSpec, opts: LoadTestOptions): Workload {
  const runId = opts.runId ?? newRunId();
  let chosen = spec.topics;
  if (opts.topics && opts.topics.length > 0) {
    const byName = new Map(spec.topics.map((t) => [t.name, t]));
    chosen = opts.topics.map((name) => {
      const t = byName.get(name);
      if (!t) throw new UserError(`topic "${name}" is not declared in ${spec.file} (environment ${spec.environment})`, `declared topics: ${spec.topics.map((x) => x.name).join(', ') || 'none'}`);
      return t;
    });
  } else {
    chosen = spec.topics.filter((t) => t.expected);
    if (chosen.length === 0) {
      throw new UserError('no topic has an `expected` block, so there is no default workload', 'add `expected: { messagesPerSecond, messageBytes, peakFactor }` to a topic, or name topics with --topic T (and --rate N)');
    }
  }
  if (opts.producers < 1 || opts.consumers < 1) throw new UserError('--producers and --consumers must be at least 1');
  const idempotent = opts.acks === 'all';
  const mode = opts.rate === 'max' ? 'max' : 'fixed';
  const topics = chosen.map((t): TopicWorkload => {
    const rateSource = typeof opts.rate === 'number' ? 'flag' : t.expected ? 'expected' : 'default';
    const messagesPerSecond =
      typeof opts.rate === 'number' ? opts.rate : t.expected ? t.expected.messagesPerSecond * t.expected.peakFactor : FALLBACK_RATE;
    const sizeSource = opts.messageBytes !== undefined ? 'flag' : t.expected ? 'expected' : 'default';
    const messageBytes = Math.max(MIN_MESSAGE_BYTES, opts.messageBytes ?? t.expected?.messageBytes ?? FALLBACK_MESSAGE_BYTES);
    const expectedCount = Math.ceil(messagesPerSecond * (opts.durationMs / 1000) * 1.1) + opts.producers;
    const maxMessages = Math.min(MAX_MESSAGES_PER_TOPIC, opts.maxMessages ?? (mode === 'max' ? MAX_MESSAGES_PER_TOPIC : expectedCount));
    const loadTopic = opts.useExisting ? t.name : loadTestTopicName(t.name, runId);
    const codec = topicCompression(t.config['compression.type'], opts.compression, opts.zstdAvailable ?? runtimeHasZstd());
    return {
      topic: t.name,
      loadTopic,
      temporary: !opts.useExisting,
      partitions: t.partitions,
      replicationFactor: t.replicationFactor,
      config: opts.useExisting ? t.config : computeLoadTopicConfig(t.config, opts.zstdAvailable ?? runtimeHasZstd()),
      messagesPerSecond,
      messageBytes,
      rateSource,
      sizeSource,
      maxMessages,
      compression: codec.compression,
      ...(codec.note ? { compressionNote: codec.note } : {}),
    };
  });
  return {
    runId,
    durationMs: opts.durationMs,
    mode,
    producers: opts.producers,
    consumers: opts.consumers,
    acks: opts.acks,
    compression: opts.compression ?? 'topic',
    idempotent,
    useExisting: opts.useExisting,
    keepTopics: opts.keepTopics,
    topics,
  };
}

/** `kafkaform-loadtest.<topic>.<runid>`, shortened to Kafka's 249-character limit. */
export function loadTestTopicName(topic: string, runId: string): string {
  const room = 249 - LOADTEST_TOPIC_PREFIX.length - runId.length - 1;
  return `${LOADTEST_TOPIC_PREFIX}${topic.slice(0, room)}.${runId}`;
}

/** Node ≥ 22.15 has zstd in zlib; the load-test clients can only read zstd batches where it does. */
export function runtimeHasZstd(): boolean {
  return typeof (zlib as { zstdDecompressSync?: unknown }).zstdDecompressSync === 'function';
}

/**
 * The temporary topic's configs. A topic-level compression.type=zstd makes the broker hand out zstd
 * batches, which this runtime may not decompress: the copy then uses lz4 (the broker still
 * recompresses, as with zstd) and the runner says so.
 */
export function computeLoadTopicConfig(config: Record<string, string>, zstdAvailable: boolean): Record<string, string> {
  if (zstdAvailable || config['compression.type'] !== 'zstd') return config;
  return { ...config, 'compression.type': 'lz4' };
}

/**
 * The producers' codec for a topic: the flag when given, else the topic's own compression.type, so
 * that per-partition throughput is measured as the topic will be used. zstd needs Node ≥ 22.15
 * (node:zlib); on older Node it is replaced by lz4, the nearest in speed and ratio, and the note says so.
 */
export function topicCompression(declared: string | undefined, flag: Compression | undefined, zstdAvailable: boolean): { compression: Compression; note?: string } {
  const wanted: Compression = flag ?? (declared === 'gzip' || declared === 'lz4' || declared === 'zstd' ? declared : 'none');
  if (wanted === 'zstd' && !zstdAvailable) return { compression: 'lz4', note: `zstd tested with lz4: Node ${process.versions.node} has no zstd (Node ≥ 22.15 does)` };
  const note = !flag && declared === 'snappy' ? 'snappy is not available in the load-test clients: tested without compression' : undefined;
  return { compression: wanted, ...(note ? { note } : {}) };
}
