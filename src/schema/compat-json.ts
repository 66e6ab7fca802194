/** (Over 400 lines: one recursive walk of Confluent's diff; each keyword family needs the walk's context.)
 * JSON Schema compatibility as Confluent Schema Registry's schema diff judges it: the writer's
 * schema (original) is compared with the reader's (update), every difference gets Confluent's
 * change type, and the check fails on any type outside its compatible set. Drafts 4 to 2020-12
 * (boolean exclusive bounds, `dependencies` vs `dependentRequired`/`dependentSchemas`, tuple
 * `items`/`additionalItems` vs `prefixItems`/`items`) are read into one shape first.
 */
import { COMPATIBLE, describeDifference, type Difference, type ReaderSide } from './json-changes.js';
import { resolveJsonRef, type JsonRefContext } from './json-ref.js';

export type { ReaderSide };
type Json = Record<string, unknown>;

const isObj = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);
const canon = (v: unknown): unknown => (Array.isArray(v) ? v.map(canon) : isObj(v) ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, canon(v[k])])) : v);
const same = (a: unknown, b: unknown): boolean => JSON.stringify(canon(a)) === JSON.stringify(canon(b));

const COMBINATORS = ['allOf', 'anyOf', 'oneOf'] as const;
const TYPED: Record<string, string[]> = {
  object: ['properties', 'required', 'additionalProperties', 'patternProperties', 'minProperties', 'maxProperties', 'dependencies', 'dependentRequired', 'dependentSchemas', 'propertyNames'],
  array: ['items', 'additionalItems', 'prefixItems', 'minItems', 'maxItems', 'uniqueItems', 'contains'],
  string: ['minLength', 'maxLength', 'pattern'],
  number: ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf'],
};

type Shape =
  | { kind: 'empty' }
  | { kind: 'false' }
  | { kind: 'combined'; criterion: 'allOf' | 'anyOf' | 'oneOf'; subs: unknown[] }
  | { kind: 'not'; schema: unknown }
  | { kind: 'enum'; values: unknown[] }
  | { kind: 'const'; value: unknown }
  | { kind: 'typed'; type: string; integer: boolean; s: Json }
  | { kind: 'unresolved'; ref: string };

/** What a schema is, the way everit's loader (under Confluent's diff) builds it: several keyword families make an allOf. */
function shapeOf(s: unknown): Shape {
  if (s === true || s === undefined) return { kind: 'empty' };
  if (s === false) return { kind: 'false' };
  if (!isObj(s)) return { kind: 'empty' };
  const parts: Shape[] = [];
  const types = typeof s.type === 'string' ? [s.type] : Array.isArray(s.type) ? (s.type as string[]) : undefined;
  const typedKeys = Object.keys(s).filter((k) => Object.values(TYPED).some((ks) => ks.includes(k)));
  if (types && types.length > 1) parts.push({ kind: 'combined', criterion: 'anyOf', subs: types.map((t) => ({ ...pick(s, [...(TYPED[t === 'integer' ? 'number' : t] ?? [])]), type: t })) });
  else if (types && types.length === 1) parts.push(typed(types[0]!, s));
  else if (typedKeys.length > 0) {
    const t = Object.keys(TYPED).find((k) => TYPED[k]!.some((x) => x in s))!;
    parts.push(typed(t, s));
  }
  if (Array.isArray(s.enum)) parts.push({ kind: 'enum', values: s.enum as unknown[] });
  if ('const' in s) parts.push({ kind: 'const', value: s.const });
  if ('not' in s) parts.push({ kind: 'not', schema: s.not });
  for (const c of COMBINATORS) if (Array.isArray(s[c])) parts.push({ kind: 'combined', criterion: c, subs: s[c] as unknown[] });
  if (parts.length === 0) return { kind: 'empty' };
  if (parts.length === 1) return parts[0]!;
  return { kind: 'combined', criterion: 'allOf', subs: parts.map((p) => ({ [SHAPE]: p })) };
}

