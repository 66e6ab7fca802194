/**
 * `$ref` resolution for JSON Schema comparison: local JSON pointers (`#/definitions/x`,
 * `#/$defs/x`), anchors, embedded `$id`s, and other documents (other files in schemas/, or
 * registry references) through an injected lookup. Pure.
 */

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

export interface JsonRefContext {
  /** The document `#` refers to. */
  root: unknown;
  /** The document's URI (its `$id`, or the file name), against which relative refs resolve. */
  base?: string;
  /** Another document by URI (absolute, or as written in the `$ref`); undefined when unknown. */
  external?: (uri: string) => unknown;
}

export interface ResolvedRef {
  schema: unknown;
  ctx: JsonRefContext;
  /** The `$ref` that did not resolve (or closes a cycle of refs). */
  unresolved?: string;
  /** True when `unresolved` closes a chain of refs that only leads back to itself. */
  cycle?: boolean;
}

const idOf = (s: unknown): string | undefined => (isObj(s) ? (typeof s.$id === 'string' ? s.$id : typeof s.id === 'string' ? s.id : undefined) : undefined);

function absolute(ref: string, base: string | undefined): string {
  try {
    return base ? new URL(ref, base).href : new URL(ref).href;
  } catch {
    return ref;
  }
}

/** Every sub-schema of `doc`, for `$id` and `$anchor` look-ups. */
function* walk(doc: unknown): Generator<Json> {
  if (Array.isArray(doc)) for (const x of doc) yield* walk(x);
  else if (isObj(doc)) {
    yield doc;
    for (const v of Object.values(doc)) yield* walk(v);
  }
}

function pointer(doc: unknown, frag: string): unknown {
  let cur: unknown = doc;
  for (const raw of frag.split('/').slice(1)) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(cur)) cur = cur[Number(key)];
    else if (isObj(cur)) cur = cur[key];
    else return undefined;
  }
  return cur;
}

/** Follows `$ref` (repeatedly) from `s`; a schema without one comes back as it is. */
export function resolveJsonRef(ctx: JsonRefContext, s: unknown): ResolvedRef {
  const seen = new Set<string>();
  let cur = s;
  let c = ctx;
  while (isObj(cur) && typeof cur.$ref === 'string') {
    const ref = cur.$ref;
    const base = c.base ?? idOf(c.root);
    const hash = ref.indexOf('#');
    const uri = hash >= 0 ? ref.slice(0, hash) : ref;
    const frag = hash >= 0 ? ref.slice(hash + 1) : '';
    const key = `${absolute(uri, base)}#${frag}`;
    if (seen.has(key)) return { schema: cur, ctx: c, unresolved: ref, cycle: true };
    seen.add(key);
    let doc: unknown;
    if (uri === '' || (base !== undefined && absolute(uri, base) === absolute(base, undefined))) doc = c.root;
    else {
      const abs = absolute(uri, base);
      doc = [...walk(c.root)].find((x) => idOf(x) !== undefined && absolute(idOf(x)!, base) === abs);
      if (doc === undefined) {
        doc = c.external?.(abs) ?? c.external?.(uri);
        if (doc === undefined) return { schema: cur, ctx: c, unresolved: ref };
        c = { root: doc, base: idOf(doc) ?? abs, ...(c.external ? { external: c.external } : {}) };
      }
    }
    let target: unknown;
    if (frag === '') target = doc;
    else if (frag.startsWith('/')) target = pointer(doc, frag);
    else target = [...walk(doc)].find((x) => x.$anchor === frag || idOf(x) === `#${frag}`);
    if (target === undefined) return { schema: cur, ctx: c, unresolved: ref };
    cur = target;
  }
  return { schema: cur, ctx: c };
}
