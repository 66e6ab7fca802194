/**
 * The load generator's view of a Kafka client: producers that send batches and say when the
 * broker acknowledged them, consumers that hand every record back. The runner only sees these
 * interfaces, so a faster client can replace kafkajs without touching the measurement code.
 */
import zlib from 'node:zlib';
import * as plt from '@platformatic/kafka';
import kafkajs from 'kafkajs';
import type { Consumer, KafkaConfig, Producer, SASLOptions, logCreator as LogCreator } from 'kafkajs';
import { kafkajsConfig } from '../cluster/kafkajs-adapter.js';
import type { Connection } from '../cluster/port.js';
import { UserError } from '../errors.js';

const { Kafka, logLevel, CompressionTypes } = kafkajs;

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
  disconnect(): Promise<void>;
}

/** The few admin operations a load test needs: its temporary topics. */
export interface LoadAdmin {
  createTopic(t: { name: string; partitions: number; replicationFactor: number; config?: Record<string, string> }): Promise<void>;
  deleteTopic(name: string): Promise<void>;
  listTopics(): Promise<string[]>;
  /** Partition counts of existing topics (missing topics are left out). */
  describeTopics(names: string[]): Promise<Array<{ name: string; partitions: number; config: Record<string, string> }>>;
  close(): Promise<void>;
}

export interface LoadClient {
  readonly name: string;
  createAdmin(): LoadAdmin;
  createProducer(opts: ProducerOptions): LoadProducer;
  createConsumer(opts: ConsumerOptions): LoadConsumer;
  /** Client-side warnings seen so far (retries, reconnects, leader changes): the disturbance counter. */
  warnings(): number;
  /** The last few warning messages, for the report. */
  warningSamples(): string[];
}

const COMPRESSION: Record<Compression, number | undefined> = {
  none: CompressionTypes.None,
  gzip: CompressionTypes.GZIP,
  lz4: undefined,
  zstd: undefined,
};

/** The kafkajs-backed client (pure JS, already a dependency). */
export class KafkajsLoadClient implements LoadClient {
  readonly name = 'kafkajs';
  private warningCount = 0;
  private samples: string[] = [];

  constructor(private readonly conn: Connection) {}

  private config(clientId: string): KafkaConfig {
    // Count what kafkajs logs at WARN/ERROR: these are its retries and reconnects during a fault.
    const creator: LogCreator = () => (entry) => {
      if (entry.level > logLevel.WARN) return;
      this.warningCount++;
      const msg = String(entry.log.message ?? '');
      if (this.samples.length < 20) this.samples.push(msg.slice(0, 200));
    };
    return {
      ...kafkajsConfig(this.conn, clientId),
      ...kafkajsSasl(this.conn),
      logLevel: logLevel.WARN,
      logCreator: creator,
      // A broker crash makes leaders move: keep retrying for longer than the admin default.
      retry: { retries: 12, initialRetryTime: 100, maxRetryTime: 2_000 },
    };
  }

  warnings(): number {
    return this.warningCount;
  }

  warningSamples(): string[] {
    return [...this.samples];
  }

  createAdmin(): LoadAdmin {
    const admin = new Kafka(this.config(this.conn.clientId ?? 'kafkaform-loadtest-admin')).admin();
    let connected: Promise<void> | undefined;
    const ready = async () => {
      connected ??= admin.connect();
      await connected;
      return admin;
    };
    return {
      createTopic: async (t) => {
        await (await ready()).createTopics({
          waitForLeaders: true,
          topics: [{ topic: t.name, numPartitions: t.partitions, replicationFactor: t.replicationFactor, configEntries: Object.entries(t.config ?? {}).map(([name, value]) => ({ name, value })) }],
        });
      },
      deleteTopic: async (name) => {
        await (await ready()).deleteTopics({ topics: [name] });
      },
      listTopics: async () => (await ready()).listTopics(),
      describeTopics: async (names) => {
        const a = await ready();
        const existing = new Set(await a.listTopics());
        const present = names.filter((n) => existing.has(n));
        if (present.length === 0) return [];
        const meta = await a.fetchTopicMetadata({ topics: present });
        const cfgs = await a.describeConfigs({ includeSynonyms: false, resources: present.map((name) => ({ type: kafkajs.ConfigResourceTypes.TOPIC, name })) });
        return meta.topics.map((t) => {
          const r = cfgs.resources.find((x) => x.resourceName === t.name);
          const config: Record<string, string> = {};
          for (const e of r?.configEntries ?? []) if (!e.isDefault && e.configValue !== null) config[e.configName] = e.configValue;
          return { name: t.name, partitions: t.partitions.length, config };
        });
      },
      close: async () => {
        if (connected) await admin.disconnect().catch(() => undefined);
      },
    };
  }

