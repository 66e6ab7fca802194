/**
 * Builds a Terraform provider from its Go module and installs it into kafkaform's own
 * filesystem mirror (cacheDir()/terraform/plugins), which lets `terraform init` work offline.
 *
 * Recipe (works for modules whose go.mod has `replace` directives, which `go install` refuses):
 * `go mod download -json <module>@<version>` → copy the module directory out of the read-only
 * module cache → `chmod -R u+w` → reproducible `go build` → atomic rename into the mirror.
 *
 * A binary is built once and then kept: a rebuilt binary would no longer match the h1: hashes
 * recorded in existing `.terraform.lock.hcl` files. Concurrent callers (other processes, other
 * test files) are serialized with a lock file next to the binary.
 */
import { spawn } from 'node:child_process';
import { constants as fsConstants } from 'node:fs';
import { access, chmod, cp, mkdir, mkdtemp, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { cacheDir } from './paths.js';
import { UserError } from '../errors.js';
import { noProgress, type Progress } from '../progress.js';

/** Identifies a Terraform provider built from a Go module. */
export interface GoProviderSpec {
  /** Go module path, e.g. `github.com/Mongey/terraform-provider-kafka`. */
  readonly module: string;
  /** Module version with the leading `v`, e.g. `v0.13.1`. */
  readonly version: string;
  /** Terraform registry namespace (lower case), e.g. `mongey`. */
  readonly namespace: string;
  /** Terraform provider type, e.g. `kafka`. */
  readonly type: string;
}

export interface GoProviderResult {
  /** Absolute path of the installed provider binary. */
  readonly binary: string;
  /** Root of the filesystem mirror (the `path` of a `filesystem_mirror` block). */
  readonly mirrorDir: string;
}

const GO_MISSING_HINT =
  'Install Go >= 1.24 (https://go.dev/dl/) so kafkaform can build the provider locally, ' +
  'or set KAFKAFORM_PROVIDER_SOURCE=registry to let terraform download it from the Terraform registry.';

/** Root of kafkaform's filesystem mirror. */
export function mirrorRoot(): string {
  return join(cacheDir(), 'terraform', 'plugins');
}

/** Terraform's version string for a Go module version: `v0.13.1` → `0.13.1`. */
export function terraformVersion(version: string): string {
  return version.replace(/^v/, '');
}

/**
 * Where a provider lives inside a filesystem mirror (unpacked layout):
 * `<mirror>/registry.terraform.io/<ns>/<type>/<ver>/<os>_<arch>/terraform-provider-<type>_v<ver>`.
 */
export function mirrorBinaryPath(mirrorDir: string, p: GoProviderSpec, platform: string): string {
  const ver = terraformVersion(p.version);
  return join(
    mirrorDir,
    'registry.terraform.io',
    p.namespace,
    p.type,
    ver,
    platform,
    `terraform-provider-${p.type}_v${ver}`,
  );
}

interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion; rejects only when it cannot be started. */
function run(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      resolve({
        code: code ?? (signal ? 128 : 1),
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      });
    });
  });
}

function tail(text: string, lines = 30): string {
  const all = text.trimEnd().split(/\r?\n/);
  return all.slice(-lines).join('\n');
}

function isEnoent(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as NodeJS.ErrnoException).code === 'ENOENT';
}

