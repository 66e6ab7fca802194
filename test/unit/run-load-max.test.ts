/**
 * runLoad --rate max on the in-memory twins: a LoadClient whose broker takes at most 2 000 records/s.
 * In its own file (its own worker): closed-loop producing keeps the event loop busy for seconds.
 */
import { describe, expect, it } from 'vitest';
import { InMemoryClusterPort } from '../../src/cluster/in-memory-cluster.js';
import { InMemoryLoadClient } from '../../src/loadtest/in-memory-load-client.js';
import { runLoad } from '../../src/loadtest/runner.js';
import type { Workload } from '../../src/loadtest/workload.js';
import { maxRateWorkload } from '../helpers/workload-builder.js';

const CAPACITY = 2_000;

function workload(): Workload {
  // 4 KiB records: batches of 256, so the ceiling leaves about a second of backlog at the broker.
  return maxRateWorkload(3);
}

describe('runLoad --rate max on the in-memory twins', () => {
  it('measures a ceiling no higher than the broker takes, steps below it, and the target series follows the steps', async () => {
    const report = await runLoad({
      workload: workload(),
      connection: { bootstrapServers: ['in-memory:9092'] },
      cluster: { name: 'unit', environment: 'test' },
      client: new InMemoryLoadClient({ capacityMessagesPerSecond: CAPACITY }),
      clusterPort: new InMemoryClusterPort(),
      drainTimeoutMs: 2_000,
      verifyTimeoutMs: 300,
    });
    const max = report.maxRate!;
    expect(max.ceilingMessagesPerSecond).toBeGreaterThan(0);
    expect(max.ceilingMessagesPerSecond).toBeLessThan(CAPACITY * 1.25);
    // The run's phases are seen by a 1 s ticker that a busy event loop (closed-loop producing on a
    // loaded machine) can run up to a tick late, so every boundary below is "on time or one second late".
    expect([2, 3]).toContain(max.ceilingPhaseSeconds);
    expect(max.rule).toEqual({ maxPublishDelayMs: 250, minAchievedShare: 0.8, minLagAllowance: 1000 });
    const first = max.steps[0]!;
    expect(first.fractionOfCeiling).toBe(0.9);
    expect(first.targetMessagesPerSecond).toBeCloseTo(0.9 * max.ceilingMessagesPerSecond, -1);
    expect(first.fromSecond).toBeGreaterThanOrEqual(3);
    expect(first.fromSecond).toBeGreaterThanOrEqual(max.ceilingPhaseSeconds);
    expect(first.toSecond - first.fromSecond).toBeGreaterThanOrEqual(3);
    expect(first.toSecond - first.fromSecond).toBeLessThanOrEqual(4);
    expect(max.sustainableMessagesPerSecond).toBeLessThanOrEqual(max.ceilingMessagesPerSecond);
    expect(report.topics[0]!.ceilingMessagesPerSecond).toBeCloseTo(max.ceilingMessagesPerSecond, -1);
    const ts = report.timeSeries;
    expect(ts.slice(0, 2).map((p) => [p.closedLoop, p.targetMessagesPerSecond])).toEqual([
      [true, 0],
      [true, 0],
    ]);
    // Paused while the ceiling's backlog is answered, then the step's target (the seconds inside each
    // phase; a boundary second may hold either side).
    expect(ts.slice(max.ceilingPhaseSeconds + 1, first.fromSecond - 1).every((p) => p.targetMessagesPerSecond === 0 && !p.closedLoop)).toBe(true);
    const inside = ts.slice(first.fromSecond + 1, first.toSecond - 1);
    expect(inside.length).toBeGreaterThanOrEqual(1);
    expect(inside.every((p) => Math.abs(p.targetMessagesPerSecond - first.targetMessagesPerSecond) <= 1)).toBe(true);
    // After the steps: the producers alone, consumers paused (nothing consumed inside the phase), read in the drain.
    const last = max.steps[max.steps.length - 1]!;
    expect(max.producerCeilingMessagesPerSecond).toBeGreaterThan(0);
    expect(max.producerCeilingMessagesPerSecond).toBeLessThan(CAPACITY * 1.25);
    expect(max.producerCeilingFromSecond).toBeGreaterThanOrEqual(last.toSecond);
    expect(max.producerCeilingToSecond! - max.producerCeilingFromSecond!).toBeGreaterThanOrEqual(2);
    expect(max.producerCeilingToSecond! - max.producerCeilingFromSecond!).toBeLessThanOrEqual(3);
    const paused = ts.slice(max.producerCeilingFromSecond! + 1, max.producerCeilingToSecond!);
    expect(paused.length).toBeGreaterThanOrEqual(1);
    expect(paused.every((p) => p.closedLoop && p.consumedPerSecond === 0 && p.acknowledgedPerSecond > 0)).toBe(true);
    expect(report.messages.lost).toBe(0);
    expect(report.messages.duplicated).toBe(0);
    expect(report.messages.consumed).toBe(report.messages.acknowledged);
  }, 30_000);
});
