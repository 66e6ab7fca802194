import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { deriveServiceAcls } from '../../src/acl/derive.js';
import { collectClusterState } from '../../src/cluster/collect.js';
import { InMemoryClusterPort } from '../../src/cluster/in-memory-cluster.js';
import type { ClusterState } from '../../src/cluster/port.js';
import { computeDrift } from '../../src/drift/compute-drift.js';
import { computeImport, computeVendorKeyAcceptance, importConfigValue } from '../../src/importer/compute-import.js';
import type { AclBinding, ResolvedService } from '../../src/manifest/types.js';
import { specFromYaml } from '../helpers/spec-builder.js';

const strip = (acls: ReturnType<typeof deriveServiceAcls>): AclBinding[] => acls.map(({ origin: _o, ...a }) => a);
const svc = (over: Partial<ResolvedService>): ResolvedService => ({ name: 'x', principal: 'User:x', produces: [], consumes: [], host: '*', ...over });

function cluster(): ClusterState {
  const producer = strip(deriveServiceAcls(svc({ name: 'orders-writer', principal: 'User:orders-writer', produces: ['orders.placed'], transactionalId: 'orders-writer-', type: 'producer' })));
  const consumer = strip(deriveServiceAcls(svc({ name: 'billing', principal: 'User:billing', consumes: ['orders.placed', 'orders.shipped'], group: 'billing-group', type: 'consumer' })));
  const stray: AclBinding[] = [
    // a consumer role plus one extra binding: the role folds, the extra stays raw
    { principal: 'User:billing', host: '*', operation: 'DescribeConfigs', permission: 'allow', resourceType: 'topic', resourceName: 'orders.placed', patternType: 'literal' },
    { principal: 'User:ops', host: '10.0.0.1', operation: 'Describe', permission: 'allow', resourceType: 'topic', resourceName: 'orders.', patternType: 'prefixed' },
    { principal: 'User:ops', host: '10.0.0.1', operation: 'DescribeConfigs', permission: 'allow', resourceType: 'topic', resourceName: 'orders.', patternType: 'prefixed' },
    { principal: 'User:ops', host: '*', operation: 'Describe', permission: 'deny', resourceType: 'cluster', resourceName: 'kafka-cluster', patternType: 'literal' },
    // a reader without a group ACL: not a consumer role, stays raw
    { principal: 'User:half', host: '*', operation: 'Read', permission: 'allow', resourceType: 'topic', resourceName: 'orders.placed', patternType: 'literal' },
    { principal: 'User:half', host: '*', operation: 'Describe', permission: 'allow', resourceType: 'topic', resourceName: 'orders.placed', patternType: 'literal' },
  ];
  return {
    info: { clusterId: 'c', controller: 1, brokers: [{ nodeId: 1, host: '127.0.0.1', port: 9092 }] },
    topics: [
      { name: 'orders.placed', partitions: 6, replicationFactor: 1, config: { 'retention.ms': '604800000', 'cleanup.policy': 'delete,compact', 'max.message.bytes': '1048576', 'min.insync.replicas': '1' }, internal: false },
      { name: 'orders.shipped', partitions: 6, replicationFactor: 1, config: { 'retention.ms': '-1', 'segment.ms': '3600000' }, internal: false },
      { name: 'audit', partitions: 1, replicationFactor: 1, config: { 'cleanup.policy': 'compact', 'unclean.leader.election.enable': 'false', 'min.cleanable.dirty.ratio': '0.1' }, internal: false },
      { name: '_schemas', partitions: 1, replicationFactor: 1, config: { 'cleanup.policy': 'compact' }, internal: false },
      { name: '__consumer_offsets', partitions: 50, replicationFactor: 1, config: {}, internal: true },
    ],
    acls: [...producer, ...consumer, ...stray],
    notChecked: [],
  };
}

function importAndValidate(state: ClusterState, environment?: string) {
  const r = computeImport(state, { clusterName: 'shop', bootstrapServers: ['127.0.0.1:9092'], environment });
  const v = specFromYaml(r.text).validate({ skipFileChecks: true });
  return { r, v, doc: parse(r.text) as Record<string, any> };
}

/** The cluster above plus SCRAM users and quotas of every entity kind. */
function withAccess(): ClusterState {
  return {
    ...cluster(),
    users: [
      { name: 'alice', credentials: [{ mechanism: 'SCRAM-SHA-256', iterations: 4096 }, { mechanism: 'SCRAM-SHA-512', iterations: 8192 }] },
      { name: 'billing', credentials: [{ mechanism: 'SCRAM-SHA-256', iterations: 4096 }] },
    ],
    quotas: [
      { user: 'alice', producerByteRate: 10 * 1024 * 1024, consumerByteRate: 1000 },
      { user: 'billing', requestPercentage: 25 },
      { clientId: '<default>', consumerByteRate: 2 * 1024 * 1024 },
      { user: '<default>', producerByteRate: 1024 },
      { user: 'alice', clientId: 'app', producerByteRate: 1024 },
      { user: 'ghost', producerByteRate: 1024 },
    ],
  };
}

