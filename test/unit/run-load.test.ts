/**
 * runLoad end to end on the in-memory twins: InMemoryClusterPort for the run's topics,
 * InMemoryLoadClient for the traffic, with injected faults the report must account for.
 * Short real runs (0.6 s of producing, run concurrently), no broker.
 */
import { describe, expect, it } from 'vitest';
import { InMemoryClusterPort } from '../../src/cluster/in-memory-cluster.js';
import { KafkaProtocolError } from '../../src/cluster/protocol-error.js';
import { UserError } from '../../src/errors.js';
import { InMemoryLoadClient, type InMemoryLoadFaults } from '../../src/loadtest/in-memory-load-client.js';
import type { LoadTestReport } from '../../src/loadtest/report-types.js';
import { runLoad, type RunLoadOptions } from '../../src/loadtest/runner.js';
import type { TopicWorkload, Workload } from '../../src/loadtest/workload.js';
import { LOAD_TOPIC, testWorkload } from '../helpers/workload-builder.js';

const RATE = 300;
const DURATION_MS = 600;

function workload(change: Partial<Workload> = {}, topic: Partial<TopicWorkload> = {}): Workload {
  return testWorkload({ durationMs: DURATION_MS, ...change }, { config: { 'retention.ms': '3600000' }, messagesPerSecond: RATE, ...topic });
}

async function run(opts: { faults?: InMemoryLoadFaults; cluster?: InMemoryClusterPort; workload?: Workload; extra?: Partial<RunLoadOptions> } = {}): Promise<{ report: LoadTestReport; cluster: InMemoryClusterPort; client: InMemoryLoadClient; logs: string[] }> {
  const cluster = opts.cluster ?? new InMemoryClusterPort();
  const client = new InMemoryLoadClient(opts.faults);
  const logs: string[] = [];
  const report = await runLoad({
    workload: opts.workload ?? workload(),
    connection: { bootstrapServers: ['in-memory:9092'] },
    cluster: { name: 'unit', environment: 'test' },
    client,
    clusterPort: cluster,
    drainTimeoutMs: 500,
    verifyTimeoutMs: 300,
    onLog: (m) => logs.push(m),
    ...opts.extra,
  });
  return { report, cluster, client, logs };
}

