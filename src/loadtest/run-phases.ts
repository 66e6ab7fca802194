/**
 * The phases of a load run, shared by a single-process run (runner.ts) and a worker of a
 * multi-process run (run-worker.ts): open the topics, start consumers and producers, drain,
 * re-read what the consumers missed, clean up.
 */
import type { ClusterPort } from '../cluster/port.js';
import { UserError } from '../errors.js';
import { sleep } from '../os/process.js';
import type { LoadClient, LoadConsumer, LoadProducer } from './load-client.js';
import { nowMs } from './message.js';
import type { ProducerRun } from './open-loop-producer.js';
import type { ConsumerSwitch } from './rate-search.js';
import { newTopicState, type RunAccounts, type TopicState } from './run-state.js';
import type { Workload } from './workload.js';

/** Resolves `p`, or undefined after `ms` (shutdown must never hang on a dead broker). */
export async function withTimeout<T>(p: Promise<T>, ms: number): Promise<T | undefined> {
  let t: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<undefined>((r) => (t = setTimeout(() => r(undefined), ms)))]);
  } finally {
    if (t) clearTimeout(t);
  }
}

/** The run's own temporary copies of the topics (recorded in `created`), or the declared ones with --use-existing. */
export async function openTopics(port: ClusterPort, w: Workload, log: (m: string) => void, created: string[]): Promise<Map<string, TopicState>> {
  const states = new Map<string, TopicState>();
  if (w.useExisting) {
    const existing = new Set(await port.listTopics());
    const live = await port.describeTopics(w.topics.map((t) => t.loadTopic).filter((n) => existing.has(n)));
    for (const t of w.topics) {
      const l = live.find((x) => x.name === t.loadTopic);
      if (!l || l.partitions === 0) throw new UserError(`topic ${t.loadTopic} does not exist on the cluster`, 'deploy first, or drop --use-existing to load-test temporary copies');
      states.set(t.loadTopic, newTopicState(t, l.partitions));
    }
    return states;
  }
  for (const t of w.topics) {
    log(`creating ${t.loadTopic} (${t.partitions} partitions, RF ${t.replicationFactor})`);
    try {
      await port.createTopic({ name: t.loadTopic, partitions: t.partitions, replicationFactor: t.replicationFactor, config: t.config });
    } catch (e) {
      // A loaded broker may create the topic but answer the client's wait for its leaders with
      // "does not host this topic-partition": the topic is there, only slow to show up.
      if (isUnknownTopic(e) && (await appeared(port, t.loadTopic, t.partitions))) {
        log(`${t.loadTopic} was created, though the broker's first answer said otherwise (${(e as Error).message})`);
        created.push(t.loadTopic);
        states.set(t.loadTopic, newTopicState(t, t.partitions));
        continue;
      }
      throw new UserError(`cannot create load-test topic ${t.loadTopic}: ${(e as Error).message}`, 'the cluster needs as many brokers as the replication factor, and the principal needs Create on the cluster or on the kafkaform-loadtest. prefix');
    }
    created.push(t.loadTopic);
    states.set(t.loadTopic, newTopicState(t, t.partitions));
  }
  return states;
}

function isUnknownTopic(e: unknown): boolean {
  const x = e as { code?: string; type?: string; message?: string };
  return /UNKNOWN_TOPIC_OR_PARTITION|does not host this topic-partition/i.test(`${x?.code ?? ''} ${x?.type ?? ''} ${x?.message ?? ''}`);
}

/** Whether `name` shows up with all its partitions within 10 s (bounded polls). */
async function appeared(port: ClusterPort, name: string, partitions: number): Promise<boolean> {
  const deadline = nowMs() + 10_000;
  for (;;) {
    const live = await port.describeTopics([name]).catch(() => []);
    if (live.some((l) => l.name === name && l.partitions === partitions)) return true;
    if (nowMs() > deadline) return false;
    await sleep(250);
  }
}

/** What the phases of one run share; `producers`, `consumers` and `created` are what cleanup must undo. */
export interface Run {
  w: Workload;
  client: LoadClient;
  /** Topic admin (deletes what `created` lists); a worker process has none. */
  port?: ClusterPort;
  /** Whether cleanUp closes `port` (it was made for this run). */
  ownsPort: boolean;
  log: (m: string) => void;
  producers: LoadProducer[];
  consumers: LoadConsumer[];
  created: string[];
  /** Default 45 s. */
  drainTimeoutMs?: number;
  /** Default 30 s. */
  verifyTimeoutMs?: number;
  /** Part of every client id: tells the processes of a multi-worker run apart. */
  clientTag?: string;
  /** Multi-worker runs: the first lane id (stamp producer ids are unique run-wide) and the partitions this process writes. */
  share?: { producerIdBase: number; partitionsOf: (st: TopicState) => number[] };
}

function tag(run: Run): string {
  return run.clientTag ? `-${run.clientTag}` : '';
}

