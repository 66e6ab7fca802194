/** Users without passwordFrom (issue 11 item 3): valid, never a Terraform resource, so their password is never set. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { computeAdoption } from '../../src/plan/compute-adoption.js';
import { synthStacks } from '../../src/synth/stack.js';
import { specFromYaml } from '../helpers/spec-builder.js';

const YAML = `
version: 1
cluster: { name: shop, bootstrapServers: ['127.0.0.1:9092'] }
users:
  legacy: { mechanism: SCRAM-SHA-256 }
  app: { mechanism: SCRAM-SHA-512, passwordFrom: env:APP_PASSWORD }
`;
const out = mkdtempSync(join(tmpdir(), 'kf-users-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('a user without passwordFrom', () => {
  const spec = specFromYaml(YAML).resolve();

  it('is valid and resolved with its mechanism', () => {
    expect(specFromYaml(YAML).validate().diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(spec.users.map((u) => [u.name, u.mechanism, u.passwordFrom])).toEqual([
      ['legacy', 'SCRAM-SHA-256', undefined],
      ['app', 'SCRAM-SHA-512', 'env:APP_PASSWORD'],
    ]);
  });

  it('gets no Terraform resource nor password variable, and is never imported', () => {
    const dir = synthStacks([{ ...spec, file: join(out, 'topics.yaml') }], { outdir: out, stateDir: out }).get('default')!;
    const json = JSON.parse(readFileSync(join(dir, 'cdk.tf.json'), 'utf8')) as { resource: Record<string, Record<string, unknown>>; variable: Record<string, unknown> };
    expect(Object.keys(json.resource.kafka_user_scram_credential!)).toEqual(['user_app']);
    expect(Object.keys(json.variable).filter((v) => v.startsWith('user_password_'))).toEqual(['user_password_app', 'user_password_app_version']);
    const live = { topics: [], acls: [], users: ['legacy', 'app'].map((name) => ({ name, credentials: [{ mechanism: name === 'app' ? 'SCRAM-SHA-512' : 'SCRAM-SHA-256' }] })) };
    expect(computeAdoption(spec, live, new Set()).imports.map((i) => i.id)).toEqual(['app|SCRAM-SHA-512']);
  });
});
