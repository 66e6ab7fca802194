/**
 * Realistic payloads: a load test on a topic with an Avro value schema sends values that decode
 * with that schema (the record stamp travels in a header), and still accounts every record.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import avsc from 'avsc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { createLoadClient } from '../../src/loadtest/create-load-client.js';
import { decodeRecordValue } from '../../src/loadtest/message.js';
import type { LoadTestReport } from '../../src/loadtest/report-types.js';
import { scratchProject, startTestCluster, type TestCluster } from './helpers.js';

const root = join(import.meta.dirname, '..', '..');
let tc: TestCluster;
let project: ReturnType<typeof scratchProject>;
let work: string;

beforeAll(async () => {
  tc = await startTestCluster({ brokers: 1 });
  project = scratchProject(readFileSync(join(root, 'topics.yaml'), 'utf8'));
  work = mkdtempSync(join(tmpdir(), 'kf-lt-schema-'));
});
afterAll(async () => {
  project?.cleanup();
  if (work) rmSync(work, { recursive: true, force: true });
  await tc?.stop();
});

describe('loadtest with schema payloads (real broker)', () => {
  it('sends Avro values that decode with the topic\'s value schema, none lost or duplicated', async () => {
    const out = join(work, 'report.json');
    const code = await main(['loadtest', '-f', project.file, '--env', 'dev', '--bootstrap-servers', tc.cluster.bootstrapServers.join(','), '--topic', 'orders.placed', '--rate', '100', '--duration', '3s', '--keep-topics', '--format', 'json', '--out', out, '--quiet']);
    expect(code).toBe(0);
    const report = JSON.parse(readFileSync(out, 'utf8')) as LoadTestReport;
    expect(report.messages.lost).toBe(0);
    expect(report.messages.duplicated).toBe(0);
    expect(report.messages.consumed).toBe(report.messages.acknowledged);
    expect(report.messages.acknowledged).toBeGreaterThan(150);

    const type = avsc.Type.forSchema(JSON.parse(readFileSync(join(root, 'schemas', 'orders.placed.avsc'), 'utf8')));
    // Read the kept topic back with the load-test client (kafkajs has no lz4/zstd codec).
    const consumer = createLoadClient(tc.connection).createConsumer({ clientId: 'kf-lt-schema-check', groupId: `check-${Date.now()}`, topics: [report.topics[0]!.loadTopic], fromBeginning: true });
    const seen: Array<{ value: Buffer; stamp?: Buffer }> = [];
    const want = Math.min(50, report.messages.acknowledged);
    try {
      await new Promise<void>((resolveDone, reject) => {
        const timer = setTimeout(() => reject(new Error(`only ${seen.length} records read back`)), 60_000);
        consumer
          .start((records) => {
            for (const r of records) seen.push({ value: r.value, stamp: r.stamp });
            if (seen.length >= want) {
              clearTimeout(timer);
              resolveDone();
            }
          })
          .catch(reject);
      });
    } finally {
      await consumer.disconnect();
    }
    for (const r of seen) {
      const decoded = type.fromBuffer(r.value) as { orderId: string; lines: unknown[] };
      expect(typeof decoded.orderId).toBe('string');
      expect(Array.isArray(decoded.lines)).toBe(true);
      expect(r.stamp).toBeDefined();
      expect(decodeRecordValue(r.stamp!)).toBeDefined();
    }
    // Values are sized towards the topic's messageBytes (1KiB in topics.yaml) without exceeding it.
    const avg = seen.reduce((n, r) => n + r.value.length, 0) / seen.length;
    expect(avg).toBeGreaterThan(1024 * 0.8);
    expect(Math.max(...seen.map((r) => r.value.length))).toBeLessThanOrEqual(1024);
  });
});
