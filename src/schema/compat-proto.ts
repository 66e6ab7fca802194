/**
 * Protobuf compatibility as the registry judges it (Confluent's Protobuf diff, with protobuf's
 * own wire rules, which Buf's WIRE category also follows, for types and labels). The writer's
 * file (original) is compared with the reader's (update): fields by number, messages and enums
 * by full name. Breaking: the package changed, a message removed, a field's type changed to one
 * of another wire encoding (int32 → int64 reads; int32 → string does not), a message field's
 * named type changed, a required field added or removed, a numeric field made repeated or
 * single, several existing fields moved into a new oneof or any into an existing one, a field
 * taken out of a oneof. Compatible: fields, messages and enums added or removed, renames, enum
 * values added, removed or renamed, one field moved into a new oneof.
 */
import { parseProtoSchema, type ProtoField, type ProtoMessage, type ProtoModel } from './proto-model.js';

export type ReaderSide = 'new' | 'old';

interface Change {
  type: string;
  at: string;
  detail?: string;
}

/** Change types that break readers (the rest are compatible). */
const BREAKING = new Set([
  'PACKAGE_CHANGED', 'MESSAGE_REMOVED', 'FIELD_KIND_CHANGED', 'FIELD_SCALAR_KIND_CHANGED', 'FIELD_NAMED_TYPE_CHANGED', 'REQUIRED_FIELD_ADDED',
  'REQUIRED_FIELD_REMOVED', 'MULTIPLE_FIELDS_MOVED_TO_ONEOF', 'FIELD_MOVED_TO_EXISTING_ONEOF', 'ONEOF_FIELD_REMOVED', 'FIELD_NUMERIC_LABEL_CHANGED',
]);

/** Scalars that share a wire encoding (protobuf's "updating a message type" rules, Buf's WIRE category): one reads the other. */
const WIRE_GROUP: Record<string, string> = {
  int32: 'varint', int64: 'varint', uint32: 'varint', uint64: 'varint', bool: 'varint', sint32: 'zigzag', sint64: 'zigzag',
  fixed32: 'i32', sfixed32: 'i32', fixed64: 'i64', sfixed64: 'i64', string: 'len', bytes: 'len', float: 'float', double: 'double',
};
const wireOf = (f: Pick<ProtoField, 'kind' | 'type'>): string | undefined => (f.kind === 'enum' ? 'varint' : f.kind === 'scalar' ? WIRE_GROUP[f.type] : undefined);

function compareFields(o: ProtoField, u: ProtoField, at: string, out: Change[]) {
  if (o.name !== u.name) out.push({ type: 'FIELD_NAME_CHANGED', at, detail: `${o.name} → ${u.name}` });
  const [ow, uw] = [wireOf(o), wireOf(u)];
  if (o.kind !== u.kind && o.kind !== 'unknown' && u.kind !== 'unknown' && !(ow !== undefined && ow === uw)) {
    out.push({ type: 'FIELD_KIND_CHANGED', at, detail: `${o.kind} ${o.type} → ${u.kind} ${u.type}` });
    return;
  }
  if (o.type !== u.type || o.keyType !== u.keyType) {
    const sameWire = ow !== undefined && ow === uw;
    if (o.kind === 'map') {
      const values = o.type === u.type || (WIRE_GROUP[o.type] !== undefined && WIRE_GROUP[o.type] === WIRE_GROUP[u.type]);
      if (!values || o.keyType !== u.keyType) out.push({ type: 'FIELD_KIND_CHANGED', at, detail: `map<${o.keyType}, ${o.type}> → map<${u.keyType}, ${u.type}>` });
    } else if (sameWire) out.push({ type: 'FIELD_WIRE_COMPATIBLE_TYPE_CHANGED', at, detail: `${o.type} → ${u.type}` });
    else out.push({ type: o.kind === 'scalar' ? 'FIELD_SCALAR_KIND_CHANGED' : 'FIELD_NAMED_TYPE_CHANGED', at, detail: `${o.type} → ${u.type}` });
  }
  if (o.label !== u.label) {
    if (u.label === 'required') out.push({ type: 'REQUIRED_FIELD_ADDED', at });
    else if (o.label === 'required') out.push({ type: 'FIELD_NO_LONGER_REQUIRED', at });
    // Packed numeric repeated fields are not read as one value (nor the reverse); strings, bytes and messages are.
    else out.push({ type: o.kind === 'scalar' && WIRE_GROUP[o.type] !== 'len' ? 'FIELD_NUMERIC_LABEL_CHANGED' : o.kind === 'enum' ? 'FIELD_NUMERIC_LABEL_CHANGED' : 'FIELD_LABEL_CHANGED', at, detail: `${o.label} → ${u.label}` });
  }
}

