import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isExecutable, which } from '../../src/os/executable.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kafkaform-exe-'));
  mkdirSync(join(dir, 'bin'));
  writeFileSync(join(dir, 'bin', 'tool'), '#!/bin/sh\n');
  chmodSync(join(dir, 'bin', 'tool'), 0o755);
  writeFileSync(join(dir, 'bin', 'plain'), 'x');
  chmodSync(join(dir, 'bin', 'plain'), 0o644);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('isExecutable and which', () => {
  it('accepts only executable regular files', async () => {
    expect(await isExecutable(join(dir, 'bin', 'tool'))).toBe(true);
    expect(await isExecutable(join(dir, 'bin', 'plain'))).toBe(false);
    expect(await isExecutable(join(dir, 'bin'))).toBe(false);
    expect(await isExecutable(join(dir, 'missing'))).toBe(false);
  });

  it('resolves names against PATH in order, and paths as they are', async () => {
    const env = { PATH: ['/nonexistent', join(dir, 'bin')].join(':') };
    expect(await which('tool', env)).toBe(join(dir, 'bin', 'tool'));
    expect(await which('plain', env)).toBeUndefined();
    expect(await which(join(dir, 'bin', 'tool'), {})).toBe(join(dir, 'bin', 'tool'));
    expect(await which('tool', { PATH: '' })).toBeUndefined();
  });
});