/** A sub-schema that is already a shape (the parts of a several-family schema). */
const SHAPE = Symbol('shape');
const typed = (t: string, s: Json): Shape => ({ kind: 'typed', type: t === 'integer' ? 'number' : t, integer: t === 'integer', s });
const pick = (s: Json, keys: string[]): Json => Object.fromEntries(keys.filter((k) => k in s).map((k) => [k, s[k]]));

class Diff {
  readonly out: Difference[] = [];
  private readonly visiting = new Set<string>();
  private readonly ids = new Map<unknown, number>();

  constructor(
    private orig: JsonRefContext,
    private upd: JsonRefContext,
  ) {}

  private add(type: string, path: string, values?: [unknown, unknown]) {
    this.out.push(values ? { type, path, values } : { type, path });
  }

  /** Whether `o` → `u` alone is compatible (sub-schema matching); nothing recorded. */
  private fits(o: unknown, u: unknown, path: string, oc = this.orig, uc = this.upd): boolean {
    const sub = new Diff(oc, uc);
    for (const k of this.visiting) sub.visiting.add(k);
    for (const [k, v] of this.ids) sub.ids.set(k, v);
    sub.compare(o, u, path);
    return sub.out.every((d) => COMPATIBLE.has(d.type));
  }

  private id(v: unknown): number {
    if (!isObj(v)) return -1;
    let n = this.ids.get(v);
    if (n === undefined) {
      n = this.ids.size;
      this.ids.set(v, n);
    }
    return n;
  }

  compare(o0: unknown, u0: unknown, path: string): void {
    const o = resolveJsonRef(this.orig, o0);
    const u = resolveJsonRef(this.upd, u0);
    const key = `${this.id(o.schema)}|${this.id(u.schema)}`;
    if (this.visiting.has(key)) return; // a recursive definition met again
    this.visiting.add(key);
    const [oc, uc] = [this.orig, this.upd];
    // Refs inside a referenced document resolve against that document.
    this.orig = o.ctx;
    this.upd = u.ctx;
    try {
      this.compareShapes(o.unresolved ? { kind: 'unresolved', ref: o.unresolved } : asShape(o.schema), u.unresolved ? { kind: 'unresolved', ref: u.unresolved } : asShape(u.schema), path);
    } finally {
      this.orig = oc;
      this.upd = uc;
      this.visiting.delete(key);
    }
  }

  private compareShapes(o: Shape, u: Shape, path: string): void {
    if (u.kind === 'empty' || o.kind === 'false') return;
    if (o.kind === 'unresolved' || u.kind === 'unresolved') {
      if (!(o.kind === 'unresolved' && u.kind === 'unresolved' && o.ref === u.ref)) this.add('TYPE_CHANGED', path);
      return;
    }
    if (o.kind !== u.kind || (o.kind === 'typed' && u.kind === 'typed' && o.type !== u.type)) {
      if (u.kind === 'combined' && (u.criterion !== 'allOf' || u.subs.length === 1)) {
        for (const sub of u.subs) {
          if (this.fits(wrap(o), sub, path)) {
            this.compare(wrap(o), sub, path);
            this.add('SUM_TYPE_EXTENDED', path);
            return;
          }
        }
      } else if (o.kind === 'combined' && o.subs.length === 1) {
        this.compare(o.subs[0], wrap(u), path);
        return;
      }
      this.add('TYPE_CHANGED', path);
      return;
    }
    switch (o.kind) {
      case 'enum': {
        const uv = (u as typeof o).values;
        const lost = o.values.filter((v) => !uv.some((x) => same(x, v)));
        const gained = uv.filter((v) => !o.values.some((x) => same(x, v)));
        if (lost.length > 0) this.add(gained.length > 0 ? 'ENUM_ARRAY_CHANGED' : 'ENUM_ARRAY_NARROWED', path, [o.values, uv]);
        else if (gained.length > 0) this.add('ENUM_ARRAY_EXTENDED', path);
        return;
      }
      case 'const':
        if (!same(o.value, (u as typeof o).value)) this.add('ENUM_ARRAY_CHANGED', path, [o.value, (u as typeof o).value]);
        return;
      case 'not':
        // Reversed: the update may forbid less than the original did.
        this.add(this.fits((u as typeof o).schema, o.schema, path, this.upd, this.orig) ? 'NOT_TYPE_NARROWED' : 'NOT_TYPE_EXTENDED', path);
        return;
      case 'combined':
        this.compareCombined(o, u as typeof o, path);
        return;
      case 'typed': {
        const ut = u as typeof o;
        if (o.integer && !ut.integer) this.add('TYPE_EXTENDED', path);
        if (!o.integer && ut.integer) this.add('TYPE_NARROWED', path);
        if (o.type === 'string') this.compareString(o.s, ut.s, path);
        if (o.type === 'number') this.compareNumber(o.s, ut.s, path);
        if (o.type === 'object') this.compareObject(o.s, ut.s, path);
        if (o.type === 'array') this.compareArray(o.s, ut.s, path);
        return;
      }
    }
  }

