/**
 * The load-test report: a stable, documented JSON value (reportVersion 1). Renderers (text,
 * Markdown, HTML) and `kafkaform capacity --from` read only this shape.
 * Units are in the field names; megabytes are 2^20 bytes (as kafka-producer-perf-test counts them).
 */
import type { BaselineComparison } from './compare-baseline.js';
import type { LatencySummary, PercentilePoint } from './histogram.js';

export interface Throughput {
  messagesPerSecond: number;
  megabytesPerSecond: number;
}

export interface MessageCounts {
  sent: number;
  acknowledged: number;
  /** Sends the client gave up on after its retries (not acknowledged, so not "lost"). */
  failed: number;
  consumed: number;
  /** Acknowledged by the broker but never consumed. */
  lost: number;
  /** Present in the log more than once: the same producer and sequence at two different offsets. */
  duplicated: number;
  /** The same offset delivered again to the consumers (after a rebalance): at-least-once delivery, not a duplicate. */
  redelivered: number;
  /**
   * Acknowledged records the live consumers did not deliver before the drain timeout but a fresh
   * re-read found in the log: a consumer-side problem, not loss. Included in `consumed`.
   */
  missedByConsumers?: number;
}

export interface TopicResult {
  topic: string;
  loadTopic: string;
  temporary: boolean;
  partitions: number;
  replicationFactor: number;
  targetMessagesPerSecond: number;
  messageBytes: number;
  /** The producers' codec, and why it is not the topic's own when it is not (zstd on Node < 22.15). */
  compression?: string;
  compressionNote?: string;
  rateSource: 'flag' | 'expected' | 'default';
  producer: Throughput;
  consumer: Throughput;
  /** --rate max: the topic's rate in the highest sustainable step (what `capacity` prefers). */
  sustainableMessagesPerSecond?: number;
  /** --rate max: the topic's closed-loop rate. */
  ceilingMessagesPerSecond?: number;
  /** Measured throughput divided by the partition count (the offered load unless the run was --rate max). */
  perPartition: { producer: Throughput; consumer: Throughput };
  messages: MessageCounts;
  latencyMs: { publish: LatencySummary; endToEnd: LatencySummary };
}

export interface TimeSeriesPoint {
  /** Seconds since the producers started (the point covers [second, second+1)). */
  second: number;
  /** The rate the schedule asked for in that second (0 while closed-loop). */
  targetMessagesPerSecond: number;
  /** --rate max ceiling phase: the producers sent as fast as they went, with no target. */
  closedLoop?: boolean;
  sentPerSecond: number;
  acknowledgedPerSecond: number;
  consumedPerSecond: number;
  producedMegabytesPerSecond: number;
  consumedMegabytesPerSecond: number;
  publishP50Ms: number;
  publishP99Ms: number;
  publishDelayP99Ms: number;
  endToEndP99Ms: number;
  /** Acknowledged records not yet consumed, at the end of the second. */
  lag: number;
  errors: number;
}

export interface MaxRateStep {
  /** Seconds since the producers started: the step covered [fromSecond, toSecond). */
  fromSecond: number;
  toSecond: number;
  /** The step's target as a fraction of the closed-loop ceiling. */
  fractionOfCeiling: number;
  targetMessagesPerSecond: number;
  acknowledgedPerSecond: number;
  publishDelayP99Ms: number;
  /** Consumer lag at the end of the step (records). */
  lag: number;
  sustainable: boolean;
}

/** `--rate max`: the closed-loop ceiling, then the open-loop steps below it. */
export interface MaxRateResult {
  /** Acknowledged msg/s with the producers sending as fast as they go (closed loop) while the consumers read along. */
  ceilingMessagesPerSecond: number;
  /** The ceiling phase covered seconds [0, ceilingPhaseSeconds) of the run. */
  ceilingPhaseSeconds: number;
  /**
   * Acknowledged msg/s in closed loop with the run's consumers paused, after the steps (over the
   * phase's whole seconds after its first): what the
   * producers alone reach, as kafka-producer-perf-test measures (it only writes). The consumers read
   * those records in the drain; they count in the ledger, not in the end-to-end latency. Absent when
   * the run ended before it (a ceiling of 0, an interrupted run) and in older reports.
   */
  producerCeilingMessagesPerSecond?: number;
  /** The producer-only ceiling covered seconds [producerCeilingFromSecond, producerCeilingToSecond). */
  producerCeilingFromSecond?: number;
  producerCeilingToSecond?: number;
  /** The highest step that met the rule (0 when none did). */
  sustainableMessagesPerSecond: number;
  /** A sustainable step lies within 10 % of the lowest upper bound (a failed step, or the ceiling). */
  limitReached: boolean;
  /** The sustainability rule the steps were judged by. */
  rule: { maxPublishDelayMs: number; minAchievedShare: number; minLagAllowance: number };
  steps: MaxRateStep[];
}

/** One process of a multi-worker run (--workers / --remote-workers). */
export interface WorkerReport {
  name: string;
  host: string;
  pid: number;
  /** finished: its result is merged; lost: no heartbeat within the bound; failed: it reported an error. */
  status: 'finished' | 'lost' | 'failed';
  /** Why it is lost or failed. */
  reason?: string;
  /** The partitions it produced to, per load topic. */
  partitions: Record<string, number[]>;
  /** Its own producing rate (acknowledged). */
  producer: Throughput;
  /**
   * What it sent, had acknowledged and consumed: from its result, or for a lost worker its last
   * heartbeat. A lost worker's records are not in the run's accounting (neither lost nor dropped silently):
   * `consumedByOthers` says how many of them the other workers read.
   */
  messages: { sent: number; acknowledged: number; consumed: number; consumedByOthers?: number };
  latencyMs?: { publish: LatencySummary };
}

export interface LoadTestReport {
  reportVersion: 1;
  tool: 'kafkaform loadtest';
  runId: string;
  startedAt: string;
  finishedAt: string;
  /** Seconds the producers ran (without setup and drain). */
  durationSeconds: number;
  cluster: { name: string; environment: string; bootstrapServers: string[] };
  client: string;
  settings: {
    mode: 'fixed' | 'max';
    acks: 'all' | '1';
    compression: string;
    idempotent: boolean;
    producersPerTopic: number;
    consumersPerTopic: number;
    useExistingTopics: boolean;
    keepTopics: boolean;
    /** Worker processes of a multi-worker run (absent: one process). */
    workers?: number;
  };
  producer: Throughput;
  consumer: Throughput;
  latencyMs: {
    publish: LatencySummary;
    /** Actual minus intended send time: how far the generator fell behind its schedule (coordinated omission). */
    publishDelay: LatencySummary;
    endToEnd: LatencySummary;
  };
  /** The percentile curves of the whole run. */
  latencyPercentilesMs: { publish: PercentilePoint[]; endToEnd: PercentilePoint[] };
  messages: MessageCounts;
  lag: { max: number; final: number };
  errors: { count: number; clientWarnings: number; samples: string[] };
  /** Drain finished: every acknowledged record was consumed before the drain timeout. */
  drained: boolean;
  topics: TopicResult[];
  timeSeries: TimeSeriesPoint[];
  maxRate?: MaxRateResult;
  /** Temporary topics deleted at the end (empty with --keep-topics or --use-existing). */
  deletedTopics: string[];
  /** Multi-worker runs: each worker, by name, with its own figures. */
  workers?: WorkerReport[];
  /** --baseline FILE: this run against an earlier report (compare-baseline.ts). */
  baseline?: BaselineComparison;
}

export const MIB = 1024 * 1024;
