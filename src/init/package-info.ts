/** Which kafkaform is running: its package.json, found upwards from this module (src/ in the repository, dist/src/ once packed). */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface PackageInfo {
  name: string;
  version: string;
  /** The package's directory (the repository in development, node_modules/kafkaform when installed). */
  root: string;
}

let cached: PackageInfo | undefined;

/** Reads kafkaform's own package.json once (the version `--version` prints and `init` pins). */
export function readPackageInfo(): PackageInfo {
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'kafkaform' && typeof pkg.version === 'string') {
        cached = { name: pkg.name, version: pkg.version, root: dir };
        return cached;
      }
    }
    const up = dirname(dir);
    // Only a broken install gets here: the package always ships its package.json.
    if (up === dir) throw new Error("kafkaform's package.json was not found above its own modules");
    dir = up;
  }
}
