/** users (SCRAM, passwordVersion for rotation) and quotas, from YAML to the synthesized variable. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { requireEnvironment } from '../../src/manifest/validate.js';
import { specFromYaml } from '../helpers/spec-builder.js';
import { synthStacks, userPasswordVariable } from '../../src/synth/stack.js';

const validate = (yaml: string) => specFromYaml(`version: 1\n${yaml}`).validate({ skipFileChecks: true });

describe('users', () => {
  it('passwordVersion defaults to 1 and is kept when given', () => {
    const spec = requireEnvironment(validate('users:\n  a: { passwordFrom: env:A_PW }\n  b: { passwordFrom: env:B_PW, passwordVersion: 4, mechanism: SCRAM-SHA-256 }\n'));
    expect(spec.users).toEqual([
      { name: 'a', mechanism: 'SCRAM-SHA-512', iterations: 4096, passwordFrom: 'env:A_PW', passwordVersion: 1 },
      { name: 'b', mechanism: 'SCRAM-SHA-256', iterations: 4096, passwordFrom: 'env:B_PW', passwordVersion: 4 },
    ]);
  });

  it('passwordVersion is the default of the <user>_version Terraform variable; the password is never synthesized', () => {
    const spec = requireEnvironment(validate('users:\n  billing: { passwordFrom: env:BILLING_PW, passwordVersion: 3 }\n'));
    const outdir = mkdtempSync(join(tmpdir(), 'kafkaform-users-'));
    try {
      const dir = synthStacks([spec], { outdir, stateDir: outdir }).get(spec.environment)!;
      const json = JSON.parse(readFileSync(join(dir, 'cdk.tf.json'), 'utf8')) as { variable: Record<string, { default?: unknown; sensitive?: boolean }> };
      const name = userPasswordVariable('billing');
      expect(json.variable[`${name}_version`]?.default).toBe('3');
      expect(json.variable[name]?.sensitive).toBe(true);
      expect(json.variable[name]?.default).toBeUndefined();
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });
});

describe('quotas', () => {
  it('resolves user and client-id quotas with sizes in bytes', () => {
    const spec = requireEnvironment(
      validate("users:\n  a: { passwordFrom: env:A_PW }\nquotas:\n  - { user: a, producerByteRate: 1MiB }\n  - { clientId: '<default>', consumerByteRate: 2KiB, requestPercentage: 25 }\n"),
    );
    expect(spec.quotas).toEqual([
      { user: 'a', clientId: undefined, producerByteRate: 1048576 },
      { user: undefined, clientId: '<default>', consumerByteRate: 2048, requestPercentage: 25 },
    ]);
  });

  it('a quota with both user and clientId is rejected: the provider has no combined entity', () => {
    const r = validate('users:\n  a: { passwordFrom: env:A_PW }\nquotas:\n  - user: a\n    clientId: app\n    producerByteRate: 1MiB\n');
    expect(r.diagnostics).toMatchObject([{ severity: 'error', code: 'quota-entity', path: 'quotas[0].clientId', line: 6, column: 15 }]);
    expect(r.specs.size).toBe(0);
  });

  it('a service principal counts as a known quota user', () => {
    const r = validate('topics: { t: {} }\nservices:\n  s: { principal: "User:svc-s", produces: [t] }\nquotas:\n  - { user: svc-s, producerByteRate: 1MiB }\n');
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });
});