function compareMessages(o: ProtoMessage, u: ProtoMessage, out: Change[]) {
  const byNumber = new Map(o.fields.map((f) => [f.number, f]));
  const oOneofs = new Set(o.fields.flatMap((f) => (f.oneof ? [f.oneof] : [])));
  const movedToNew = new Map<string, number>();
  for (const uf of u.fields) {
    const at = `${u.fullName}.${uf.name} = ${uf.number}`;
    const of = byNumber.get(uf.number);
    if (!of) {
      out.push({ type: uf.label === 'required' ? 'REQUIRED_FIELD_ADDED' : uf.oneof ? 'ONEOF_FIELD_ADDED' : 'FIELD_ADDED', at });
      continue;
    }
    compareFields(of, uf, at, out);
    if (uf.oneof && uf.oneof !== of.oneof) {
      if (of.oneof === undefined && !oOneofs.has(uf.oneof)) movedToNew.set(uf.oneof, (movedToNew.get(uf.oneof) ?? 0) + 1);
      else if (of.oneof === undefined) out.push({ type: 'FIELD_MOVED_TO_EXISTING_ONEOF', at, detail: `oneof ${uf.oneof}` });
      // A oneof under a new name is the same on the wire.
      else if (!oOneofs.has(uf.oneof)) out.push({ type: 'ONEOF_RENAMED', at, detail: `${of.oneof} → ${uf.oneof}` });
      else out.push({ type: 'FIELD_MOVED_TO_EXISTING_ONEOF', at, detail: `oneof ${of.oneof} → ${uf.oneof}` });
    } else if (!uf.oneof && of.oneof) out.push({ type: 'ONEOF_FIELD_REMOVED', at });
  }
  for (const [oneof, n] of movedToNew) out.push({ type: n > 1 ? 'MULTIPLE_FIELDS_MOVED_TO_ONEOF' : 'FIELD_MOVED_TO_NEW_ONEOF', at: `${u.fullName} oneof ${oneof}`, detail: `${n} existing field(s)` });
  const uNumbers = new Set(u.fields.map((f) => f.number));
  for (const of of o.fields) if (!uNumbers.has(of.number)) out.push({ type: of.label === 'required' ? 'REQUIRED_FIELD_REMOVED' : of.oneof ? 'ONEOF_FIELD_REMOVED' : 'FIELD_REMOVED', at: `${o.fullName}.${of.name} = ${of.number}` });
}

