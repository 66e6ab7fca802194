import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { synthFromFile } from '../../src/synth/synth-file.js';
import { aclAddress, topicAddress } from '../../src/synth/constructs.js';

const fixture = join(import.meta.dirname, '..', 'fixtures', 'synth', 'small.yaml');
const dirs: string[] = [];
function synth(opts: { writeOnly?: boolean } = {}) {
  const outdir = mkdtempSync(join(tmpdir(), 'kf-synth-'));
  dirs.push(outdir);
  const r = synthFromFile({ file: fixture, outdir, stateDir: '/state', writeOnlySecrets: opts.writeOnly ?? true });
  const text = readFileSync(join(r.stackDirs.get('default')!, 'cdk.tf.json'), 'utf8');
  return { json: JSON.parse(text) as Record<string, any>, text };
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('synth', () => {
  it('produces the expected Terraform JSON (snapshot)', () => {
    const { json } = synth();
    // The backend path depends on the temp dir; everything else is stable.
    delete json.terraform.backend;
    expect(json).toMatchSnapshot();
  });

  it('names resources after what they are, so adding one never replaces another', () => {
    const { json } = synth();
    expect(Object.keys(json.resource.kafka_topic).sort()).toEqual([topicAddress('customers.profile'), topicAddress('orders.placed'), topicAddress('orders.placed.dlq')].sort());
    const acl = { principal: 'User:ops', host: '*', operation: 'Describe', permission: 'allow', resourceType: 'topic', resourceName: 'orders.', patternType: 'prefixed' } as const;
    expect(json.resource.kafka_acl[aclAddress(acl)]).toMatchObject({ acl_principal: 'User:ops', resource_name: 'orders.', resource_pattern_type_filter: 'Prefixed', acl_operation: 'Describe' });
  });

  it('protects topics with prevent_destroy unless the policy allows deletion', () => {
    const { json } = synth();
    for (const t of Object.values<any>(json.resource.kafka_topic)) expect(t.lifecycle.prevent_destroy).toBe(true);
  });

  it('leaves the replication throttles (and policy.ignoreConfigKeys) to other tools: ignore_changes on those config keys', () => {
    const { json } = synth();
    for (const t of Object.values<any>(json.resource.kafka_topic)) {
      expect(t.lifecycle.ignore_changes).toEqual(['config["leader.replication.throttled.replicas"]', 'config["follower.replication.throttled.replicas"]']);
    }
  });

  it('never writes a secret: passwords are sensitive, ephemeral variables', () => {
    process.env.BILLING_PASSWORD = 'S3cr3t-never-in-synth';
    const { json, text } = synth();
    expect(text).not.toContain('S3cr3t-never-in-synth');
    expect(json.variable.sasl_password).toMatchObject({ sensitive: true, ephemeral: true });
    expect(json.variable.user_password_billing).toMatchObject({ sensitive: true, ephemeral: true });
    expect(json.resource.kafka_user_scram_credential.user_billing.password_wo).toBe('${var.user_password_billing}');
  });

  it('falls back to the state-stored password attribute on Terraform without write-only support', () => {
    const { json } = synth({ writeOnly: false });
    expect(json.resource.kafka_user_scram_credential.user_billing.password).toBe('${var.user_password_billing}');
    expect(json.variable.user_password_billing.ephemeral).toBeUndefined();
  });

  it('takes connection settings from variables with the spec as default', () => {
    const { json } = synth();
    expect(json.variable.bootstrap_servers.default).toEqual(['127.0.0.1:9092']);
    expect(json.provider.kafka[0].bootstrap_servers).toBe('${var.bootstrap_servers}');
    expect(json.variable.tls_enabled.default).toBe(false);
  });
});

describe('schema subjects as Terraform resources (schemaRegistry.manageWith: terraform)', () => {
  it('adds schemaregistry_schema resources with a sensitive registry password variable', async () => {
    const { writeFileSync, cpSync } = await import('node:fs');
    const dir = mkdtempSync(join(tmpdir(), 'kf-synth-sr-'));
    dirs.push(dir);
    const root = join(import.meta.dirname, '..', '..');
    cpSync(join(root, 'schemas'), join(dir, 'schemas'), { recursive: true });
    const text = readFileSync(join(root, 'topics.yaml'), 'utf8') + '\nschemaRegistry:\n  url: http://127.0.0.1:8081\n  username: kafkaform\n  passwordFrom: env:SR_PASSWORD\n  manageWith: terraform\n';
    writeFileSync(join(dir, 'topics.yaml'), text);
    const r = synthFromFile({ file: join(dir, 'topics.yaml'), outdir: join(dir, 'out'), environments: ['dev'] });
    const json = JSON.parse(readFileSync(join(r.stackDirs.get('dev')!, 'cdk.tf.json'), 'utf8'));
    expect(json.terraform.required_providers.schemaregistry.source).toBe('cultureamp/schemaregistry');
    const subjects = Object.values<any>(json.resource.schemaregistry_schema).map((x) => x.subject).sort();
    expect(subjects).toEqual(['orders.placed-key', 'orders.placed-value', 'payments.completed-value', 'shipping.dispatched-value']);
    expect(json.variable.schema_registry_password).toMatchObject({ sensitive: true });
    expect(json.variable.schema_registry_url.default).toBe('http://127.0.0.1:8081');
  });

  it('adds nothing with the default manageWith: api', () => {
    const { json } = synth();
    expect(json.resource.schemaregistry_schema).toBeUndefined();
  });
});

describe('where deploy keeps local Terraform state', () => {
  it('with the embedded cluster (keyed by cluster name), else next to topics.yaml', async () => {
    const { computeStateDir } = await import('../../src/deploy/deploy-stack.js');
    const spec = { file: '/repo/topics.yaml', cluster: { name: 'shop' } } as never;
    const embedded = { source: 'embedded', embedded: { dataDir: '/cache/clusters/default' } } as never;
    expect(computeStateDir(spec, embedded, undefined)).toBe('/cache/clusters/default/terraform-state/shop');
    expect(computeStateDir(spec, { source: 'flag' } as never, undefined)).toBe('/repo');
    expect(computeStateDir(spec, embedded, { type: 's3', config: { bucket: 'b' } })).toBe('/repo');
  });
});
