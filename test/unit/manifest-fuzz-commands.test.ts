/**
 * Fuzzing past validate: `synth` over seeded corruptions of the valid fixtures (text and bytes).
 * Each run either writes one parseable cdk.tf.json per environment or fails with a UserError (a
 * one-line diagnostic list, never a stack trace); `import -o` over a corrupt existing file leaves it
 * byte for byte as it was. The seed and iteration are in every failure message.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { UserError } from '../../src/errors.js';
import { rng } from '../../src/schema/payload.js';
import { synthFromFile } from '../../src/synth/synth-file.js';

const SEED = 20_261_202;
const ITERATIONS = 40;
const VALID = join(import.meta.dirname, '..', 'fixtures', 'manifests', 'valid');
const BASES = readdirSync(VALID).filter((f) => f.endsWith('.yaml')).sort();
const JUNK = ['{', '}', '[', ']', ':', '- ', '\t', '"', '&a', '*a', '<<: *a', 'x-', '\u0000', '\uFEFF', '0', '-1', 'null', '\n  '];

const dir = mkdtempSync(join(tmpdir(), 'kafkaform-fuzz-synth-'));
// The fixtures' schema files resolve relative to the spec.
symlinkSync(join(VALID, 'schemas'), join(dir, 'schemas'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** One seeded corruption: cut, junk inserted, a line doubled or dropped, or a byte changed. */
function corrupt(r: () => number, text: string): Buffer {
  const lines = text.split('\n');
  const at = Math.floor(r() * text.length);
  const line = Math.floor(r() * lines.length);
  switch (Math.floor(r() * 5)) {
    case 0:
      return Buffer.from(text.slice(0, at));
    case 1:
      return Buffer.from(text.slice(0, at) + JUNK[Math.floor(r() * JUNK.length)] + text.slice(at));
    case 2:
      lines.splice(line, 0, lines[line]!);
      return Buffer.from(lines.join('\n'));
    case 3:
      lines.splice(line, 1);
      return Buffer.from(lines.join('\n'));
    default: {
      const bytes = Buffer.from(text);
      bytes[Math.floor(r() * bytes.length)] = Math.floor(r() * 256);
      return bytes;
    }
  }
}

describe('synth over corrupt files', () => {
  it(`writes stacks or fails with a UserError for ${ITERATIONS} seeded corruptions (seed ${SEED})`, () => {
    const r = rng(SEED);
    let failed = 0;
    for (let i = 0; i < ITERATIONS; i++) {
      const base = BASES[Math.floor(r() * BASES.length)]!;
      const where = `seed ${SEED}, iteration ${i} (base ${base})`;
      const file = join(dir, `mutant-${i}.yaml`);
      writeFileSync(file, corrupt(r, readFileSync(join(VALID, base), 'utf8')));
      const outdir = join(dir, `out-${i}`);
      try {
        const { stackDirs } = synthFromFile({ file, outdir });
        for (const [env, d] of stackDirs) {
          const stack = join(d, 'cdk.tf.json');
          expect(existsSync(stack), `${where}: no stack for ${env}`).toBe(true);
          expect(() => JSON.parse(readFileSync(stack, 'utf8')), `${where}: ${env} stack is not JSON`).not.toThrow();
        }
      } catch (e) {
        if (!(e instanceof UserError)) throw new Error(`${where}: threw ${(e as Error).stack}`);
        expect(e.message, `${where}: a UserError without a diagnostic`).toMatch(/mutant-\d+\.yaml:\d+:\d+: error\[/);
        expect(e.message, `${where}: raw bytes in the message`).not.toMatch(/\uFFFD/);
        failed++;
      }
    }
    // Most corruptions must break the file, or the property says little; some must still synthesize.
    expect(failed, `seed ${SEED}`).toBeGreaterThan(ITERATIONS / 4);
    expect(failed, `seed ${SEED}`).toBeLessThan(ITERATIONS);
  }, 120_000);
});

describe('import -o over a corrupt existing file', () => {
  it('refuses without --force, before any connection, and leaves the file as it was', async () => {
    const r = rng(SEED + 1);
    for (let i = 0; i < 10; i++) {
      const base = BASES[Math.floor(r() * BASES.length)]!;
      const where = `seed ${SEED + 1}, iteration ${i} (base ${base})`;
      const file = join(dir, `existing-${i}.yaml`);
      const bytes = corrupt(r, readFileSync(join(VALID, base), 'utf8'));
      writeFileSync(file, bytes);
      let err = '';
      const o = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
      const e = vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
      let code: number;
      try {
        // A closed loopback port: reaching the cluster would fail, so an exit 1 that names the file proves it never tried.
        code = await main(['import', '-o', file, '--bootstrap-servers', '127.0.0.1:1', '--timeout', '1']);
      } finally {
        o.mockRestore();
        e.mockRestore();
      }
      expect(code, where).toBe(1);
      expect(err, where).toContain('already exists: nothing was written');
      expect(err, where).not.toMatch(/\n\s+at /);
      expect(readFileSync(file).equals(bytes), `${where}: the file changed`).toBe(true);
    }
  });
});
