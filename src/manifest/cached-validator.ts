/**
 * An ajv validator compiled once per schema and kept as ajv's standalone code in the cache
 * (~/.cache/kafkaform/validators, KAFKAFORM_CACHE_DIR overrides): compiling the topics.yaml schema
 * took 0.23–0.3 s of every command's first validate on this 2-core machine, loading the kept code
 * (460 KB, the schema inlined for verbose errors) about 0.03 s. The file's name is a hash of the
 * schema, ajv's version and the options, so a changed schema compiles anew. A cache that cannot be
 * read or written costs only the compile; a kept file that does not load is compiled again.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Ajv, type Options, type ValidateFunction } from 'ajv';
import { cacheDir } from '../toolchain/paths.js';

const require = createRequire(import.meta.url);
const ajvVersion = (require('ajv/package.json') as { version: string }).version;

/** Where the kept code of `schema` compiled with `options` lives. */
export function validatorCachePath(schema: object, options: Options, env: NodeJS.ProcessEnv = process.env): string {
  const key = createHash('sha256').update(JSON.stringify({ ajv: ajvVersion, options, schema })).digest('hex').slice(0, 32);
  return join(cacheDir(env), 'validators', `${key}.cjs`);
}

/** Evaluates ajv standalone code as the CommonJS module it is; its runtime helpers resolve from here. */
function loadStandalone(code: string): ValidateFunction {
  const module = { exports: {} as { default?: ValidateFunction } };
  new Function('require', 'module', 'exports', code)(require, module, module.exports);
  const validate = module.exports.default ?? (module.exports as unknown as ValidateFunction);
  if (typeof validate !== 'function') throw new Error('not a validator');
  return validate;
}

/** The validator of `schema`: the kept code when there is some, else compiled (and kept for next time). */
export function cachedValidator(schema: object, options: Options, env: NodeJS.ProcessEnv = process.env): ValidateFunction {
  const file = validatorCachePath(schema, options, env);
  try {
    return loadStandalone(readFileSync(file, 'utf8'));
  } catch {
    // Not kept yet, unreadable, or not loadable: compile.
  }
  const ajv = new Ajv({ ...options, code: { ...options.code, source: true } });
  const validate = ajv.compile(schema);
  try {
    mkdirSync(join(file, '..'), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    // Loaded only here: a command that finds the code kept never loads ajv's code generator.
    const standaloneCode = (require('ajv/dist/standalone') as { default: (ajv: Ajv, validate: ValidateFunction) => string }).default;
    writeFileSync(tmp, standaloneCode(ajv, validate));
    renameSync(tmp, file); // atomic: a concurrent reader sees the whole file or none
  } catch {
    // A read-only or full cache only costs the compile next time.
  }
  return validate;
}
