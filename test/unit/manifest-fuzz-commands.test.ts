/**
 * Fuzzing past validate: `synth` over seeded corruptions of the valid fixtures (text and bytes).
 * Each run either writes one parseable cdk.tf.json per environment or fails with a UserError (a
 * one-line diagnostic list, never a stack trace); `import -o` over a corrupt existing file leaves it
 * byte for byte as it was, with --force too when the cluster cannot be read; validate --against over a
 * corrupt previous version; capacity --from over a corrupt load-test report (no NaN in a plan).
 * The seed and iteration are in every failure message.
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
  }, 60_000);
});

/** Runs the CLI in-process with stdout and stderr captured. */
async function cli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
  try {
    return { code: await main(argv), out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

describe('validate --against over a corrupt previous version', () => {
  it('judges the change or names what is wrong with the previous file, never a stack trace, and changes neither file', async () => {
    const r = rng(SEED + 2);
    for (let i = 0; i < 12; i++) {
      const base = BASES[Math.floor(r() * BASES.length)]!;
      const where = `seed ${SEED + 2}, iteration ${i} (base ${base})`;
      const current = join(dir, `current-${i}.yaml`);
      const previous = join(dir, `previous-${i}.yaml`);
      const text = readFileSync(join(VALID, base), 'utf8');
      writeFileSync(current, text);
      const bytes = corrupt(r, text);
      writeFileSync(previous, bytes);
      const { code, out, err } = await cli(['validate', '-f', current, '--against', previous, '--format', 'json']);
      expect([0, 1], `${where}: exit ${code}: ${err}`).toContain(code);
      expect(err + out, where).not.toMatch(/\n\s+at /);
      expect(() => JSON.parse(out), `${where}: --format json printed no JSON: ${out.slice(0, 200)}`).not.toThrow();
      expect(readFileSync(current, 'utf8'), `${where}: the current file changed`).toBe(text);
      expect(readFileSync(previous).equals(bytes), `${where}: the previous file changed`).toBe(true);
    }
  }, 60_000);
});

/** One seeded corruption of a JSON value: a key dropped, a value replaced by one of the wrong type, or the text cut. */
function corruptJson(r: () => number, text: string): string {
  const doc = JSON.parse(text) as unknown;
  const paths: Array<[Record<string, unknown> | unknown[], string | number]> = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) {
      for (const [k, x] of v.entries()) {
        paths.push([v, k]);
        walk(x);
      }
    } else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        paths.push([v as Record<string, unknown>, k]);
        walk(x);
      }
    }
  };
  walk(doc);
  const junk: unknown[] = [null, 'x', -1, 0, 1e308, [], {}, true, '12', Number.MAX_SAFE_INTEGER];
  const cuts = 1 + Math.floor(r() * 3);
  for (let c = 0; c < cuts; c++) {
    const [holder, key] = paths[Math.floor(r() * paths.length)]!;
    if (r() < 0.3 && !Array.isArray(holder)) delete (holder as Record<string, unknown>)[key as string];
    else (holder as Record<string | number, unknown>)[key] = junk[Math.floor(r() * junk.length)];
  }
  const out = JSON.stringify(doc, null, 2);
  return r() < 0.15 ? out.slice(0, Math.floor(r() * out.length)) : out;
}

describe('capacity --from over a corrupt load-test report', () => {
  const REPORT = join(import.meta.dirname, '..', 'fixtures', 'reports', 'loadtest-fixed.json');
  const spec = join(dir, 'capacity.yaml');
  writeFileSync(spec, 'version: 1\ncluster:\n  name: fuzz\n  brokers: 3\ndefaults:\n  replicationFactor: 3\ntopics:\n  orders.placed:\n    partitions: 6\n    expected:\n      messagesPerSecond: 2000\n      messageBytes: 512\n');

  it('the uncorrupted report plans (the property below says something)', async () => {
    const { code, out, err } = await cli(['capacity', '-f', spec, '--from', REPORT, '--format', 'json']);
    expect([0, 2], err).toContain(code);
    expect(JSON.parse(out)).toHaveProperty('topics');
  }, 30_000);

  it('plans or fails with one line naming the report, never a stack trace or NaN, and leaves the report as it was', async () => {
    const r = rng(SEED + 3);
    const text = readFileSync(REPORT, 'utf8');
    let refused = 0;
    for (let i = 0; i < 40; i++) {
      const where = `seed ${SEED + 3}, iteration ${i}`;
      const file = join(dir, `report-${i}.json`);
      const mutant = corruptJson(r, text);
      writeFileSync(file, mutant);
      const { code, out, err } = await cli(['capacity', '-f', spec, '--from', file, '--format', 'json']);
      expect([0, 1, 2], `${where}: exit ${code}: ${err}`).toContain(code);
      expect(err + out, `${where}: a stack trace`).not.toMatch(/\n\s+at /);
      if (code === 1) {
        refused++;
        expect(err, `${where}: the error does not name the report: ${err}`).toContain(file);
      } else {
        const bad = out.split('\n').filter((l) => /NaN|Infinity/.test(l));
        expect(bad.join('\n'), `${where}: NaN or Infinity in the plan`).toBe('');
      }
      expect(readFileSync(file, 'utf8'), `${where}: the report changed`).toBe(mutant);
    }
    expect(refused, `seed ${SEED + 3}`).toBeGreaterThan(4);
  }, 60_000);
});

describe('import -o --force over a corrupt existing file', () => {
  it('reads the cluster first: when that fails, the existing file is left byte for byte as it was', async () => {
    const r = rng(SEED + 4);
    for (let i = 0; i < 5; i++) {
      const base = BASES[Math.floor(r() * BASES.length)]!;
      const where = `seed ${SEED + 4}, iteration ${i} (base ${base})`;
      const file = join(dir, `forced-${i}.yaml`);
      const bytes = corrupt(r, readFileSync(join(VALID, base), 'utf8'));
      writeFileSync(file, bytes);
      const { code, err } = await cli(['import', '-o', file, '--force', '--bootstrap-servers', '127.0.0.1:1', '--timeout', '1']);
      expect(code, where).toBe(1);
      expect(err, where).not.toMatch(/\n\s+at /);
      expect(readFileSync(file).equals(bytes), `${where}: the file changed`).toBe(true);
    }
  }, 60_000);
});
