/**
 * A multi-worker run on the in-memory twins: the coordinator and its workers in one process, meeting
 * through a control topic of the in-memory client, exactly as separate processes meet on a broker.
 */
import { describe, expect, it } from 'vitest';
import { InMemoryClusterPort } from '../../src/cluster/in-memory-cluster.js';
import { ControlChannel } from '../../src/loadtest/control-channel.js';
import { coordinateWorkers, type WorkerHandle } from '../../src/loadtest/coordinate-workers.js';
import { InMemoryLoadClient } from '../../src/loadtest/in-memory-load-client.js';
import { renderReport } from '../../src/loadtest/render-report.js';
import type { ControlMessage } from '../../src/loadtest/worker-protocol.js';
import { computeWorkerShare } from '../../src/loadtest/worker-share.js';
import type { Workload } from '../../src/loadtest/workload.js';
import { inProcessWorker, LOAD_TOPIC, testWorkload } from '../helpers/workload-builder.js';

const RATE = 600;
const DURATION_MS = 1000;

function workload(): Workload {
  return testWorkload({ durationMs: DURATION_MS }, { partitions: 6, messagesPerSecond: RATE });
}


describe('computeWorkerShare', () => {
  it('divides partitions, rate and message cap by partition, and gives every worker distinct producer ids', () => {
    const shares = [0, 1, 2, 3].map((i) => computeWorkerShare(workload(), { [LOAD_TOPIC]: 6 }, i, 4));
    expect(shares.map((s) => s.partitions[LOAD_TOPIC])).toEqual([[0, 4], [1, 5], [2], [3]]);
    expect(shares.map((s) => s.workload.topics[0]!.messagesPerSecond)).toEqual([200, 200, 100, 100]);
    expect(shares.reduce((n, s) => n + s.workload.topics[0]!.messagesPerSecond, 0)).toBe(RATE);
    expect(new Set(shares.map((s) => s.producerIdBase)).size).toBe(4);
    // Every worker consumes, at least one consumer per topic.
    expect(shares.every((s) => s.workload.consumers === 1 && s.workload.producers === 1)).toBe(true);
  });
});

describe('coordinateWorkers on the in-memory twins', { timeout: 30_000 }, () => {
  it('three workers: merged counts are the sum of the workers, nothing lost, topics deleted', async () => {
    const client = new InMemoryLoadClient();
    const cluster = new InMemoryClusterPort();
    const report = await coordinateWorkers({
      workload: workload(),
      connection: { bootstrapServers: ['in-memory:9092'] },
      cluster: { name: 'unit', environment: 'test' },
      client,
      clusterPort: cluster,
      localWorkers: 3,
      startWorker: inProcessWorker(client),
      drainTimeoutMs: 2000,
      verifyTimeoutMs: 500,
    });
    const m = report.messages;
    expect(m.sent).toBeGreaterThan(RATE * 0.5);
    expect(m).toMatchObject({ acknowledged: m.sent, consumed: m.sent, lost: 0, duplicated: 0, failed: 0 });
    expect(report.settings.workers).toBe(3);
    expect(report.workers!.map((w) => [w.name, w.status])).toEqual([
      ['local-1', 'finished'],
      ['local-2', 'finished'],
      ['local-3', 'finished'],
    ]);
    const sum = (k: 'sent' | 'acknowledged' | 'consumed') => report.workers!.reduce((n, w) => n + w.messages[k], 0);
    expect(sum('sent')).toBe(m.sent);
    expect(sum('acknowledged')).toBe(m.acknowledged);
    expect(sum('consumed')).toBe(m.consumed);
    expect(report.workers!.map((w) => w.partitions[LOAD_TOPIC])).toEqual([[0, 3], [1, 4], [2, 5]]);
    expect(report.latencyMs.publish.count).toBe(m.acknowledged);
    expect(report.timeSeries.reduce((n, p) => n + p.sentPerSecond, 0)).toBe(m.sent);
    expect(await cluster.listTopics()).toEqual([]);
    expect(report.deletedTopics).toEqual([LOAD_TOPIC, 'kafkaform-loadtest.control.0badc0de']);
    for (const format of ['text', 'markdown', 'html'] as const) expect(renderReport(report, format)).toContain('all finished and merged');
  });

  it('a worker that goes silent is reported as lost by name, and the run still ends', async () => {
    const client = new InMemoryLoadClient();
    const cluster = new InMemoryClusterPort();
    const real = inProcessWorker(client);
    // local-2 joins and gets ready, then stops sending anything: a process killed mid-run.
    const silent = (name: string, control: string): WorkerHandle => {
      const exited = (async () => {
        const ch = await ControlChannel.open(client, control, name, 5000);
        await ch.publish({ type: 'hello', worker: name, host: 'h', pid: 1 });
        const start = await ch.waitFor((m: ControlMessage): m is Extract<ControlMessage, { type: 'start' }> => m.type === 'start', 5000);
        await ch.publish({ type: 'ready', worker: name, runId: start!.runId });
        await ch.close();
        return null;
      })();
      return { exited, kill: () => {} };
    };
    const t0 = Date.now();
    const report = await coordinateWorkers({
      workload: workload(),
      connection: { bootstrapServers: ['in-memory:9092'] },
      cluster: { name: 'unit', environment: 'test' },
      client,
      clusterPort: cluster,
      localWorkers: 3,
      startWorker: (name, control) => (name === 'local-2' ? silent(name, control) : real(name, control)),
      heartbeatTimeoutMs: 1500,
      drainTimeoutMs: 2000,
      verifyTimeoutMs: 500,
    });
    expect(Date.now() - t0).toBeLessThan(20_000);
    const lost = report.workers!.find((w) => w.name === 'local-2')!;
    expect(lost.status).toBe('lost');
    expect(lost.reason).toMatch(/no heartbeat/);
    expect(report.workers!.filter((w) => w.status === 'finished')).toHaveLength(2);
    // Its share is not in the totals, and nothing of the others is lost.
    expect(report.messages.lost).toBe(0);
    expect(report.messages.consumed).toBe(report.messages.acknowledged);
    expect(renderReport(report, 'text')).toMatch(/local-2 lost/);
    expect(await cluster.listTopics()).toEqual([]);
  });
});
