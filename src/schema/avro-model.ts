/**
 * An Avro schema read the way Apache Avro's Java parser reads it: full names from namespaces,
 * aliases resolved against the namespace, named types referenced by name (recursion allowed),
 * empty unions accepted, and every default checked against its field's type (a union's against
 * its first branch). avsc refuses empty unions, so compatibility and validation use this model.
 */

export const AVRO_PRIMITIVES = ['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string'] as const;
export type AvroPrimitive = (typeof AVRO_PRIMITIVES)[number];

export interface AvroField {
  name: string;
  aliases: string[];
  type: AvroNode;
  hasDefault: boolean;
}

export type AvroNode =
  | { kind: AvroPrimitive; logicalType?: string }
  | { kind: 'record'; fullName: string; name: string; aliases: string[]; fields: AvroField[] }
  | { kind: 'enum'; fullName: string; name: string; aliases: string[]; symbols: string[]; hasDefault: boolean }
  | { kind: 'fixed'; fullName: string; name: string; aliases: string[]; size: number; logicalType?: string }
  | { kind: 'array'; items: AvroNode }
  | { kind: 'map'; values: AvroNode }
  | { kind: 'union'; branches: AvroNode[] };

/** A schema that is not valid Avro, with the JSON path of the problem (`fields[2].type`). */
export class AvroSchemaError extends Error {
  constructor(
    message: string,
    readonly at: string,
  ) {
    super(at ? `${message} (at ${at})` : message);
  }
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const isPrimitive = (s: string): s is AvroPrimitive => (AVRO_PRIMITIVES as readonly string[]).includes(s);

function fullNameOf(name: string, namespace: string | undefined): string {
  return name.includes('.') || !namespace ? name : `${namespace}.${name}`;
}

const NAMED_KINDS = ['record', 'error', 'enum', 'fixed'];

/** The namespace a named type's definition opens: its full name's, its own (`""` is the null namespace, as in Java), else the enclosing one. */
function namespaceOf(s: Record<string, unknown> & { name: string }, ns: string | undefined): string | undefined {
  if (s.name.includes('.')) return s.name.slice(0, s.name.lastIndexOf('.'));
  return typeof s.namespace === 'string' ? s.namespace || undefined : ns;
}

/** Another file's named type by full name: the parsed schema whose top-level type it is, or undefined. */
export type AvroTypeLookup = (fullName: string) => unknown;

/** The full name of a schema's top-level named type (record, enum, fixed); undefined for other schemas. */
export function avroTopLevelName(doc: unknown): string | undefined {
  if (!isObj(doc) || typeof doc.name !== 'string' || !NAMED_KINDS.includes(doc.type as string)) return undefined;
  return fullNameOf(doc.name, namespaceOf(doc as Record<string, unknown> & { name: string }, undefined));
}

/**
 * The schema with each named type from another file written out where it is first used, so the
 * document parses on its own (what the registry does with references, as avsc's registry option
 * would): `lookup` finds a file by the full name of its top-level type, and the inlined type keeps
 * its own namespace. `onUse` hears each type taken from another file, `depth` 0 when the schema
 * itself names it. Names that resolve nowhere are left for the parser to report. Pure.
 */
export function inlineAvroReferences(schema: unknown, lookup: AvroTypeLookup, onUse?: (fullName: string, depth: number) => void): unknown {
  const defined = new Set<string>();
  /** Names defined by an inlined file → that file's top-level type (a file may define nested types the schema names too). */
  const definedBy = new Map<string, string>();
  const walk = (s: unknown, ns: string | undefined, depth: number, origin: string | undefined): unknown => {
    if (typeof s === 'string') {
      if (isPrimitive(s)) return s;
      const candidates = [...new Set([fullNameOf(s, ns), s])];
      const known = candidates.find((c) => defined.has(c));
      if (known !== undefined) {
        const from = definedBy.get(known);
        if (depth === 0 && from !== undefined) onUse?.(from, 0);
        return s;
      }
      for (const c of candidates) {
        const doc = lookup(c);
        if (doc === undefined || avroTopLevelName(doc) !== c) continue;
        onUse?.(c, depth);
        const own = doc as Record<string, unknown> & { name: string };
        // An inlined type without a namespace must not take the enclosing one.
        return walk(own.name.includes('.') || typeof own.namespace === 'string' ? own : { ...own, namespace: '' }, undefined, depth + 1, c);
      }
      return s;
    }
    if (Array.isArray(s)) return s.map((b) => walk(b, ns, depth, origin));
    if (!isObj(s)) return s;
    const type = s.type;
    if (typeof type === 'string' && NAMED_KINDS.includes(type) && typeof s.name === 'string') {
      const space = namespaceOf(s as Record<string, unknown> & { name: string }, ns);
      const full = fullNameOf(s.name, space);
      defined.add(full);
      if (origin !== undefined) definedBy.set(full, origin);
      if (!Array.isArray(s.fields) || (type !== 'record' && type !== 'error')) return s;
      return { ...s, fields: s.fields.map((f) => (isObj(f) && f.type !== undefined ? { ...f, type: walk(f.type, space, depth, origin) } : f)) };
    }
    if (type === 'array' && s.items !== undefined) return { ...s, items: walk(s.items, ns, depth, origin) };
    if (type === 'map' && s.values !== undefined) return { ...s, values: walk(s.values, ns, depth, origin) };
    if (type !== undefined && !(typeof type === 'string' && isPrimitive(type)) && type !== 'array' && type !== 'map') return { ...s, type: walk(type, ns, depth, origin) };
    return s;
  };
  return walk(schema, undefined, 0, undefined);
}

/** Parses a schema (already JSON-parsed); throws AvroSchemaError. Pure. */
export function parseAvroSchema(schema: unknown): AvroNode {
  const named = new Map<string, AvroNode>();

  const checkName = (full: string, at: string) => {
    for (const part of full.split('.')) if (!NAME.test(part)) throw new AvroSchemaError(`invalid name "${full}"`, at);
  };

  const walk = (s: unknown, ns: string | undefined, at: string): AvroNode => {
    if (typeof s === 'string') {
      if (isPrimitive(s)) return { kind: s };
      const hit = named.get(fullNameOf(s, ns)) ?? named.get(s);
      if (!hit) throw new AvroSchemaError(`undefined type name "${s}"`, at);
      return hit;
    }
    if (Array.isArray(s)) {
      const branches = s.map((b, i) => walk(b, ns, `${at}[${i}]`));
      const seen = new Set<string>();
      for (const b of branches) {
        if (b.kind === 'union') throw new AvroSchemaError('a union may not contain a union', at);
        const key = 'fullName' in b ? b.fullName : b.kind;
        if (seen.has(key)) throw new AvroSchemaError(`union has ${key} twice`, at);
        seen.add(key);
      }
      return { kind: 'union', branches };
    }
    if (!isObj(s)) throw new AvroSchemaError('a schema is a type name, an array (union) or an object', at);
    const type = s.type;
    const logicalType = typeof s.logicalType === 'string' ? s.logicalType : undefined;
    if (typeof type === 'string' && isPrimitive(type)) return logicalType ? { kind: type, logicalType } : { kind: type };
    if (type === 'array') {
      if (s.items === undefined) throw new AvroSchemaError('array without "items"', at);
      return { kind: 'array', items: walk(s.items, ns, `${at}.items`) };
    }
    if (type === 'map') {
      if (s.values === undefined) throw new AvroSchemaError('map without "values"', at);
      return { kind: 'map', values: walk(s.values, ns, `${at}.values`) };
    }
    if (type === 'record' || type === 'error' || type === 'enum' || type === 'fixed') {
      if (typeof s.name !== 'string') throw new AvroSchemaError(`${type} without a "name"`, at);
      const space = namespaceOf(s as Record<string, unknown> & { name: string }, ns);
      const fullName = fullNameOf(s.name, space);
      checkName(fullName, `${at}.name`);
      if (named.has(fullName)) throw new AvroSchemaError(`type ${fullName} is defined twice`, at);
      const aliases = Array.isArray(s.aliases) ? s.aliases.filter((a): a is string => typeof a === 'string').map((a) => fullNameOf(a, space)) : [];
      const name = fullName.slice(fullName.lastIndexOf('.') + 1);
      if (type === 'enum') {
        if (!Array.isArray(s.symbols) || !s.symbols.every((x) => typeof x === 'string' && NAME.test(x))) throw new AvroSchemaError('enum "symbols" must be names', at);
        const symbols = s.symbols as string[];
        if (new Set(symbols).size !== symbols.length) throw new AvroSchemaError('enum has a duplicate symbol', at);
        if (s.default !== undefined && !symbols.includes(s.default as string)) throw new AvroSchemaError(`enum default ${JSON.stringify(s.default)} is not a symbol`, at);
        const node: AvroNode = { kind: 'enum', fullName, name, aliases, symbols, hasDefault: s.default !== undefined };
        named.set(fullName, node);
        return node;
      }
      if (type === 'fixed') {
        if (typeof s.size !== 'number' || !Number.isInteger(s.size) || s.size < 0) throw new AvroSchemaError('fixed "size" must be a non-negative integer', at);
        const node: AvroNode = { kind: 'fixed', fullName, name, aliases, size: s.size, ...(logicalType ? { logicalType } : {}) };
        named.set(fullName, node);
        return node;
      }
      if (!Array.isArray(s.fields)) throw new AvroSchemaError('record without a "fields" array', at);
      const node: AvroNode = { kind: 'record', fullName, name, aliases, fields: [] };
      named.set(fullName, node); // before the fields: a record may refer to itself
      const names = new Set<string>();
      s.fields.forEach((f, i) => {
        const fat = `${at}.fields[${i}]`;
        if (!isObj(f) || typeof f.name !== 'string' || !NAME.test(f.name)) throw new AvroSchemaError('a field needs a valid "name"', fat);
        if (names.has(f.name)) throw new AvroSchemaError(`field "${f.name}" is defined twice`, fat);
        names.add(f.name);
        if (f.type === undefined) throw new AvroSchemaError(`field "${f.name}" has no "type"`, fat);
        const ftype = walk(f.type, space, `${fat}.type`);
        if (f.default !== undefined && !defaultFits(ftype, f.default)) {
          throw new AvroSchemaError(`default ${JSON.stringify(f.default)} of field "${f.name}" does not match its type${ftype.kind === 'union' ? ' (a union default matches the first branch)' : ''}`, fat);
        }
        const faliases = Array.isArray(f.aliases) ? f.aliases.filter((a): a is string => typeof a === 'string') : [];
        node.fields.push({ name: f.name, aliases: faliases, type: ftype, hasDefault: f.default !== undefined });
      });
      return node;
    }
    if (typeof type === 'string') return walk(type, ns, `${at}.type`);
    if (type !== undefined && (isObj(type) || Array.isArray(type))) return walk(type, ns, `${at}.type`);
    throw new AvroSchemaError(`unknown type ${JSON.stringify(type)}`, at);
  };
  return walk(schema, undefined, '');
}

/** Whether a JSON default is a value of the type (Avro's JSON encoding of defaults). */
export function defaultFits(t: AvroNode, v: unknown, seen = new Set<AvroNode>()): boolean {
  switch (t.kind) {
    case 'null':
      return v === null;
    case 'boolean':
      return typeof v === 'boolean';
    case 'int':
      return Number.isInteger(v) && (v as number) >= -2147483648 && (v as number) <= 2147483647;
    case 'long':
      return Number.isInteger(v);
    case 'float':
    case 'double':
      return typeof v === 'number' || v === 'NaN' || v === 'Infinity' || v === '-Infinity';
    case 'bytes':
    case 'string':
      return typeof v === 'string';
    case 'fixed':
      return typeof v === 'string' && v.length === t.size;
    case 'enum':
      return typeof v === 'string' && t.symbols.includes(v);
    case 'array':
      return Array.isArray(v) && v.every((x) => defaultFits(t.items, x, seen));
    case 'map':
      return isObj(v) && Object.values(v).every((x) => defaultFits(t.values, x, seen));
    case 'union':
      return t.branches.length > 0 && defaultFits(t.branches[0]!, v, seen);
    case 'record': {
      if (!isObj(v)) return false;
      if (seen.has(t)) return true;
      seen.add(t);
      const ok = t.fields.every((f) => (v[f.name] === undefined ? f.hasDefault : defaultFits(f.type, v[f.name], seen)));
      seen.delete(t);
      return ok;
    }
  }
}

/** A short name for messages: `int`, `record shop.Order`, `array<string>`, `union [null, string]`. */
export function avroLabel(t: AvroNode): string {
  if (t.kind === 'union') return `union [${t.branches.map(avroLabel).join(', ')}]`;
  if (t.kind === 'array') return `array<${avroLabel(t.items)}>`;
  if (t.kind === 'map') return `map<${avroLabel(t.values)}>`;
  if ('fullName' in t) return `${t.kind} ${t.fullName}`;
  return t.kind;
}

/** Where each top-level named type of some .avsc files is defined: full name → the file and its parsed schema. */
export type AvroTypeIndex = ReadonlyMap<string, { file: string; doc: unknown }>;

/** Indexes parsed .avsc files by the full name of their top-level type; the first file (in the order given) wins a name. Pure. */
export function computeAvroTypeIndex(files: readonly { file: string; doc: unknown }[]): AvroTypeIndex {
  const out = new Map<string, { file: string; doc: unknown }>();
  for (const f of files) {
    const name = avroTopLevelName(f.doc);
    if (name !== undefined && !out.has(name)) out.set(name, f);
  }
  return out;
}
