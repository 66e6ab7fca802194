/**
 * The Go-module build against a real `go`, offline: the module is served by a file:// module proxy
 * written into a tmpdir, and the module cache is a private tmpdir too.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { ensureGoBinary, type GoBuild } from '../../src/os/go-build.js';

const MODULE = 'example.invalid/hello';
const VERSION = 'v1.0.0';

let root: string;
const saved: Record<string, string | undefined> = {};

function setEnv(vars: Record<string, string>): void {
  for (const [k, v] of Object.entries(vars)) {
    if (!(k in saved)) saved[k] = process.env[k];
    process.env[k] = v;
  }
}

function build(overrides: Partial<GoBuild> = {}): GoBuild {
  return {
    module: MODULE,
    version: VERSION,
    pkg: './cmd/hello',
    target: join(root, 'bin', 'hello'),
    workDir: join(root, 'bin'),
    label: `hello ${VERSION}`,
    purpose: 'the test program',
    hint: 'install Go',
    ...overrides,
  };
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'kafkaform-gobuild-'));
  // A file:// GOPROXY: <proxy>/<module>/@v/{list,<v>.info,<v>.mod,<v>.zip}; the zip holds <module>@<v>/...
  const src = join(root, 'zip-src', `${MODULE}@${VERSION}`);
  mkdirSync(join(src, 'cmd', 'hello'), { recursive: true });
  writeFileSync(join(src, 'go.mod'), `module ${MODULE}\n\ngo 1.21\n`);
  writeFileSync(join(src, 'cmd', 'hello', 'main.go'), 'package main\n\nimport "fmt"\n\nfunc main() { fmt.Println("hello from go") }\n');
  const v = join(root, 'proxy', MODULE, '@v');
  mkdirSync(v, { recursive: true });
  writeFileSync(join(v, 'list'), `${VERSION}\n`);
  writeFileSync(join(v, `${VERSION}.info`), JSON.stringify({ Version: VERSION, Time: '2026-01-01T00:00:00Z' }));
  writeFileSync(join(v, `${VERSION}.mod`), `module ${MODULE}\n\ngo 1.21\n`);
  execFileSync('zip', ['-qr', join(v, `${VERSION}.zip`), `${MODULE}@${VERSION}`], { cwd: join(root, 'zip-src') });
  setEnv({ GOPROXY: `file://${join(root, 'proxy')}`, GOSUMDB: 'off', GONOSUMDB: '*', GOMODCACHE: join(root, 'modcache'), GOTOOLCHAIN: 'local' });
});

afterAll(() => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  // The module cache is read-only.
  if (existsSync(join(root, 'modcache'))) execFileSync('chmod', ['-R', 'u+w', join(root, 'modcache')]);
  rmSync(root, { recursive: true, force: true });
});

describe('ensureGoBinary', () => {
  it('builds the package into the target once; concurrent callers share the build and leave no scratch files', { timeout: 180_000 }, async () => {
    const messages: string[] = [];
    const b = build({ onProgress: (m) => messages.push(m) });
    const [a, c] = await Promise.all([ensureGoBinary(b), ensureGoBinary(b)]);
    expect(a).toBe(b.target);
    expect(c).toBe(b.target);
    expect(execFileSync(b.target, { encoding: 'utf8' })).toBe('hello from go\n');
    expect(messages.filter((m) => m.startsWith('Building hello'))).toHaveLength(1);
    // Only the binary is left: the lock and the build dir are gone.
    expect(readdirSync(b.workDir)).toEqual(['hello']);
  });

  it('returns an executable target without running go at all', async () => {
    const target = join(root, 'prebuilt', 'tool');
    mkdirSync(join(root, 'prebuilt'), { recursive: true });
    writeFileSync(target, '#!/bin/sh\n');
    chmodSync(target, 0o755);
    const pathBefore = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      expect(await ensureGoBinary(build({ target, workDir: join(root, 'prebuilt') }))).toBe(target);
    } finally {
      process.env.PATH = pathBefore;
    }
  });

  it('says which module could not be downloaded, with the hint', async () => {
    const err = await ensureGoBinary(build({ version: 'v9.9.9', target: join(root, 'bin2', 'hello') })).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).message).toContain(`Could not download Go module ${MODULE}@v9.9.9`);
    expect((err as UserError).hint).toBe('install Go');
  });
});

describe('ensureGoBinary without go', () => {
  it('is a UserError naming what Go was needed for', async () => {
    const pathBefore = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      const err = await ensureGoBinary(build({ target: join(root, 'nogo', 'hello'), workDir: join(root, 'nogo') })).then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(UserError);
      expect((err as UserError).message).toBe('Go is not installed (no `go` on PATH); it is needed to build the test program.');
    } finally {
      process.env.PATH = pathBefore;
    }
  });
});
