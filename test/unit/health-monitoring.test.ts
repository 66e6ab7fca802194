/**
 * monitoring/ ships with the metrics it uses: the alert rules pass `promtool test rules`, and every
 * metric the rules and the Grafana dashboard query is one the exporter serves. promtool comes from
 * scripts/install-prometheus.sh (npm test runs it); without it these tests fail, never skip.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InMemoryClusterPort } from '../../src/cluster/in-memory-cluster.js';
import { collectHealthRead } from '../../src/health/collect-health.js';
import { renderHealthPrometheus } from '../../src/health/health-metrics.js';
import { FakeSpec } from '../helpers/spec-builder.js';

const MONITORING = join(import.meta.dirname, '..', '..', 'monitoring');

function promtool(args: string[], input?: string, allowed: readonly string[] = []): string {
  try {
    return execFileSync('promtool', args, { cwd: MONITORING, input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'], timeout: 60_000 });
  } catch (e) {
    const err = e as { code?: string; stdout?: string; stderr?: string; message: string };
    if (err.code === 'ENOENT') throw new Error('promtool is not installed: run scripts/install-prometheus.sh (npm test does)');
    const findings = `${err.stdout ?? ''}\n${err.stderr ?? ''}`.split('\n').filter((l) => l.trim() !== '');
    if (findings.length > 0 && findings.every((f) => allowed.includes(f))) return findings.join('\n');
    throw new Error(`promtool ${args.join(' ')} failed:\n${err.stdout ?? ''}${err.stderr ?? err.message}`);
  }
}

async function exposition(): Promise<string> {
  const spec = new FakeSpec({ version: 1, cluster: { brokers: 1 } })
    .topic('orders', { partitions: 2, replicationFactor: 1 })
    .service('billing', { principal: 'User:billing', consumes: ['orders'], maxLag: 10 })
    .service('audit', { principal: 'User:audit', consumes: ['orders'], maxLag: '5m' })
    .resolve();
  const port = new InMemoryClusterPort({ topics: [{ name: 'orders', partitions: 2, replicationFactor: 1 }] })
    .produce('orders', 0, [Date.now() - 1000, Date.now()])
    .putGroup({ groupId: 'billing', offsets: { 'orders:0': 1 } });
  const read = await collectHealthRead(spec, { bootstrapServers: ['x:9092'] }, { ports: () => port });
  return renderHealthPrometheus(read, { up: true, lastSuccessMs: read.state.readAtMs, lastReadDurationMs: 5, failures: 0 });
}

describe('monitoring/', () => {
  it('the alerting rules pass their promtool unit tests', () => {
    expect(promtool(['test', 'rules', 'alerts.test.yml'])).toContain('SUCCESS');
  });

  it('the exposition passes promtool check metrics', async () => {
    // check metrics exits non-zero on any lint finding. kafka_exporter's own name kafka_consumergroup_lag_sum (a gauge) draws the
    // one finding existing dashboards make us keep; a parse error or any other finding fails.
    const known = ['kafka_consumergroup_lag_sum non-histogram and non-summary metrics should not have "_sum" suffix'];
    expect(promtool(['check', 'metrics'], await exposition(), known)).toBe(known.join('\n'));
  });

  it('the rules and the dashboard query only metrics the exporter serves', async () => {
    const served = new Set([...(await exposition()).matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]));
    served.add('up'); // Prometheus' own scrape health
    const used = (text: string) => new Set([...text.matchAll(/\b(kafka_[a-z_]+|kafkaform_[a-z_]+|up)(?=\{|\s|\)|$)/gm)].map((m) => m[1] as string));
    const rules = readFileSync(join(MONITORING, 'alerts.yml'), 'utf8').split('\n').filter((l) => l.trim().startsWith('expr:')).join('\n');
    const dashboard = JSON.parse(readFileSync(join(MONITORING, 'grafana-dashboard.json'), 'utf8')) as { panels: Array<{ targets: Array<{ expr: string }> }> };
    const exprs = dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr)).join('\n');
    for (const m of [...used(rules), ...used(exprs)]) expect(served, `${m} is queried but not served`).toContain(m);
    expect(dashboard.panels.length).toBeGreaterThan(8);
  });
});
