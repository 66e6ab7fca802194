/**
 * JSON Schema compatibility by documented rules. "Reader can read writer" means: every document
 * valid under the writer schema is also valid under the reader schema (the reader is at least as
 * permissive). Rules covered (each reported with the property path):
 *
 * - type: the reader must accept every type the writer accepts (`integer` ⊂ `number`);
 *   a removed type is narrowing, an added type is widening.
 * - properties under an open content model (additionalProperties absent/true): a property the
 *   reader declares but the writer does not may already appear in writer data with any value, so
 *   adding it (with a constraint) to the reader breaks; under a closed writer model it cannot appear.
 * - properties under a closed content model (additionalProperties: false): a property the writer
 *   declares but the reader does not is rejected by the reader (removed from a closed model).
 * - additionalProperties: open → closed, or a schema that the writer's extra properties do not meet.
 * - required: a property required by the reader but not by the writer breaks.
 * - enum / const: the reader must contain every value the writer allows (removed values narrow).
 * - string: minLength up, maxLength down, pattern added or changed, format added or changed.
 * - number: minimum/exclusiveMinimum up, maximum/exclusiveMaximum down, multipleOf added/changed.
 * - array: items (recursively), minItems up, maxItems down, uniqueItems added.
 * - object: minProperties up, maxProperties down.
 * - anyOf / oneOf / allOf / not / $ref / if-then-else: not analysed: any change to them is
 *   reported as not provably compatible (conservative), unchanged ones pass.
 */

export type ReaderSide = 'new' | 'old';
type Json = Record<string, unknown>;

const isObj = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);
const deepEqual = (a: unknown, b: unknown): boolean => JSON.stringify(canon(a)) === JSON.stringify(canon(b));
function canon(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canon);
  if (isObj(v)) return Object.fromEntries(Object.keys(v).sort().map((k) => [k, canon(v[k])]));
  return v;
}

const ALL_TYPES = ['null', 'boolean', 'object', 'array', 'number', 'integer', 'string'];

function typesOf(s: Json): string[] | undefined {
  if (typeof s.type === 'string') return [s.type];
  if (Array.isArray(s.type)) return s.type as string[];
  if (Array.isArray(s.enum)) return undefined;
  return undefined;
}

function accepts(readerTypes: string[] | undefined, t: string): boolean {
  if (!readerTypes) return true;
  return readerTypes.includes(t) || (t === 'integer' && readerTypes.includes('number'));
}

function isOpen(s: Json): boolean {
  return s.additionalProperties === undefined || s.additionalProperties === true;
}

/** True when the schema accepts every value (`true`, `{}`, only annotations). */
function isPermissive(s: unknown): boolean {
  if (s === true) return true;
  if (!isObj(s)) return false;
  const annotations = new Set(['description', 'title', '$comment', 'examples', 'default', 'deprecated', 'readOnly', 'writeOnly', '$id', '$schema']);
  return Object.keys(s).every((k) => annotations.has(k));
}

const COMBINATORS = ['anyOf', 'oneOf', 'allOf', 'not', '$ref', 'if', 'then', 'else', 'patternProperties', 'dependencies', 'dependentRequired', 'dependentSchemas', 'propertyNames', 'contains', 'prefixItems'];

/**
 * Problems when data valid under `writer` is read with `reader` (empty = compatible), phrased as
 * changes from the old schema to the new (`side` says which of the two is the reader).
 */
