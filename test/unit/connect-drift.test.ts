import { describe, expect, it } from 'vitest';
import { applyConnectorPlan } from '../../src/connect/apply-connectors.js';
import { computeConnectorDrift } from '../../src/connect/compute-connector-drift.js';
import { computeConnectorPlan } from '../../src/connect/compute-connector-plan.js';
import { desiredConfig, trimTrace } from '../../src/connect/desired-config.js';
import type { LiveConnector } from '../../src/connect/connect-port.js';
import { InMemoryConnectPort } from '../../src/connect/in-memory-connect.js';
import { collectConnectorDiagnostics } from '../../src/connect/validate-connectors.js';
import type { ResolvedConnector } from '../../src/manifest/types.js';
import { specFromYaml } from '../helpers/spec-builder.js';

const SOURCE = 'org.apache.kafka.connect.file.FileStreamSourceConnector';
const SINK = 'org.apache.kafka.connect.file.FileStreamSinkConnector';
const source = (over: Partial<ResolvedConnector> = {}): ResolvedConnector => ({ name: 'orders-import', class: SOURCE, tasksMax: 1, state: 'running', config: { topic: 'orders', file: '/tmp/in.txt' }, ...over });

describe('computeConnectorDrift', () => {
  it('is empty for a connector the worker holds as declared (the worker-added name key is ignored)', async () => {
    const port = new InMemoryConnectPort();
    await port.putConfig('orders-import', desiredConfig(source()));
    const live = await port.connectors();
    expect(live[0]!.config.name).toBe('orders-import');
    expect(computeConnectorDrift([source()], live)).toEqual([]);
  });

  it('finds missing, unmanaged, changed config, class, tasksMax, state and failed tasks with a trimmed trace', async () => {
    const port = new InMemoryConnectPort();
    await port.putConfig('orders-import', { ...desiredConfig(source()), file: '/tmp/other.txt', 'tasks.max': '2', extra: 'x' });
    await port.pause('orders-import');
    await port.putConfig('by-hand', { 'connector.class': SINK, topics: 'orders', file: '/tmp/x' });
    port.failTask('by-hand', 0, 'org.apache.kafka.connect.errors.ConnectException: boom\n\tat a.b(C.java:1)\nCaused by: java.io.FileNotFoundException: /tmp/x (Permission denied)\n\tat d.e(F.java:2)');
    const drift = computeConnectorDrift([source(), source({ name: 'orders-export', class: SINK })], await port.connectors());
    expect(drift).toEqual([
      { resource: 'connector', name: 'orders-import', kind: 'changed', field: 'config.extra', expected: null, actual: 'x' },
      { resource: 'connector', name: 'orders-import', kind: 'changed', field: 'config.file', expected: '/tmp/in.txt', actual: '/tmp/other.txt' },
      { resource: 'connector', name: 'orders-import', kind: 'changed', field: 'tasksMax', expected: '1', actual: '2' },
      { resource: 'connector', name: 'orders-import', kind: 'changed', field: 'state', expected: 'RUNNING', actual: 'PAUSED' },
      { resource: 'connector', name: 'orders-export', kind: 'missing' },
      { resource: 'connector', name: 'by-hand', kind: 'unmanaged' },
    ]);
    const failed = computeConnectorDrift([{ ...source(), name: 'by-hand', class: SINK, config: { topics: 'orders', file: '/tmp/x' } }], await port.connectors());
    expect(failed).toContainEqual({ resource: 'connector', name: 'by-hand', kind: 'changed', field: 'task.0', expected: 'RUNNING', actual: 'FAILED: org.apache.kafka.connect.errors.ConnectException: boom … Caused by: java.io.FileNotFoundException: /tmp/x (Permission denied)' });
  });

  it('trims a long trace', () => {
    expect(trimTrace(`x${'y'.repeat(1000)}`, 50)).toHaveLength(50);
  });
});

