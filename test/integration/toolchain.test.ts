/**
 * Real toolchain: builds (or reuses) the Mongey/kafka provider in kafkaform's filesystem mirror,
 * then runs the real terraform CLI against it. No broker needed: nothing here connects to Kafka.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  terraformApply,
  terraformInit,
  terraformOutput,
  terraformPlan,
  terraformProvidersSchema,
  terraformShowJson,
} from '../../src/deploy/terraform-runner.js';
import { TerraformError } from '../../src/errors.js';
import { ensureToolchain, KAFKA_PROVIDER, type Toolchain } from '../../src/toolchain/provider.js';

// A cold provider build (empty Go build cache) takes several minutes on a 2-core machine.
const BUILD_TIMEOUT = 20 * 60_000;

/** Any attempt to reach the network through HTTP(S) fails: proves init is offline. */
const OFFLINE_ENV = { HTTPS_PROXY: 'http://127.0.0.1:9', HTTP_PROXY: 'http://127.0.0.1:9', NO_PROXY: '' };

let tc: Toolchain;
const dirs: string[] = [];

async function tempStack(json: unknown): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'kafkaform-tf-'));
  dirs.push(dir);
  await writeFile(join(dir, 'cdk.tf.json'), JSON.stringify(json, null, 2));
  return dir;
}

beforeAll(async () => {
  tc = await ensureToolchain({ onProgress: (m) => console.error(`[toolchain] ${m}`) });
}, BUILD_TIMEOUT);

afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