  private compareCombined(o: Shape & { kind: 'combined' }, u: Shape & { kind: 'combined' }, path: string) {
    if (o.criterion !== u.criterion && u.criterion !== 'anyOf') {
      this.add('COMBINED_TYPE_CHANGED', path);
      return;
    }
    if (o.criterion !== u.criterion) this.add('COMBINED_TYPE_EXTENDED', path);
    const product = u.criterion === 'allOf';
    if (o.subs.length < u.subs.length) this.add(product ? 'PRODUCT_TYPE_EXTENDED' : 'SUM_TYPE_EXTENDED', path);
    if (o.subs.length > u.subs.length) this.add(product ? 'PRODUCT_TYPE_NARROWED' : 'SUM_TYPE_NARROWED', path);
    // Largest matching of original to update branches by compatibility (augmenting paths; branches are few).
    const ok = o.subs.map((os) => u.subs.map((us) => this.fits(os, us, path)));
    const matchOfU: number[] = u.subs.map(() => -1);
    const tryMatch = (i: number, seen: boolean[]): boolean => {
      for (let j = 0; j < u.subs.length; j++) {
        if (!ok[i]![j] || seen[j]) continue;
        seen[j] = true;
        if (matchOfU[j] === -1 || tryMatch(matchOfU[j]!, seen)) {
          matchOfU[j] = i;
          return true;
        }
      }
      return false;
    };
    let matched = 0;
    for (let i = 0; i < o.subs.length; i++) if (tryMatch(i, u.subs.map(() => false))) matched++;
    if (matched < Math.min(o.subs.length, u.subs.length)) {
      this.add('COMBINED_TYPE_SUBSCHEMAS_CHANGED', path);
      return;
    }
    matchOfU.forEach((i, j) => {
      if (i >= 0) this.compare(o.subs[i], u.subs[j], path);
    });
  }

  /** A numeric keyword: MAXIMUM_ADDED, MIN_LENGTH_INCREASED, … (COMPATIBLE says which way is safe). */
  private bound(name: string, o: Json, u: Json, path: string) {
    const a = o[name];
    const b = u[name];
    const NAME = name.replace(/([A-Z])/g, '_$1').toUpperCase();
    if (typeof a !== 'number' && typeof b !== 'number') return;
    if (typeof a !== 'number') this.add(`${NAME}_ADDED`, path, [undefined, b]);
    else if (typeof b !== 'number') this.add(`${NAME}_REMOVED`, path);
    else if (a !== b) this.add(`${NAME}_${b > a ? 'INCREASED' : 'DECREASED'}`, path, [a, b]);
  }

  private compareString(o: Json, u: Json, path: string) {
    this.bound('maxLength', o, u, path);
    this.bound('minLength', o, u, path);
    if (o.pattern === undefined && u.pattern !== undefined) this.add('PATTERN_ADDED', path, [undefined, u.pattern]);
    else if (o.pattern !== undefined && u.pattern === undefined) this.add('PATTERN_REMOVED', path);
    else if (o.pattern !== u.pattern) this.add('PATTERN_CHANGED', path, [o.pattern, u.pattern]);
  }

