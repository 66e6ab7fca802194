/** Locates the Terraform (or OpenTofu) CLI and checks its version. */
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { cacheDir } from './paths.js';
import { UserError } from '../errors.js';
import { which } from '../os/executable.js';
import { joinTail, runCommand } from '../os/run-command.js';

export interface TerraformInfo {
  /** Absolute path of the CLI binary. */
  readonly path: string;
  /** e.g. `1.11.4`. */
  readonly version: string;
  readonly flavor: 'terraform' | 'tofu';
  /** Terraform's platform, e.g. `linux_amd64` (the mirror directory it looks in). */
  readonly platform: string;
  /** Write-only attributes (e.g. `password_wo`) need Terraform/OpenTofu >= 1.11. */
  readonly supportsWriteOnly: boolean;
}

export const MIN_TERRAFORM_VERSION = '1.5.0';
export const WRITE_ONLY_MIN_VERSION = '1.11.0';

const INSTALL_HINT =
  'Install Terraform >= 1.5 (1.11+ recommended: write-only SCRAM passwords) from ' +
  'https://developer.hashicorp.com/terraform/install, or install OpenTofu and set TERRAFORM_BINARY_NAME=tofu.';

/** Compares dotted versions numerically (`1.10.0` > `1.9.9`); pre-release suffixes are ignored. */
export function compareVersions(a: string, b: string): number {
  const pa = a.replace(/^v/, '').split(/[-+]/)[0]!.split('.').map((x) => Number.parseInt(x, 10) || 0);
  const pb = b.replace(/^v/, '').split(/[-+]/)[0]!.split('.').map((x) => Number.parseInt(x, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}

/**
 * `<terraform> version -json`, remembered per binary (path, size, mtime): every plan checks the
 * toolchain, and starting terraform only to learn a version that cannot have changed costs a process.
 */
async function terraformVersionOutput(path: string, env: NodeJS.ProcessEnv): Promise<{ exitCode: number; stdout: string; stdoutTail: string[]; stderrTail: string[] }> {
  const st = statSync(path, { throwIfNoEntry: false });
  const key = st ? `${path}|${st.size}|${st.mtimeMs}|${st.ino}` : undefined;
  const file = join(cacheDir(), 'terraform', 'version-cache.json');
  try {
    const cached = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
    if (key && typeof cached[key] === 'string') return { exitCode: 0, stdout: cached[key], stdoutTail: [], stderrTail: [] };
  } catch {
    // no cache yet
  }
  const r = await runCommand(path, ['version', '-json'], { env: { ...env, CHECKPOINT_DISABLE: '1' }, keepStdout: true });
  if (key && r.exitCode === 0 && r.stdout.trim().startsWith('{')) {
    try {
      mkdirSync(dirname(file), { recursive: true });
      const tmp = `${file}.tmp-${process.pid}`;
      writeFileSync(tmp, JSON.stringify({ [key]: r.stdout }));
      renameSync(tmp, file);
    } catch {
      // a read-only cache only costs the next run a process
    }
  }
  return r;
}

/**
 * Finds the Terraform CLI: `TERRAFORM_BINARY_NAME` (a name on PATH or a path; the variable cdktf
 * also honours) if set, otherwise `terraform`, then `tofu`. Requires version >= 1.5.
 */
export async function findTerraform(env: NodeJS.ProcessEnv = process.env): Promise<TerraformInfo> {
  const requested = env.TERRAFORM_BINARY_NAME?.trim();
  const candidates = requested ? [requested] : ['terraform', 'tofu'];
  let path: string | undefined;
  for (const c of candidates) {
    path = await which(c, env);
    if (path) break;
  }
  if (!path) {
    throw new UserError(
      requested
        ? `Terraform CLI not found: TERRAFORM_BINARY_NAME=${requested} is not an executable on PATH.`
        : 'Terraform CLI not found: neither `terraform` nor `tofu` is on PATH.',
      INSTALL_HINT,
    );
  }

  const r = await terraformVersionOutput(path, env);
  let version: string | undefined;
  let platform: string | undefined;
  try {
    const j = JSON.parse(r.stdout) as { terraform_version?: string; platform?: string };
    version = j.terraform_version;
    platform = j.platform;
  } catch {
    // Very old versions have no -json; the text form is "Terraform v0.12.31" / "OpenTofu v1.6.0".
    const m = /v(\d+\.\d+\.\d+\S*)/.exec(r.stdout);
    version = m?.[1];
  }
  if (!version) {
    throw new UserError(
      `Could not determine the version of ${path} (\`version -json\` exit ${r.exitCode}): ${joinTail(r.stderrTail.length > 0 ? r.stderrTail : r.stdoutTail).slice(0, 300)}`,
      INSTALL_HINT,
    );
  }
  const flavor: 'terraform' | 'tofu' =
    /tofu/i.test(basename(path)) || /OpenTofu/.test(r.stdout) ? 'tofu' : 'terraform';
  if (compareVersions(version, MIN_TERRAFORM_VERSION) < 0) {
    throw new UserError(
      `${flavor === 'tofu' ? 'OpenTofu' : 'Terraform'} ${version} at ${path} is too old: kafkaform needs >= ${MIN_TERRAFORM_VERSION}.`,
      INSTALL_HINT,
    );
  }
  return {
    path,
    version,
    flavor,
    platform: platform ?? `${process.platform}_${process.arch === 'x64' ? 'amd64' : process.arch}`,
    supportsWriteOnly: compareVersions(version, WRITE_ONLY_MIN_VERSION) >= 0,
  };
}