  createProducer(opts: ProducerOptions): LoadProducer {
    const codec = COMPRESSION[opts.compression];
    if (codec === undefined) {
      throw new UserError(`--compression ${opts.compression} is not available with the ${this.name} client`, 'use --compression none or gzip');
    }
    const producer: Producer = new Kafka(this.config(opts.clientId)).producer({
      idempotent: opts.idempotent,
      allowAutoTopicCreation: false,
      // The idempotent producer keeps ordering only with one request in flight per broker.
      maxInFlightRequests: opts.idempotent ? 1 : 5,
      ...(opts.idempotent ? { retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 100, maxRetryTime: 2_000 } } : {}),
    });
    const acks = opts.acks === 'all' ? -1 : 1;
    return {
      // kafkajs queues sends itself (one request in flight per broker when idempotent).
      maxInFlight: 8,
      connect: () => producer.connect(),
      send: async (topic, records) => {
        await producer.send({ topic, acks, compression: codec, messages: records.map((r) => ({ partition: r.partition, key: r.key, value: r.value, ...(r.stamp ? { headers: { [STAMP_HEADER]: r.stamp } } : {}) })) });
      },
      disconnect: () => producer.disconnect(),
    };
  }

  createConsumer(opts: ConsumerOptions): LoadConsumer {
    const consumer: Consumer = new Kafka(this.config(opts.clientId)).consumer({
      groupId: opts.groupId,
      allowAutoTopicCreation: false,
      sessionTimeout: 10_000,
      heartbeatInterval: 1_000,
      maxWaitTimeInMs: 100,
      retry: { retries: 12, initialRetryTime: 100, maxRetryTime: 2_000 },
    });
    return {
      start: async (onRecords) => {
        await consumer.connect();
        await consumer.subscribe({ topics: opts.topics, fromBeginning: opts.fromBeginning });
        const joined = new Promise<void>((resolve) => {
          const off = consumer.on(consumer.events.GROUP_JOIN, () => {
            off();
            resolve();
          });
        });
        await consumer.run({
          partitionsConsumedConcurrently: 4,
          eachBatch: async ({ batch, heartbeat }) => {
            onRecords(batch.messages.map((m) => ({ topic: batch.topic, partition: batch.partition, offset: Number(m.offset), value: m.value ?? Buffer.alloc(0), stamp: headerBuffer(m.headers?.[STAMP_HEADER]) })));
            await heartbeat();
          },
        });
        await joined;
      },
      disconnect: () => consumer.disconnect(),
    };
  }
}

/** kafkajs names the SCRAM mechanisms with a dash (scram-sha-512); kafkaform's Connection does not. */
export function kafkajsSasl(conn: Connection): Pick<KafkaConfig, 'sasl'> {
  if (!conn.sasl) return {};
  const mechanism = { plain: 'plain', 'scram-sha256': 'scram-sha-256', 'scram-sha512': 'scram-sha-512' }[conn.sasl.mechanism] ?? conn.sasl.mechanism;
  return { sasl: { mechanism, username: conn.sasl.username, password: conn.sasl.password } as SASLOptions };
}

/**
 * @platformatic/kafka 1.x looks up a connection for a partition leader that has just left the
 * cluster (crashed) and throws a TypeError from inside a callback: an uncaught exception that
 * would kill the CLI. Turn that into an ordinary, retriable error (applied once, on first use).
 */
