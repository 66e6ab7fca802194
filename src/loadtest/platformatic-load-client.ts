/**
 * The @platformatic/kafka-backed load client (pure JS, maintained, pipelines produce requests): the
 * default, because it is several times faster than kafkajs and its idempotent producer kept the
 * log free of duplicates across a broker crash where kafkajs's did not (see the README).
 * Call installPlatformaticWorkarounds() before using it (createLoadClient does).
 */
import { plt } from '../cluster/platformatic-kafka.js';
import type { Connection } from '../cluster/port.js';
import { platformaticSasl } from '../cluster/sasl.js';
import { UserError } from '../errors.js';
import { sleep } from '../os/process.js';
import { ClientWarnings, STAMP_HEADER, type ConsumedRecord, type ConsumerOptions, type LoadClient, type LoadConsumer, type LoadProducer, type ProducerOptions } from './load-client.js';
import { platformaticCompression, sendRerouting, watchCoordinatorHeartbeats } from './platformatic-workarounds.js';

/**
 * Send lanes of an idempotent producer. Measured on a 1-broker loopback cluster, 6 partitions, 1 KiB
 * records, closed loop: 2 lanes gave 1.3–1.8× the rate of 1 (3 and 6, with smaller batches, less than 2);
 * but in the broker-crash test (loadtest-fault) 2 lanes went 13 s without acknowledgements where 1 lane
 * went 7 s and caught up, so one lane until the re-routing handles concurrent sends to a dead leader.
 */
const PRODUCER_LANES = 1;

/** Producers and consumers over @platformatic/kafka; every client retry counts as a warning. */
export class PlatformaticLoadClient implements LoadClient {
  readonly name = '@platformatic/kafka';
  private readonly warned = new ClientWarnings();

  constructor(private readonly conn: Connection) {}

  private base(clientId: string, retries = 20) {
    const c = this.conn;
    return {
      clientId,
      bootstrapBrokers: c.bootstrapServers,
      timeout: c.requestTimeoutMs ?? 30_000,
      // Every retry is a disturbance worth counting (a leader moved, a broker went away).
      retries,
      retryDelay: (_client: unknown, operationId: string, attempt: number, _retries: number, error: Error) => {
        this.warned.note(`retry ${attempt} of ${operationId}: ${String(error?.message ?? error).slice(0, 200)}`);
        return Math.min(2_000, 100 * 2 ** Math.min(attempt, 5));
      },
      ...(c.sasl ? { sasl: platformaticSasl(c) } : {}),
      ...(c.tls?.enabled ? { tls: { ca: c.tls.ca, cert: c.tls.cert, key: c.tls.key, rejectUnauthorized: c.tls.rejectUnauthorized } } : {}),
    };
  }

  warnings(): number {
    return this.warned.count();
  }

  warningSamples(): string[] {
    return this.warned.samples();
  }

  createProducer(opts: ProducerOptions): LoadProducer {
    const compression = platformaticCompression(opts.compression);
    if (compression === undefined) throw new UserError(`--compression ${opts.compression} is not available on Node ${process.versions.node}`, 'use none, gzip or lz4 (zstd needs Node ≥ 22.15)');
    const producer = new plt.Producer({
      // Few client retries: after them sendRerouting re-routes with fresh metadata.
      ...this.base(opts.clientId, 4),
      idempotent: opts.idempotent,
      acks: opts.acks === 'all' ? -1 : 1,
      compression,
      autocreateTopics: false,
    });
    return {
      // Concurrent sends of an idempotent producer to one partition race for its sequence numbers
      // (OUT_OF_ORDER_SEQUENCE_NUMBER: the client advances them only on a response); sends to disjoint
      // partitions do not, so one batch at a time per lane, and several lanes.
      maxInFlight: opts.idempotent ? 1 : 8,
      lanes: opts.idempotent ? PRODUCER_LANES : 1,
      connect: async () => {
        await producer.metadata({ topics: [] });
      },
      send: (topic, records) =>
        sendRerouting(records, {
          send: (pending) => producer.send({ messages: pending.map((r) => ({ topic, partition: r.partition, key: r.key, value: r.value, ...(r.stamp ? { headers: new Map([[Buffer.from(STAMP_HEADER), r.stamp]]) } : {}) })) }),
          clearMetadata: () => producer.clearMetadata(),
          warn: (m) => this.warned.note(m),
        }),
      disconnect: async () => {
        await producer.close();
      },
    };
  }

  createConsumer(opts: ConsumerOptions): LoadConsumer {
    // A stream that fails (its broker crashed and the client gave up), or a member cut off from its
    // group, is replaced by a new consumer in the same group, resuming from the committed offsets;
    // re-read records count as redelivered.
    let closed = false;
    let paused = false;
    let current: { consumer: { close(force?: boolean): Promise<void> }; stream?: LoadStream } | undefined;
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
      current.stream = s as unknown as LoadStream;
      // A paused stream stops fetching once its buffer is full; heartbeats go on (they are the consumer's, not the stream's).
      if (paused) current.stream.pause();
      s.on('data', (m: { topic: string; partition: number; offset: bigint; value: Buffer; headers?: Map<Buffer | string, Buffer> }) => {
        onRecords([{ topic: m.topic, partition: m.partition, offset: Number(m.offset), value: m.value, stamp: stampFromHeaders(m.headers) }]);
      });
      let restarting = false;
      const restart = (reason: string) => {
        if (restarting || closed) return;
        restarting = true;
        this.warned.note(`consumer restarted after: ${reason.slice(0, 180)}`);
        const dead = current;
        void (async () => {
          await dead?.stream?.close().catch(() => undefined);
          await dead?.consumer.close(true).catch(() => undefined);
          while (!closed) {
            await sleep(500);
            if (closed) return;
            try {
              await open(onRecords, false);
              return;
            } catch (err) {
              this.warned.note(`consumer restart failed: ${String((err as Error).message).slice(0, 180)}`);
            }
          }
        })();
      };
      s.once('error', (e: Error) => restart(e.message));
      watchCoordinatorHeartbeats(consumer, restart);
    };
    return {
      start: (onRecords) => open(onRecords, true),
      pause: () => {
        paused = true;
        current?.stream?.pause();
      },
      resume: () => {
        paused = false;
        current?.stream?.resume();
      },
      disconnect: async () => {
        closed = true;
        await current?.stream?.close().catch(() => undefined);
        await current?.consumer.close(true);
      },
    };
  }
}

/** What the client uses of a platformatic messages stream besides its events. */
type LoadStream = { close(): Promise<void>; pause(): unknown; resume(): unknown };

function stampFromHeaders(headers: Map<Buffer | string, Buffer> | undefined): Buffer | undefined {
  if (!headers || headers.size === 0) return undefined;
  for (const [k, v] of headers) if (String(k) === STAMP_HEADER) return v;
  return undefined;
}
