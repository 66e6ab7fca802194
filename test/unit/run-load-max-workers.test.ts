/**
 * `--rate max --workers 2` on the in-memory twins: the coordinator and two in-process workers on one
 * in-memory client whose broker takes at most 2 000 records/s in all. In its own file (its own
 * worker): closed-loop producing keeps the event loop busy for seconds.
 */
import { describe, expect, it } from 'vitest';
import { InMemoryClusterPort } from '../../src/cluster/in-memory-cluster.js';
import { coordinateWorkers, } from '../../src/loadtest/coordinate-workers.js';
import { InMemoryLoadClient } from '../../src/loadtest/in-memory-load-client.js';
import { renderReport } from '../../src/loadtest/render-report.js';
import type { Workload } from '../../src/loadtest/workload.js';
import { inProcessWorker, maxRateWorkload } from '../helpers/workload-builder.js';

const CAPACITY = 2_000;

function workload(): Workload {
  return maxRateWorkload(4);
}


describe('coordinateWorkers --rate max on the in-memory twins', () => {
  it('runs the ceiling phase and the search on every worker and sums their shares, nothing lost', async () => {
    const client = new InMemoryLoadClient({ capacityMessagesPerSecond: CAPACITY });
    const report = await coordinateWorkers({
      workload: workload(),
      connection: { bootstrapServers: ['in-memory:9092'] },
      cluster: { name: 'unit', environment: 'test' },
      client,
      clusterPort: new InMemoryClusterPort(),
      localWorkers: 2,
      startWorker: inProcessWorker(client),
      drainTimeoutMs: 2_000,
      verifyTimeoutMs: 300,
    });
    expect(report.workers!.map((w) => w.status)).toEqual(['finished', 'finished']);
    const max = report.maxRate!;
    // Both workers share the one simulated broker: the summed ceiling is the broker's, not twice it.
    expect(max.ceilingMessagesPerSecond).toBeGreaterThan(CAPACITY * 0.5);
    expect(max.ceilingMessagesPerSecond).toBeLessThan(CAPACITY * 1.25);
    expect([2, 3]).toContain(max.ceilingPhaseSeconds);
    expect(max.steps.length).toBeGreaterThanOrEqual(1);
    const first = max.steps[0]!;
    // Every worker's first probe is 90 % of its own ceiling, so the summed step is 90 % of the summed ceiling.
    expect(first.fractionOfCeiling).toBeCloseTo(0.9, 2);
    expect(first.targetMessagesPerSecond).toBeCloseTo(0.9 * max.ceilingMessagesPerSecond, -1);
    expect(max.sustainableMessagesPerSecond).toBeLessThanOrEqual(max.ceilingMessagesPerSecond);
    expect(report.topics[0]!.ceilingMessagesPerSecond).toBeCloseTo(max.ceilingMessagesPerSecond, -1);
    // The merged series: closed loop first, then the step's summed target.
    expect(report.timeSeries[0]).toMatchObject({ closedLoop: true, targetMessagesPerSecond: 0 });
    const inside = report.timeSeries.slice(first.fromSecond + 1, first.toSecond - 1);
    expect(inside.length).toBeGreaterThanOrEqual(1);
    expect(inside.every((p) => Math.abs(p.targetMessagesPerSecond - first.targetMessagesPerSecond) <= 2)).toBe(true);
    // The producer-only ceiling: both workers started it together (a second after the 8 s run) and it is
    // their sum, again about the broker's, not twice it. Each worker measures about 1 s of acknowledgements
    // that come 256 records (a batch) at a time, on its own ticks: up to a batch more per worker.
    expect(max.producerCeilingFromSecond).toBeGreaterThanOrEqual(9);
    expect(max.producerCeilingFromSecond).toBeLessThanOrEqual(10);
    expect(max.producerCeilingMessagesPerSecond).toBeGreaterThan(CAPACITY * 0.5);
    expect(max.producerCeilingMessagesPerSecond).toBeLessThan(CAPACITY * 1.5);
    expect(report.messages).toMatchObject({ lost: 0, duplicated: 0 });
    expect(report.messages.consumed).toBe(report.messages.acknowledged);
    for (const format of ['text', 'markdown', 'html'] as const) {
      expect(renderReport(report, format)).toMatch(/ceiling/i);
      expect(renderReport(report, format)).toMatch(/producers alone \(consumers paused\)/);
    }
  }, 40_000);
});
