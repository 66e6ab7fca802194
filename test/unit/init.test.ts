/** `kafkaform init`: what it scaffolds, that it never replaces a file without --force, and the $schema a written topics.yaml points at. */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import * as library from '../../src/index.js';
import { readPackageInfo } from '../../src/init/package-info.js';
import { readSchemaReference } from '../../src/init/schema-reference.js';
import { INSTALLED_SCHEMA_PATH, projectNameOf, renderInitFiles } from '../../src/init/templates.js';
import { applyInitFiles } from '../../src/init/write-files.js';
import { readManifest } from '../../src/manifest/validate.js';

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'kf-init-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  vi.restoreAllMocks();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** Runs the CLI, capturing stdout. */
async function run(argv: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  const code = await main([...argv, '--no-color']);
  vi.restoreAllMocks();
  return { code, out };
}

const VERSION = readPackageInfo().version;
const files = renderInitFiles({ name: 'team-kafka', version: VERSION });
const file = (path: string) => files.find((f) => f.path === path)!.content;

describe('what init scaffolds', () => {
  it('a topics.yaml that validates without errors or warnings, its schema file included', () => {
    const dir = tempDir();
    applyInitFiles(dir, files, { force: false });
    const r = readManifest(join(dir, 'topics.yaml'));
    expect(r.diagnostics).toEqual([]);
    expect(r.environments).toEqual(['dev', 'prod']);
    expect(r.specs.get('dev')!.cluster.name).toBe('team-kafka');
  });

  it("points topics.yaml's $schema at the installed package's schema", () => {
    expect(file('topics.yaml').split('\n')[0]).toBe(`# yaml-language-server: $schema=${INSTALLED_SCHEMA_PATH}`);
    expect(INSTALLED_SCHEMA_PATH).toBe('./node_modules/kafkaform/topics.schema.json');
  });

  it('a stacks/main.ts that imports only what the library exports, run by cdktf.json', () => {
    const imported = /import \{ ([^}]+) \} from 'kafkaform';/.exec(file('stacks/main.ts'))![1]!.split(',').map((s) => s.trim());
    for (const name of imported) expect(library, name).toHaveProperty(name);
    expect(JSON.parse(file('cdktf.json'))).toMatchObject({ language: 'typescript', app: 'npx tsx stacks/main.ts' });
  });

  it('plan, deploy and drift workflows pinned to this version, never fetching another kafkaform', () => {
    for (const w of ['plan', 'deploy', 'drift']) {
      const text = file(`.github/workflows/kafkaform-${w}.yml`);
      expect(text).toContain(`KAFKAFORM_VERSION: "${VERSION}"`);
      expect(text).toContain('npm ci');
      expect(text).toMatch(/"\$installed" != "\$KAFKAFORM_VERSION"/);
      expect(text).not.toMatch(/npx kafkaform (validate|plan|deploy|drift)/);
      expect(text).toMatch(new RegExp(`npx --no-install kafkaform ${w}`));
    }
  });

  it('a .gitignore for state and cdktf.out, and a package.json pinning this version', () => {
    expect(file('.gitignore').split('\n')).toEqual(expect.arrayContaining(['cdktf.out/', '*.tfstate', '*.tfstate.*', '.terraform/', 'node_modules/']));
    expect(JSON.parse(file('package.json'))).toMatchObject({ private: true, type: 'module', dependencies: { kafkaform: VERSION } });
  });

  it('derives the project name from the directory', () => {
    expect(projectNameOf('Team Kafka_Repo')).toBe('team-kafka-repo');
    expect(projectNameOf('___')).toBe('kafka');
  });
});

describe('kafkaform --version', () => {
  it("prints package.json's version (what init pins)", async () => {
    const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'package.json'), 'utf8')) as { version: string };
    const { code, out } = await run(['--version']);
    expect(code).toBe(0);
    expect(out.trim()).toBe(pkg.version);
  });
});

describe('kafkaform init', () => {
  it('writes every file into a new directory and says what it wrote', async () => {
    const dir = join(tempDir(), 'topics-repo');
    const { code, out } = await run(['init', dir]);
    expect(code).toBe(0);
    for (const f of files) expect(out).toMatch(new RegExp(`created\\s+${f.path.replace(/[.*]/g, '\\$&')}`));
    expect(readFileSync(join(dir, '.github', 'workflows', 'kafkaform-plan.yml'), 'utf8')).toBe(file('.github/workflows/kafkaform-plan.yml'));
  });

  it('never overwrites a file without --force, and reports it kept', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'topics.yaml'), 'mine\n');
    writeFileSync(join(dir, 'package.json'), '{"name":"mine","dependencies":{"kafkaform":"^0.1.0"}}\n');
    const { code, out } = await run(['init', dir]);
    expect(code).toBe(0);
    expect(out).toMatch(/kept\s+topics\.yaml/);
    expect(out).toMatch(/--force overwrites/);
    expect(readFileSync(join(dir, 'topics.yaml'), 'utf8')).toBe('mine\n');
  });

  it('--force overwrites, except package.json, which is only ever created', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'topics.yaml'), 'mine\n');
    writeFileSync(join(dir, 'package.json'), '{"name":"mine"}\n');
    const { out } = await run(['init', dir, '--force']);
    expect(out).toMatch(/overwritten\s+topics\.yaml/);
    const expected = renderInitFiles({ name: projectNameOf(basename(dir)), version: VERSION }).find((f) => f.path === 'topics.yaml')!.content;
    expect(readFileSync(join(dir, 'topics.yaml'), 'utf8')).toBe(expected);
    expect(readFileSync(join(dir, 'package.json'), 'utf8')).toBe('{"name":"mine"}\n');
    // That package.json lacks kafkaform: the next step says to install it.
    expect(out).toContain(`npm install kafkaform@${VERSION}`);
  });

  it('--json lists each file with its status', async () => {
    const dir = tempDir();
    const { out } = await run(['init', dir, '--json']);
    const r = JSON.parse(out) as { version: string; files: { path: string; status: string }[] };
    expect(r.version).toBe(VERSION);
    expect(r.files.map((f) => f.status)).toEqual(files.map(() => 'created'));
  });

  it('refuses a file as the directory and more than one directory', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'x'), '');
    expect((await run(['init', join(dir, 'x')])).code).toBe(1);
    expect((await run(['init', dir, dir])).code).toBe(1);
  });
});

describe('the $schema of a topics.yaml written into a directory (init, import)', () => {
  it("is the directory's own topics.schema.json when it has one", () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'topics.schema.json'), '{}');
    expect(readSchemaReference(dir)).toBe('./topics.schema.json');
  });

  it("is the installed package's, found in the nearest node_modules", () => {
    const root = tempDir();
    mkdirSync(join(root, 'node_modules', 'kafkaform'), { recursive: true });
    writeFileSync(join(root, 'node_modules', 'kafkaform', 'topics.schema.json'), '{}');
    mkdirSync(join(root, 'kafka'));
    expect(readSchemaReference(root)).toBe('./node_modules/kafkaform/topics.schema.json');
    expect(readSchemaReference(join(root, 'kafka'))).toBe('../node_modules/kafkaform/topics.schema.json');
  });

  it('is where npm install kafkaform puts it when neither exists yet', () => {
    expect(readSchemaReference(tempDir())).toBe(INSTALLED_SCHEMA_PATH);
  });
});
