/**
 * Reads that survive a rolling restart, against a real 3-node KRaft cluster (combined nodes): topics
 * and ACLs are created through the admin API, then `drift` (collectDrift, in-process, through the
 * default @platformatic/kafka port) runs in a loop while each node in turn is killed (SIGKILL) and
 * started again. Every run must be in sync, or fail with a ClusterError (the CLI's exit 1) that
 * names a broker or the cluster; a run that reports drift is a false drift and fails the test.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PlatformaticClusterPort } from '../../src/cluster/platformatic-adapter.js';
import { killBroker, startBroker } from '../../src/dev/cluster/lifecycle.js';
import { collectDrift } from '../../src/drift/collect-drift.js';
import type { DriftReport } from '../../src/drift/compute-drift.js';
import { ClusterError } from '../../src/errors.js';
import type { ResolvedSpec } from '../../src/manifest/types.js';
import { sleep, waitUntil } from '../../src/os/process.js';
import { specFromYaml } from '../helpers/spec-builder.js';
import { startTestCluster, type TestCluster } from './helpers.js';

const SPEC = `
version: 1
cluster: { name: rolling, brokers: 3 }
defaults:
  replicationFactor: 3
  config: { min.insync.replicas: 2 }
environments:
  it: { cluster: { bootstrapServers: [127.0.0.1:1] } }
topics:
  orders.placed: { partitions: 6, retention: 3d }
  orders.cancelled: { partitions: 3, cleanupPolicy: compact }
  payments.completed: { partitions: 3, retention: 12h }
services:
  order-service:
    principal: User:order-service
    produces: [orders.placed, orders.cancelled]
    consumes: [payments.completed]
  payment-service:
    principal: User:payment-service
    consumes: [orders.placed]
    produces: [payments.completed]
`;

/** Runs wanted per outage (each node down once); the test asserts at least this many ran while one was down. */
const RUNS_PER_OUTAGE = 2;
/** One drift run's bound: long enough to outlast the broker session timeout (9 s) that fences a killed node. */
const DRIFT_TIMEOUT_MS = 20_000;
/** Three JVM restarts took 156 s at load 22 on the 2-core machine (plus 127 s to start the cluster): bound for a loaded machine. */
const TEST_TIMEOUT_MS = 300_000;

interface Outcome {
  /** The node that was down when the run started (undefined: all up). */
  down?: number;
  report?: DriftReport;
  error?: unknown;
  ms: number;
}

describe('drift through a rolling restart (real 3-node KRaft cluster)', () => {
  let tc: TestCluster;
  let spec: ResolvedSpec;
  /** Ends the drift loop: set when the restarts are done, and in afterAll should the test itself time out. */
  let stop = false;

  beforeAll(async () => {
    tc = await startTestCluster({ brokers: 3 });
    spec = specFromYaml(SPEC).resolve('it');
    const admin = new PlatformaticClusterPort(tc.connection);
    try {
      for (const t of spec.topics) await admin.createTopic({ name: t.name, partitions: t.partitions, replicationFactor: t.replicationFactor, config: t.config });
      await admin.createAcls(spec.acls);
    } finally {
      await admin.close();
    }
    // The topics and ACLs are visible to every broker a moment after they were created: poll until drift agrees (bounded).
    let last: DriftReport | undefined;
    const calm = await waitUntil(async () => (last = await collectDrift(spec, tc.connection, { timeoutMs: DRIFT_TIMEOUT_MS })).inSync, 30_000, 250);
    if (!calm) throw new Error(`drift not in sync before the restarts: ${JSON.stringify(last?.drift)}`);
  });

  afterAll(async () => {
    stop = true;
    await tc?.stop();
  });

  it('is in sync or a clean error naming the broker in every run, never a false drift, while each node is killed and restarted', { timeout: TEST_TIMEOUT_MS }, async () => {
    const outcomes: Outcome[] = [];
    let down: number | undefined;
    const loopEnds = Date.now() + TEST_TIMEOUT_MS;
    const loop = (async () => {
      while (!stop && Date.now() < loopEnds) {
        const during = down;
        const started = Date.now();
        try {
          outcomes.push({ down: during, report: await collectDrift(spec, tc.connection, { timeoutMs: DRIFT_TIMEOUT_MS }), ms: Date.now() - started });
        } catch (error) {
          outcomes.push({ down: during, error, ms: Date.now() - started });
        }
        // Pacing, not a wait: ten runs a second are plenty, and the CPU is left to the node that boots.
        await sleep(100);
      }
    })();
    const ranWhileDown = (nodeId: number) => outcomes.filter((o) => o.down === nodeId).length;
    try {
      for (const nodeId of [1, 2, 3]) {
        await killBroker(tc.cluster, nodeId);
        down = nodeId;
        // The outage lasts while the node boots again (startBroker waits until it answers), and at least until
        // enough drift runs started during it have finished against the two nodes left.
        await startBroker(tc.cluster, nodeId);
        const enough = await waitUntil(() => ranWhileDown(nodeId) >= RUNS_PER_OUTAGE, 3 * DRIFT_TIMEOUT_MS, 100);
        down = undefined;
        if (!enough) throw new Error(`only ${ranWhileDown(nodeId)} drift run(s) finished in ${(3 * DRIFT_TIMEOUT_MS) / 1000} s after node ${nodeId} was killed`);
      }
    } finally {
      stop = true;
      await loop;
    }

    const phases = [undefined, 1, 2, 3].map((d) => {
      const os = outcomes.filter((o) => o.down === d);
      const fails = os.filter((o) => !o.report?.inSync);
      return `${d === undefined ? 'all up' : `node ${d} down`}: ${os.length} runs, ${os.length - fails.length} in sync, ${fails.length} other, slowest ${Math.max(0, ...os.map((o) => o.ms))} ms`;
    });
    const summary = [...phases, ...outcomes.filter((o) => !o.report?.inSync).map((o) => `node ${o.down ?? '-'} down: ${o.report ? `DRIFT ${JSON.stringify(o.report.drift)}` : String(o.error)}`)].join('\n');
    console.log(`rolling restart, ${outcomes.length} drift runs:\n${summary}`);
    for (const o of outcomes) {
      if (o.report) {
        // A run that answers must answer right: a restart is never reported as drift, nor as a partial read.
        expect(o.report.drift, summary).toEqual([]);
        expect(o.report.inSync).toBe(true);
        expect(o.report.notChecked.filter((n) => n.resource !== 'schema' && n.code !== 'never-returned')).toEqual([]);
      } else {
        // A run that gives up is the CLI's exit 1: a ClusterError, one line naming a broker or the cluster's servers.
        expect(o.error, String(o.error)).toBeInstanceOf(ClusterError);
        expect((o.error as ClusterError).message).toMatch(/127\.0\.0\.1:\d+/);
      }
    }
    for (const nodeId of [1, 2, 3]) expect(ranWhileDown(nodeId)).toBeGreaterThanOrEqual(RUNS_PER_OUTAGE);
    // Retrying is what makes a read during an outage succeed: most runs while a node was down must be in sync.
    const whileDown = outcomes.filter((o) => o.down !== undefined);
    expect(whileDown.filter((o) => o.report?.inSync).length, summary).toBeGreaterThan(whileDown.length / 2);
  });
});