describe('computeImport of SCRAM users and quotas', () => {
  it('writes users without passwordFrom (the strongest mechanism, iterations when not 4096) and quotas with units', () => {
    const { doc, r } = importAndValidate(withAccess());
    expect(doc.users).toEqual({ alice: { mechanism: 'SCRAM-SHA-512', iterations: 8192 }, billing: { mechanism: 'SCRAM-SHA-256' } });
    expect(doc.quotas).toEqual([
      { clientId: '<default>', consumerByteRate: '2MiB' },
      { user: '<default>', producerByteRate: '1KiB' },
      { user: 'alice', producerByteRate: '10MiB', consumerByteRate: 1000 },
      { user: 'billing', requestPercentage: 25 },
    ]);
    expect(r.counts).toMatchObject({ users: 2, quotas: 4 });
    expect(r.text).toContain('# note: user alice also has a SCRAM-SHA-256 credential');
  });

  it('skips, with the reason, a user + client-id quota and a quota of an unknown user', () => {
    const { r } = importAndValidate(withAccess());
    expect(r.skipped.filter((x) => x.startsWith('quota'))).toEqual([
      'quota user=alice,client-id=app (a user + client-id quota has no form in topics.yaml: the Terraform provider has no combined entity)',
      'quota user=ghost (user ghost is neither a SCRAM user nor a service principal on this cluster)',
    ]);
  });

  it('writes a valid file whose users and quotas drift reports in sync, apart from what it skipped', () => {
    const state = withAccess();
    const { v } = importAndValidate(state);
    expect(v.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const report = computeDrift(v.specs.get('default')!, state);
    expect(report.drift.map((d) => [d.resource, d.name, d.kind])).toEqual([
      ['quota', 'user=alice,client-id=app', 'unmanaged'],
      ['quota', 'user=ghost', 'unmanaged'],
    ]);
  });

  it('names what the read left out, and writes a topic whose configs were refused without them', () => {
    const state = cluster();
    state.topics[0] = { ...state.topics[0]!, config: {}, configNotRead: 'unauthorized' };
    state.notChecked = [{ resource: 'user', code: 'unauthorized', reason: 'SCRAM users could not be read: the broker refused' }];
    const { r, v } = importAndValidate(state);
    expect(v.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(r.notRead).toEqual(['user: SCRAM users could not be read: the broker refused']);
    expect(r.text).toContain('# not read: user: SCRAM users could not be read: the broker refused');
    expect(r.skipped).toContain('topic orders.placed: its configs (DescribeConfigs was refused; written without configs)');
  });
});

describe('computeImport', () => {
  it('writes a valid file that drift reports in sync with the cluster it came from', () => {
    const state = cluster();
    const { v } = importAndValidate(state);
    expect(v.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const spec = v.specs.get('default')!;
    const report = computeDrift(spec, state);
    expect(report.drift).toEqual([]);
    expect(report.inSync).toBe(true);
  });

  it('also round-trips when the servers go under an environment', () => {
    const state = cluster();
    const { v, doc } = importAndValidate(state, 'prod');
    expect(doc.environments.prod.cluster).toEqual({ bootstrapServers: ['127.0.0.1:9092'], brokers: 1 });
    expect(computeDrift(v.specs.get('prod')!, state).inSync).toBe(true);
  });

  it('uses the sugar fields and units, and skips internal topics', () => {
    const { doc } = importAndValidate(cluster());
    expect(Object.keys(doc.topics)).toEqual(['audit', 'orders.placed', 'orders.shipped']);
    expect(doc.defaults).toEqual({ partitions: 6, replicationFactor: 1 });
    expect(doc.topics['orders.placed']).toEqual({ retention: '1w', cleanupPolicy: ['compact', 'delete'], config: { 'max.message.bytes': '1MiB', 'min.insync.replicas': 1 } });
    expect(doc.topics['orders.shipped']).toEqual({ retention: 'forever', config: { 'segment.ms': '1h' } });
    expect(doc.topics.audit).toEqual({ partitions: 1, cleanupPolicy: 'compact', config: { 'min.cleanable.dirty.ratio': 0.1, 'unclean.leader.election.enable': false } });
  });

  it('folds exact role ACL sets into services and keeps the rest raw', () => {
    const { doc, r } = importAndValidate(cluster());
    expect(doc.services).toEqual({
      billing: { principal: 'User:billing', consumes: ['orders.placed', 'orders.shipped'], group: 'billing-group' },
      'orders-writer': { principal: 'User:orders-writer', produces: ['orders.placed'], transactionalId: 'orders-writer-' },
    });
    expect(doc.acls).toEqual([
      { principal: 'User:billing', resource: { type: 'topic', name: 'orders.placed' }, operations: ['DescribeConfigs'], permission: 'allow' },
      { principal: 'User:half', resource: { type: 'topic', name: 'orders.placed' }, operations: ['Read', 'Describe'], permission: 'allow' },
      { principal: 'User:ops', resource: { type: 'cluster' }, operations: ['Describe'], permission: 'deny' },
      { principal: 'User:ops', resource: { type: 'topic', name: 'orders.', pattern: 'prefixed' }, operations: ['Describe', 'DescribeConfigs'], permission: 'allow', host: '10.0.0.1' },
    ]);
    expect(r.counts).toMatchObject({ topics: 3, services: 2, rawAcls: 4 });
  });

  it('an empty cluster gives a valid, empty file', () => {
    const { v, doc } = importAndValidate({ info: { clusterId: 'c', controller: 1, brokers: [] }, topics: [], acls: [], notChecked: [] });
    expect(v.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(doc.topics).toEqual({});
  });

  it('config values only when they round-trip exactly', () => {
    expect(importConfigValue('retention.ms', '86400000', 4)).toBe('1d');
    expect(importConfigValue('retention.bytes', '1073741824', 4)).toBe('1GiB');
    expect(importConfigValue('retention.bytes', '-1', 4)).toBe(-1);
    expect(importConfigValue('local.retention.ms', '-2', 4)).toBeUndefined();
    expect(importConfigValue('message.format.version', '3.0', 4)).toBeUndefined();
    expect(importConfigValue('not.a.config', 'x', 4)).toBeUndefined();
  });
});

describe('computeImport of vendor config keys', () => {
  /** A vendor's broker (the twin with extra keys) whose topics carry its keys, a plugin's key and a throttle. */
  async function vendorState(): Promise<ClusterState> {
    const port = new InMemoryClusterPort({
      vendorConfigKeys: ['confluent.placement.constraints', 'confluent.tier.enable', 'acme.tier.mode'],
      topics: [
        { name: 'orders', partitions: 3, replicationFactor: 1, config: { 'confluent.tier.enable': 'true', 'acme.tier.mode': 'hot', 'retention.ms': '86400000' } },
        { name: 'payments', partitions: 3, replicationFactor: 1, config: { 'confluent.placement.constraints': '{"version":1}', 'leader.replication.throttled.replicas': '*' } },
      ],
    });
    return collectClusterState(port);
  }

  it('keeps the keys the broker reports set on a topic, accepted through the flavor that documents them and policy.extraConfigKeys', async () => {
    const state = await vendorState();
    const { r, v, doc } = importAndValidate(state);
    expect(v.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(doc.cluster.flavor).toBe('confluent');
    expect(doc.policy.extraConfigKeys).toEqual(['acme.tier.mode']);
    expect(doc.topics.orders.config).toEqual({ 'acme.tier.mode': 'hot', 'confluent.tier.enable': 'true' });
    expect(doc.topics.payments.config).toEqual({ 'confluent.placement.constraints': '{"version":1}' });
    expect(r.kept).toMatchObject({ keys: ['acme.tier.mode', 'confluent.placement.constraints', 'confluent.tier.enable'], flavor: 'confluent', extraConfigKeys: ['acme.tier.mode'] });
    expect(r.text).toContain("# kept: topic orders: config acme.tier.mode=hot (not in kafkaform's catalogue, but the broker reports it set on the topic)");
    // The file drift reads back is in sync with the broker it came from, vendor keys included.
    expect(computeDrift(v.specs.get('default')!, state).drift).toEqual([]);
  });

  it('drops a replication throttle (other tools own it) and a Kafka config that cannot be written back, saying why', async () => {
    const state = await vendorState();
    state.topics[0]!.config['local.retention.ms'] = '-2';
    const { r } = importAndValidate(state);
    expect(r.skipped).toEqual([
      'topic orders: config local.retention.ms=-2 (a Kafka config that does not exist in Kafka 4, or whose value cannot be written back exactly)',
      'topic payments: config leader.replication.throttled.replicas=* (a replication throttle: other tools own it, so kafkaform neither declares nor removes it)',
    ]);
  });

  it('keys of no single flavor all go to policy.extraConfigKeys', () => {
    expect(computeVendorKeyAcceptance(['redpanda.remote.read', 'confluent.tier.enable', 'x.y'])).toEqual({ extraConfigKeys: ['confluent.tier.enable', 'redpanda.remote.read', 'x.y'] });
    expect(computeVendorKeyAcceptance(['redpanda.remote.read', 'x.y'])).toEqual({ flavor: 'redpanda', extraConfigKeys: ['x.y'] });
    expect(computeVendorKeyAcceptance([])).toEqual({ extraConfigKeys: [] });
  });
});
