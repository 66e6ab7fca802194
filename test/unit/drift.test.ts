import { describe, expect, it } from 'vitest';
import { aclKey, formatAcl } from '../../src/acl/derive.js';
import type { ClusterState, LiveTopic } from '../../src/cluster/port.js';
import { computeDrift, isManagedAcl, isManagedTopic } from '../../src/drift/compute-drift.js';
import { renderDriftJson, renderDriftMarkdown, renderDriftText } from '../../src/drift/render-drift.js';
import { parseSpecDocument } from '../../src/manifest/document.js';
import type { AclBinding, ResolvedSpec } from '../../src/manifest/types.js';
import { validateSpec } from '../../src/manifest/validate.js';

const SPEC = `
version: 1
cluster: { name: shop, bootstrapServers: ['127.0.0.1:9092'], brokers: 1 }
defaults: { partitions: 3, replicationFactor: 1 }
policy: { managedPrefixes: ['orders.'] }
topics:
  orders.placed:
    retention: 7d
    cleanupPolicy: [compact, delete]
    config: { max.message.bytes: 1MiB }
  orders.shipped: { partitions: 6 }
services:
  order-service:
    principal: User:order-service
    produces: [orders.placed]
acls:
  - principal: User:ops
    resource: { type: topic, name: orders., pattern: prefixed }
    operations: [Describe]
`;

function specOf(text = SPEC): ResolvedSpec {
  const r = validateSpec(parseSpecDocument(text, '/virtual/topics.yaml'), { skipFileChecks: true });
  expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return r.specs.values().next().value!;
}

/** An in-memory cluster that holds exactly what the spec declares. */
function stateFor(spec: ResolvedSpec): ClusterState {
  return {
    info: { clusterId: 'test', controller: 1, brokers: [{ nodeId: 1, host: '127.0.0.1', port: 9092 }] },
    topics: spec.topics.map((t): LiveTopic => ({ name: t.name, partitions: t.partitions, replicationFactor: t.replicationFactor, config: { ...t.config }, internal: false })),
    acls: spec.acls.map(({ origin: _o, ...a }) => a),
    users: spec.users.map((u) => ({ name: u.name, credentials: [{ mechanism: u.mechanism, iterations: u.iterations }] })),
    quotas: spec.quotas.map((q) => ({ ...q })),
    notChecked: [],
  };
}

const acl = (over: Partial<AclBinding>): AclBinding => ({
  principal: 'User:x',
  host: '*',
  operation: 'Read',
  permission: 'allow',
  resourceType: 'topic',
  resourceName: 'orders.placed',
  patternType: 'literal',
  ...over,
});

