/** Subjects of the example topics.yaml: synthesized Terraform, drift and the apply plan (pure parts). */
import { join } from 'node:path';
import { type App, TerraformStack, Testing } from '../../src/synth/cdk.js';
import { describe, expect, it } from 'vitest';
import { readManifest, requireEnvironment } from '../../src/manifest/validate.js';
import { addSchemaSubjects } from '../../src/synth/schema-subjects.js';
import { computeDeclaredSubjects, readSpecSchemas } from '../../src/registry/subjects.js';
import { computeSchemaDrift } from '../../src/registry/schema-drift.js';
import { computeSchemaPlan, hasSchemaChanges } from '../../src/registry/apply-subjects.js';
import { validateSchemasAgainstRegistry } from '../../src/registry/schema-change-checks.js';
import type { RegistryState } from '../../src/registry/registry-state.js';

const spec = requireEnvironment(readManifest(join(import.meta.dirname, '..', '..', 'topics.yaml')), 'dev');
const schemas = readSpecSchemas(spec);

/** A registry that holds exactly what the spec declares. */
function inSyncState(): RegistryState {
  const state: RegistryState = { url: 'http://127.0.0.1:1', globalCompatibility: 'BACKWARD', subjects: {} };
  computeDeclaredSubjects(spec).forEach((d, i) => {
    state.subjects[d.subject] = { versions: [{ subject: d.subject, version: 1, id: i + 1, schema: JSON.stringify(JSON.parse(schemas.get(d.file)!)), schemaType: d.schemaType }], compatibility: d.compatibility };
  });
  return state;
}

describe('declared subjects', () => {
  it('uses TopicNameStrategy names, one per key/value schema', () => {
    expect(computeDeclaredSubjects(spec).map((s) => `${s.subject}:${s.schemaType}:${s.compatibility}`)).toEqual([
      'orders.placed-key:AVRO:BACKWARD',
      'orders.placed-value:AVRO:BACKWARD',
      'payments.completed-value:AVRO:BACKWARD',
      'shipping.dispatched-value:JSON:BACKWARD',
    ]);
  });
});

describe('addSchemaSubjects', () => {
  it('synthesizes the provider, one schemaregistry_schema per subject, and no secret', () => {
    process.env.KAFKAFORM_TEST_SR_PASSWORD = 'sup3r-secret-value';
    const app = Testing.app();
    const stack = new TerraformStack(app as App, 'dev');
    addSchemaSubjects(stack, spec, { registryUrl: 'http://127.0.0.1:8081', username: 'kafkaform', writeOnlySecrets: true });
    const json = Testing.synth(stack);
    expect(json).not.toContain('sup3r-secret-value');
    const doc = JSON.parse(json) as Record<string, any>;
    expect(doc.terraform.required_providers.schemaregistry).toEqual({ source: 'cultureamp/schemaregistry', version: '1.3.1' });
    expect(Object.keys(doc.provider)).toEqual(['schemaregistry']);
    expect(doc.variable.schema_registry_password).toMatchObject({ sensitive: true, ephemeral: true });
    expect(doc.variable.schema_registry_url.default).toBe('http://127.0.0.1:8081');
    const resources = Object.values(doc.resource.schemaregistry_schema) as Record<string, string>[];
    expect(resources.map((r) => r.subject).sort()).toEqual(computeDeclaredSubjects(spec).map((s) => s.subject).sort());
    const shipping = resources.find((r) => r.subject === 'shipping.dispatched-value')!;
    expect(shipping.schema_type).toBe('JSON');
    expect(shipping.compatibility_level).toBe('BACKWARD');
    expect(JSON.parse(shipping.schema ?? '')).toEqual(JSON.parse(schemas.get('schemas/shipping.dispatched.json')!));
  });
});

