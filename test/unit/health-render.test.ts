import { describe, expect, it } from 'vitest';
import { InMemoryClusterPort } from '../../src/cluster/in-memory-cluster.js';
import { collectHealthRead } from '../../src/health/collect-health.js';
import { buildHealthRegistry, renderHealthPrometheus } from '../../src/health/health-metrics.js';
import { renderHealthJson, renderHealthMarkdown, renderHealthText } from '../../src/health/render-health.js';
import { HealthExporter } from '../../src/health/serve-exporter.js';
import { FakeSpec } from '../helpers/spec-builder.js';

const NOW = 1_800_000_000_000;

const spec = new FakeSpec({ version: 1, cluster: { brokers: 1 } })
  .topic('orders', { partitions: 2, replicationFactor: 1 })
  .service('billing', { principal: 'User:billing', consumes: ['orders'], maxLag: 10 })
  .resolve();

function port() {
  return new InMemoryClusterPort({ topics: [{ name: 'orders', partitions: 2, replicationFactor: 1 }] })
    .produce('orders', 0, Array.from({ length: 25 }, () => NOW - 90_000))
    .putGroup({ groupId: 'billing', members: [{ memberId: 'm', clientId: 'c', clientHost: '/h', assignment: [] }], offsets: { 'orders:0': 5, 'orders:1': 0 } });
}

const read = () => collectHealthRead(spec, { bootstrapServers: ['x:9092'] }, { ports: port, now: () => NOW });

describe('health JSON: the documented shape', () => {
  it('keeps its keys stable (README "health --format json")', async () => {
    const json = JSON.parse(renderHealthJson((await read()).report));
    expect(Object.keys(json)).toEqual(['healthy', 'cluster', 'partitions', 'services', 'unownedGroups', 'problems', 'readAt', 'readDurationMs']);
    expect(Object.keys(json.cluster)).toEqual(['name', 'environment', 'clusterId', 'controller', 'brokers']);
    expect(Object.keys(json.partitions)).toEqual(['checked', 'offline', 'underReplicated', 'underMinIsr']);
    expect(Object.keys(json.services[0])).toEqual(['name', 'group', 'groups', 'state', 'members', 'lag', 'lagMs', 'maxLag', 'budget', 'topics']);
    expect(Object.keys(json.services[0].topics[0])).toEqual(['topic', 'lag', 'lagMs', 'partitionsWithoutCommit', 'partitions']);
    expect(Object.keys(json.services[0].topics[0].partitions[0])).toEqual(['partition', 'committed', 'logStart', 'logEnd', 'lag', 'fromLogStart', 'lagMs']);
    expect(json.services[0]).toMatchObject({ name: 'billing', group: 'billing', lag: 20, lagMs: 90_000, maxLag: { kind: 'records', records: 10 }, budget: 'over' });
  });
});

describe('health text and markdown', () => {
  it('name the service, its lag in records and time, and why the cluster is unhealthy', async () => {
    const { report } = await read();
    const text = renderHealthText(report);
    expect(text).toMatch(/billing\s+billing\s+Stable\s+1\s+20\s+90s\s+over \(maxLag 10 records\)/);
    expect(text).toContain('✗ service billing (group billing) lags 20 records, over its maxLag 10 records');
    expect(renderHealthMarkdown(report)).toContain('| `billing` | `billing` | Stable | 1 | 20 | 90s | over (maxLag 10 records) |');
  });
});

describe('health metrics', () => {
  it('use kafka_exporter names and labels, plus kafkaform lag seconds, budgets and drift', async () => {
    const text = await renderHealthPrometheus(await read(), { up: true, lastSuccessMs: NOW, failures: 0 });
    expect(text).toContain('kafka_brokers 1');
    expect(text).toContain('kafka_topic_partitions{topic="orders"} 2');
    expect(text).toContain('kafka_topic_partition_under_replicated_partition{topic="orders",partition="0"} 0');
    expect(text).toContain('kafka_consumergroup_lag{consumergroup="billing",topic="orders",partition="0"} 20');
    expect(text).toContain('kafka_consumergroup_lag_sum{consumergroup="billing",topic="orders"} 20');
    expect(text).toContain('kafka_consumergroup_members{consumergroup="billing"} 1');
    expect(text).toContain('kafkaform_service_lag_seconds{service="billing",consumergroup="billing"} 90');
    expect(text).toContain('kafkaform_service_lag_over_budget{service="billing",consumergroup="billing"} 1');
    expect(text).toContain('kafkaform_drift_items{resource="topic",kind="missing"} 0');
    expect(text).toContain('kafkaform_up 1');
  });

  it('when the read failed: only kafkaform_up 0 and the time of the last successful read', async () => {
    const text = await buildHealthRegistry(undefined, { up: false, lastSuccessMs: NOW, failures: 2 }).metrics();
    expect(text).toContain('kafkaform_up 0');
    expect(text).toContain(`kafkaform_last_successful_read_timestamp_seconds ${NOW / 1000}`);
    expect(text).not.toContain('kafka_brokers');
  });
});

describe('the exporter', () => {
  it('serves the cached read on /metrics, reads once per interval, and keeps serving with kafkaform_up 0 when the cluster goes away', async () => {
    let reads = 0;
    let fail = false;
    const exporter = new HealthExporter({
      read: async () => {
        reads++;
        if (fail) throw new Error('cluster gone');
        return read();
      },
      intervalMs: 60_000,
      host: '127.0.0.1',
      port: 0,
    });
    const { port: p } = await exporter.start();
    try {
      await exporter.refresh();
      const scrape = async () => (await fetch(`http://127.0.0.1:${p}/metrics`)).text();
      expect(await scrape()).toContain('kafka_consumergroup_lag_sum{consumergroup="billing",topic="orders"} 20');
      await scrape();
      expect(reads).toBe(1);
      fail = true;
      await exporter.refresh();
      const down = await scrape();
      expect(down).toContain('kafkaform_up 0');
      expect(down).not.toContain('kafka_consumergroup_lag_sum');
      expect((await fetch(`http://127.0.0.1:${p}/nope`)).status).toBe(404);
    } finally {
      await exporter.stop();
    }
  });
});