let poolPatched = false;
function patchConnectionPool(): void {
  if (poolPatched) return;
  poolPatched = true;
  const proto = plt.ConnectionPool.prototype as unknown as { get: (broker: unknown, callback?: (e: Error | null, c?: unknown) => void) => unknown };
  const original = proto.get;
  proto.get = function (this: unknown, broker: unknown, callback?: (e: Error | null, c?: unknown) => void) {
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

const PLT_COMPRESSION: Record<Compression, string | undefined> = {
  none: 'none',
  gzip: 'gzip',
  lz4: 'lz4',
  // Node 20's zlib has no zstd; @platformatic/kafka uses it only where Node provides it.
  zstd: (zlib as { zstdCompressSync?: unknown }).zstdCompressSync ? 'zstd' : undefined,
};

/**
 * The @platformatic/kafka-backed client (pure JS, maintained, pipelines produce requests): the
 * default, because it is several times faster than kafkajs and its idempotent producer kept the
 * log free of duplicates across a broker crash where kafkajs's did not (see the README).
 * Topic admin stays on kafkajs, which already does it for the rest of kafkaform.
 */
export class PlatformaticLoadClient implements LoadClient {
  readonly name = '@platformatic/kafka';
  private warningCount = 0;
  private samples: string[] = [];
  private readonly kafkajs: KafkajsLoadClient;

  constructor(private readonly conn: Connection) {
    this.kafkajs = new KafkajsLoadClient(conn);
    patchConnectionPool();
  }

  private base(clientId: string, retries = 20) {
    const c = this.conn;
    return {
      clientId,
      bootstrapBrokers: c.bootstrapServers,
      timeout: c.requestTimeoutMs ?? 30_000,
      // Every retry is a disturbance worth counting (a leader moved, a broker went away).
      retries,
      retryDelay: (_client: unknown, operationId: string, attempt: number, _retries: number, error: Error) => {
        this.warningCount++;
        if (this.samples.length < 20) this.samples.push(`retry ${attempt} of ${operationId}: ${String(error?.message ?? error).slice(0, 200)}`);
        return Math.min(2_000, 100 * 2 ** Math.min(attempt, 5));
      },
      ...(c.sasl ? { sasl: { mechanism: { plain: 'PLAIN', 'scram-sha256': 'SCRAM-SHA-256', 'scram-sha512': 'SCRAM-SHA-512' }[c.sasl.mechanism] as 'PLAIN', username: c.sasl.username, password: c.sasl.password } } : {}),
      ...(c.tls?.enabled ? { tls: { ca: c.tls.ca, cert: c.tls.cert, key: c.tls.key, rejectUnauthorized: c.tls.rejectUnauthorized } } : {}),
    };
  }

  warnings(): number {
    return this.warningCount + this.kafkajs.warnings();
  }

  warningSamples(): string[] {
    return [...this.samples, ...this.kafkajs.warningSamples()].slice(0, 20);
  }

  createAdmin(): LoadAdmin {
    return this.kafkajs.createAdmin();
  }

  createProducer(opts: ProducerOptions): LoadProducer {
    const compression = PLT_COMPRESSION[opts.compression];
    if (compression === undefined) throw new UserError(`--compression ${opts.compression} is not available on Node ${process.versions.node}`, 'use none, gzip or lz4 (zstd needs Node ≥ 22.15)');
    const producer = new plt.Producer({
      // Few client retries: after them the wrapper re-routes with fresh metadata (see send).
      ...this.base(opts.clientId, 4),
      idempotent: opts.idempotent,
      acks: opts.acks === 'all' ? -1 : 1,
      compression: compression as 'none',
      autocreateTopics: false,
    });
    return {
      // Concurrent sends of an idempotent producer race for sequence numbers (OUT_OF_ORDER_SEQUENCE_NUMBER);
      // one large batch at a time is both correct and fast with this client.
      maxInFlight: opts.idempotent ? 1 : 8,
      connect: async () => {
        await producer.metadata({ topics: [] });
      },
      send: async (topic, records) => {
        // @platformatic/kafka 1.x retries a produce against the leader it first looked up, so a
        // crashed leader is retried until the retries run out. Re-route here: refresh metadata and
        // send again only the partitions that did not succeed. Their idempotent sequence numbers
        // were not advanced, so a batch the dead leader did write is de-duplicated by the new one.
        let pending = records;
        const deadline = Date.now() + RESEND_WINDOW_MS;
        for (;;) {
          try {
            await producer.send({ messages: pending.map((r) => ({ topic, partition: r.partition, key: r.key, value: r.value, ...(r.stamp ? { headers: new Map([[Buffer.from(STAMP_HEADER), r.stamp]]) } : {}) })) });
            return;
          } catch (e) {
            const produced = (e as { produced?: { offsets?: Array<{ partition: number; offset: bigint }> } }).produced;
            const done = new Set((produced?.offsets ?? []).filter((o) => o.offset >= 0n).map((o) => o.partition));
            pending = pending.filter((r) => !done.has(r.partition));
            if (pending.length === 0) return;
            if (Date.now() > deadline || !isRetriable(e)) throw e;
            this.warningCount++;
            if (this.samples.length < 20) this.samples.push(`re-sending ${pending.length} record(s) after: ${String((e as Error).message).slice(0, 150)}`);
            producer.clearMetadata();
            await new Promise((r) => setTimeout(r, 500));
          }
        }
      },
      disconnect: async () => {
        await producer.close();
      },
    };
  }

  createConsumer(opts: ConsumerOptions): LoadConsumer {
    // A stream that fails (its broker crashed and the client gave up) is replaced by a new consumer
    // in the same group, resuming from the committed offsets; re-read records count as redelivered.
    let closed = false;
    let current: { consumer: { close(force?: boolean): Promise<void> }; stream?: { close(): Promise<void> } } | undefined;
    const open = async (onRecords: (records: ConsumedRecord[]) => void, first: boolean): Promise<void> => {
      const consumer = new plt.Consumer({
        ...this.base(opts.clientId),
        groupId: opts.groupId,
        sessionTimeout: 10_000,
        heartbeatInterval: 1_000,
        maxWaitTime: 100,
        autocreateTopics: false,
      });
      current = { consumer };
      const fallback = opts.fromBeginning ? 'earliest' : 'latest';
      const s = await consumer.consume({ topics: opts.topics, mode: first ? fallback : 'committed', fallbackMode: fallback, autocommit: 500, maxWaitTime: 100 });
      current.stream = s as unknown as { close(): Promise<void> };
      s.on('data', (m: { topic: string; partition: number; offset: bigint; value: Buffer; headers?: Map<Buffer | string, Buffer> }) => {
        onRecords([{ topic: m.topic, partition: m.partition, offset: Number(m.offset), value: m.value, stamp: stampFromHeaders(m.headers) }]);
      });
      let restarting = false;
      const restart = (reason: string) => {
        if (restarting || closed) return;
        restarting = true;
        this.warningCount++;
        if (this.samples.length < 20) this.samples.push(`consumer restarted after: ${reason.slice(0, 180)}`);
        const dead = current;
        void (async () => {
          await dead?.stream?.close().catch(() => undefined);
          await dead?.consumer.close(true).catch(() => undefined);
          while (!closed) {
            await new Promise((r) => setTimeout(r, 500));
            if (closed) return;
            try {
              await open(onRecords, false);
              return;
            } catch (err) {
              this.warningCount++;
              if (this.samples.length < 20) this.samples.push(`consumer restart failed: ${String((err as Error).message).slice(0, 180)}`);
            }
          }
        })();
      };
      s.once('error', (e: Error) => restart(e.message));
      // The client keeps heart-beating a crashed group coordinator instead of looking up the new one:
      // a few failures in a row mean the group is gone for this member, so rejoin from scratch.
      let heartbeatFailures = 0;
      const emitter = consumer as unknown as { on(event: string, f: (...a: unknown[]) => void): void };
      emitter.on('consumer:heartbeat:error', () => {
        if (++heartbeatFailures >= 3) restart('group coordinator unreachable (heartbeats failing)');
      });
      emitter.on('consumer:heartbeat:end', () => {
        heartbeatFailures = 0;
      });
    };
    return {
      start: (onRecords) => open(onRecords, true),
      disconnect: async () => {
        closed = true;
        await current?.stream?.close().catch(() => undefined);
        await current?.consumer.close(true);
      },
    };
  }
}

export type LoadClientName = 'platformatic' | 'kafkajs';

/** The client the load test uses: @platformatic/kafka unless KAFKAFORM_LOADTEST_CLIENT=kafkajs (or the argument) says otherwise. */
export function createLoadClient(conn: Connection, name: LoadClientName | undefined = process.env.KAFKAFORM_LOADTEST_CLIENT as LoadClientName | undefined): LoadClient {
  if (name === 'kafkajs') return new KafkajsLoadClient(conn);
  if (name !== undefined && name !== 'platformatic') throw new UserError(`unknown load-test client "${name}"`, 'use platformatic or kafkajs');
  return new PlatformaticLoadClient(conn);
}

function headerBuffer(v: unknown): Buffer | undefined {
  if (Buffer.isBuffer(v)) return v;
  if (Array.isArray(v) && Buffer.isBuffer(v[0])) return v[0] as Buffer;
  return undefined;
}

function stampFromHeaders(headers: Map<Buffer | string, Buffer> | undefined): Buffer | undefined {
  if (!headers || headers.size === 0) return undefined;
  for (const [k, v] of headers) if (String(k) === STAMP_HEADER) return v;
  return undefined;
}