describe('computeSchemaDrift', () => {
  it('is empty when the registry holds the files (whitespace and key order ignored)', () => {
    expect(computeSchemaDrift(spec, inSyncState(), schemas)).toEqual([]);
  });

  it('reports a missing subject, a changed latest version and a changed level', () => {
    const state = inSyncState();
    delete state.subjects['orders.placed-key'];
    const pay = state.subjects['payments.completed-value']!;
    pay.versions.push({ ...pay.versions[0]!, version: 2, id: 99, schema: '{"type":"record","name":"Other","fields":[]}' });
    state.subjects['shipping.dispatched-value']!.compatibility = 'NONE';
    const drift = computeSchemaDrift(spec, state, schemas);
    expect(drift.map(({ name, kind, field, expected, actual }) => ({ name, kind, field, expected, actual }))).toEqual([
      { name: 'orders.placed-key', kind: 'missing', field: undefined, expected: 'schemas/order-key.avsc', actual: undefined },
      { name: 'payments.completed-value', kind: 'changed', field: 'version', expected: 'schemas/payments.completed.avsc', actual: 'version 2 (id 99)' },
      { name: 'shipping.dispatched-value', kind: 'changed', field: 'compatibility', expected: 'BACKWARD', actual: 'NONE' },
    ]);
  });

  it('compares against the registry default when the subject has no level of its own', () => {
    const state = inSyncState();
    for (const s of Object.values(state.subjects)) delete s.compatibility;
    expect(computeSchemaDrift(spec, state, schemas)).toEqual([]);
    state.globalCompatibility = 'FULL';
    expect(computeSchemaDrift(spec, state, schemas).map((d) => d.actual)).toEqual(['FULL', 'FULL', 'FULL', 'FULL']);
  });
});

describe('computeSchemaPlan + validateSchemasAgainstRegistry', () => {
  it('plans nothing when in sync', () => {
    expect(hasSchemaChanges(computeSchemaPlan(spec, inSyncState(), schemas))).toBe(false);
  });

  it('plans a new version for a compatible change and reports an incompatible one with the registered version', () => {
    const changed = new Map(schemas);
    const pay = JSON.parse(schemas.get('schemas/payments.completed.avsc')!) as { fields: object[] };
    pay.fields.push({ name: 'method', type: 'string' });
    changed.set('schemas/payments.completed.avsc', JSON.stringify(pay));
    const plan = computeSchemaPlan(spec, inSyncState(), changed);
    expect(plan.filter((c) => c.action !== 'none').map((c) => c.subject)).toEqual(['payments.completed-value']);
    const diags = validateSchemasAgainstRegistry(spec, inSyncState(), changed);
    expect(diags).toHaveLength(1);
    expect(diags[0]!.message).toContain('field `method` added without a default under BACKWARD: consumers on the new schema cannot read records written with registry version 1 (id 3)');
    expect(diags[0]!.path).toBe('topics.payments.completed.schema.value');
  });
});

describe('schema files', async () => {
  const { normalizeSchemaText, parseSchemaText, readSchemaFile, schemaFormatOf } = await import('../../src/schema/schema-file.js');
  it('reads and parses by extension', () => {
    const f = readSchemaFile(join(import.meta.dirname, '..', '..', 'schemas', 'orders.placed.avsc'));
    expect(f.format).toBe('avro');
    expect((f.parsed as { name: string }).name).toBe('OrderPlaced');
    expect(schemaFormatOf('x.json')).toBe('json');
    expect(schemaFormatOf('x.proto')).toBe('protobuf');
  });
  it('rejects invalid Avro with the file named', () => {
    expect(() => parseSchemaText('{"type":"record","name":"R"}', 'avro', 'bad.avsc')).toThrow(/bad\.avsc is not a valid Avro schema/);
    expect(() => parseSchemaText('{', 'json', 'bad.json')).toThrow(/bad\.json is not valid JSON/);
  });
  it('normalizes whitespace and key order, but not field order or docs', () => {
    expect(normalizeSchemaText('{ "b": 1,\n "a": [2, 1] }', 'json')).toBe(normalizeSchemaText('{"a":[2,1],"b":1}', 'json'));
    expect(normalizeSchemaText('{"a":[1,2]}', 'json')).not.toBe(normalizeSchemaText('{"a":[2,1]}', 'json'));
    expect(normalizeSchemaText('{"doc":"x"}', 'avro')).not.toBe(normalizeSchemaText('{"doc":"y"}', 'avro'));
  });
});
