import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { pgBackendConfig, pgSchemaName, readBackendFromEnv, requireValidBackend, resolveBackend } from '../../src/synth/backend.js';
import { validateBackend } from '../../src/manifest/rules/backend.js';
import { synthStacks } from '../../src/synth/stack.js';
import { requireEnvironment } from '../../src/manifest/validate.js';
import { specFromYaml } from '../helpers/spec-builder.js';
import type { BackendSpec } from '../../src/manifest/types.js';

const dir = mkdtempSync(join(tmpdir(), 'kafkaform-backend-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const loc = { file: '/p/topics.yaml', line: 4, column: 3 };

describe('validateBackend', () => {
  it('accepts local without settings, and complete s3 / gcs / remote', () => {
    expect(validateBackend(undefined, loc)).toEqual([]);
    expect(validateBackend({ type: 'local', config: {} }, loc)).toEqual([]);
    expect(validateBackend({ type: 's3', config: { bucket: 'b', region: 'eu-west-1', dynamodbTable: 'locks' } }, loc)).toEqual([]);
    expect(validateBackend({ type: 'gcs', config: { bucket: 'b' } }, loc)).toEqual([]);
    expect(validateBackend({ type: 'remote', config: { organization: 'acme', workspace: 'kafka' } }, loc)).toEqual([]);
  });

  it('s3 needs bucket and region: one diagnostic each, with file position and path', () => {
    const d = validateBackend({ type: 's3', config: {} }, { ...loc, path: 'environments.prod.backend' });
    expect(d.map((x) => [x.severity, x.code, x.path])).toEqual([
      ['error', 'backend-required', 'environments.prod.backend.config.bucket'],
      ['error', 'backend-required', 'environments.prod.backend.config.region'],
    ]);
    expect(d[0]).toMatchObject({ file: '/p/topics.yaml', line: 4, column: 3, message: 'the s3 backend needs `bucket`' });
    expect(d[0]!.hint).toMatch(/bucket: my-tf-state, region/);
  });

  it('gcs needs bucket; remote needs organization', () => {
    expect(validateBackend({ type: 'gcs', config: { prefix: 'x' } }, loc).map((x) => x.path)).toEqual(['backend.config.bucket']);
    expect(validateBackend({ type: 'remote', config: {} }, loc).map((x) => x.path)).toEqual(['backend.config.organization']);
  });

  it('refuses secrets in the file and never echoes them', () => {
    const d = validateBackend({ type: 's3', config: { bucket: 'b', region: 'r', secretKey: 'hunter2' } }, loc);
    expect(d).toHaveLength(1);
    expect(d[0]).toMatchObject({ severity: 'error', code: 'backend-secret', path: 'backend.config.secretKey' });
    expect(JSON.stringify(d)).not.toContain('hunter2');
  });

  it('warns about unknown settings with a suggestion', () => {
    const d = validateBackend({ type: 's3', config: { bucket: 'b', region: 'r', bucktt: 'x' } }, loc);
    expect(d).toEqual([expect.objectContaining({ severity: 'warning', code: 'backend-unknown-key', hint: 'did you mean `bucket`?' })]);
  });

  it('rejects an unknown type', () => {
    expect(validateBackend({ type: 'azurerm' } as unknown as BackendSpec, loc)[0]).toMatchObject({ code: 'backend-type', found: 'azurerm' });
  });

  it('requireValidBackend throws one UserError listing every error', () => {
    expect(() => requireValidBackend({ type: 's3', config: {} }, loc)).toThrow(/backend.config.bucket: .*; backend.config.region/);
    expect(() => requireValidBackend({ type: 's3', config: { bucket: 'b', region: 'r', extra: 1 } }, loc)).not.toThrow();
  });
});

describe('readBackendFromEnv', () => {
  it('reads KAFKAFORM_BACKEND and KAFKAFORM_BACKEND_CONFIG', () => {
    expect(readBackendFromEnv({})).toBeUndefined();
    expect(readBackendFromEnv({ KAFKAFORM_BACKEND: 'gcs', KAFKAFORM_BACKEND_CONFIG: '{"bucket":"state"}' })).toEqual({ type: 'gcs', config: { bucket: 'state' } });
    expect(readBackendFromEnv({ KAFKAFORM_BACKEND: 'local' })).toEqual({ type: 'local', config: {} });
  });
  it('explains bad values', () => {
    expect(() => readBackendFromEnv({ KAFKAFORM_BACKEND: 'azure' })).toThrow(/not a backend kafkaform supports/);
    expect(() => readBackendFromEnv({ KAFKAFORM_BACKEND: 's3', KAFKAFORM_BACKEND_CONFIG: '{bucket' })).toThrow(/not valid JSON/);
    expect(() => readBackendFromEnv({ KAFKAFORM_BACKEND: 's3', KAFKAFORM_BACKEND_CONFIG: '[1]' })).toThrow(/must be a JSON object/);
    expect(() => readBackendFromEnv({ KAFKAFORM_BACKEND_CONFIG: '{}' })).toThrow(/KAFKAFORM_BACKEND is not/);
  });
  it('the environment wins over topics.yaml', () => {
    const file: BackendSpec = { type: 's3', config: { bucket: 'b', region: 'r' } };
    expect(resolveBackend(file, {})).toBe(file);
    expect(resolveBackend(file, { KAFKAFORM_BACKEND: 'local' })).toEqual({ type: 'local', config: {} });
  });
});

describe('synthesized backend block', () => {
  function synthBackend(backendYaml: string, envBackendYaml = ''): unknown {
    const sub = mkdtempSync(join(dir, 'p-'));
    // Only the synthesized stack goes to disk; topics.yaml stays in memory.
    const r = specFromYaml(
      `version: 1
cluster: { name: shop, bootstrapServers: ['127.0.0.1:9092'], brokers: 1 }
defaults: { partitions: 1, replicationFactor: 1 }
${backendYaml}
environments:
  prod:
${envBackendYaml || '    cluster: { brokers: 1 }'}
topics:
  orders: {}
`,
      join(sub, 'topics.yaml'),
    ).validate();
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const spec = requireEnvironment(r, 'prod');
    const outdir = join(sub, 'cdktf.out');
    const dirs = synthStacks([spec], { outdir, stateDir: sub });
    const json = JSON.parse(readFileSync(join(dirs.get('prod')!, 'cdk.tf.json'), 'utf8')) as { terraform: { backend: unknown } };
    return json.terraform.backend;
  }

  it('local (default): state next to topics.yaml, path relative to the stack', () => {
    expect(synthBackend('')).toMatchSnapshot();
  });
  it('s3', () => {
    expect(synthBackend('backend: { type: s3, config: { bucket: acme-tf-state, region: eu-west-1, dynamodbTable: tf-locks, encrypt: true } }')).toMatchSnapshot();
  });
  it('gcs, set per environment', () => {
    expect(synthBackend('', '    backend: { type: gcs, config: { bucket: acme-tf-state } }')).toMatchSnapshot();
  });
  it('remote (Terraform Cloud) with a flat workspace name', () => {
    expect(synthBackend('backend: { type: remote, config: { organization: acme, workspace: kafka-prod } }')).toMatchSnapshot();
  });
  it('remote with a workspace prefix', () => {
    expect(synthBackend('backend: { type: remote, config: { organization: acme, hostname: tfe.acme.io, workspacePrefix: kafka- } }')).toMatchSnapshot();
  });
  it('pg: a schema per environment and no connection string (Terraform reads PG_CONN_STR)', () => {
    expect(synthBackend('backend: { type: pg }')).toEqual({ pg: { schema_name: 'kafkaform_prod' } });
    expect(synthBackend('backend: { type: pg, config: { schemaName: tf_kafka, skipSchemaCreation: true } }')).toEqual({ pg: { schema_name: 'tf_kafka', skip_schema_creation: true } });
  });
});

describe('pg backend', () => {
  it('validates without settings; a literal connection string is an error that hides its value', () => {
    expect(validateBackend({ type: 'pg', config: {} }, loc)).toEqual([]);
    expect(validateBackend({ type: 'pg', config: { schemaName: 's', skipTableCreation: true } }, loc)).toEqual([]);
    for (const key of ['connStr', 'conn_str']) {
      const d = validateBackend({ type: 'pg', config: { [key]: 'postgres://ci:s3cret@db/state' } }, loc);
      expect(d).toEqual([expect.objectContaining({ severity: 'error', code: 'backend-secret', path: `backend.config.${key}` })]);
      expect(d[0]!.hint).toMatch(/PG_CONN_STR/);
      expect(JSON.stringify(d)).not.toContain('s3cret');
    }
  });
  it('KAFKAFORM_BACKEND=pg selects it from the environment', () => {
    expect(readBackendFromEnv({ KAFKAFORM_BACKEND: 'pg', PG_CONN_STR: 'postgres://x' })).toEqual({ type: 'pg', config: {} });
  });
  it('pgBackendConfig never passes a connection string on; schema names are plain identifiers', () => {
    expect(pgBackendConfig('prod', { type: 'pg', config: { connStr: 'postgres://a:b@c/d', conn_str: 'x' } })).toEqual({ schemaName: 'kafkaform_prod' });
    expect(pgBackendConfig('dev', { type: 'pg', config: { skipIndexCreation: 'true' } })).toEqual({ schemaName: 'kafkaform_dev', skipIndexCreation: true });
    expect(pgSchemaName('EU-West.1')).toBe('kafkaform_eu_west_1');
  });
});
