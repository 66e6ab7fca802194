import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { deferredCompile, plt, withDeferredCompiles } from '../../src/cluster/platformatic-kafka.js';

const ROOT = join(import.meta.dirname, '..', '..');
const schema = { type: 'object', properties: { n: { type: 'integer', minimum: 1 } }, required: ['n'], additionalProperties: false };
type Compile = Parameters<typeof deferredCompile>[0];

describe('@platformatic/kafka loaded with its validators compiled on first use', () => {
  it('a deferred validator compiles on its first call only, and answers and reports errors as the compiled one', () => {
    const ajv = new Ajv2020({ allErrors: true, strict: true });
    let compiles = 0;
    const original = ajv.compile.bind(ajv) as unknown as Compile;
    const counting: Compile = (s, meta) => (compiles++, original(s, meta));
    const lazy = deferredCompile(counting).call(ajv, schema);
    const eager = new Ajv2020({ allErrors: true, strict: true }).compile(schema);
    expect(compiles).toBe(0);
    for (const data of [{ n: 2 }, { n: 0 }, { m: 1 }, 'x', { n: 1.5, extra: true }]) {
      expect(lazy(data)).toBe(eager(data));
      expect(lazy.errors).toEqual(eager.errors);
    }
    expect(compiles).toBe(1);
    expect(lazy.schema).toBe(schema);
  });

  it('compile is restored after the load, also when the load fails, and an inherited compile stays inherited', async () => {
    class Base {
      compile(this: unknown, s: unknown): (d: unknown) => unknown {
        return () => s;
      }
    }
    class Sub extends Base {}
    const seen: unknown[] = [];
    await withDeferredCompiles(Sub as never, async () => {
      seen.push(Object.hasOwn(Sub.prototype, 'compile'));
    });
    expect(seen).toEqual([true]);
    expect(Object.hasOwn(Sub.prototype, 'compile')).toBe(false);
    await expect(withDeferredCompiles(Sub as never, () => Promise.reject(new Error('load failed')))).rejects.toThrow('load failed');
    expect(Object.hasOwn(Sub.prototype, 'compile')).toBe(false);
    expect(new Sub().compile('s')(1)).toBe('s');
    // Without a class the load runs as it is.
    expect(await withDeferredCompiles(undefined, async () => 42)).toBe(42);
  });

  it('the package works as loaded: its clients exist, and ajv compiles eagerly again afterwards', () => {
    expect(typeof plt.Admin).toBe('function');
    expect(typeof plt.Producer).toBe('function');
    expect(plt.ListOffsetTimestamps.LATEST).toBe(-1n);
    expect(Object.hasOwn(Ajv2020.prototype, 'compile')).toBe(false);
    expect(() => new Ajv2020({ strict: true }).compile({ type: 'object', unknownKeyword: 1 })).toThrow(/unknown keyword/);
  });

  it('under Node’s own module loader, importing the adapter compiles none of the package’s schemas', () => {
    // Counts calls of the real compile (the one the deferred validators call on first use) while the adapter loads.
    const script = [
      "import { Ajv2020 } from 'ajv/dist/2020.js';",
      'const core = Object.getPrototypeOf(Ajv2020.prototype); const real = core.compile; let n = 0;',
      'core.compile = function (...a) { n++; return real.apply(this, a); };',
      "await import('./src/cluster/platformatic-adapter.ts');",
      'console.log(n);',
    ].join('\n');
    const out = execFileSync(process.execPath, ['--import', 'tsx/esm', '--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8' });
    expect(Number(out.trim())).toBe(0);
    // The same count without the deferral (the package imported directly) shows the test can fail.
    const direct = execFileSync(process.execPath, ['--input-type=module', '-e', script.replace('./src/cluster/platformatic-adapter.ts', '@platformatic/kafka')], { cwd: ROOT, encoding: 'utf8' });
    expect(Number(direct.trim())).toBeGreaterThan(20);
  });
});
