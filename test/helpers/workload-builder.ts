/**
 * Load-test workloads for unit tests, as the spec builder is for topics.yaml: one run over one topic
 * (`orders.placed` on its temporary load topic), with what a test changes given as overrides.
 */
import type { WorkerHandle } from '../../src/loadtest/coordinate-workers.js';
import type { InMemoryLoadClient } from '../../src/loadtest/in-memory-load-client.js';
import { runWorker } from '../../src/loadtest/run-worker.js';
import type { TopicWorkload, Workload } from '../../src/loadtest/workload.js';

export const LOAD_TOPIC = 'kafkaform-loadtest.orders.placed.0badc0de';

/** A fixed-rate run of `durationMs` at `messagesPerSecond` on a temporary 3-partition topic, capped 10 % above what it should send. */
export function testWorkload(change: Partial<Workload> = {}, topic: Partial<TopicWorkload> = {}): Workload {
  const durationMs = change.durationMs ?? 600;
  const rate = topic.messagesPerSecond ?? 300;
  return {
    runId: '0badc0de',
    durationMs,
    mode: 'fixed',
    producers: 1,
    consumers: 1,
    acks: 'all',
    compression: 'none',
    idempotent: true,
    useExisting: false,
    keepTopics: false,
    ...change,
    topics: [
      {
        topic: 'orders.placed',
        loadTopic: LOAD_TOPIC,
        temporary: true,
        partitions: 3,
        replicationFactor: 1,
        config: {},
        messagesPerSecond: rate,
        messageBytes: 256,
        rateSource: 'flag',
        sizeSource: 'flag',
        maxMessages: Math.ceil(rate * (durationMs / 1000) * 1.1),
        compression: 'none',
        ...topic,
      },
    ],
  };
}

/** A `--rate max` run: a default rate, 4 KiB records (batches of 256) and a cap the search never reaches. */
export function maxRateWorkload(partitions: number, durationMs = 8_000): Workload {
  return testWorkload({ mode: 'max', durationMs }, { partitions, messagesPerSecond: 100, messageBytes: 4096, rateSource: 'default', maxMessages: 1_000_000 });
}

/** Starts workers in this process, on the shared in-memory client (what `--workers N` starts as processes). */
export function inProcessWorker(client: InMemoryLoadClient): (name: string, control: string) => WorkerHandle {
  return (name, control) => {
    const abort = new AbortController();
    const exited = runWorker({ connection: { bootstrapServers: ['in-memory:9092'] }, control, name, client, signal: abort.signal, joinTimeoutMs: 10_000 }).then(
      () => 0,
      () => 1,
    );
    return { exited, kill: () => abort.abort() };
  };
}
