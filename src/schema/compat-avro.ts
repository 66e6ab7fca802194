/**
 * Avro reader/writer compatibility through avsc's schema resolution (the verdict), plus a
 * structural walk that names what broke (the explanation): avsc's own messages are terse.
 */
import avro from 'avsc';

type AnyType = avro.Type & { typeName: string; name?: string; aliases?: string[] };
type Field = { name: string; type: AnyType; aliases: string[]; defaultValue(): unknown };

/** Who is reading: `new` = the new schema reads old data (BACKWARD); `old` = old reads new (FORWARD). */
export type ReaderSide = 'new' | 'old';

function typeLabel(t: AnyType): string {
  if (t.typeName === 'union') return `union [${((t as unknown as { types: AnyType[] }).types ?? []).map(typeLabel).join(', ')}]`;
  if (t.name) return `${t.typeName} ${t.name}`;
  if (t.typeName === 'array') return `array<${typeLabel((t as unknown as { itemsType: AnyType }).itemsType)}>`;
  if (t.typeName === 'map') return `map<${typeLabel((t as unknown as { valuesType: AnyType }).valuesType)}>`;
  return t.typeName.replace(/^logical:/, '');
}

function canRead(reader: AnyType, writer: AnyType): boolean {
  try {
    reader.createResolver(writer);
    return true;
  } catch {
    return false;
  }
}

/**
 * Why `reader` cannot read `writer`, phrased as a change from the old schema to the new one.
 * Empty when the reader can read the writer.
 */
export function explainAvroIncompatibility(reader: AnyType, writer: AnyType, side: ReaderSide, path = ''): string[] {
  if (canRead(reader, writer)) return [];
  const at = (name: string) => (path ? `${path}.${name}` : name);
  const oldT = side === 'new' ? writer : reader;
  const newT = side === 'new' ? reader : writer;
  const out: string[] = [];

  if (reader.typeName === 'record' && writer.typeName === 'record') {
    const rName = reader.name ?? '';
    const wName = writer.name ?? '';
    const rAliases = reader.aliases ?? [];
    if (rName !== wName && !rAliases.includes(wName)) {
      out.push(`record ${path ? `at \`${path}\` ` : ''}renamed from ${oldT.name} to ${newT.name} without an alias`);
    }
    const rFields = (reader as unknown as { fields: Field[] }).fields;
    const wFields = (writer as unknown as { fields: Field[] }).fields;
    for (const rf of rFields) {
      const wf = wFields.find((f) => f.name === rf.name || rf.aliases.includes(f.name));
      if (!wf) {
        if (rf.defaultValue() === undefined) {
          out.push(side === 'new' ? `field \`${at(rf.name)}\` added without a default` : `field \`${at(rf.name)}\` removed, and it has no default in the old schema`);
        }
        continue;
      }
      if (!canRead(rf.type, wf.type)) {
        const inner = explainAvroIncompatibility(rf.type, wf.type, side, at(rf.name));
        out.push(...(inner.length > 0 ? inner : [`field \`${at(rf.name)}\` changed type from ${typeLabel(side === 'new' ? wf.type : rf.type)} to ${typeLabel(side === 'new' ? rf.type : wf.type)}`]));
      }
    }
    if (out.length > 0) return out;
  }
  if (reader.typeName === 'enum' && writer.typeName === 'enum') {
    const rs = (reader as unknown as { symbols: string[] }).symbols;
    const ws = (writer as unknown as { symbols: string[] }).symbols;
    const missing = ws.filter((s) => !rs.includes(s));
    if (missing.length > 0) {
      const where = path ? `enum \`${path}\`` : `enum ${reader.name ?? ''}`.trim();
      return [side === 'new' ? `${where}: symbol(s) ${missing.join(', ')} removed` : `${where}: symbol(s) ${missing.join(', ')} added (old readers do not know them)`];
    }
  }
  if (writer.typeName === 'union') {
    const branches = (writer as unknown as { types: AnyType[] }).types;
    const unreadable = branches.filter((b) => !canRead(reader, b));
    if (unreadable.length > 0 && unreadable.length < branches.length) {
      const where = path ? `\`${path}\`` : 'the schema';
      return [
        side === 'new'
          ? `${where}: union branch(es) ${unreadable.map(typeLabel).join(', ')} removed (the new type is ${typeLabel(reader)})`
          : `${where}: union branch(es) ${unreadable.map(typeLabel).join(', ')} added (the old type is ${typeLabel(reader)})`,
      ];
    }
  }
  if (reader.typeName === 'array' && writer.typeName === 'array') {
    const inner = explainAvroIncompatibility((reader as unknown as { itemsType: AnyType }).itemsType, (writer as unknown as { itemsType: AnyType }).itemsType, side, `${path}[]`);
    if (inner.length > 0) return inner;
  }
  if (reader.typeName === 'map' && writer.typeName === 'map') {
    const inner = explainAvroIncompatibility((reader as unknown as { valuesType: AnyType }).valuesType, (writer as unknown as { valuesType: AnyType }).valuesType, side, `${path}{}`);
    if (inner.length > 0) return inner;
  }
  if (out.length > 0) return out;
  const where = path ? `field \`${path}\`` : 'the schema';
  return [`${where} changed type from ${typeLabel(oldT)} to ${typeLabel(newT)}`];
}

/** Parses an Avro schema (object or JSON text) into an avsc type. */
export function avroType(schema: unknown): AnyType {
  const s = typeof schema === 'string' ? (JSON.parse(schema) as unknown) : schema;
  return avro.Type.forSchema(s as avro.Schema) as AnyType;
}

/** Problems when `reader` reads data written with `writer` (empty = compatible). */
export function avroReadProblems(readerSchema: unknown, writerSchema: unknown, side: ReaderSide): string[] {
  const reader = avroType(readerSchema);
  const writer = avroType(writerSchema);
  try {
    reader.createResolver(writer);
    return [];
  } catch (e) {
    const explained = explainAvroIncompatibility(reader, writer, side);
    return explained.length > 0 ? explained : [(e as Error).message];
  }
}
