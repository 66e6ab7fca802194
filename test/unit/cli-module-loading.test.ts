import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');

/**
 * The CommonJS packages under node_modules (kafkajs and cdktf are) that loading these commands' modules
 * loads: Node's own loader, through tsx, one process.
 */
function packagesLoadedBy(...commands: string[]): string[] {
  const script = [
    ...commands.map((command) => `await import('./src/cli/commands/${command}.ts');`),
    "const { createRequire } = await import('node:module');",
    'const names = Object.keys(createRequire(import.meta.url).cache).flatMap((f) => { const m = /node_modules\\/((?:@[^/]+\\/)?[^/]+)\\//.exec(f); return m ? [m[1]] : []; });',
    'console.log(JSON.stringify([...new Set(names)]));',
  ].join('\n');
  return JSON.parse(execFileSync(process.execPath, ['--import', 'tsx/esm', '--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8' })) as string[];
}

describe('a command loads only the libraries it uses', () => {
  it('drift, import, health and validate load neither kafkajs nor cdktf (all four in one process: none of them does)', () => {
    const loaded = packagesLoadedBy('drift', 'import', 'health', 'validate');
    expect(loaded).not.toContain('kafkajs');
    expect(loaded).not.toContain('cdktf');
  });

  it('the check sees what a command does load: deploy loads cdktf', () => {
    expect(packagesLoadedBy('deploy')).toContain('cdktf');
  });
});