describe('ensureToolchain', () => {
  it('finds terraform and installs the kafka provider into the mirror', () => {
    expect(tc.terraform.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(tc.providerSource).toBe('mirror');
    const kafka = tc.providers.find((p) => p.type === 'kafka');
    expect(kafka?.binary).toMatch(/registry\.terraform\.io\/mongey\/kafka\/0\.13\.1\/[a-z0-9]+_[a-z0-9]+\/terraform-provider-kafka_v0\.13\.1$/);
    expect(existsSync(kafka!.binary)).toBe(true);
    // terraform's h1: lock hash covers the whole package directory: nothing but the binary there.
    expect(readdirSync(dirname(kafka!.binary))).toEqual([basename(kafka!.binary)]);
    expect(tc.env).toMatchObject({ CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1', TF_INPUT: '0' });
    expect(tc.env.TF_CLI_CONFIG_FILE).toBe(tc.cliConfigFile);
  });

  it('writes a CLI config that takes mongey/kafka only from the mirror', async () => {
    const text = await readFile(tc.cliConfigFile!, 'utf8');
    expect(text).toContain('filesystem_mirror');
    expect(text).toMatch(/include\s*=\s*\["registry\.terraform\.io\/mongey\/kafka"\]/);
    expect(text).toMatch(/exclude\s*=\s*\["registry\.terraform\.io\/mongey\/kafka"\]/);
  });

  it('is idempotent: a second call reuses the same binary', async () => {
    const kafka = tc.providers.find((p) => p.type === 'kafka')!;
    const before = statSync(kafka.binary).mtimeMs;
    const started = Date.now();
    const again = await ensureToolchain();
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(again.providers.find((p) => p.type === 'kafka')?.binary).toBe(kafka.binary);
    expect(statSync(kafka.binary).mtimeMs).toBe(before);
  });

  it('KAFKAFORM_PROVIDER_SOURCE=registry skips the local build and the CLI config', async () => {
    const saved = process.env.KAFKAFORM_PROVIDER_SOURCE;
    process.env.KAFKAFORM_PROVIDER_SOURCE = 'registry';
    try {
      const reg = await ensureToolchain();
      expect(reg.providerSource).toBe('registry');
      expect(reg.cliConfigFile).toBeUndefined();
      expect(reg.providers).toEqual([]);
      expect(reg.env.TF_CLI_CONFIG_FILE).toBeUndefined();
    } finally {
      if (saved === undefined) delete process.env.KAFKAFORM_PROVIDER_SOURCE;
      else process.env.KAFKAFORM_PROVIDER_SOURCE = saved;
    }
  });
});

describe('terraform with the mirrored kafka provider', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await tempStack({
      terraform: {
        required_providers: {
          kafka: { source: `${KAFKA_PROVIDER.namespace}/${KAFKA_PROVIDER.type}`, version: '0.13.1' },
        },
      },
      provider: { kafka: [{ bootstrap_servers: ['127.0.0.1:1'], tls_enabled: false }] },
    });
  });

  it('terraform init succeeds offline and locks mongey/kafka 0.13.1', async () => {
    const lines: string[] = [];
    const started = Date.now();
    await terraformInit(dir, tc, { env: OFFLINE_ENV, onOutput: (l) => lines.push(l) });
    console.error(`[toolchain] terraform init took ${Date.now() - started} ms`);
    expect(lines.join('\n')).toMatch(/Terraform has been successfully initialized/);
    const lock = await readFile(join(dir, '.terraform.lock.hcl'), 'utf8');
    expect(lock).toMatch(/provider "registry\.terraform\.io\/mongey\/kafka" \{\s*version\s*=\s*"0\.13\.1"/);
  });

  it('terraform providers schema -json lists the kafka resources', async () => {
    const schema = (await terraformProvidersSchema(dir, tc)) as {
      provider_schemas: Record<string, { resource_schemas: Record<string, unknown> }>;
    };
    const kafka = schema.provider_schemas['registry.terraform.io/mongey/kafka'];
    expect(kafka).toBeDefined();
    expect(Object.keys(kafka!.resource_schemas)).toEqual(
      expect.arrayContaining(['kafka_topic', 'kafka_acl', 'kafka_quota', 'kafka_user_scram_credential']),
    );
  });
});

describe('terraform runner (no provider needed)', () => {
  const secret = 'hunter2-not-a-number';

  it('plans with detailed exit codes, shows, applies and reads outputs', async () => {
    const dir = await tempStack({
      variable: { greeting: [{ type: 'string' }] },
      output: { greeting: [{ value: '${var.greeting}' }] },
    });
    await terraformInit(dir, tc, { env: OFFLINE_ENV });
    const vars = { greeting: 'hello' };
    const plan = await terraformPlan(dir, tc, { vars });
    expect(plan.exitCode).toBe(2);
    expect(existsSync(plan.planFile)).toBe(true);
    expect(statSync(plan.planFile).mode & 0o077).toBe(0);
    const shown = (await terraformShowJson(dir, tc, plan.planFile)) as { output_changes?: Record<string, unknown> };
    expect(Object.keys(shown.output_changes ?? {})).toContain('greeting');
    await terraformApply(dir, tc, { planFile: plan.planFile, vars });
    expect((await terraformOutput(dir, tc)).greeting?.value).toBe('hello');
    const again = await terraformPlan(dir, tc, { vars, refresh: false });
    expect(again.exitCode).toBe(0);
  });

  it('throws a TerraformError with the secret scrubbed from output and message', async () => {
    const dir = await tempStack({
      variable: { pw: [{ type: 'string' }] },
      output: { n: [{ value: '${tonumber(var.pw)}' }] },
    });
    await terraformInit(dir, tc, { env: OFFLINE_ENV });
    const lines: string[] = [];
    const err = await terraformPlan(dir, tc, { vars: { pw: secret }, onOutput: (l) => lines.push(l) }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(TerraformError);
    const te = err as TerraformError;
    expect(te.terraformExitCode).toBe(1);
    expect(te.command).toMatch(/^terraform plan /);
    expect(te.command).not.toContain(secret);
    expect(te.message).not.toContain(secret);
    expect(te.message).toContain('***');
    expect(lines.join('\n')).not.toContain(secret);
  });
});
