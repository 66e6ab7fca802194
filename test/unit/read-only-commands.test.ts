/**
 * Read-only commands never start the embedded cluster (issue 11 item 6): with no servers named and
 * no embedded cluster running, import, drift, plan and validate --live exit 1 saying how to name
 * one, and leave no cluster state behind.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';

const dir = mkdtempSync(join(tmpdir(), 'kafkaform-ro-'));
const file = join(dir, 'topics.yaml');
const saved = { cache: process.env.KAFKAFORM_CACHE_DIR, servers: process.env.KAFKAFORM_BOOTSTRAP_SERVERS };

beforeAll(() => {
  process.env.KAFKAFORM_CACHE_DIR = join(dir, 'cache');
  delete process.env.KAFKAFORM_BOOTSTRAP_SERVERS;
  writeFileSync(file, 'version: 1\ncluster: { name: shop }\ntopics:\n  orders: { partitions: 1 }\n');
});
afterAll(() => {
  for (const [k, v] of [['KAFKAFORM_CACHE_DIR', saved.cache], ['KAFKAFORM_BOOTSTRAP_SERVERS', saved.servers]] as const) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  rmSync(dir, { recursive: true, force: true });
});

async function run(argv: string[]) {
  let err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
  try {
    return { code: await main(argv), err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

describe('read-only commands with no cluster named', () => {
  it.each([
    ['import', ['import', '-o', join(dir, 'imported.yaml')]],
    ['drift', ['drift', '-f', file]],
    ['plan', ['plan', '-f', file]],
    ['validate --live', ['validate', '--live', '-f', file]],
  ])('%s exits 1 naming --bootstrap-servers, KAFKAFORM_BOOTSTRAP_SERVERS and dev up, and starts nothing', async (_name, argv) => {
    const r = await run([...argv, '--no-color']);
    expect(r.code).toBe(1);
    expect(r.err).toContain('the embedded cluster is not running');
    for (const way of ['--bootstrap-servers', 'KAFKAFORM_BOOTSTRAP_SERVERS', 'kafkaform dev up']) expect(r.err).toContain(way);
    expect(existsSync(join(dir, 'cache', 'clusters'))).toBe(false);
    expect(existsSync(join(dir, 'imported.yaml'))).toBe(false);
  });
});