describe('computeDrift', () => {
  it('reports in sync when the cluster holds exactly the spec', () => {
    const spec = specOf();
    const r = computeDrift(spec, stateFor(spec));
    expect(r.inSync).toBe(true);
    expect(r.drift).toEqual([]);
    expect(r.checked).toEqual({ topics: 2, acls: spec.acls.length, users: 0, quotas: 0, liveTopics: 2, liveAcls: spec.acls.length, liveUsers: 0, liveQuotas: 0 });
    expect(r.cluster).toBe('shop');
    expect(r.notChecked).toEqual([]);
    expect(r.partial).toBe(false);
  });

  it('a read without users and quotas is partial, and says what was not read and why', () => {
    const spec = specOf();
    const { users: _u, quotas: _q, ...state } = stateFor(spec);
    const r = computeDrift(spec, { ...state, notChecked: [{ resource: 'user', code: 'unauthorized', reason: 'SCRAM users could not be read: the broker refused' }] });
    expect(r.notChecked).toEqual([
      { resource: 'user', code: 'unauthorized', reason: 'SCRAM users could not be read: the broker refused' },
      { resource: 'quota', code: 'client', reason: 'client quotas were not read; 0 declared' },
    ]);
    expect(r.partial).toBe(true);
    expect(r.inSync).toBe(true);
  });

  it('does not compare the configs of a topic whose configs could not be read', () => {
    const spec = specOf();
    const state = stateFor(spec);
    state.topics[0] = { ...state.topics[0]!, config: {}, configNotRead: 'unauthorized' };
    const r = computeDrift(spec, { ...state, notChecked: [{ resource: 'topic-config', code: 'unauthorized', reason: 'the configs of 1 topic(s) could not be read' }] });
    expect(r.drift).toEqual([]);
    expect(r.partial).toBe(true);
  });

  it('ignores cleanup.policy order and broker defaults that are not set on the topic', () => {
    const spec = specOf();
    const state = stateFor(spec);
    state.topics[0]!.config['cleanup.policy'] = 'delete,compact';
    expect(computeDrift(spec, state).inSync).toBe(true);
  });

  it('reports a missing topic once', () => {
    const spec = specOf();
    const state = stateFor(spec);
    state.topics = state.topics.filter((t) => t.name !== 'orders.shipped');
    const r = computeDrift(spec, state);
    expect(r.drift).toEqual([{ resource: 'topic', name: 'orders.shipped', kind: 'missing', expected: { partitions: 6, replicationFactor: 1, config: {} } }]);
    expect(r.inSync).toBe(false);
  });

  it('reports partitions, replication factor, changed, removed and extra configs', () => {
    const spec = specOf();
    const state = stateFor(spec);
    const t = state.topics.find((x) => x.name === 'orders.placed')!;
    t.partitions = 5;
    t.replicationFactor = 2;
    t.config['retention.ms'] = '1000';
    delete t.config['max.message.bytes'];
    t.config['segment.ms'] = '60000';
    const r = computeDrift(spec, state);
    expect(r.drift).toEqual([
      { resource: 'topic', name: 'orders.placed', kind: 'changed', field: 'config.max.message.bytes', expected: '1048576', actual: null },
      { resource: 'topic', name: 'orders.placed', kind: 'changed', field: 'config.retention.ms', expected: '604800000', actual: '1000' },
      { resource: 'topic', name: 'orders.placed', kind: 'changed', field: 'config.segment.ms', expected: null, actual: '60000' },
      { resource: 'topic', name: 'orders.placed', kind: 'changed', field: 'partitions', expected: 3, actual: 5 },
      { resource: 'topic', name: 'orders.placed', kind: 'changed', field: 'replicationFactor', expected: 1, actual: 2 },
    ]);
  });

  it('reports unmanaged topics inside managedPrefixes only, never internal ones', () => {
    const spec = specOf();
    const state = stateFor(spec);
    const extra = (name: string, internal = false): LiveTopic => ({ name, partitions: 1, replicationFactor: 1, config: {}, internal });
    state.topics.push(extra('orders.legacy'), extra('payments.x'), extra('_schemas'), extra('__consumer_offsets', true));
    const r = computeDrift(spec, state);
    expect(r.drift.map((d) => [d.name, d.kind])).toEqual([['orders.legacy', 'unmanaged']]);
  });

  it("managedPrefixes [''] means the whole cluster, still without '_' topics", () => {
    const spec = specOf(SPEC.replace("managedPrefixes: ['orders.']", "managedPrefixes: ['']"));
    const state = stateFor(spec);
    state.topics.push({ name: 'payments.x', partitions: 1, replicationFactor: 1, config: {}, internal: false }, { name: '_connect-offsets', partitions: 1, replicationFactor: 1, config: {}, internal: false });
    expect(computeDrift(spec, state).drift.map((d) => d.name)).toEqual(['payments.x']);
  });

  it('managedPrefixes [] manages no unmanaged topics at all', () => {
    const spec = specOf(SPEC.replace("managedPrefixes: ['orders.']", 'managedPrefixes: []'));
    const state = stateFor(spec);
    state.topics.push({ name: 'orders.legacy', partitions: 1, replicationFactor: 1, config: {}, internal: false });
    expect(computeDrift(spec, state).inSync).toBe(true);
  });

  it('reports a missing ACL with its readable binding', () => {
    const spec = specOf();
    const state = stateFor(spec);
    const removed = state.acls.find((a) => a.operation === 'Write')!;
    state.acls = state.acls.filter((a) => a !== removed);
    const r = computeDrift(spec, state);
    expect(r.drift).toEqual([{ resource: 'acl', name: 'User:order-service ALLOW Write topic:orders.placed (literal) @*', kind: 'missing' }]);
  });

  it('reports unexpected ACLs of declared principals or on managed topics, not others', () => {
    const spec = specOf();
    const state = stateFor(spec);
    const ofDeclared = acl({ principal: 'User:order-service', operation: 'Read' });
    const onManagedTopic = acl({ principal: 'User:stranger', resourceName: 'orders.shipped' });
    const elsewhere = acl({ principal: 'User:stranger', resourceName: 'payments.x' });
    const strangersGroup = acl({ principal: 'User:stranger', resourceType: 'group', resourceName: 'g' });
    const wildcard = acl({ principal: 'User:stranger', resourceName: '*' });
    state.acls.push(ofDeclared, onManagedTopic, elsewhere, strangersGroup, wildcard, { ...ofDeclared });
    const r = computeDrift(spec, state);
    expect(r.drift.map((d) => [d.name, d.kind])).toEqual([
      [formatAcl(ofDeclared), 'unmanaged'],
      [formatAcl(onManagedTopic), 'unmanaged'],
    ]);
  });

  it('scope helpers', () => {
    expect(isManagedTopic('orders.a', ['orders.'])).toBe(true);
    expect(isManagedTopic('_orders', [''])).toBe(false);
    expect(isManagedTopic('x', [])).toBe(false);
    expect(isManagedAcl(acl({ principal: 'User:a', resourceType: 'cluster', resourceName: 'kafka-cluster' }), new Set(['User:a']), [])).toBe(true);
    expect(isManagedAcl(acl({ resourceName: '*' }), new Set(), [''])).toBe(true);
  });

  it('lists declared schemas as not checked', () => {
    const spec = specOf();
    spec.topics[0]!.schema = { compatibility: 'BACKWARD', subjectNameStrategy: 'TopicNameStrategy', value: { subject: 'orders.placed-value', file: 'x.avsc', format: 'avro' } };
    expect(computeDrift(spec, stateFor(spec)).notChecked.map((n) => n.resource)).toContain('schema');
  });

  it('keys ACLs by every field (host and pattern matter)', () => {
    const spec = specOf();
    const state = stateFor(spec);
    const a = state.acls.find((x) => x.principal === 'User:ops')!;
    state.acls = state.acls.map((x) => (aclKey(x) === aclKey(a) ? { ...x, host: '10.0.0.1' } : x));
    const r = computeDrift(spec, state);
    expect(r.drift.map((d) => d.kind).sort()).toEqual(['missing', 'unmanaged']);
  });
});

