/**
 * The construct library as a team composing in code uses it (through src/index.ts, the package's
 * entry point): the same stacks `kafkaform synth` writes, plus grants that derive the ACLs a
 * topics.yaml service would get.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { aclAddress, createKafkaformApp, KafkaformStack, KafkaProvider, KafkaTopic, readManifest, requireEnvironment, synthFromFile, TerraformStack, type AclBinding } from '../../src/index.js';

const fixture = join(import.meta.dirname, '..', 'fixtures', 'synth', 'small.yaml');
const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'kf-lib-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** Synthesizes what `compose` adds to a fresh app; returns the one stack's Terraform JSON. */
function synthComposed(compose: (app: ReturnType<typeof createKafkaformApp>, outdir: string) => void, stack = 'default'): Record<string, any> {
  const outdir = tempDir();
  const app = createKafkaformApp({ outdir });
  compose(app, outdir);
  app.synth();
  return JSON.parse(readFileSync(join(outdir, 'stacks', stack, 'cdk.tf.json'), 'utf8'));
}

const acl = (over: Partial<AclBinding>): AclBinding => ({ principal: 'User:x', host: '*', operation: 'Read', permission: 'allow', resourceType: 'topic', resourceName: 't', patternType: 'literal', ...over });

describe('the library entry point', () => {
  it('KafkaformStack on a createKafkaformApp gives byte for byte what kafkaform synth writes', () => {
    const outdir = tempDir();
    const viaFile = readFileSync(join(synthFromFile({ file: fixture, outdir, stateDir: '/state' }).stackDirs.get('default')!, 'cdk.tf.json'), 'utf8');
    const spec = requireEnvironment(readManifest(fixture));
    const composedDir = tempDir();
    const app = createKafkaformApp({ outdir: composedDir });
    new KafkaformStack(app, 'default', { spec, outdir: composedDir, stateDir: '/state', writeOnlySecrets: true });
    app.synth();
    const viaApi = readFileSync(join(composedDir, 'stacks', 'default', 'cdk.tf.json'), 'utf8');
    // Only the relative path to the state differs (the two outdirs sit in different temp dirs).
    const noBackend = (t: string) => t.replace(/"path": "[^"]*terraform\.default\.tfstate"/, '"path": "STATE"');
    expect(noBackend(viaApi)).toBe(noBackend(viaFile));
  });

  it('grantWrite gives a principal the ACLs of a topics.yaml producer: Write and Describe on the topic, IdempotentWrite on the cluster', () => {
    const json = synthComposed((app) => {
      const stack = new TerraformStack(app, 'default');
      new KafkaProvider(stack, 'kafka', { bootstrapServers: ['127.0.0.1:9092'] });
      new KafkaTopic(stack, 'Orders', { name: 'orders', partitions: 3, replicationFactor: 1 }).grantWrite('User:shop');
    });
    const want = [acl({ principal: 'User:shop', operation: 'Write', resourceName: 'orders' }), acl({ principal: 'User:shop', operation: 'Describe', resourceName: 'orders' }), acl({ principal: 'User:shop', operation: 'IdempotentWrite', resourceType: 'cluster', resourceName: 'kafka-cluster' })];
    expect(Object.keys(json.resource.kafka_acl).sort()).toEqual(want.map(aclAddress).sort());
    expect(json.resource.kafka_topic.topic_orders).toMatchObject({ name: 'orders', partitions: 3, replication_factor: 1, lifecycle: { prevent_destroy: true } });
  });

  it('grantRead on a topic referenced by name adds Read and Describe on it and Read on the group, and no topic resource', () => {
    const json = synthComposed((app) => {
      const stack = new TerraformStack(app, 'default');
      new KafkaProvider(stack, 'kafka', { bootstrapServers: ['127.0.0.1:9092'] });
      KafkaTopic.fromTopicName(stack, 'Audit', 'audit').grantRead('User:auditor', { group: 'auditors-' });
    });
    expect(json.resource.kafka_topic).toBeUndefined();
    const group = acl({ principal: 'User:auditor', resourceType: 'group', resourceName: 'auditors-', patternType: 'prefixed' });
    expect(json.resource.kafka_acl[aclAddress(group)]).toMatchObject({ resource_type: 'Group', resource_name: 'auditors-', resource_pattern_type_filter: 'Prefixed', acl_operation: 'Read' });
    expect(Object.keys(json.resource.kafka_acl)).toHaveLength(3);
  });

  it('a binding granted twice, or also derived from topics.yaml, is one resource', () => {
    const spec = requireEnvironment(readManifest(fixture));
    const json = synthComposed((app, outdir) => {
      const stack = new KafkaformStack(app, 'default', { spec, outdir, stateDir: '/state', writeOnlySecrets: true });
      // order-service already produces orders.placed in the fixture: the same three bindings.
      const orders = KafkaTopic.fromTopicName(stack, 'OrdersPlaced', 'orders.placed');
      orders.grantWrite('User:order-service');
      orders.grantWrite('User:order-service');
    });
    expect(Object.keys(json.resource.kafka_acl)).toHaveLength(spec.acls.length);
  });

  it('a grant outside any stack fails with a clear error', () => {
    const app = createKafkaformApp({ outdir: tempDir() });
    expect(() => KafkaTopic.fromTopicName(app, 'Loose', 'loose').grantRead('User:x')).toThrow(/stack/i);
  });
});
