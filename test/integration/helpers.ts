/**
 * Shared integration-test helpers: a private real Kafka cluster per test file (free loopback
 * ports, temp data dir, stopped in afterAll) and a private deploy target (temp outdir/state).
 */
import { mkdtempSync, rmSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { devClusterConnection } from '../../src/dev/cluster/admin-connection.js';
import { findFreeBasePort, startDevCluster, stopDevCluster, type DevCluster } from '../../src/dev/cluster/lifecycle.js';
import type { Connection } from '../../src/cluster/port.js';

export interface TestCluster {
  cluster: DevCluster;
  connection: Connection;
  dataDir: string;
  stop: () => Promise<void>;
}

/** Starts a real KRaft cluster on free loopback ports in a temp dir. Call stop() in afterAll. */
export async function startTestCluster(opts: { brokers?: 1 | 3; sasl?: boolean; tls?: boolean; kafkaVersion?: string } = {}): Promise<TestCluster> {
  const brokers = opts.brokers ?? 1;
  const dataDir = mkdtempSync(join(tmpdir(), 'kafkaform-it-'));
  const basePort = await findFreeBasePort(brokers);
  const name = `it-${process.pid}-${basePort}`;
  const cluster = await startDevCluster({ name, dataDir, brokers, sasl: opts.sasl, tls: opts.tls, basePort, kafkaVersion: opts.kafkaVersion ?? process.env.KAFKAFORM_KAFKA_VERSION });
  // Mutual TLS with the dev client certificate (the broker also accepts clients without one).
  const connection = devClusterConnection(cluster);
  return {
    cluster,
    connection,
    dataDir,
    stop: async () => {
      await stopDevCluster({ name, dataDir, purge: true });
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A scratch project dir: copies topics.yaml text (and the repository's schemas/) into a temp dir. */
export function scratchProject(topicsYaml: string, opts: { withSchemas?: boolean } = {}): { dir: string; file: string; outdir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'kafkaform-proj-'));
  const file = join(dir, 'topics.yaml');
  writeFileSync(file, topicsYaml);
  if (opts.withSchemas !== false) cpSync(join(import.meta.dirname, '..', '..', 'schemas'), join(dir, 'schemas'), { recursive: true });
  return { dir, file, outdir: join(dir, 'cdktf.out'), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
