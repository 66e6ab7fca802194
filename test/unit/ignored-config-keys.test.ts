import { describe, expect, it } from 'vitest';
import type { ClusterState } from '../../src/cluster/port.js';
import { computeDrift } from '../../src/drift/compute-drift.js';
import { DEFAULT_IGNORED_CONFIG_KEYS, ignoredConfigKeys } from '../../src/manifest/topic-configs.js';
import { specFromYaml } from '../helpers/spec-builder.js';

const yaml = (policy: string) => `
version: 1
cluster: { name: shop, bootstrapServers: ['127.0.0.1:9092'] }
${policy}
topics:
  orders: { partitions: 1, replicationFactor: 1, retention: 1d }
`;

const liveWith = (config: Record<string, string>): ClusterState => ({
  info: { clusterId: 't', controller: 1, brokers: [] },
  topics: [{ name: 'orders', partitions: 1, replicationFactor: 1, config: { 'retention.ms': '86400000', ...config }, internal: false }],
  acls: [],
  notChecked: [],
});

describe('config keys other tools own', () => {
  it('are the replication throttles by default, plus policy.ignoreConfigKeys', () => {
    expect(ignoredConfigKeys(specFromYaml(yaml('')).resolve().policy)).toEqual([...DEFAULT_IGNORED_CONFIG_KEYS]);
    const spec = specFromYaml(yaml('policy: { ignoreConfigKeys: [confluent.placement.constraints] }')).resolve();
    expect(ignoredConfigKeys(spec.policy)).toEqual([...DEFAULT_IGNORED_CONFIG_KEYS, 'confluent.placement.constraints']);
  });

  it('are never drift; any other undeclared key still is', () => {
    const spec = specFromYaml(yaml('policy: { ignoreConfigKeys: [vendor.owned] }')).resolve();
    const throttled = computeDrift(spec, liveWith({ 'follower.replication.throttled.replicas': '0:1', 'leader.replication.throttled.replicas': '*', 'vendor.owned': 'x' }));
    expect(throttled.drift).toEqual([]);
    const other = computeDrift(spec, liveWith({ 'segment.ms': '1000' }));
    expect(other.drift.map((d) => d.field)).toEqual(['config.segment.ms']);
  });

  it('must look like config keys', () => {
    const r = specFromYaml(yaml('policy: { ignoreConfigKeys: ["not a key"] }')).validate();
    expect(r.diagnostics.some((d) => d.severity === 'error' && d.path.startsWith('policy.ignoreConfigKeys'))).toBe(true);
  });
});
