/**
 * Builds a program from a Go module into a cache path, once, under a cross-process lock.
 *
 * Recipe (works for modules whose go.mod has `replace` directives, which `go install` refuses):
 * `go mod download -json <module>@<version>` → copy the module directory out of the read-only
 * module cache → make it writable → `go build -trimpath` → atomic rename to the target. Scratch
 * files live in `workDir` (on the target's filesystem, so the rename is atomic), never next to
 * the target: the Terraform mirror hashes every file in the binary's directory.
 */
import { createHash } from 'node:crypto';
import { chmod, cp, mkdir, mkdtemp, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { UserError } from '../errors.js';
import { noProgress, type Progress } from '../progress.js';
import { isExecutable } from './executable.js';
import { acquireFileLock } from './file-lock.js';
import { isCommandNotFound, joinTail, runCommand, type CommandResult } from './run-command.js';

export interface GoBuild {
  /** Go module path, e.g. `github.com/Mongey/terraform-provider-kafka`. */
  module: string;
  /** Module version with the leading `v`. */
  version: string;
  /** The package to build, relative to the module root; default `.`. */
  pkg?: string;
  /** Where the binary goes (made executable, replaced atomically). */
  target: string;
  /** Scratch and lock directory, on the target's filesystem. */
  workDir: string;
  /** What is built, for messages: `terraform-provider-kafka v0.13.1`. */
  label: string;
  /** What it is for, in "Go is needed to build …": `the Terraform provider`. */
  purpose: string;
  /** Extra `go build` flags, e.g. `-ldflags=-s -w -buildid=` for a reproducible binary. */
  buildFlags?: string[];
  /** Extra environment for `go build`, e.g. GOOS/GOARCH. */
  env?: NodeJS.ProcessEnv;
  /** The fix to suggest when Go is missing or the download or build fails. */
  hint: string;
  onProgress?: Progress;
  /** How long to wait for another process building the same target; default 30 min. */
  lockTimeoutMs?: number;
}

interface ModuleDownload {
  Dir?: string;
  Error?: string;
}

/** In-process de-duplication: concurrent calls for one target share one build. */
const inFlight = new Map<string, Promise<string>>();

/** The target, built first when it is not an executable yet. Idempotent and safe across processes. */
export function ensureGoBinary(build: GoBuild): Promise<string> {
  let pending = inFlight.get(build.target);
  if (!pending) {
    pending = ensureUncached(build).finally(() => inFlight.delete(build.target));
    inFlight.set(build.target, pending);
  }
  return pending;
}

async function ensureUncached(b: GoBuild): Promise<string> {
  if (await isExecutable(b.target)) return b.target;
  const progress = b.onProgress ?? noProgress;
  await mkdir(b.workDir, { recursive: true });
  const id = createHash('sha256').update(b.target).digest('hex').slice(0, 12);
  const release = await acquireFileLock(join(b.workDir, `${basename(b.target)}-${id}.lock`), `building ${b.label}`, {
    onProgress: progress,
    timeoutMs: b.lockTimeoutMs ?? 30 * 60_000,
  });
  try {
    // Another process may have finished while we waited for the lock.
    if (await isExecutable(b.target)) return b.target;
    await buildInto(b, progress);
    return b.target;
  } finally {
    release();
  }
}

async function buildInto(b: GoBuild, progress: Progress): Promise<void> {
  const work = await mkdtemp(join(b.workDir, '.build-'));
  try {
    progress(`Downloading Go module ${b.module}@${b.version}…`);
    // Run outside any module so the caller's go.mod (if any) does not interfere.
    const dl = await runGo(['mod', 'download', '-json', `${b.module}@${b.version}`], b, { cwd: work, env: { ...process.env, GO111MODULE: 'on', GOFLAGS: '' } });
    let info: ModuleDownload = {};
    try {
      info = JSON.parse(dl.stdout) as ModuleDownload;
    } catch {
      // handled below
    }
    if (dl.exitCode !== 0 || info.Error || !info.Dir) {
      throw new UserError(`Could not download Go module ${b.module}@${b.version}: ${info.Error ?? joinTail(dl.tail, 30)}`, b.hint);
    }
    const src = join(work, 'src');
    await cp(info.Dir, src, { recursive: true });
    await chmodUserWritable(src);

    progress(`Building ${b.label} with Go (takes a minute or more the first time)…`);
    const started = Date.now();
    const out = join(work, basename(b.target));
    const build = await runGo(['build', '-trimpath', '-buildvcs=false', ...(b.buildFlags ?? []), '-o', out, b.pkg ?? '.'], b, {
      cwd: src,
      env: { ...process.env, CGO_ENABLED: '0', GOFLAGS: '', GO111MODULE: 'on', ...(b.env ?? {}) },
    });
    if (build.exitCode !== 0) {
      throw new UserError(`Building ${b.label} from ${b.module}@${b.version} failed (go build exit ${build.exitCode}):\n${joinTail(build.tail, 30)}`, b.hint);
    }
    await chmod(out, 0o755);
    // rename(2) is atomic within a filesystem: readers see either no binary or the whole one.
    await mkdir(dirname(b.target), { recursive: true });
    await rename(out, b.target);
    progress(`Built ${b.label} in ${((Date.now() - started) / 1000).toFixed(0)}s`);
  } finally {
    await rm(work, { recursive: true, force: true }).catch(() => undefined);
  }
}

/** Runs `go …`, turning "go is not installed" into a UserError. */
async function runGo(args: string[], b: Pick<GoBuild, 'purpose' | 'hint'>, opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CommandResult> {
  try {
    return await runCommand('go', args, { ...opts, keepStdout: true });
  } catch (e) {
    if (isCommandNotFound(e)) throw new UserError(`Go is not installed (no \`go\` on PATH); it is needed to build ${b.purpose}.`, b.hint);
    throw e;
  }
}

/** Terraform-style platform string (`linux_amd64`) of the Go toolchain, from `go env GOOS GOARCH`. */
export async function goPlatform(purpose: string, hint: string): Promise<string> {
  const r = await runGo(['env', 'GOOS', 'GOARCH'], { purpose, hint });
  const [goos, goarch] = r.stdout.trim().split(/\s+/);
  if (r.exitCode !== 0 || !goos || !goarch) {
    throw new UserError(`\`go env GOOS GOARCH\` failed (exit ${r.exitCode}):\n${joinTail(r.tail, 30)}`, hint);
  }
  return `${goos}_${goarch}`;
}

/** Module-cache copies are read-only: make a copied module tree writable so Go can build in it. */
async function chmodUserWritable(dir: string): Promise<void> {
  const st = await stat(dir);
  await chmod(dir, st.mode | 0o700);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) await chmodUserWritable(p);
    else if (entry.isFile()) await chmod(p, (await stat(p)).mode | 0o200);
  }
}
