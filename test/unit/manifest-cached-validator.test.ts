import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cachedValidator, validatorCachePath } from '../../src/manifest/cached-validator.js';
import { buildJsonSchema } from '../../src/manifest/json-schema.js';

const options = { allErrors: true, strict: false, allowUnionTypes: true, verbose: true, code: { optimize: false } };
const dirs: string[] = [];
function cacheEnv(): NodeJS.ProcessEnv {
  const dir = mkdtempSync(join(tmpdir(), 'kf-validators-'));
  dirs.push(dir);
  return { KAFKAFORM_CACHE_DIR: dir };
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const samples: unknown[] = [
  { version: 1, topics: { 'orders.placed': { partitions: 3 } } },
  { version: 1, topics: { a: { partitions: 'x', colour: 'red' } } },
  'not a mapping',
  { version: 2, topics: [{}], services: { s: { produces: 5 } } },
];

describe('the JSON Schema validator kept as standalone code in the cache', () => {
  it('the first call compiles and keeps the code; the next loads it and answers with the same results and errors', () => {
    const env = cacheEnv();
    const schema = buildJsonSchema();
    const file = validatorCachePath(schema, options, env);
    expect(existsSync(file)).toBe(false);
    const compiled = cachedValidator(schema, options, env);
    expect(existsSync(file)).toBe(true);
    const kept = cachedValidator(schema, options, env);
    expect(kept).not.toBe(compiled);
    for (const s of samples) {
      expect(kept(s)).toBe(compiled(s));
      expect(kept.errors).toEqual(compiled.errors);
    }
    expect(compiled(samples[0])).toBe(true);
    expect(compiled(samples[1])).toBe(false);
    // verbose errors keep the parent schema that the diagnostics read
    expect(kept.errors?.some((e) => e.parentSchema !== undefined)).toBe(true);
  });

  it('a kept file that does not load is compiled again and replaced', () => {
    const env = cacheEnv();
    const schema = buildJsonSchema();
    cachedValidator(schema, options, env);
    const file = validatorCachePath(schema, options, env);
    writeFileSync(file, 'module.exports = (function broken( {');
    const v = cachedValidator(schema, options, env);
    expect(v(samples[0])).toBe(true);
    expect(readFileSync(file, 'utf8')).toContain('function validate');
  });

  it('a cache that cannot be written still gives a working validator', () => {
    const env = cacheEnv();
    const blocked = join(env.KAFKAFORM_CACHE_DIR!, 'file');
    writeFileSync(blocked, 'a file where the cache directory would be');
    const v = cachedValidator(buildJsonSchema(), options, { KAFKAFORM_CACHE_DIR: blocked });
    expect(v(samples[0])).toBe(true);
    expect(v(samples[1])).toBe(false);
  });

  it('another schema or other options get another file', () => {
    const env = cacheEnv();
    const schema = buildJsonSchema();
    const base = validatorCachePath(schema, options, env);
    expect(validatorCachePath({ ...schema, title: 'other' }, options, env)).not.toBe(base);
    expect(validatorCachePath(schema, { ...options, verbose: false }, env)).not.toBe(base);
    expect(validatorCachePath(schema, options, env)).toBe(base);
  });
});