/** Runs `go …`, turning "go is not installed" into a UserError. */
async function runGo(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<RunResult> {
  try {
    return await run('go', args, opts);
  } catch (e) {
    if (isEnoent(e)) {
      throw new UserError('Go is not installed (no `go` on PATH); it is needed to build the Terraform provider.', GO_MISSING_HINT);
    }
    throw e;
  }
}

/** Terraform platform string (`linux_amd64`) of the Go toolchain, from `go env GOOS GOARCH`. */
export async function goPlatform(): Promise<string> {
  const r = await runGo(['env', 'GOOS', 'GOARCH']);
  const [goos, goarch] = r.stdout.trim().split(/\s+/);
  if (r.code !== 0 || !goos || !goarch) {
    throw new UserError(`\`go env GOOS GOARCH\` failed (exit ${r.code}):\n${tail(r.stderr || r.stdout)}`, GO_MISSING_HINT);
  }
  return `${goos}_${goarch}`;
}

/** Platform derived from Node, used only to find an already-built binary when Go is absent. */
function nodePlatform(): string | undefined {
  const os = ({ linux: 'linux', darwin: 'darwin', win32: 'windows', freebsd: 'freebsd' } as Record<string, string>)[
    process.platform
  ];
  const arch = ({ x64: 'amd64', arm64: 'arm64', ia32: '386', arm: 'arm' } as Record<string, string>)[process.arch];
  return os && arch ? `${os}_${arch}` : undefined;
}

/** True when path is an executable regular file. */
export async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, fsConstants.X_OK);
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** Module-cache copies are read-only: make a copied module tree writable so Go can build in it. */
export async function chmodUserWritable(dir: string): Promise<void> {
  const st = await stat(dir);
  await chmod(dir, st.mode | 0o700);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) await chmodUserWritable(p);
    else if (entry.isFile()) await chmod(p, (await stat(p)).mode | 0o200);
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** A lock older than this whose owner cannot be checked (other host) is considered stale. */
const STALE_LOCK_MS = 30 * 60 * 1000;
/** How long to wait for another process's build before giving up. */
const LOCK_WAIT_MS = 30 * 60 * 1000;

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function lockIsStale(lockFile: string): Promise<boolean> {
  try {
    const [text, st] = await Promise.all([readFile(lockFile, 'utf8'), stat(lockFile)]);
    const [pidText, host] = text.trim().split(/\s+/);
    const pid = Number(pidText);
    if (host === hostname() && Number.isInteger(pid) && pid > 0) return !processAlive(pid);
    return Date.now() - st.mtimeMs > STALE_LOCK_MS;
  } catch {
    // Vanished meanwhile (not stale: just retry) or unreadable/half-written (retry too).
    return false;
  }
}

/**
 * Acquires an exclusive lock file; returns a release function, or `undefined` when `done()`
 * became true while waiting (another process finished the work).
 */
