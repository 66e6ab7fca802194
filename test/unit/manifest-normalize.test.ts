/** Normalisation: overlays and defaults become one ResolvedSpec per environment (specs built in memory). */
import { describe, expect, it } from 'vitest';
import { specBuilder } from '../helpers/spec-builder.js';

describe('normalizeEnvironment (through validateSpec)', () => {
  const layered = () =>
    specBuilder({ cluster: { name: 'shop', brokers: 3 }, defaults: { partitions: 3, retention: '7d', config: { 'min.insync.replicas': 2 } } })
      .environment('dev', { cluster: { brokers: 1 }, defaults: { replicationFactor: 1, config: { 'min.insync.replicas': 1 } } })
      .environment('prod')
      .topic('orders', { partitions: 12 })
      .topic('audit', { cleanupPolicy: ['delete', 'compact'], config: { 'segment.ms': 3_600_000 } });

  it('layers top-level defaults, environment defaults and the topic, later over earlier', () => {
    const dev = layered().resolve('dev');
    expect(dev.topics.map((t) => [t.name, t.partitions, t.replicationFactor])).toEqual([['orders', 12, 1], ['audit', 3, 1]]);
    expect(dev.topics[1]!.config).toEqual({ 'retention.ms': '604800000', 'min.insync.replicas': '1', 'cleanup.policy': 'compact,delete', 'segment.ms': '3600000' });
  });

  it('defaults the replication factor to min(3, brokers) when nothing sets it', () => {
    const prod = layered().resolve('prod');
    expect(prod.cluster.brokers).toBe(3);
    expect(prod.topics[0]!.replicationFactor).toBe(3);
    expect(prod.topics[0]!.config['min.insync.replicas']).toBe('2');
  });

  it('generates a dead-letter topic right after its source, deleting and without compaction settings', () => {
    const spec = specBuilder()
      .topic('orders', { partitions: 6, cleanupPolicy: 'compact', config: { 'min.compaction.lag.ms': 1000, 'max.message.bytes': 2_000_000 }, deadLetter: { partitions: 2 } })
      .topic('payments', { deadLetter: true })
      .resolve();
    expect(spec.topics.map((t) => t.name)).toEqual(['orders', 'orders.dlq', 'payments', 'payments.dlq']);
    expect(spec.topics[1]).toEqual({
      name: 'orders.dlq', partitions: 2, replicationFactor: 1, deadLetterOf: 'orders',
      config: { 'cleanup.policy': 'delete', 'retention.ms': String(14 * 86_400_000), 'max.message.bytes': '2000000' },
    });
    expect(spec.topics[3]!.partitions).toBe(1);
  });

  it('merges connection and registry settings of the environment over the top level', () => {
    const fake = specBuilder({
      cluster: { bootstrapServers: ['k1:9092'], sasl: { mechanism: 'scram-sha256', username: 'admin', passwordFrom: 'env:KAFKA_PW' } },
      schemaRegistry: { url: 'http://registry:8081', username: 'svc', passwordFrom: 'env:SR_PW' },
    })
      .environment('dev')
      .environment('prod', { cluster: { bootstrapServers: ['p1:9093'], sasl: { username: 'prod-admin', passwordFrom: 'env:PROD_PW' }, tls: { caFile: 'ca.pem' } }, schemaRegistry: { manageWith: 'terraform' } });
    expect(fake.resolve('prod').cluster.connection).toEqual({
      bootstrapServers: ['p1:9093'],
      sasl: { mechanism: 'scram-sha256', username: 'prod-admin', passwordFrom: 'env:PROD_PW' },
      tls: { enabled: true, caFile: 'ca.pem', certFile: undefined, keyFile: undefined, insecureSkipVerify: false },
    });
    expect(fake.resolve('prod').schemaRegistry).toEqual({ url: 'http://registry:8081', username: 'svc', passwordFrom: 'env:SR_PW', manageWith: 'terraform' });
    expect(fake.resolve('dev').schemaRegistry?.manageWith).toBe('api');
    expect(fake.resolve('dev').cluster.connection.tls).toBeUndefined();
  });

  it('infers service roles and derives their ACLs next to the raw ones', () => {
    const spec = specBuilder()
      .topic('orders')
      .service('writer', { principal: 'User:writer', produces: ['orders'] })
      .service('app', { principal: 'User:app', applicationId: 'app' })
      .push('acls', { principal: 'User:ops', resource: { type: 'cluster' }, operations: ['Describe'] })
      .resolve();
    expect(spec.services.map((s) => [s.name, s.type])).toEqual([['writer', 'producer'], ['app', 'streams']]);
    expect(spec.acls.filter((a) => a.origin.kind === 'raw')).toEqual([
      { principal: 'User:ops', host: '*', operation: 'Describe', permission: 'allow', resourceType: 'cluster', resourceName: 'kafka-cluster', patternType: 'literal', origin: { kind: 'raw', name: 'acls[0]' } },
    ]);
  });
});