/** Consumers first, so the whole run is read back. */
export async function startConsumers(run: Run, acc: RunAccounts): Promise<void> {
  const { w } = run;
  run.log(`starting ${w.consumers * acc.topics.length} consumer(s)`);
  await Promise.all(
    acc.topics.flatMap((st) =>
      Array.from({ length: w.consumers }, async (_, i) => {
        const c = run.client.createConsumer({ clientId: `kafkaform-loadtest-${w.runId}${tag(run)}-c${i}`, groupId: `kafkaform-loadtest-${st.w.topic}-${w.runId}`, topics: [st.w.loadTopic], fromBeginning: !w.useExisting });
        run.consumers.push(c);
        await c.start(acc.onRecords);
      }),
    ),
  );
}

/**
 * `workload.producers` connected producers per topic, each driving its lanes (see LoadProducer.lanes)
 * over disjoint partitions; every lane has a run-wide id (the stamp's producer id) and its share of the rate.
 */
export async function startProducers(run: Run, acc: RunAccounts): Promise<ProducerRun[]> {
  const { w } = run;
  run.log(`starting ${w.producers * acc.topics.length} producer(s)`);
  const runs: ProducerRun[] = [];
  const idBase = run.share?.producerIdBase ?? 0;
  for (const st of acc.topics) {
    const owned = run.share ? run.share.partitionsOf(st) : Array.from({ length: st.partitions }, (_, k) => k);
    // A worker may own no partition of a topic with fewer partitions than workers.
    if (owned.length === 0) continue;
    for (let i = 0; i < w.producers; i++) {
      const p = run.client.createProducer({ clientId: `kafkaform-loadtest-${w.runId}${tag(run)}-p${runs.length}`, acks: w.acks, compression: st.w.compression, idempotent: w.idempotent });
      run.producers.push(p);
      const lanes = Math.max(1, Math.min(p.lanes ?? 1, owned.length));
      for (let lane = 0; lane < lanes; lane++) {
        const partitions = owned.filter((_, k) => k % lanes === lane);
        runs.push({ st, p, id: idBase + runs.length, share: 1 / (w.producers * lanes), partitions, firstPartition: i % partitions.length });
      }
    }
  }
  await Promise.all(run.producers.map((p) => p.connect()));
  return runs;
}

/** The run's consumers as one switch: the producer-only ceiling of --rate max pauses them all. */
export function consumerSwitch(run: Run): ConsumerSwitch {
  return {
    pause: () => {
      for (const c of run.consumers) c.pause();
    },
    resume: () => {
      for (const c of run.consumers) c.resume();
    },
  };
}

/** Waits (bounded) until every acknowledged record was consumed; true when none is missing. */
export async function drain(run: Run, acc: RunAccounts): Promise<boolean> {
  run.log('producers stopped; waiting for consumers to catch up');
  // A run stopped during the producer-only ceiling left its consumers paused.
  consumerSwitch(run).resume();
  const drainDeadline = nowMs() + (run.drainTimeoutMs ?? 45_000);
  while (acc.lag() > 0 && nowMs() < drainDeadline) await sleep(100);
  // A short grace period catches late duplicates (redelivery after a rebalance).
  await sleep(500);
  return acc.lost() === 0;
}

/**
 * When the live consumers missed acknowledged records: re-reads the topics from the beginning with
 * a fresh group. What it finds was in the log all along (a consumer problem, missedByConsumers);
 * only what it cannot find is truly lost. Returns how many it found.
 */
export async function verify(run: Run, acc: RunAccounts): Promise<number> {
  const { w } = run;
  const before = acc.lost();
  run.log(`${before} acknowledged record(s) not consumed; re-reading the topics from the beginning to check the log`);
  acc.reread = true;
  const verifiers = acc.topics.map((st) =>
    run.client.createConsumer({ clientId: `kafkaform-loadtest-${w.runId}-verify`, groupId: `kafkaform-loadtest-${st.w.topic}-${w.runId}-verify`, topics: [st.w.loadTopic], fromBeginning: true }),
  );
  run.consumers.push(...verifiers);
  const verifyTimeoutMs = run.verifyTimeoutMs ?? 30_000;
  await withTimeout(Promise.all(verifiers.map((v) => v.start(acc.onRecords))), verifyTimeoutMs).catch((e) => acc.noteError(e));
  const verifyDeadline = nowMs() + verifyTimeoutMs;
  while (acc.lost() > 0 && nowMs() < verifyDeadline) await sleep(250);
  return before - acc.lost();
}

/** Disconnects every client and deletes the run's temporary topics; always runs, bounded in time. Returns the deleted topics. */
export async function cleanUp(run: Run): Promise<string[]> {
  await Promise.all(run.producers.map((p) => withTimeout(p.disconnect().catch(() => undefined), 10_000)));
  await Promise.all(run.consumers.map((c) => withTimeout(c.disconnect().catch(() => undefined), 15_000)));
  const deleted: string[] = [];
  if (!run.w.keepTopics && run.port) {
    for (const name of run.created) {
      try {
        await withTimeout(run.port!.deleteTopic(name), 30_000);
        deleted.push(name);
      } catch (e) {
        run.log(`could not delete ${name}: ${(e as Error).message}`);
      }
    }
  }
  if (run.ownsPort) await run.port?.close();
  return deleted;
}
