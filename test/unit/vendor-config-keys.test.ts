import { describe, expect, it } from 'vitest';
import { extraConfigKeyMatcher } from '../../src/manifest/topic-configs.js';
import { specFromYaml } from '../helpers/spec-builder.js';

const yaml = (cluster: string, policy = '') => `
version: 1
cluster: { name: shop, bootstrapServers: ['127.0.0.1:9092']${cluster} }
${policy}
topics:
  orders:
    partitions: 1
    config: { confluent.value.schema.validation: true, x.plugin.mode: fast }
`;
const errors = (text: string) => specFromYaml(text).validate().diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.path}`);

describe('vendor topic configs', () => {
  it('are unknown configs on Apache Kafka (the default flavor)', () => {
    expect(errors(yaml(''))).toEqual(['unknown-config topics.orders.config.confluent.value.schema.validation', 'unknown-config topics.orders.config.x.plugin.mode']);
  });

  it('are accepted for their flavor, and policy.extraConfigKeys globs accept more', () => {
    expect(errors(yaml(', flavor: confluent'))).toEqual(['unknown-config topics.orders.config.x.plugin.mode']);
    const text = yaml(', flavor: confluent', "policy: { extraConfigKeys: ['x.plugin.*'] }");
    expect(errors(text)).toEqual([]);
    expect(specFromYaml(text).resolve().topics[0]!.config).toEqual({ 'confluent.value.schema.validation': 'true', 'x.plugin.mode': 'fast' });
  });

  it('an unknown flavor is an error naming the allowed ones', () => {
    const d = specFromYaml(yaml(', flavor: kafkaesque')).validate().diagnostics.find((x) => x.path === 'cluster.flavor');
    expect(d?.severity).toBe('error');
    expect(d?.allowed).toMatch(/confluent/);
  });

  it('globs match whole keys, with * for any run of characters', () => {
    const m = extraConfigKeyMatcher('redpanda', ['acme.*', 'exact.key']);
    expect(['redpanda.remote.read', 'acme.a.b', 'exact.key'].map(m)).toEqual([true, true, true]);
    expect(['acme', 'exact.keys', 'xacme.a', 'confluent.tier.enable'].map(m)).toEqual([false, false, false, false]);
  });
});
