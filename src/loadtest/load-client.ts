/**
 * The load generator's view of a Kafka client: producers that send batches and say when the
 * broker acknowledged them, consumers that hand every record back. The runner only sees these
 * interfaces, so a faster client can replace kafkajs without touching the measurement code, and
 * unit tests run it on the in-memory client. Topic admin is not here: the runner uses the ClusterPort.
 */

export type Acks = 'all' | '1';
export type Compression = 'none' | 'gzip' | 'lz4' | 'zstd';

export interface LoadRecord {
  partition: number;
  key: Buffer;
  value: Buffer;
  /** The record stamp travels here when the value is a real schema payload (see message.ts). */
  stamp?: Buffer;
}

/** Header carrying the load-test stamp when the value is a schema payload. */
export const STAMP_HEADER = 'kafkaform-stamp';

export interface ProducerOptions {
  clientId: string;
  acks: Acks;
  compression: Compression;
  /** Idempotent producer (only with acks=all): broker-side de-duplication of retried batches. */
  idempotent: boolean;
}

export interface LoadProducer {
  /** Batches the runner may have in flight at once (an idempotent producer may need 1 to keep sequence order). */
  readonly maxInFlight: number;
  /**
   * Independent send lanes (default 1): the runner may keep `maxInFlight` batches in flight in each
   * lane at once, the lanes over disjoint partitions. An idempotent producer numbers records per
   * partition, so batches for different partitions never race for sequence numbers.
   */
  readonly lanes?: number;
  connect(): Promise<void>;
  /** Resolves when the broker acknowledged every record of the batch; rejects when it gave up. */
  send(topic: string, records: LoadRecord[]): Promise<void>;
  disconnect(): Promise<void>;
}

export interface ConsumedRecord {
  topic: string;
  partition: number;
  offset: number;
  value: Buffer;
  /** The STAMP_HEADER value, when present. */
  stamp?: Buffer;
}

export interface ConsumerOptions {
  clientId: string;
  groupId: string;
  topics: string[];
  /** Read from the earliest offset (fresh load-test topics) or only new records (existing topics). */
  fromBeginning: boolean;
}

export interface LoadConsumer {
  /** Connects, subscribes and resolves once the consumer owns its partitions. */
  start(onRecords: (records: ConsumedRecord[]) => void): Promise<void>;
  /**
   * Stops fetching (the group membership and heartbeats go on): the producer-only ceiling of
   * --rate max, measured as kafka-producer-perf-test measures, with no consumer beside it. What was
   * fetched already may still arrive. resume() fetches again from where the consumer stood. Both are
   * idempotent, and a consumer that restarts while paused stays paused.
   */
  pause(): void;
  resume(): void;
  disconnect(): Promise<void>;
}

export interface LoadClient {
  readonly name: string;
  createProducer(opts: ProducerOptions): LoadProducer;
  createConsumer(opts: ConsumerOptions): LoadConsumer;
  /** Client-side warnings seen so far (retries, reconnects, leader changes): the disturbance counter. */
  warnings(): number;
  /** The last few warning messages, for the report. */
  warningSamples(): string[];
}

/** How many warning messages a client keeps for the report. */
const MAX_WARNING_SAMPLES = 20;

/** The disturbance counter every client keeps: a count, and the first few messages. */
export class ClientWarnings {
  private total = 0;
  private readonly kept: string[] = [];

  /** Counts one warning and keeps its message while there is room (callers trim it). */
  note(message: string): void {
    this.total++;
    if (this.kept.length < MAX_WARNING_SAMPLES) this.kept.push(message);
  }

  count(): number {
    return this.total;
  }

  samples(): string[] {
    return [...this.kept];
  }
}
