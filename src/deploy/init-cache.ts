/**
 * `terraform init` once per change of what init depends on. init starts terraform, the backend and
 * the provider installer (about a second and a half, more on a loaded machine) even when nothing
 * changed, so after a successful init the stack directory gets a marker holding a hash of everything
 * init reads: the stack's `terraform` block (backend, required providers), the terraform binary and
 * version, kafkaform's CLI config, the provider binaries (path, size, mtime) and the lock file. A plan
 * runs init again as soon as any of them differs, or the marker, the lock file or the installed
 * providers are missing.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Toolchain } from '../toolchain/provider.js';
import type { TerraformPort } from './terraform-port.js';
import type { RunOptions } from './terraform-runner.js';

const MARKER = join('.terraform', 'kafkaform-init.json');

function readOr(file: string, fallback: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return fallback;
  }
}

/** The hash of what `terraform init` depends on for this stack and toolchain; undefined when a part is missing. */
export function computeInitKey(stackDir: string, toolchain: Toolchain): string | undefined {
  const lock = join(stackDir, '.terraform.lock.hcl');
  if (!existsSync(lock) || !existsSync(join(stackDir, '.terraform', 'providers'))) return undefined;
  let terraformBlock: unknown;
  try {
    terraformBlock = (JSON.parse(readFileSync(join(stackDir, 'cdk.tf.json'), 'utf8')) as { terraform?: unknown }).terraform;
  } catch {
    return undefined;
  }
  const providers = toolchain.providers.map((p) => {
    const st = statSync(p.binary, { throwIfNoEntry: false });
    return [p.binary, st?.size, st?.mtimeMs];
  });
  const parts = {
    terraformBlock,
    terraform: [toolchain.terraform.path, toolchain.terraform.version, toolchain.providerSource],
    cliConfig: toolchain.cliConfigFile ? readOr(toolchain.cliConfigFile, '') : '',
    providers,
    lock: readOr(lock, ''),
  };
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

/** Runs `terraform init` unless the stack was initialised for exactly this configuration and toolchain; true when it ran. */
export async function initStack(terraform: TerraformPort, stackDir: string, toolchain: Toolchain, run: RunOptions): Promise<boolean> {
  const marker = join(stackDir, MARKER);
  const key = computeInitKey(stackDir, toolchain);
  if (key !== undefined && readOr(marker, '') === key) return false;
  rmSync(marker, { force: true });
  await terraform.init(stackDir, toolchain, run);
  const after = computeInitKey(stackDir, toolchain);
  if (after !== undefined) writeFileSync(marker, after);
  return true;
}