export function jsonReadProblems(reader: unknown, writer: unknown, side: ReaderSide, path = ''): string[] {
  const out: string[] = [];
  const where = path ? `\`${path}\`` : 'the root';
  const say = (newReads: string, oldReads: string) => out.push(side === 'new' ? newReads : oldReads);
  if (reader === true || isPermissive(reader)) return [];
  if (writer === false) return [];
  if (reader === false) return [`${where} ${side === 'new' ? 'now rejects every value (false schema)' : 'was the false schema'}`];
  if (!isObj(reader)) return [];
  const w: Json = isObj(writer) ? writer : {};

  for (const k of COMBINATORS) {
    if ((reader[k] !== undefined || w[k] !== undefined) && !deepEqual(reader[k], w[k])) {
      out.push(`${where}: \`${k}\` changed (kafkaform does not analyse ${k}; the change is treated as breaking)`);
    }
  }

  // type
  const rTypes = typesOf(reader);
  const wTypes = typesOf(w) ?? (Array.isArray(w.enum) ? undefined : ALL_TYPES);
  if (rTypes && wTypes) {
    const lost = wTypes.filter((t) => !accepts(rTypes, t));
    if (lost.length > 0) {
      say(`${where} narrowed its type from ${wTypes.join('|')} to ${rTypes.join('|')}`, `${where} widened its type from ${rTypes.join('|')} to ${wTypes.join('|')}`);
    }
  }

  // enum / const
  const wValues = Array.isArray(w.enum) ? (w.enum as unknown[]) : w.const !== undefined ? [w.const] : undefined;
  const rValues = Array.isArray(reader.enum) ? (reader.enum as unknown[]) : reader.const !== undefined ? [reader.const] : undefined;
  if (rValues) {
    if (!wValues) say(`${where} is now restricted to the values ${JSON.stringify(rValues)}`, `${where} is no longer restricted to ${JSON.stringify(rValues)}`);
    else {
      const missing = wValues.filter((v) => !rValues.some((r) => deepEqual(r, v)));
      if (missing.length > 0) say(`${where}: enum value(s) ${missing.map((v) => JSON.stringify(v)).join(', ')} removed`, `${where}: enum value(s) ${missing.map((v) => JSON.stringify(v)).join(', ')} added (old consumers reject them)`);
    }
  }

  // numeric and length bounds: `up` = a larger reader value narrows
  const bound = (key: string, narrowsWhen: 'up' | 'down') => {
    const r = reader[key];
    const wv = w[key];
    if (typeof r !== 'number') return;
    if (typeof wv !== 'number') {
      say(`${where}: \`${key}: ${r}\` added`, `${where}: \`${key}: ${r}\` removed (old consumers still enforce it)`);
      return;
    }
    if ((narrowsWhen === 'up' && r > wv) || (narrowsWhen === 'down' && r < wv)) {
      say(`${where}: \`${key}\` changed from ${wv} to ${r}`, `${where}: \`${key}\` changed from ${r} to ${wv}`);
    }
  };
  for (const k of ['minLength', 'minimum', 'exclusiveMinimum', 'minItems', 'minProperties']) bound(k, 'up');
  for (const k of ['maxLength', 'maximum', 'exclusiveMaximum', 'maxItems', 'maxProperties']) bound(k, 'down');
  for (const k of ['pattern', 'format', 'multipleOf']) {
    if (reader[k] !== undefined && !deepEqual(reader[k], w[k])) {
      if (w[k] === undefined) say(`${where}: \`${k}: ${JSON.stringify(reader[k])}\` added`, `${where}: \`${k}: ${JSON.stringify(reader[k])}\` removed (old consumers still enforce it)`);
      else say(`${where}: \`${k}\` changed from ${JSON.stringify(w[k])} to ${JSON.stringify(reader[k])}`, `${where}: \`${k}\` changed from ${JSON.stringify(reader[k])} to ${JSON.stringify(w[k])}`);
    }
  }
  if (reader.uniqueItems === true && w.uniqueItems !== true) say(`${where}: \`uniqueItems\` added`, `${where}: \`uniqueItems\` removed`);

  // arrays
  if (reader.items !== undefined && !Array.isArray(reader.items)) {
    out.push(...jsonReadProblems(reader.items, w.items ?? true, side, `${path}[]`));
  }

  // objects
  const rProps = isObj(reader.properties) ? reader.properties : {};
  const wProps = isObj(w.properties) ? w.properties : {};
  const pathOf = (p: string) => (path ? `${path}.${p}` : p);
  const objectish = accepts(rTypes, 'object') && (wTypes === undefined || wTypes.includes('object'));
  if (objectish) {
    for (const [p, rs] of Object.entries(rProps)) {
      if (p in wProps) {
        out.push(...jsonReadProblems(rs, wProps[p], side, pathOf(p)));
      } else if (isOpen(w)) {
        // Open writer: `p` may already be in writer data, with any value.
        if (!isPermissive(rs)) say(`property \`${pathOf(p)}\` added to an open content model (existing data may carry \`${p}\` with any value)`, `property \`${pathOf(p)}\` removed from an open content model (old consumers still check it)`);
      } else if (isObj(w.additionalProperties)) {
        out.push(...jsonReadProblems(rs, w.additionalProperties, side, pathOf(p)));
      }
    }
    for (const [p, ws] of Object.entries(wProps)) {
      if (p in rProps) continue;
      if (reader.additionalProperties === false) {
        say(`property \`${pathOf(p)}\` removed from a closed content model (additionalProperties: false rejects data that has it)`, `property \`${pathOf(p)}\` added, but the old schema's content model is closed (additionalProperties: false)`);
      } else if (isObj(reader.additionalProperties)) {
        out.push(...jsonReadProblems(reader.additionalProperties, ws, side, pathOf(p)));
      }
    }
    if (!isOpen(reader) && isOpen(w)) {
      say(`${where}: content model closed (additionalProperties ${JSON.stringify(reader.additionalProperties)} added)`, `${where}: content model opened (the old schema has additionalProperties ${JSON.stringify(reader.additionalProperties)})`);
    } else if (isObj(reader.additionalProperties) && isObj(w.additionalProperties)) {
      out.push(...jsonReadProblems(reader.additionalProperties, w.additionalProperties, side, pathOf('*')));
    }
    const rReq = Array.isArray(reader.required) ? (reader.required as string[]) : [];
    const wReq = new Set(Array.isArray(w.required) ? (w.required as string[]) : []);
    for (const p of rReq) {
      if (!wReq.has(p)) say(`property \`${pathOf(p)}\` ${p in wProps ? 'made required' : 'added as required'}`, `property \`${pathOf(p)}\` ${p in rProps && !(p in wProps) ? 'removed' : 'no longer required'}, but the old schema requires it`);
    }
  }
  return out;
}
