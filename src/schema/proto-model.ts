/**
 * A .proto file read with protobufjs into what compatibility looks at: the package, messages
 * and enums by full name (nested ones too), fields by number with their kind, label and oneof,
 * reserved numbers and names. Without the imported files, imported types stay named as written;
 * with them (by import path), they are linked and their messages and enums come along, marked imported.
 */
import protobuf from 'protobufjs';

export const PROTO_SCALARS = ['double', 'float', 'int32', 'int64', 'uint32', 'uint64', 'sint32', 'sint64', 'fixed32', 'fixed64', 'sfixed32', 'sfixed64', 'bool', 'string', 'bytes'];

export interface ProtoField {
  name: string;
  number: number;
  /** A scalar name, a message or enum full name (no leading dot), or the name as written when not in this file. */
  type: string;
  kind: 'scalar' | 'message' | 'enum' | 'map' | 'unknown';
  label: 'optional' | 'repeated' | 'required';
  /** The real oneof the field belongs to (proto3 `optional`'s synthetic oneof is not one). */
  oneof?: string;
  /** For maps: the key type; `type` is the value type. */
  keyType?: string;
}

export interface ProtoMessage {
  fullName: string;
  fields: ProtoField[];
  reservedNumbers: [number, number][];
  reservedNames: string[];
  /** Defined by an imported file, not by this one. */
  imported?: true;
}

export interface ProtoEnum {
  fullName: string;
  values: Record<string, number>;
  imported?: true;
}

export interface ProtoModel {
  package: string;
  syntax: string;
  imports: string[];
  messages: Map<string, ProtoMessage>;
  enums: Map<string, ProtoEnum>;
  /** The first message declared: what RecordNameStrategy names the subject after. */
  firstMessage?: string;
  /** protobufjs' root, for payload generation. */
  root: protobuf.Root;
}

/** A .proto text that does not parse: protobufjs' message, which names the line. */
export class ProtoSchemaError extends Error {}

const strip = (n: string) => n.replace(/^\./, '');

function reserved(r: (number[] | string)[] | undefined): [[number, number][], string[]] {
  const nums: [number, number][] = [];
  const names: string[] = [];
  for (const x of r ?? []) {
    if (typeof x === 'string') names.push(x);
    else nums.push([x[0]!, x[1]!]);
  }
  return [nums, names];
}

const PARSE_OPTIONS = { keepCase: true, alternateCommentMode: true };

/**
 * Parses .proto text; throws ProtoSchemaError. `imports` (import path → text, the imports of
 * imports too) links the types the file takes from other files. Pure.
 */
export function parseProtoSchema(text: string, imports?: ReadonlyMap<string, string>): ProtoModel {
  let parsed: protobuf.IParserResult;
  try {
    parsed = protobuf.parse(text, PARSE_OPTIONS);
  } catch (e) {
    throw new ProtoSchemaError((e as Error).message);
  }
  const own = modelOf(parsed.root);
  if (!imports || imports.size === 0) return { ...own, ...headerOf(parsed, text), root: parsed.root };
  const root = new protobuf.Root();
  for (const [path, t] of imports) {
    try {
      protobuf.parse(t, root, PARSE_OPTIONS);
    } catch (e) {
      throw new ProtoSchemaError(`${path}: ${(e as Error).message}`);
    }
  }
  protobuf.parse(text, root, PARSE_OPTIONS);
  const linked = modelOf(root);
  for (const [name, m] of linked.messages) if (!own.messages.has(name)) m.imported = true;
  for (const [name, e] of linked.enums) if (!own.enums.has(name)) e.imported = true;
  return { ...headerOf(parsed, text), messages: linked.messages, enums: linked.enums, ...(own.firstMessage ? { firstMessage: own.firstMessage } : {}), root };
}

function headerOf(parsed: protobuf.IParserResult, text: string): Pick<ProtoModel, 'package' | 'syntax' | 'imports'> {
  return {
    package: parsed.package ?? '',
    syntax: /^\s*syntax\s*=\s*["'](proto[23])["']/m.exec(text)?.[1] ?? 'proto2',
    imports: [...(parsed.imports ?? []), ...(parsed.weakImports ?? [])],
  };
}

/** Messages and enums by full name (nested ones too), and the first message declared. */
function modelOf(top: protobuf.Root): Pick<ProtoModel, 'messages' | 'enums' | 'firstMessage'> {
  const messages = new Map<string, ProtoMessage>();
  const enums = new Map<string, ProtoEnum>();
  let firstMessage: string | undefined;
  const walk = (ns: protobuf.NamespaceBase) => {
    for (const n of ns.nestedArray) {
      if (n instanceof protobuf.Type) {
        const fullName = strip(n.fullName);
        firstMessage ??= fullName;
        const [reservedNumbers, reservedNames] = reserved(n.reserved as (number[] | string)[] | undefined);
        const fields = n.fieldsArray.map((f): ProtoField => {
          const found = PROTO_SCALARS.includes(f.type) ? undefined : f.parent?.lookup(f.type, [protobuf.Type, protobuf.Enum]);
          const isMap = f instanceof protobuf.MapField;
          const kind = isMap ? 'map' : PROTO_SCALARS.includes(f.type) ? 'scalar' : found instanceof protobuf.Type ? 'message' : found instanceof protobuf.Enum ? 'enum' : 'unknown';
          const oneof = f.partOf && !(f.partOf.name.startsWith('_') && f.partOf.fieldsArray.length === 1) ? f.partOf.name : undefined;
          return {
            name: f.name,
            number: f.id,
            type: found ? strip(found.fullName) : f.type,
            kind,
            label: f.repeated ? 'repeated' : (f as { rule?: string }).rule === 'required' ? 'required' : 'optional',
            ...(oneof ? { oneof } : {}),
            ...(isMap ? { keyType: (f as protobuf.MapField).keyType } : {}),
          };
        });
        messages.set(fullName, { fullName, fields, reservedNumbers, reservedNames });
      } else if (n instanceof protobuf.Enum) {
        enums.set(strip(n.fullName), { fullName: strip(n.fullName), values: { ...n.values } });
      }
      if (n instanceof protobuf.Namespace || n instanceof protobuf.Type) walk(n as protobuf.NamespaceBase);
    }
  };
  walk(top);
  return { messages, enums, ...(firstMessage ? { firstMessage } : {}) };
}