describe('computeConnectorPlan and applyConnectorPlan', () => {
  it('labels creates, updates, state changes and deletions, and keeps undeclared connectors without the policy switch', async () => {
    const port = new InMemoryConnectPort();
    await port.putConfig('orders-import', { ...desiredConfig(source()), file: '/tmp/other.txt' });
    await port.putConfig('renamed-class', desiredConfig(source({ name: 'renamed-class' })));
    await port.putConfig('by-hand', { 'connector.class': SINK, topics: 'orders', file: '/tmp/x' });
    await port.stop('orders-import');
    const declared = [source(), source({ name: 'renamed-class', class: SINK, config: { topics: 'orders', file: '/tmp/y' } }), source({ name: 'new-paused', state: 'paused' })];
    const kept = computeConnectorPlan(declared, await port.connectors(), { allowConnectorDeletion: false });
    expect(kept.changes.map((c) => [c.name, c.action, c.risk])).toEqual([
      ['orders-import', 'update', 'safe'],
      ['orders-import', 'resume', 'safe'],
      ['renamed-class', 'update', 'risky'],
      ['new-paused', 'create', 'safe'],
      ['by-hand', 'keep', 'safe'],
    ]);
    const plan = computeConnectorPlan(declared, await port.connectors(), { allowConnectorDeletion: true });
    expect(plan.changes.find((c) => c.name === 'by-hand')).toMatchObject({ action: 'delete', risk: 'destructive' });
    const r = await applyConnectorPlan(port, declared, plan, { settleTimeoutMs: 1000 });
    expect(r.remaining).toEqual([]);
    expect(port.calls.slice(-6)).toEqual(['putConfig orders-import', 'resume orders-import', 'putConfig renamed-class', 'putConfig new-paused', 'pause new-paused', 'delete by-hand']);
    expect(computeConnectorPlan(declared, await port.connectors(), { allowConnectorDeletion: true }).hasChanges).toBe(false);
  });

  it('restarts failed tasks, pauses and stops as declared', async () => {
    const port = new InMemoryConnectPort();
    await port.putConfig('a', desiredConfig(source({ name: 'a' })));
    await port.putConfig('b', desiredConfig(source({ name: 'b' })));
    port.failTask('a', 0, 'boom');
    const declared = [source({ name: 'a' }), source({ name: 'b', state: 'stopped' })];
    const plan = computeConnectorPlan(declared, await port.connectors(), {});
    expect(plan.changes.map((c) => [c.name, c.action, c.risk])).toEqual([
      ['a', 'restart', 'safe'],
      ['b', 'stop', 'risky'],
    ]);
    expect((await applyConnectorPlan(port, declared, plan, { settleTimeoutMs: 1000 })).remaining).toEqual([]);
  });

  it('a failed step says what was already applied', async () => {
    const port = new InMemoryConnectPort();
    const declared = [source({ name: 'a' }), source({ name: 'b', class: 'com.example.Missing' })];
    const plan = computeConnectorPlan(declared, [], {});
    await expect(applyConnectorPlan(port, declared, plan)).rejects.toMatchObject({ message: expect.stringContaining('create b'), hint: expect.stringContaining('already applied: create a') });
  });
});

describe('collectConnectorDiagnostics', () => {
  it("reports the worker's errors at the key's line and an unknown class at the class line", async () => {
    const yaml = [
      'version: 1',
      'connect:',
      '  url: http://127.0.0.1:1',
      'topics:',
      '  orders: {}',
      'connectors:',
      '  archive:',
      `    class: ${SINK}`,
      '    config:',
      '      file: /tmp/a',
      '  nope:',
      '    class: com.example.Missing',
      '',
    ].join('\n');
    const fake = specFromYaml(yaml);
    const spec = fake.resolve();
    const document = fake.document();
    const d = await collectConnectorDiagnostics(spec, new InMemoryConnectPort(), document);
    expect(d.map((x) => [x.code, x.path, x.line])).toEqual([
      ['connector-config-rejected', 'connectors.archive', 7],
      ['connector-unknown-class', 'connectors.nope.class', 12],
    ]);
  }, 20_000);
});

describe('computeConnectorImport', () => {
  it('writes connect and connectors; a literal secret becomes an env reference; a connector on an undeclared topic is skipped', async () => {
    const { computeConnectorImport } = await import('../../src/connect/import-connectors.js');
    const live: LiveConnector[] = [
      { name: 'db-sink', config: { name: 'db-sink', 'connector.class': SINK, 'tasks.max': '2', topics: 'orders', 'connection.password': 'hunter2', file: '/tmp/x' }, state: 'PAUSED' as const, tasks: [] },
      { name: 'other', config: { name: 'other', 'connector.class': SINK, topics: 'not-here' }, state: 'RUNNING' as const, tasks: [] },
    ];
    const r = computeConnectorImport('http://127.0.0.1:8083', live, new Set(['orders']));
    expect(r.imported).toEqual(['db-sink']);
    expect(r.text).toContain('url: http://127.0.0.1:8083');
    expect(r.text).toContain('tasksMax: 2');
    expect(r.text).toContain('state: paused');
    expect(r.text).toContain('connection.password: ${env:DB_SINK_CONNECTION_PASSWORD}');
    expect(r.text).not.toContain('hunter2');
    expect(r.warnings).toHaveLength(2);
    const fake = specFromYaml(`version: 1\ntopics:\n  orders: {}\n${r.text}`);
    expect(fake.validate().diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  }, 20_000);
});
