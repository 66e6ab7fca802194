/**
 * The control topic as a message channel: every member (the coordinator, each worker) reads the whole
 * topic in a consumer group of its own, so it sees every message, and writes with a plain producer.
 */
import { randomBytes } from 'node:crypto';
import { sleep } from '../os/process.js';
import type { LoadClient, LoadConsumer, LoadProducer } from './load-client.js';
import { nowMs } from './message.js';
import { decodeControlMessage, encodeControlMessage, type ControlMessage } from './worker-protocol.js';

export class ControlChannel {
  private readonly handlers: Array<(m: ControlMessage) => void> = [];
  private readonly backlog: ControlMessage[] = [];
  private readonly kept: ControlMessage[] = [];
  private waiters: Array<{ pred: (m: ControlMessage) => boolean; resolve: (m: ControlMessage) => void }> = [];

  private constructor(
    private readonly topic: string,
    private readonly producer: LoadProducer,
    private readonly consumer: LoadConsumer,
  ) {}

  /**
   * Joins the control topic as `member`. A worker may start before the coordinator created the
   * topic: joining is retried until `timeoutMs`.
   */
  static async open(client: LoadClient, topic: string, member: string, timeoutMs: number): Promise<ControlChannel> {
    const deadline = nowMs() + timeoutMs;
    const clientId = `kafkaform-loadtest-control-${member}`.slice(0, 200);
    for (;;) {
      const producer = client.createProducer({ clientId, acks: 'all', compression: 'none', idempotent: false });
      const consumer = client.createConsumer({ clientId, groupId: `${clientId}-${randomBytes(4).toString('hex')}`, topics: [topic], fromBeginning: true });
      const ch = new ControlChannel(topic, producer, consumer);
      try {
        await producer.connect();
        await consumer.start((records) => {
          for (const r of records) {
            const m = decodeControlMessage(r.value);
            if (m) ch.deliver(m);
          }
        });
        return ch;
      } catch (e) {
        await ch.close();
        if (nowMs() > deadline) throw e;
        await sleep(1000);
      }
    }
  }

  private deliver(m: ControlMessage): void {
    // Kept for waitFor, except the bulky and frequent kinds, which only handlers see.
    if (m.type !== 'result' && m.type !== 'heartbeat') this.kept.push(m);
    for (const w of [...this.waiters]) if (w.pred(m)) w.resolve(m);
    if (this.handlers.length === 0) this.backlog.push(m);
    for (const h of this.handlers) h(m);
  }

  /** The first message (already received or still to come) that passes `pred`; undefined after `timeoutMs` or on abort. */
  waitFor<T extends ControlMessage>(pred: (m: ControlMessage) => m is T, timeoutMs: number, signal?: AbortSignal): Promise<T | undefined> {
    const found = this.kept.find(pred);
    if (found) return Promise.resolve(found);
    return new Promise((resolve) => {
      const done = (m: T | undefined) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.waiters = this.waiters.filter((w) => w !== waiter);
        resolve(m);
      };
      const onAbort = () => done(undefined);
      const waiter = { pred, resolve: (m: ControlMessage) => done(m as T) };
      const timer = setTimeout(() => done(undefined), timeoutMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  /** Calls `handler` for every message, starting with those that came before it was set. */
  onMessage(handler: (m: ControlMessage) => void): void {
    this.handlers.push(handler);
    for (const m of this.backlog.splice(0)) handler(m);
  }

  async publish(...messages: ControlMessage[]): Promise<void> {
    if (messages.length === 0) return;
    await this.producer.send(
      this.topic,
      messages.map((m) => ({ partition: 0, key: Buffer.from(m.type), value: encodeControlMessage(m) })),
    );
  }

  /** Bounded: a channel to a vanished cluster must not hold the process. */
  async close(): Promise<void> {
    const bounded = (p: Promise<void>) => Promise.race([p.catch(() => undefined), sleep(10_000)]);
    await Promise.all([bounded(this.consumer.disconnect()), bounded(this.producer.disconnect())]);
  }
}
