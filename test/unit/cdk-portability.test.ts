/**
 * cdktf (archived 2025-12-10) and its maintained fork cdktn must synthesize the same Terraform
 * JSON, so moving src/synth/cdk.ts to cdktn is a one-line change. The same synth code runs twice:
 * once as is, once with src/synth/cdk.ts replaced by cdktn. topics.yaml has no SCRAM users or
 * quotas, so the synth fixture (users with write-only passwords, a quota) runs too.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const work = mkdtempSync(join(tmpdir(), 'kf-cdk-portability-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

type Pkg = 'cdktf' | 'cdktn';
const versionOf = (pkg: Pkg) => (createRequire(import.meta.url)(`${pkg}/package.json`) as { version: string }).version;
let run = 0;

/** The synth entry points, loaded fresh with `pkg` behind src/synth/cdk.ts. */
async function loadSynth(pkg: Pkg) {
  vi.resetModules();
  if (pkg === 'cdktn') vi.doMock('../../src/synth/cdk.js', () => import('cdktn'));
  else vi.doUnmock('../../src/synth/cdk.js');
  return import('../../src/synth/synth-file.js');
}

/** cdk.tf.json of every environment of `file`, synthesized with `pkg`. */
async function synthWith(pkg: Pkg, file: string, writeOnlySecrets: boolean): Promise<Map<string, Record<string, any>>> {
  const { synthFromFile } = await loadSynth(pkg);
  const { stackDirs } = synthFromFile({ file, outdir: join(work, String(run++)), stateDir: '/state', writeOnlySecrets });
  const out = new Map<string, Record<string, any>>();
  for (const [env, dir] of stackDirs) out.set(env, JSON.parse(readFileSync(join(dir, 'cdk.tf.json'), 'utf8')));
  return out;
}

/** The document as text (key order kept) without the one field that names the package version. */
function comparable(doc: Record<string, any>, pkg: Pkg): string {
  expect(doc['//'].metadata.version).toBe(versionOf(pkg));
  const copy = structuredClone(doc);
  delete copy['//'].metadata.version;
  return JSON.stringify(copy, null, 2);
}

const manifests = { 'topics.yaml': join(root, 'topics.yaml'), 'the synth fixture': join(root, 'test', 'fixtures', 'synth', 'small.yaml') };

describe.each(Object.entries(manifests))('cdktf and cdktn synthesize the same Terraform JSON from %s', (_name, file) => {
  it.each([true, false])('in every environment (write-only secrets: %s)', async (writeOnlySecrets) => {
    const a = await synthWith('cdktf', file, writeOnlySecrets);
    const b = await synthWith('cdktn', file, writeOnlySecrets);
    expect([...b.keys()]).toEqual([...a.keys()]);
    for (const [env, doc] of a) expect(comparable(b.get(env)!, 'cdktn'), env).toBe(comparable(doc, 'cdktf'));
  }, 60_000); // loads both CDK packages afresh: seconds on a busy 2-core machine
});

describe('the write-only password under cdktn', () => {
  it('is checked against the App targetVersions, as generated cdktn bindings do', async () => {
    await loadSynth('cdktn');
    const cdk = await import('../../src/synth/cdk.js');
    const { KafkaProvider, UserScramCredential } = await import('../../src/synth/kafka-bindings.js');
    const app = new cdk.App({ outdir: join(work, String(run++)), context: { targetVersions: { terraform: '>=1.9.0' } } });
    const stack = new cdk.TerraformStack(app, 'old');
    const provider = new KafkaProvider(stack, 'kafka', { bootstrapServers: ['127.0.0.1:9092'] });
    new UserScramCredential(stack, 'user', { username: 'u', scramMechanism: 'SCRAM-SHA-512', passwordWo: '${var.pw}', provider });
    expect(() => app.synth()).toThrow(/write-only attributes requires terraform >=1.11.0/);
  });
});

describe('the CDK package is imported in one place', () => {
  it('only src/synth/cdk.ts (and this test) name cdktf or cdktn in an import', () => {
    const allowed = new Set(['src/synth/cdk.ts', 'test/unit/cdk-portability.test.ts']);
    const offenders: string[] = [];
    for (const dir of ['src', 'stacks', 'test', 'bench', 'scripts']) {
      for (const entry of readdirSync(join(root, dir), { recursive: true, withFileTypes: true })) {
        if (!entry.isFile() || !/\.[cm]?[jt]s$/.test(entry.name)) continue;
        const path = join(entry.parentPath, entry.name).slice(root.length + 1);
        if (allowed.has(path)) continue;
        if (/(from|import\()\s*['"](cdktf|cdktn|@cdktf-providers\/[^'"]+)['"]/.test(readFileSync(join(root, path), 'utf8'))) offenders.push(path);
      }
    }
    expect(offenders).toEqual([]);
  });
});
