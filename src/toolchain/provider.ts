/**
 * The Terraform providers kafkaform uses and the toolchain (terraform CLI + providers + CLI
 * config) its deploy layer runs with.
 *
 * Two provider sources:
 * - `mirror` (default): providers are built from their Go modules into kafkaform's filesystem
 *   mirror and terraform is pointed at it by a kafkaform-owned CLI config file (passed via
 *   TF_CLI_CONFIG_FILE to the terraform processes kafkaform runs; the user's ~/.terraformrc is
 *   never touched). Works fully offline once built.
 * - `registry` (KAFKAFORM_PROVIDER_SOURCE=registry): a real user's setup; terraform downloads
 *   `mongey/kafka` from the Terraform registry with the user's own CLI configuration.
 */
import { writeFileSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { ensureGoProvider, mirrorRoot, type GoProviderResult, type GoProviderSpec } from './go-provider.js';
import { cacheDir } from './paths.js';
import { UserError } from '../errors.js';
import { noProgress, type Progress } from '../progress.js';
import { findTerraform, type TerraformInfo } from './terraform.js';

export type ProviderSpec = GoProviderSpec;

/** Mongey/kafka: topics, ACLs, quotas, SCRAM credentials. */
export const KAFKA_PROVIDER = {
  module: 'github.com/Mongey/terraform-provider-kafka',
  version: 'v0.13.1',
  namespace: 'mongey',
  type: 'kafka',
} as const satisfies ProviderSpec;

/**
 * cultureamp/schemaregistry: `schemaregistry_schema`. v1.3.1 is the newest release in the
 * project's CHANGELOG; NOT verified to build here (this machine's Go module proxy answers 403
 * for every version of this module, including `go list -m -versions`).
 */
export const SCHEMA_REGISTRY_PROVIDER = {
  module: 'github.com/cultureamp/terraform-provider-schemaregistry',
  version: 'v1.3.1',
  namespace: 'cultureamp',
  type: 'schemaregistry',
} as const satisfies ProviderSpec;

/** `registry.terraform.io/<namespace>/<type>`: the address used in CLI config include/exclude. */
export function providerAddress(p: ProviderSpec): string {
  return `registry.terraform.io/${p.namespace}/${p.type}`;
}

/** `<namespace>/<type>`: the `source` in `required_providers`. */
export function providerSource(p: ProviderSpec): string {
  return `${p.namespace}/${p.type}`;
}

export function ensureKafkaProvider(opts: { onProgress?: Progress } = {}): Promise<GoProviderResult> {
  return ensureGoProvider({ ...KAFKA_PROVIDER, onProgress: opts.onProgress });
}

export function ensureSchemaRegistryProvider(opts: { onProgress?: Progress } = {}): Promise<GoProviderResult> {
  return ensureGoProvider({ ...SCHEMA_REGISTRY_PROVIDER, onProgress: opts.onProgress });
}

/** Path of kafkaform's own terraform CLI config file. */
export function cliConfigPath(): string {
  return join(cacheDir(), 'terraform', 'terraformrc');
}

function hclString(s: string): string {
  // JSON string escaping is valid HCL for paths; `${` would start an interpolation.
  return JSON.stringify(s).replace(/\$\{/g, '$${');
}

/** Text of the CLI config: mirrored providers come only from the mirror, all others direct. */
export function terraformCliConfigText(providers: readonly ProviderSpec[], mirrorDir: string = mirrorRoot()): string {
  const list = `[${providers.map((p) => hclString(providerAddress(p))).join(', ')}]`;
  return [
    '# Written by kafkaform; passed to terraform via TF_CLI_CONFIG_FILE. Regenerated on each run.',
    'provider_installation {',
    '  filesystem_mirror {',
    `    path    = ${hclString(mirrorDir)}`,
    `    include = ${list}`,
    '  }',
    '  direct {',
    `    exclude = ${list}`,
    '  }',
    '}',
    '',
  ].join('\n');
}

/**
 * Writes cacheDir()/terraform/terraformrc (atomically, only when the content changes) and returns
 * its path. No plugin_cache_dir: terraform symlinks packages from an unpacked filesystem mirror
 * into each stack's .terraform directory, so there is nothing to cache.
 */
export function writeTerraformCliConfig(providers: readonly ProviderSpec[]): string {
  const file = cliConfigPath();
  const text = terraformCliConfigText(providers);
  try {
    if (readFileSync(file, 'utf8') === text) return file;
  } catch {
    // missing: write it
  }
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}-${Date.now()}`;
  writeFileSync(tmp, text, { mode: 0o644 });
  renameSync(tmp, file);
  return file;
}

export interface Toolchain {
  readonly terraform: TerraformInfo;
  /** Where providers come from. */
  readonly providerSource: 'mirror' | 'registry';
  /** kafkaform's CLI config file (mirror mode); undefined in registry mode (user's own config). */
  readonly cliConfigFile: string | undefined;
  /** Installed provider binaries (mirror mode only). */
  readonly providers: ReadonlyArray<ProviderSpec & { binary: string }>;
  /** Environment entries to add to every terraform process. */
  readonly env: Record<string, string>;
}

/** Environment every terraform process gets: no update checks, no prompts. */
export const TERRAFORM_AUTOMATION_ENV: Readonly<Record<string, string>> = {
  CHECKPOINT_DISABLE: '1',
  TF_IN_AUTOMATION: '1',
  TF_INPUT: '0',
};

export function providerSourceMode(env: NodeJS.ProcessEnv = process.env): 'mirror' | 'registry' {
  const v = (env.KAFKAFORM_PROVIDER_SOURCE ?? '').trim().toLowerCase();
  if (v === '' || v === 'mirror' || v === 'local') return 'mirror';
  if (v === 'registry') return 'registry';
  throw new UserError(
    `Unknown KAFKAFORM_PROVIDER_SOURCE=${env.KAFKAFORM_PROVIDER_SOURCE}.`,
    'Use "registry" (terraform downloads providers) or leave it unset (kafkaform builds them with Go).',
  );
}

/**
 * Checks the terraform CLI, installs the provider(s) and writes the CLI config. Idempotent; the
 * first call may build the provider with Go (a minute or more).
 */
export async function ensureToolchain(
  opts: { onProgress?: Progress; schemaRegistry?: boolean } = {},
): Promise<Toolchain> {
  const progress = opts.onProgress ?? noProgress;
  const terraform = await findTerraform();
  const specs: ProviderSpec[] = [KAFKA_PROVIDER];
  if (opts.schemaRegistry) specs.push(SCHEMA_REGISTRY_PROVIDER);

  if (providerSourceMode() === 'registry') {
    return { terraform, providerSource: 'registry', cliConfigFile: undefined, providers: [], env: { ...TERRAFORM_AUTOMATION_ENV } };
  }

  const providers: Array<ProviderSpec & { binary: string }> = [];
  for (const spec of specs) {
    const { binary } = await ensureGoProvider({ ...spec, onProgress: progress });
    const platform = basename(dirname(binary));
    if (platform !== terraform.platform) {
      throw new UserError(
        `The provider was built for ${platform} but ${terraform.path} runs on ${terraform.platform}.`,
        'Make GOOS/GOARCH (go env) match the terraform binary, or set KAFKAFORM_PROVIDER_SOURCE=registry.',
      );
    }
    providers.push({ ...spec, binary });
  }
  const cliConfigFile = writeTerraformCliConfig(specs);
  return {
    terraform,
    providerSource: 'mirror',
    cliConfigFile,
    providers,
    env: { ...TERRAFORM_AUTOMATION_ENV, TF_CLI_CONFIG_FILE: cliConfigFile },
  };
}