  private compareNumber(o0: Json, u0: Json, path: string) {
    const [o, u] = [draft4Bounds(o0), draft4Bounds(u0)];
    for (const k of ['maximum', 'exclusiveMaximum'] as const) this.bound(k, o, u, path);
    for (const k of ['minimum', 'exclusiveMinimum'] as const) this.bound(k, o, u, path);
    const a = o.multipleOf;
    const b = u.multipleOf;
    if (typeof a !== 'number' && typeof b === 'number') this.add('MULTIPLE_OF_ADDED', path, [undefined, b]);
    else if (typeof a === 'number' && typeof b !== 'number') this.add('MULTIPLE_OF_REMOVED', path);
    else if (typeof a === 'number' && typeof b === 'number' && a !== b) this.add(Number.isInteger(a / b) ? 'MULTIPLE_OF_REDUCED' : Number.isInteger(b / a) ? 'MULTIPLE_OF_EXPANDED' : 'MULTIPLE_OF_CHANGED', path, [a, b]);
  }

  private compareObject(o: Json, u: Json, path: string) {
    const at = (p: string) => (path ? `${path}.${p}` : p);
    this.bound('maxProperties', o, u, path);
    this.bound('minProperties', o, u, path);
    this.contentModel(o.additionalProperties, u.additionalProperties, path, 'PROPERTIES');
    const op = isObj(o.properties) ? o.properties : {};
    const up = isObj(u.properties) ? u.properties : {};
    const oReq = new Set(Array.isArray(o.required) ? (o.required as string[]) : []);
    const uReq = new Set(Array.isArray(u.required) ? (u.required as string[]) : []);
    for (const [name, us] of Object.entries(up)) {
      if (name in op) {
        this.compare(op[name], us, at(name));
        continue;
      }
      const cover = coverOf(o, name);
      if (cover === 'open') this.add(asShape(us).kind === 'empty' ? 'PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL' : 'PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL', at(name));
      else if (cover !== false) this.add(this.fits(cover, us, at(name)) ? 'PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL' : 'PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL', at(name));
      else if (uReq.has(name)) this.add(hasDefault(us) ? 'REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL' : 'REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL', at(name));
      else this.add('OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL', at(name));
    }
    for (const [name, os] of Object.entries(op)) {
      if (name in up) continue;
      const cover = coverOf(u, name);
      if (cover === 'open') this.add('PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL', at(name));
      else if (cover !== false) this.add(this.fits(os, cover, at(name)) ? 'PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL' : 'PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL', at(name));
      else this.add(os === false ? 'PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL' : 'PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL', at(name));
    }
    for (const name of uReq) {
      if (oReq.has(name) || (!(name in op) && name in up && coverOf(o, name) === false)) continue; // a new property under a closed model is judged above
      this.add(hasDefault(up[name]) ? 'REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED' : 'REQUIRED_ATTRIBUTE_ADDED', at(name));
    }
    for (const name of oReq) if (!uReq.has(name)) this.add('REQUIRED_ATTRIBUTE_REMOVED', at(name));
    // Pattern properties: the same pattern compared; an added or removed one judged like a property.
    const opp = isObj(o.patternProperties) ? o.patternProperties : {};
    const upp = isObj(u.patternProperties) ? u.patternProperties : {};
    for (const [p, us] of Object.entries(upp)) {
      if (p in opp) this.compare(opp[p], us, at(`/${p}/`));
      else if (isOpenModel(o)) this.add(asShape(us).kind === 'empty' ? 'PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL' : 'PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL', at(`/${p}/`));
      else if (isObj(o.additionalProperties)) this.add(this.fits(o.additionalProperties, us, at(`/${p}/`)) ? 'PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL' : 'PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL', at(`/${p}/`));
    }
    for (const [p, os] of Object.entries(opp)) {
      if (p in upp) continue;
      if (isOpenModel(u)) this.add('PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL', at(`/${p}/`));
      else if (isObj(u.additionalProperties)) this.add(this.fits(os, u.additionalProperties, at(`/${p}/`)) ? 'PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL' : 'PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL', at(`/${p}/`));
      else this.add('PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL', at(`/${p}/`));
    }
    if (o.propertyNames !== undefined || u.propertyNames !== undefined) this.compare(o.propertyNames ?? true, u.propertyNames ?? true, at('(names)'));
    this.compareDependencies(o, u, path);
  }

