/**
 * @platformatic/kafka, loaded with its option validators compiled when first used rather than when
 * the package is imported. Version 1.35 compiles 39 JSON Schemas with ajv at import time (every
 * client's options, used or not); that was 0.7 s of every `drift`, `import`, `plan` and `health` on
 * this 2-core machine (the package took 1.3–1.6 s to import, 0.5–0.8 s this way). While the package
 * loads, `compile` of the ajv copy it resolves returns a validator that compiles on its first call
 * and then behaves as the compiled one (same result, same `errors`); afterwards ajv is as it was.
 * When that copy cannot be found or has another shape the package loads as it always did.
 * Every module that uses the package imports it from here.
 */
import { createRequire } from 'node:module';
import type * as Platformatic from '@platformatic/kafka';

interface Validator {
  (this: unknown, ...args: unknown[]): unknown;
  errors?: unknown;
  schema?: unknown;
}
type Compile = (this: unknown, schema: unknown, meta?: boolean) => Validator;
interface AjvClass {
  prototype: { compile?: Compile };
}

/** `compile` made lazy: the returned function compiles with `original` on its first call. */
export function deferredCompile(original: Compile): Compile {
  return function (this: unknown, schema: unknown, meta?: boolean): Validator {
    const ajv = this;
    let compiled: Validator | undefined;
    const validate: Validator = function (this: unknown, ...args: unknown[]) {
      compiled ??= original.call(ajv, schema, meta);
      const result = compiled.apply(this, args);
      validate.errors = compiled.errors;
      return result;
    };
    validate.errors = null;
    validate.schema = schema;
    return validate;
  };
}

/** Runs `load` with `compile` of `ajvClass` deferred, then restores it. */
export async function withDeferredCompiles<T>(ajvClass: AjvClass | undefined, load: () => Promise<T>): Promise<T> {
  const original = ajvClass?.prototype.compile;
  if (!ajvClass || typeof original !== 'function') return load();
  const own = Object.hasOwn(ajvClass.prototype, 'compile');
  ajvClass.prototype.compile = deferredCompile(original);
  try {
    return await load();
  } finally {
    if (own) ajvClass.prototype.compile = original;
    else delete ajvClass.prototype.compile;
  }
}

/** The Ajv2020 class of the ajv copy @platformatic/kafka resolves, or undefined. */
function platformaticAjv(): AjvClass | undefined {
  try {
    const fromPackage = createRequire(createRequire(import.meta.url).resolve('@platformatic/kafka'));
    const ajv = fromPackage('ajv/dist/2020.js') as { Ajv2020?: AjvClass };
    return typeof ajv.Ajv2020 === 'function' ? ajv.Ajv2020 : undefined;
  } catch {
    return undefined;
  }
}

export const plt: typeof Platformatic = await withDeferredCompiles(platformaticAjv(), () => import('@platformatic/kafka'));
