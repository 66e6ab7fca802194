/** The kafkajs-backed load client (pure JS; KAFKAFORM_LOADTEST_CLIENT=kafkajs). */
import kafkajs from 'kafkajs';
import type { Consumer, KafkaConfig, Producer, logCreator as LogCreator } from 'kafkajs';
import { kafkajsConfig } from '../cluster/kafkajs-adapter.js';
import type { Connection } from '../cluster/port.js';
import { UserError } from '../errors.js';
import { ClientWarnings, STAMP_HEADER, type Compression, type ConsumerOptions, type LoadClient, type LoadConsumer, type LoadProducer, type ProducerOptions } from './load-client.js';

const { Kafka, logLevel, CompressionTypes } = kafkajs;

const COMPRESSION: Record<Compression, number | undefined> = {
  none: CompressionTypes.None,
  gzip: CompressionTypes.GZIP,
  lz4: undefined,
  zstd: undefined,
};

/** Producers and consumers over kafkajs; every WARN/ERROR it logs counts as a client warning. */
export class KafkajsLoadClient implements LoadClient {
  readonly name = 'kafkajs';
  private readonly warned = new ClientWarnings();

  constructor(private readonly conn: Connection) {}

  private config(clientId: string): KafkaConfig {
    // Count what kafkajs logs at WARN/ERROR: these are its retries and reconnects during a fault.
    const creator: LogCreator = () => (entry) => {
      if (entry.level > logLevel.WARN) return;
      this.warned.note(String(entry.log.message ?? '').slice(0, 200));
    };
    return {
      ...kafkajsConfig(this.conn, clientId),
      logLevel: logLevel.WARN,
      logCreator: creator,
      // A broker crash makes leaders move: keep retrying for longer than the admin default.
      retry: { retries: 12, initialRetryTime: 100, maxRetryTime: 2_000 },
    };
  }

  warnings(): number {
    return this.warned.count();
  }

  warningSamples(): string[] {
    return this.warned.samples();
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
      pause: () => consumer.pause(opts.topics.map((topic) => ({ topic }))),
      resume: () => consumer.resume(opts.topics.map((topic) => ({ topic }))),
      disconnect: () => consumer.disconnect(),
    };
  }
}

/** kafkajs hands a header back as a Buffer, or as an array of them when it was repeated. */
function headerBuffer(v: unknown): Buffer | undefined {
  if (Buffer.isBuffer(v)) return v;
  if (Array.isArray(v) && Buffer.isBuffer(v[0])) return v[0] as Buffer;
  return undefined;
}