async function acquireLock(
  lockFile: string,
  done: () => Promise<boolean>,
  onWait: () => void,
): Promise<(() => Promise<void>) | undefined> {
  const started = Date.now();
  let announced = false;
  for (;;) {
    try {
      const fh = await open(lockFile, 'wx');
      await fh.writeFile(`${process.pid} ${hostname()}\n`);
      await fh.close();
      return () => rm(lockFile, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    if (await done()) return undefined;
    if (await lockIsStale(lockFile)) {
      await rm(lockFile, { force: true });
      continue;
    }
    if (!announced) {
      onWait();
      announced = true;
    }
    if (Date.now() - started > LOCK_WAIT_MS) {
      throw new UserError(
        `Timed out waiting for another kafkaform process to build the provider (lock file ${lockFile}).`,
        'If no other kafkaform process is running, delete the lock file and retry.',
      );
    }
    await sleep(1000);
  }
}

interface ModuleDownload {
  Path?: string;
  Version?: string;
  Dir?: string;
  GoMod?: string;
  Error?: string;
}

/** In-process de-duplication: concurrent calls in one process share one build. */
const inFlight = new Map<string, Promise<GoProviderResult>>();

/**
 * Ensures the provider binary exists in kafkaform's filesystem mirror, building it with Go if
 * needed. Idempotent and safe to call concurrently from several processes.
 */
export function ensureGoProvider(p: GoProviderSpec & { onProgress?: Progress }): Promise<GoProviderResult> {
  const key = `${mirrorRoot()}|${p.module}@${p.version}|${p.namespace}/${p.type}`;
  let pending = inFlight.get(key);
  if (!pending) {
    pending = ensureGoProviderUncached(p).finally(() => inFlight.delete(key));
    inFlight.set(key, pending);
  }
  return pending;
}

async function ensureGoProviderUncached(p: GoProviderSpec & { onProgress?: Progress }): Promise<GoProviderResult> {
  const progress = p.onProgress ?? noProgress;
  const mirrorDir = mirrorRoot();
  const label = `terraform-provider-${p.type} ${p.version}`;

  // Fast path: already built. Works without Go (platform from Node) so a prepared cache suffices.
  const guessed = nodePlatform();
  if (guessed) {
    const binary = mirrorBinaryPath(mirrorDir, p, guessed);
    if (await isExecutable(binary)) return { binary, mirrorDir };
  }

  const platform = await goPlatform();
  const binary = mirrorBinaryPath(mirrorDir, p, platform);
  if (await isExecutable(binary)) return { binary, mirrorDir };

  // Lock and temp files live outside the package directory: terraform's h1: lock-file hash
  // covers every file in <mirror>/…/<platform>/, so only the binary may ever be there.
  const workDir = join(dirname(mirrorDir), 'build');
  await mkdir(workDir, { recursive: true });
  const release = await acquireLock(
    join(workDir, `${p.namespace}-${p.type}-${terraformVersion(p.version)}-${platform}.lock`),
    () => isExecutable(binary),
    () => progress(`Waiting for another kafkaform process to finish building ${label}…`),
  );
  if (!release) return { binary, mirrorDir };
  try {
    // Another process may have finished between our check and taking the lock.
    if (await isExecutable(binary)) return { binary, mirrorDir };
    await buildInto(p, platform, binary, workDir, label, progress);
    progress(`Installed ${label} into ${mirrorDir}`);
    return { binary, mirrorDir };
  } finally {
    await release();
  }
}

async function buildInto(
  p: GoProviderSpec,
  platform: string,
  binary: string,
  workDir: string,
  label: string,
  progress: Progress,
) {
  const [goos, goarch] = platform.split('_') as [string, string];
  // Same filesystem as the mirror, so the final rename is atomic.
  const work = await mkdtemp(join(workDir, `${p.type}-`));
  try {
    progress(`Downloading Go module ${p.module}@${p.version}…`);
    // Run outside any module so the caller's go.mod (if any) does not interfere.
    const dl = await runGo(['mod', 'download', '-json', `${p.module}@${p.version}`], {
      cwd: work,
      env: { ...process.env, GO111MODULE: 'on', GOFLAGS: '' },
    });
    let info: ModuleDownload = {};
    try {
      info = JSON.parse(dl.stdout) as ModuleDownload;
    } catch {
      // handled below
    }
    if (dl.code !== 0 || info.Error || !info.Dir) {
      const detail = info.Error ?? tail(dl.stderr || dl.stdout);
      throw new UserError(
        `Could not download Go module ${p.module}@${p.version}: ${detail}`,
        'Check network access to the Go module proxy (GOPROXY), or set KAFKAFORM_PROVIDER_SOURCE=registry to let terraform download the provider from the Terraform registry.',
      );
    }

    const src = join(work, 'src');
    await cp(info.Dir, src, { recursive: true });
    await chmodUserWritable(src);

    progress(`Building ${label} with Go for ${platform} (takes a minute or more the first time)…`);
    const started = Date.now();
    const tmpBinary = join(work, `terraform-provider-${p.type}`);
    const build = await runGo(
      ['build', '-trimpath', '-buildvcs=false', '-ldflags=-s -w -buildid=', '-o', tmpBinary, '.'],
      {
        cwd: src,
        env: { ...process.env, CGO_ENABLED: '0', GOOS: goos, GOARCH: goarch, GOFLAGS: '', GO111MODULE: 'on' },
      },
    );
    if (build.code !== 0) {
      throw new UserError(
        `Building ${label} from ${p.module}@${p.version} failed (go build exit ${build.code}):\n${tail(build.stderr + build.stdout)}`,
        'This needs Go >= 1.24 and access to the Go module proxy; alternatively set KAFKAFORM_PROVIDER_SOURCE=registry to let terraform download the provider from the Terraform registry.',
      );
    }
    await chmod(tmpBinary, 0o755);
    // rename(2) is atomic within a filesystem: readers see either no binary or the whole one.
    await mkdir(dirname(binary), { recursive: true });
    await rename(tmpBinary, binary);
    progress(`Built ${label} in ${((Date.now() - started) / 1000).toFixed(0)}s`);
  } finally {
    await rm(work, { recursive: true, force: true }).catch(() => undefined);
  }
}
