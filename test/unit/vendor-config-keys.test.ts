import { describe, expect, it } from 'vitest';
import { collectClusterState } from '../../src/cluster/collect.js';
import { InMemoryClusterPort } from '../../src/cluster/in-memory-cluster.js';
import { ClusterError } from '../../src/errors.js';
import { computeLiveConfigKeyDiagnostics } from '../../src/manifest/compare.js';
import { extraConfigKeyMatcher, TOPIC_CONFIG_BY_NAME } from '../../src/manifest/topic-configs.js';
import { requireEnvironment } from '../../src/manifest/validate.js';
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

describe('validate --live: the broker is the catalogue of config keys', () => {
  const text = `
version: 1
cluster: { name: shop, bootstrapServers: ['127.0.0.1:9092'] }
defaults:
  config: { retention.bytez: 1048576 }
topics:
  orders:
    partitions: 1
    config: { acme.tier.mode: hot, min.insync.replicas: 1 }
`;
  const cluster = '127.0.0.1:9092';

  it('reads the keys of one existing topic (DescribeConfigs), vendor keys included; with no topic it says why not', async () => {
    const port = new InMemoryClusterPort({ topics: [{ name: 'payments', partitions: 1, replicationFactor: 1 }], vendorConfigKeys: ['acme.tier.mode'] });
    const s = await collectClusterState(port, { topicConfigKeys: true });
    expect(s.topicConfigKeys?.topic).toBe('payments');
    expect(s.topicConfigKeys?.keys).toContain('acme.tier.mode');
    expect(s.topicConfigKeys?.keys).toContain('retention.ms');
    // Only asked for when wanted: drift and import do not pay for it.
    expect((await collectClusterState(port)).topicConfigKeys).toBeUndefined();
    const empty = await collectClusterState(new InMemoryClusterPort(), { topicConfigKeys: true });
    expect(empty.topicConfigKeys).toBeUndefined();
    expect(empty.topicConfigKeysNotRead).toBe('the cluster has no topic to describe');
  });

  it('a refused DescribeConfigs is a reason, not a failed read', async () => {
    const port = new InMemoryClusterPort({ topics: [{ name: 'payments', partitions: 1, replicationFactor: 1 }] });
    port.failNext('describeTopicConfigKeys', new ClusterError('unauthorized', 'Topic authorization failed'));
    const s = await collectClusterState(port, { topicConfigKeys: true });
    expect(s.topicConfigKeysNotRead).toMatch(/^DescribeConfigs of topic payments was refused: Topic authorization failed/);
  });

  it('a key the broker does not know is a positioned error with its closest key; one only the broker knows is a warning', () => {
    const fake = specFromYaml(text);
    // Statically, the vendor key and the typo are both unknown.
    expect(errors(text)).toEqual(['unknown-config defaults.config.retention.bytez', 'unknown-config topics.orders.config.acme.tier.mode']);
    const lenient = fake.validate({ acceptConfigKey: () => true });
    expect(lenient.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const spec = requireEnvironment(lenient);
    expect(spec.topics[0]!.config).toMatchObject({ 'acme.tier.mode': 'hot' });
    const keys = [...TOPIC_CONFIG_BY_NAME.keys(), 'acme.tier.mode'];
    const d = computeLiveConfigKeyDiagnostics(lenient.document.value, spec, { topic: 'payments', keys, cluster }, { positionOf: lenient.document.positionOf });
    expect(d.map((x) => [x.severity, x.code, x.path, x.line, x.column])).toEqual([
      ['error', 'unknown-live-config', 'defaults.config.retention.bytez', 5, 13],
      ['warning', 'live-config-key', 'topics.orders.config.acme.tier.mode', 9, 15],
    ]);
    expect(d[0]!.hint).toBe('did you mean "retention.bytes"?');
    expect(d[0]!.message).toContain('127.0.0.1:9092');
    expect(d[1]!.hint).toMatch(/policy\.extraConfigKeys/);
  });

  it('a catalogue key an older or other broker lacks is an error too; keys both know are silent', () => {
    const lenient = specFromYaml(text).validate({ acceptConfigKey: () => true });
    const spec = requireEnvironment(lenient);
    const keys = [...TOPIC_CONFIG_BY_NAME.keys()].filter((k) => k !== 'min.insync.replicas');
    const d = computeLiveConfigKeyDiagnostics(lenient.document.value, spec, { topic: 'payments', keys: [...keys, 'acme.tier.mode', 'retention.bytez'], cluster });
    expect(d.map((x) => `${x.code} ${x.path}`)).toEqual([
      'live-config-key defaults.config.retention.bytez',
      'live-config-key topics.orders.config.acme.tier.mode',
      'unknown-live-config topics.orders.config.min.insync.replicas',
    ]);
  });

  it('a key accepted by cluster.flavor or policy.extraConfigKeys and reported by the broker is silent', () => {
    const withPolicy = text.replace('topics:', "policy: { extraConfigKeys: ['acme.*', 'retention.bytez'] }\ntopics:");
    const result = specFromYaml(withPolicy).validate();
    expect(result.diagnostics.filter((x) => x.severity === 'error')).toEqual([]);
    const spec = requireEnvironment(result);
    const keys = [...TOPIC_CONFIG_BY_NAME.keys(), 'acme.tier.mode', 'retention.bytez'];
    expect(computeLiveConfigKeyDiagnostics(result.document.value, spec, { topic: 'payments', keys, cluster })).toEqual([]);
  });
});