describe('drift renderers', () => {
  const spec = specOf();
  const state = stateFor(spec);
  state.topics = state.topics.filter((t) => t.name !== 'orders.shipped');
  state.topics[0]!.config['retention.ms'] = '86400000';
  state.topics.push({ name: 'orders.legacy', partitions: 1, replicationFactor: 1, config: {}, internal: false });
  state.acls.push(acl({ principal: 'User:stranger', resourceName: 'orders.placed', operation: 'Write' }));
  const report = computeDrift(spec, state);

  it('text', () => {
    expect(renderDriftText(report)).toMatchInlineSnapshot(`
      "+ topic orders.shipped  missing  declared, not on the cluster
      ~ topic orders.placed  changed  config.retention.ms: expected 604800000, actual 86400000
      - topic orders.legacy  unmanaged  on the cluster, not declared
      - acl User:stranger ALLOW Write topic:orders.placed (literal) @*  unmanaged  on the cluster, not declared

      ✗ shop (default) has 4 drift(s): 1 missing, 1 changed, 2 unmanaged (2 topic(s), 4 ACL(s), 0 user(s), 0 quota(s) checked)"
    `);
  });

  it('markdown', () => {
    expect(renderDriftMarkdown(report)).toMatchInlineSnapshot(`
      "**kafkaform drift** — ⚠️ shop (default) has 4 drift(s): 1 missing, 1 changed, 2 unmanaged (2 topic(s), 4 ACL(s), 0 user(s), 0 quota(s) checked)

      | resource | name | drift | field | expected | actual |
      |---|---|---|---|---|---|
      | topic | \`orders.shipped\` | missing |  | \`{"partitions":6,"replicationFactor":1,"config":{}}\` |  |
      | topic | \`orders.placed\` | changed | \`config.retention.ms\` | \`604800000\` | \`86400000\` |
      | topic | \`orders.legacy\` | unmanaged |  |  | \`{"partitions":1,"replicationFactor":1,"config":{}}\` |
      | acl | \`User:stranger ALLOW Write topic:orders.placed (literal) @*\` | unmanaged |  |  |  |"
    `);
  });

  it('json has the documented shape', () => {
    const j = JSON.parse(renderDriftJson(report));
    expect(Object.keys(j)).toEqual(['cluster', 'environment', 'inSync', 'checked', 'drift', 'notChecked', 'partial']);
    expect(j.inSync).toBe(false);
    expect(j.drift[1]).toEqual({ resource: 'topic', name: 'orders.placed', kind: 'changed', field: 'config.retention.ms', expected: '604800000', actual: '86400000' });
  });

  it('in sync is one line', () => {
    const ok = computeDrift(spec, stateFor(spec));
    expect(renderDriftMarkdown(ok)).toMatch(/^\*\*kafkaform drift\*\* — ✅ shop \(default\) is in sync: 2 topic\(s\), 4 ACL\(s\), 0 user\(s\), 0 quota\(s\) checked$/);
  });
});