  private compareDependencies(o: Json, u: Json, path: string) {
    const [oa, os] = dependenciesOf(o);
    const [ua, us] = dependenciesOf(u);
    const at = (p: string) => (path ? `${path}.${p}` : p);
    for (const [k, list] of Object.entries(ua)) {
      const before = oa[k];
      if (!before) this.add('DEPENDENCY_ARRAY_ADDED', at(k), [undefined, list]);
      else if (!same([...before].sort(), [...list].sort())) {
        const grew = before.every((x) => list.includes(x));
        const shrank = list.every((x) => before.includes(x));
        this.add(grew ? 'DEPENDENCY_ARRAY_EXTENDED' : shrank ? 'DEPENDENCY_ARRAY_NARROWED' : 'DEPENDENCY_ARRAY_CHANGED', at(k), [before, list]);
      }
    }
    for (const k of Object.keys(oa)) if (!(k in ua)) this.add('DEPENDENCY_ARRAY_REMOVED', at(k));
    for (const [k, s] of Object.entries(us)) {
      if (k in os) this.compare(os[k], s, at(k));
      else this.add('DEPENDENCY_SCHEMA_ADDED', at(k));
    }
    for (const k of Object.keys(os)) if (!(k in us)) this.add('DEPENDENCY_SCHEMA_REMOVED', at(k));
  }

  private compareArray(o: Json, u: Json, path: string) {
    this.bound('maxItems', o, u, path);
    this.bound('minItems', o, u, path);
    if (o.uniqueItems !== true && u.uniqueItems === true) this.add('UNIQUE_ITEMS_ADDED', path);
    if (o.uniqueItems === true && u.uniqueItems !== true) this.add('UNIQUE_ITEMS_REMOVED', path);
    if (o.contains === undefined && u.contains !== undefined) this.add('CONTAINS_ADDED', path);
    else if (o.contains !== undefined && u.contains === undefined) this.add('CONTAINS_REMOVED', path);
    else if (o.contains !== undefined) this.compare(o.contains, u.contains, `${path}[contains]`);
    const [ot, oRest] = tupleOf(o);
    const [ut, uRest] = tupleOf(u);
    const n = Math.max(ot.length, ut.length);
    for (let i = 0; i < n; i++) {
      const at = `${path}[${i}]`;
      if (i < ot.length && i < ut.length) this.compare(ot[i], ut[i], at);
      else if (i < ut.length) {
        // An item position the original left to its rest schema.
        if (oRest === undefined || oRest === true) this.add(asShape(ut[i]).kind === 'empty' ? 'ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL' : 'ITEM_ADDED_TO_OPEN_CONTENT_MODEL', at);
        else if (oRest === false) this.add('ITEM_ADDED_TO_CLOSED_CONTENT_MODEL', at);
        else this.add(this.fits(oRest, ut[i], at) ? 'ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL' : 'ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL', at);
      } else if (uRest === undefined || uRest === true) this.add('ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL', at);
      else if (uRest === false) this.add(ot[i] === false ? 'ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL' : 'ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL', at);
      else this.add(this.fits(ot[i], uRest, at) ? 'ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL' : 'ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL', at);
    }
    if (ot.length === 0 && ut.length === 0) this.compare(oRest ?? true, uRest ?? true, `${path}[]`);
    else this.contentModel(oRest, uRest, `${path}[]`, 'ITEMS');
  }