function diff(o: ProtoModel, u: ProtoModel): Change[] {
  const out: Change[] = [];
  if (o.package !== u.package) out.push({ type: 'PACKAGE_CHANGED', at: 'package', detail: `${o.package || '(none)'} → ${u.package || '(none)'}` });
  // Types of imported files are compared where both versions have them (a file no longer imported removes nothing of this one).
  for (const [name, om] of o.messages) {
    const um = u.messages.get(name);
    if (um) compareMessages(om, um, out);
    else if (o.package === u.package && !om.imported) out.push({ type: 'MESSAGE_REMOVED', at: name });
  }
  for (const [name, um] of u.messages) if (!o.messages.has(name) && !um.imported) out.push({ type: 'MESSAGE_ADDED', at: name });
  for (const [name, oe] of o.enums) {
    const ue = u.enums.get(name);
    if (!ue) {
      if (!oe.imported) out.push({ type: 'ENUM_REMOVED', at: name });
      continue;
    }
    const uByNumber = new Map(Object.entries(ue.values).map(([k, v]) => [v, k]));
    const oByNumber = new Map(Object.entries(oe.values).map(([k, v]) => [v, k]));
    for (const [num, oname] of oByNumber) {
      const uname = uByNumber.get(num);
      if (uname === undefined) out.push({ type: 'ENUM_CONST_REMOVED', at: `${name}.${oname} = ${num}` });
      else if (uname !== oname) out.push({ type: 'ENUM_CONST_CHANGED', at: `${name} value ${num}`, detail: `${oname} → ${uname}` });
    }
    for (const [num, uname] of uByNumber) if (!oByNumber.has(num)) out.push({ type: 'ENUM_CONST_ADDED', at: `${name}.${uname} = ${num}` });
  }
  return out;
}

const SWAPS: Record<string, string> = { ADDED: 'REMOVED', REMOVED: 'ADDED' };

/** One change as from the old file to the new one (under FORWARD the diff runs from new to old). */
function describe(c: Change, side: ReaderSide): string {
  const words = c.type.split('_').map((w) => (side === 'old' ? (SWAPS[w] ?? w) : w));
  let detail = c.detail ?? '';
  if (side === 'old' && detail.includes(' → ')) detail = detail.split(' → ').reverse().join(' → ');
  return `${c.at}: ${words.join(' ').toLowerCase()}${detail ? ` (${detail})` : ''} [${c.type}${side === 'old' ? ', read by the old schema' : ''}]`;
}

/**
 * Problems when `reader` reads data written with `writer` (.proto texts; empty = compatible).
 * `readerImports`/`writerImports` (import path → text) link each side's imported files, so a
 * change to a message another file defines is judged in the schema that uses it.
 */
export function protoReadProblems(reader: string, writer: string, side: ReaderSide, readerImports?: ReadonlyMap<string, string>, writerImports?: ReadonlyMap<string, string>): string[] {
  return diff(parseProtoSchema(writer, writerImports), parseProtoSchema(reader, readerImports))
    .filter((c) => BREAKING.has(c.type))
    .map((c) => describe(c, side));
}

const inRanges = (n: number, ranges: readonly [number, number][]) => ranges.some(([lo, hi]) => n >= lo && n <= hi);

/**
 * Fields of the new version that take a number or a name the old version reserved (Buf's
 * RESERVED_MESSAGE_NO_DELETE: a reservation is never given up). Neither Confluent's diff nor the
 * AxonOps registry looks at reservations: kafkaform is stricter here, because records written
 * before the field was reserved would be read as the new field. Independent of who reads whom.
 */
export function protoReservedProblems(oldText: string, newText: string, oldImports?: ReadonlyMap<string, string>, newImports?: ReadonlyMap<string, string>): string[] {
  const o = parseProtoSchema(oldText, oldImports);
  const u = parseProtoSchema(newText, newImports);
  const out: string[] = [];
  for (const [name, om] of o.messages) {
    const um = u.messages.get(name);
    if (!um || om.imported) continue;
    const numbers = new Set(om.fields.map((f) => f.number));
    const names = new Set(om.fields.map((f) => f.name));
    for (const f of um.fields) {
      const at = `${name}.${f.name} = ${f.number}`;
      if (!numbers.has(f.number) && inRanges(f.number, om.reservedNumbers)) out.push(`${at}: field number ${f.number} was reserved and is used again [RESERVED_NUMBER_REUSED]`);
      if (!names.has(f.name) && om.reservedNames.includes(f.name)) out.push(`${at}: field name ${f.name} was reserved and is used again [RESERVED_NAME_REUSED]`);
    }
  }
  return out;
}