// Generous timeouts: these are real (short) runs, and CI machines are shared.
describe.concurrent('runLoad on the in-memory twins', { timeout: 20_000 }, () => {
  it('at a fixed rate, everything sent is acknowledged and consumed exactly once, and the temporary topic is deleted', async () => {
    const progress: number[] = [];
    const { report, cluster, client } = await run({ extra: { onProgress: (p) => progress.push(p.targetMessagesPerSecond) } });
    const m = report.messages;
    // Open loop at 300 msg/s for 0.6 s, capped by maxMessages.
    const scheduled = RATE * (DURATION_MS / 1000);
    expect(m.sent).toBeGreaterThan(scheduled * 0.5);
    expect(m.sent).toBeLessThanOrEqual(Math.ceil(scheduled * 1.1));
    expect(m).toEqual({ sent: m.sent, acknowledged: m.sent, failed: 0, consumed: m.sent, lost: 0, duplicated: 0, redelivered: 0, missedByConsumers: 0 });
    expect(report.drained).toBe(true);
    expect(report.errors).toEqual({ count: 0, clientWarnings: 0, samples: [] });
    expect(report.client).toBe('in-memory');
    expect(report.cluster).toEqual({ name: 'unit', environment: 'test', bootstrapServers: ['in-memory:9092'] });
    expect(report.topics).toHaveLength(1);
    expect(report.topics[0]).toMatchObject({ topic: 'orders.placed', loadTopic: LOAD_TOPIC, partitions: 3, targetMessagesPerSecond: RATE, messages: { sent: m.sent, acknowledged: m.sent, consumed: m.sent } });
    expect(report.maxRate).toBeUndefined();
    expect(report.timeSeries.length).toBeGreaterThanOrEqual(1);
    expect(report.timeSeries.reduce((n, p) => n + p.sentPerSecond, 0)).toBe(m.sent);
    // Records go round-robin over the partitions.
    const perPartition = [0, 1, 2].map((p) => client.log(LOAD_TOPIC, p).length);
    expect(perPartition.reduce((a, b) => a + b, 0)).toBe(m.sent);
    expect(Math.max(...perPartition) - Math.min(...perPartition)).toBeLessThanOrEqual(1);
    // The run created its topic through the ClusterPort and deleted it again.
    expect(cluster.calls.createTopic).toBe(1);
    expect(report.deletedTopics).toEqual([LOAD_TOPIC]);
    expect(await cluster.listTopics()).toEqual([]);
    expect(progress.length).toBeGreaterThanOrEqual(1);
  });

  it('counts a record written twice as duplicated, not as consumed twice', async () => {
    const { report } = await run({ faults: { duplicate: (n) => n === 5 } });
    const m = report.messages;
    expect(m.duplicated).toBe(1);
    expect(m.consumed).toBe(m.acknowledged);
    expect(m.lost).toBe(0);
    expect(report.topics[0]!.messages.duplicated).toBe(1);
  });

  it('counts the records of a batch whose acknowledgement was lost as failed, with the error, and still consumes them', async () => {
    const { report } = await run({ faults: { dropAck: (batch) => batch === 2 } });
    const m = report.messages;
    expect(m.failed).toBeGreaterThanOrEqual(1);
    expect(m.acknowledged).toBe(m.sent - m.failed);
    // The broker wrote them: the consumers read them although the producer was never told.
    expect(m.consumed).toBe(m.sent);
    expect(m.lost).toBe(0);
    expect(report.errors.count).toBe(1);
    expect(report.errors.samples[0]).toContain('acknowledgement of batch 2 lost');
    expect(report.timeSeries.reduce((n, p) => n + p.errors, 0)).toBe(1);
  });

  it('reports an acknowledged record that never reached the log as lost, after re-reading the topic', async () => {
    const { report, logs } = await run({ faults: { lose: (n) => n === 7 } });
    const m = report.messages;
    expect(m.lost).toBe(1);
    expect(m.consumed).toBe(m.acknowledged - 1);
    expect(m.missedByConsumers).toBe(0);
    expect(report.drained).toBe(false);
    expect(logs.some((l) => l.includes('1 acknowledged record(s) not consumed'))).toBe(true);
  });

  it('tells a record the live consumers missed but the log holds (missedByConsumers) from a lost one', async () => {
    const { report } = await run({ faults: { skipFirstDelivery: (n) => n === 3 } });
    const m = report.messages;
    expect(m.lost).toBe(0);
    expect(m.missedByConsumers).toBe(1);
    expect(m.consumed).toBe(m.acknowledged);
    expect(report.drained).toBe(false);
  });

  it('shows a slow acknowledgement as publish latency', async () => {
    const { report } = await run({ faults: { ackDelayMs: 30 } });
    expect(report.latencyMs.publish.p50).toBeGreaterThanOrEqual(25);
    expect(report.messages.lost).toBe(0);
  });

  it('with --use-existing, writes to the live topic with its live partition count and deletes nothing', async () => {
    const cluster = new InMemoryClusterPort({ topics: [{ name: 'orders.placed', partitions: 2, replicationFactor: 1 }] });
    const w = workload({ useExisting: true }, { loadTopic: 'orders.placed', temporary: false, partitions: 6 });
    const { report, client } = await run({ cluster, workload: w });
    expect(report.topics[0]!.partitions).toBe(2);
    expect(client.log('orders.placed', 2)).toEqual([]);
    expect(report.messages.consumed).toBe(report.messages.acknowledged);
    expect(report.deletedTopics).toEqual([]);
    expect(await cluster.listTopics()).toEqual(['orders.placed']);
    expect(cluster.calls.createTopic).toBeUndefined();
  });

  it('with --use-existing, refuses a topic the cluster does not have', async () => {
    const w = workload({ useExisting: true }, { loadTopic: 'orders.placed', temporary: false });
    await expect(run({ workload: w })).rejects.toMatchObject({ name: 'UserError', message: 'topic orders.placed does not exist on the cluster', hint: expect.stringContaining('deploy first') });
  });

  it('goes on when the broker created the topic but first answered that it does not host it', async () => {
    const cluster = new InMemoryClusterPort();
    const create = cluster.createTopic.bind(cluster);
    cluster.createTopic = async (t) => {
      await create(t);
      throw new KafkaProtocolError('UNKNOWN_TOPIC_OR_PARTITION', 'This server does not host this topic-partition');
    };
    const { report, logs } = await run({ cluster });
    expect(report.messages.consumed).toBe(report.messages.acknowledged);
    expect(report.deletedTopics).toEqual([LOAD_TOPIC]);
    expect(logs.some((l) => l.includes('was created, though the broker'))).toBe(true);
  });

  it('turns a refused topic creation into a UserError with the fix', async () => {
    const cluster = new InMemoryClusterPort().failNext('createTopic', new KafkaProtocolError('TOPIC_AUTHORIZATION_FAILED', 'Not authorized to access topics'));
    const err = await run({ cluster }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).message).toContain(`cannot create load-test topic ${LOAD_TOPIC}: Not authorized`);
    expect(await cluster.listTopics()).toEqual([]);
  });
});
