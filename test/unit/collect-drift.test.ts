import { describe, expect, it } from 'vitest';
import { InMemoryClusterPort } from '../../src/cluster/in-memory-cluster.js';
import { collectDrift } from '../../src/drift/collect-drift.js';
import { ClusterError } from '../../src/errors.js';
import type { ResolvedSpec } from '../../src/manifest/types.js';
import { specFromYaml } from '../helpers/spec-builder.js';

const SPEC = `
version: 1
cluster: { name: shop, bootstrapServers: ['127.0.0.1:9092'], brokers: 1 }
defaults: { partitions: 3, replicationFactor: 1 }
policy: { managedPrefixes: ['orders.'] }
topics:
  orders.placed:
    retention: 7d
    config: { max.message.bytes: 1MiB }
  orders.shipped: { partitions: 6 }
services:
  order-service:
    principal: User:order-service
    produces: [orders.placed]
`;

const spec = (): ResolvedSpec => specFromYaml(SPEC).resolve();
const connection = { bootstrapServers: ['127.0.0.1:9092'] };

/** An in-memory cluster holding exactly what the spec declares (as a fresh deploy leaves it). */
function deployed(s: ResolvedSpec): InMemoryClusterPort {
  return new InMemoryClusterPort({
    topics: s.topics.map((t) => ({ name: t.name, partitions: t.partitions, replicationFactor: t.replicationFactor, config: { ...t.config } })),
    acls: s.acls.map(({ origin: _o, ...a }) => a),
  });
}

describe('collectDrift through the ClusterPort', () => {
  it('is in sync with a cluster that holds exactly the spec, read in one describe per kind', async () => {
    const s = spec();
    const port = deployed(s);
    const r = await collectDrift(s, connection, { ports: () => port });
    expect(r.inSync).toBe(true);
    expect(r.drift).toEqual([]);
    expect(r.checked).toMatchObject({ topics: 2, liveTopics: 2, acls: s.acls.length, liveAcls: s.acls.length });
    expect(port.calls.describeTopics).toBe(1);
    expect(port.calls.listAcls).toBe(1);
  });

  it('reports a topic created outside kafkaform in the managed scope once, as unmanaged', async () => {
    const s = spec();
    const port = deployed(s);
    await port.createTopic({ name: 'orders.legacy', partitions: 1, replicationFactor: 1 });
    await port.createTopic({ name: 'payments.other', partitions: 1, replicationFactor: 1 }); // outside managedPrefixes
    const r = await collectDrift(s, connection, { ports: () => port });
    expect(r.drift).toEqual([{ resource: 'topic', name: 'orders.legacy', kind: 'unmanaged', actual: { partitions: 1, replicationFactor: 1, config: {} } }]);
  });

  it('reports a deleted ACL once, as missing', async () => {
    const s = spec();
    const port = deployed(s);
    const gone = (await port.listAcls())[0]!;
    await port.deleteAcls([gone]);
    const r = await collectDrift(s, connection, { ports: () => port });
    expect(r.drift).toHaveLength(1);
    expect(r.drift[0]).toMatchObject({ resource: 'acl', kind: 'missing' });
    expect(r.drift[0]!.name).toContain(gone.principal);
  });

  it('reports a config changed on the cluster once, with both values', async () => {
    const s = spec();
    const port = deployed(s);
    const placed = s.topics.find((t) => t.name === 'orders.placed')!;
    await port.alterTopicConfig('orders.placed', { ...placed.config, 'retention.ms': '3600000' });
    const r = await collectDrift(s, connection, { ports: () => port });
    expect(r.drift).toEqual([{ resource: 'topic', name: 'orders.placed', kind: 'changed', field: 'config.retention.ms', expected: '604800000', actual: '3600000' }]);
  });

  it('reports a missing topic and a partition change', async () => {
    const s = spec();
    const port = deployed(s);
    await port.deleteTopic('orders.shipped');
    await port.createPartitions('orders.placed', 4);
    const r = await collectDrift(s, connection, { ports: () => port });
    expect(r.drift).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ resource: 'topic', name: 'orders.shipped', kind: 'missing' }),
        expect.objectContaining({ resource: 'topic', name: 'orders.placed', kind: 'changed', field: 'partitions', expected: 3, actual: 4 }),
      ]),
    );
    expect(r.drift).toHaveLength(2);
  });

  it('fails with the cluster’s error when it cannot be read', async () => {
    const down = new ClusterError('unreachable', 'cannot reach Kafka at 127.0.0.1:9092: connect ECONNREFUSED');
    const port = deployed(spec()).failNext('describeCluster', down);
    await expect(collectDrift(spec(), connection, { ports: () => port })).rejects.toBe(down);
  });
});