  /** additionalProperties / additionalItems: open (absent, true), closed (false) or a schema. */
  private contentModel(o: unknown, u: unknown, path: string, what: 'PROPERTIES' | 'ITEMS') {
    const oOpen = o === undefined || o === true;
    const uOpen = u === undefined || u === true;
    if (oOpen && uOpen) return;
    if (u === false && o !== false) this.add(`ADDITIONAL_${what}_REMOVED`, path);
    else if (o === false && u !== false) this.add(`ADDITIONAL_${what}_ADDED`, path);
    else if (uOpen) this.add(`ADDITIONAL_${what}_EXTENDED`, path);
    else if (oOpen) this.add(`ADDITIONAL_${what}_NARROWED`, path);
    else if (o !== false) this.add(this.fits(o, u, path) ? `ADDITIONAL_${what}_EXTENDED` : `ADDITIONAL_${what}_NARROWED`, path);
  }
}

const wrap = (s: Shape): unknown => ({ [SHAPE]: s });
const asShape = (s: unknown): Shape => (isObj(s) && SHAPE in s ? ((s as { [SHAPE]: Shape })[SHAPE] as Shape) : shapeOf(s));
const hasDefault = (s: unknown): boolean => isObj(s) && 'default' in s;
const isOpenModel = (s: Json): boolean => (s.additionalProperties === undefined || s.additionalProperties === true) && !(isObj(s.patternProperties) && Object.keys(s.patternProperties).length > 0);

/** What a property name not declared in `s` meets: 'open' (anything), a covering schema, or false (rejected). */
function coverOf(s: Json, name: string): unknown {
  if (isOpenModel(s)) return 'open';
  if (isObj(s.patternProperties)) {
    for (const [p, sub] of Object.entries(s.patternProperties)) {
      try {
        if (new RegExp(p, 'u').test(name)) return sub;
      } catch {
        // an invalid pattern covers nothing (validate reports it)
      }
    }
  }
  const ap = s.additionalProperties;
  return ap === undefined || ap === true ? true : ap;
}

/** Draft-04's boolean exclusive bounds as the numeric ones of later drafts. */
function draft4Bounds(s: Json): Json {
  const out = { ...s };
  for (const [ex, b] of [['exclusiveMaximum', 'maximum'], ['exclusiveMinimum', 'minimum']] as const) {
    if (typeof out[ex] === 'boolean') {
      // The bound stays too: making it exclusive adds EXCLUSIVE_*; the same limit is not a new bound.
      if (out[ex] === true && typeof out[b] === 'number') out[ex] = out[b];
      else delete out[ex];
    }
  }
  return out;
}

/** `dependencies` (drafts 4-7) and `dependentRequired`/`dependentSchemas` (2019-09+) as one pair. */
function dependenciesOf(s: Json): [Record<string, string[]>, Record<string, unknown>] {
  const arrays: Record<string, string[]> = {};
  const schemas: Record<string, unknown> = {};
  const all = { ...(isObj(s.dependencies) ? s.dependencies : {}), ...(isObj(s.dependentRequired) ? s.dependentRequired : {}) };
  for (const [k, v] of Object.entries(all)) {
    if (Array.isArray(v)) arrays[k] = v as string[];
    else schemas[k] = v;
  }
  if (isObj(s.dependentSchemas)) Object.assign(schemas, s.dependentSchemas);
  return [arrays, schemas];
}

/** Tuple positions and the schema for the rest: `items: [..]`+`additionalItems`, `prefixItems`+`items`, or `items` for all. */
function tupleOf(s: Json): [unknown[], unknown] {
  if (Array.isArray(s.prefixItems)) return [s.prefixItems, s.items];
  if (Array.isArray(s.items)) return [s.items, s.additionalItems];
  return [[], s.items];
}

/**
 * Problems when data valid under `writer` is read with `reader` (empty = compatible), phrased as
 * changes from the old schema to the new (`side` says which of the two is the reader). `refs`
 * resolves the reader's `$ref`s to other files, `writerRefs` the writer's (default: the same).
 */
export function jsonReadProblems(reader: unknown, writer: unknown, side: ReaderSide, refs?: JsonRefContext['external'], writerRefs = refs): string[] {
  const d = new Diff({ root: writer, ...(writerRefs ? { external: writerRefs } : {}) }, { root: reader, ...(refs ? { external: refs } : {}) });
  d.compare(writer, reader, '');
  return d.out.filter((x) => !COMPATIBLE.has(x.type)).map((x) => describeDifference(x, side));
}
