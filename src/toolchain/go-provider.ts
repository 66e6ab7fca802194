/**
 * Builds a Terraform provider from its Go module and installs it into kafkaform's own
 * filesystem mirror (cacheDir()/terraform/plugins), which lets `terraform init` work offline.
 *
 * The build itself is os/go-build.ts (download, writable copy, reproducible `go build`, atomic
 * rename, under a lock). A binary is built once and then kept: a rebuilt binary would no longer
 * match the h1: hashes recorded in existing `.terraform.lock.hcl` files.
 */
import { dirname, join } from 'node:path';
import { isExecutable } from '../os/executable.js';
import { ensureGoBinary, goPlatform } from '../os/go-build.js';
import { noProgress, type Progress } from '../progress.js';
import { cacheDir } from './paths.js';

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

const BUILD_HINT =
  'This needs Go >= 1.24 and access to the Go module proxy (GOPROXY); alternatively set KAFKAFORM_PROVIDER_SOURCE=registry ' +
  'to let terraform download the provider from the Terraform registry.';

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

/** Platform derived from Node, used only to find an already-built binary when Go is absent. */
function nodePlatform(): string | undefined {
  const os = ({ linux: 'linux', darwin: 'darwin', win32: 'windows', freebsd: 'freebsd' } as Record<string, string>)[
    process.platform
  ];
  const arch = ({ x64: 'amd64', arm64: 'arm64', ia32: '386', arm: 'arm' } as Record<string, string>)[process.arch];
  return os && arch ? `${os}_${arch}` : undefined;
}

/**
 * Ensures the provider binary exists in kafkaform's filesystem mirror, building it with Go if
 * needed. Idempotent and safe to call concurrently from several processes.
 */
export async function ensureGoProvider(p: GoProviderSpec & { onProgress?: Progress }): Promise<GoProviderResult> {
  const mirrorDir = mirrorRoot();
  // Fast path: already built. Works without Go (platform from Node) so a prepared cache suffices.
  const guessed = nodePlatform();
  if (guessed) {
    const binary = mirrorBinaryPath(mirrorDir, p, guessed);
    if (await isExecutable(binary)) return { binary, mirrorDir };
  }
  const platform = await goPlatform('the Terraform provider', GO_MISSING_HINT);
  const [goos, goarch] = platform.split('_') as [string, string];
  const label = `terraform-provider-${p.type} ${p.version}`;
  const target = mirrorBinaryPath(mirrorDir, p, platform);
  const wasThere = await isExecutable(target);
  const binary = await ensureGoBinary({
    module: p.module,
    version: p.version,
    target,
    // Outside the package directory: terraform's h1: lock-file hash covers every file in
    // <mirror>/…/<platform>/, so only the binary may ever be there.
    workDir: join(dirname(mirrorDir), 'build'),
    label,
    purpose: 'the Terraform provider',
    // Reproducible: no symbol table, no build id.
    buildFlags: ['-ldflags=-s -w -buildid='],
    env: { GOOS: goos, GOARCH: goarch },
    hint: BUILD_HINT,
    ...(p.onProgress ? { onProgress: p.onProgress } : {}),
  });
  if (!wasThere) (p.onProgress ?? noProgress)(`Installed ${label} into ${mirrorDir}`);
  return { binary, mirrorDir };
}
