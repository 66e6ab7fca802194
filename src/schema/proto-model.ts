/**
 * A .proto file read with protobufjs into what compatibility looks at: the package, messages
 * and enums by full name (nested ones too), fields by number with their kind, label and oneof,
 * reserved numbers and names. Imported types stay named as written (the file is not linked).
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
}

export interface ProtoEnum {
  fullName: string;
  values: Record<string, number>;
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

/** Parses .proto text; throws ProtoSchemaError. Pure. */
export function parseProtoSchema(text: string): ProtoModel {
  let parsed: protobuf.IParserResult;
  try {
    parsed = protobuf.parse(text, { keepCase: true, alternateCommentMode: true });
  } catch (e) {
    throw new ProtoSchemaError((e as Error).message);
  }
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
  walk(parsed.root);
  return {
    package: parsed.package ?? '',
    syntax: /^\s*syntax\s*=\s*["'](proto[23])["']/m.exec(text)?.[1] ?? 'proto2',
    imports: [...(parsed.imports ?? []), ...(parsed.weakImports ?? [])],
    messages,
    enums,
    ...(firstMessage ? { firstMessage } : {}),
    root: parsed.root,
  };
}
