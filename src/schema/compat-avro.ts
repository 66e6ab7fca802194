/**
 * Avro reader/writer compatibility as Apache Avro's SchemaCompatibility (the check the registry
 * runs) judges it: names compared unqualified or through the reader's aliases, fields matched by
 * name or reader-field alias, numeric promotions, string<->bytes, every writer union branch
 * readable, an empty writer union readable by anything, logical types ignored (the underlying
 * types are compared), enum symbols the reader lacks allowed only when the reader has a default.
 */
import avro from 'avsc';
import { avroLabel, parseAvroSchema, type AvroNode } from './avro-model.js';

/** Who is reading: `new` = the new schema reads old data (BACKWARD); `old` = old reads new (FORWARD). */
export type ReaderSide = 'new' | 'old';

/** Writer types each reader type accepts besides itself (Avro's promotions). */
const PROMOTIONS: Record<string, string[]> = { long: ['int'], float: ['int', 'long'], double: ['int', 'long', 'float'], string: ['bytes'], bytes: ['string'] };

type Named = Extract<AvroNode, { fullName: string }>;

/** Apache Avro's schemaNameEquals: same unqualified name, or the writer's full name among the reader's aliases. */
function namesMatch(reader: Named, writer: Named): boolean {
  return reader.name === writer.name || reader.aliases.includes(writer.fullName);
}

class Checker {
  /** Pairs being checked: a recursive record is compatible with itself unless something else breaks. */
  private readonly inProgress = new Set<string>();
  private readonly ids = new Map<AvroNode, number>();

  constructor(private readonly side: ReaderSide) {}

  private id(n: AvroNode): number {
    let v = this.ids.get(n);
    if (v === undefined) {
      v = this.ids.size;
      this.ids.set(n, v);
    }
    return v;
  }

  /** Why `reader` cannot read `writer` (empty = it can), each phrased as a change from old to new. */
  problems(reader: AvroNode, writer: AvroNode, path: string): string[] {
    const key = `${this.id(reader)}:${this.id(writer)}`;
    if (this.inProgress.has(key)) return [];
    this.inProgress.add(key);
    try {
      return this.check(reader, writer, path);
    } finally {
      this.inProgress.delete(key);
    }
  }

  private changed(reader: AvroNode, writer: AvroNode, path: string): string {
    const [oldT, newT] = this.side === 'new' ? [writer, reader] : [reader, writer];
    return `${path ? `field \`${path}\`` : 'the schema'} changed type from ${avroLabel(oldT)} to ${avroLabel(newT)}`;
  }

  private check(reader: AvroNode, writer: AvroNode, path: string): string[] {
    const at = (name: string) => (path ? `${path}.${name}` : name);
    if (writer.kind === 'union' && reader.kind !== 'union') return writer.branches.flatMap((b) => this.branchProblems(reader, b, writer, path));
    if (reader.kind === 'union') {
      if (writer.kind === 'union') return writer.branches.flatMap((b) => this.branchProblems(reader, b, writer, path));
      return reader.branches.some((b) => this.problems(b, writer, path).length === 0) ? [] : [this.unionMiss(reader, writer, path)];
    }
    if (reader.kind !== writer.kind) return (PROMOTIONS[reader.kind] ?? []).includes(writer.kind) ? [] : [this.changed(reader, writer, path)];
    switch (reader.kind) {
      case 'array':
        return this.problems(reader.items, (writer as typeof reader).items, `${path}[]`);
      case 'map':
        return this.problems(reader.values, (writer as typeof reader).values, `${path}{}`);
      case 'fixed': {
        const w = writer as typeof reader;
        const out = this.nameProblems(reader, w, path);
        if (reader.size !== w.size) out.push(`fixed ${path ? `\`${path}\` ` : ''}changed size from ${this.side === 'new' ? w.size : reader.size} to ${this.side === 'new' ? reader.size : w.size}`);
        return out;
      }
      case 'enum': {
        const w = writer as typeof reader;
        const out = this.nameProblems(reader, w, path);
        const missing = w.symbols.filter((s) => !reader.symbols.includes(s));
        if (missing.length > 0 && !reader.hasDefault) {
          const where = path ? `enum \`${path}\`` : `enum ${reader.fullName}`;
          out.push(this.side === 'new' ? `${where}: symbol(s) ${missing.join(', ')} removed` : `${where}: symbol(s) ${missing.join(', ')} added (old readers do not know them and have no enum default)`);
        }
        return out;
      }
      case 'record': {
        const w = writer as typeof reader;
        const out = this.nameProblems(reader, w, path);
        for (const rf of reader.fields) {
          const wf = w.fields.find((f) => f.name === rf.name) ?? w.fields.find((f) => rf.aliases.includes(f.name));
          if (!wf) {
            if (!rf.hasDefault) out.push(this.side === 'new' ? `field \`${at(rf.name)}\` added without a default` : `field \`${at(rf.name)}\` removed, and it has no default in the old schema`);
            continue;
          }
          out.push(...this.problems(rf.type, wf.type, at(rf.name)));
        }
        return out;
      }
      default:
        return [];
    }
  }

  private branchProblems(reader: AvroNode, branch: AvroNode, writer: AvroNode & { kind: 'union' }, path: string): string[] {
    if (reader.kind === 'union') return reader.branches.some((b) => this.problems(b, branch, path).length === 0) ? [] : [this.unionMiss(reader, branch, path)];
    const inner = this.problems(reader, branch, path);
    if (inner.length === 0) return [];
    // A union narrowed to one of its branches: name the branches that no longer fit.
    if (writer.branches.length > 1) {
      const where = path ? `\`${path}\`` : 'the schema';
      return [this.side === 'new' ? `${where}: union branch ${avroLabel(branch)} removed (the new type is ${avroLabel(reader)})` : `${where}: union branch ${avroLabel(branch)} added (the old type is ${avroLabel(reader)})`];
    }
    return inner;
  }

  private unionMiss(reader: AvroNode & { kind: 'union' }, writer: AvroNode, path: string): string {
    const where = path ? `\`${path}\`` : 'the schema';
    return this.side === 'new'
      ? `${where}: ${avroLabel(writer)} is no longer a branch of ${avroLabel(reader)}`
      : `${where}: ${avroLabel(writer)} added, but the old union ${avroLabel(reader)} has no branch for it`;
  }

  private nameProblems(reader: Named, writer: Named, path: string): string[] {
    if (namesMatch(reader, writer)) return [];
    const [oldN, newN] = this.side === 'new' ? [writer.fullName, reader.fullName] : [reader.fullName, writer.fullName];
    return [`${reader.kind} ${path ? `at \`${path}\` ` : ''}renamed from ${oldN} to ${newN} without an alias`];
  }
}

/** An avsc type for a parsed Avro schema (payload generation); a string is a type name (`"int"`). */
export function avroType(schema: unknown): avro.Type {
  return avro.Type.forSchema(schema as avro.Schema);
}

/** Problems when `reader` reads data written with `writer`, both parsed (empty = compatible). */
export function avroReadProblems(readerSchema: unknown, writerSchema: unknown, side: ReaderSide): string[] {
  return new Checker(side).problems(parseAvroSchema(readerSchema), parseAvroSchema(writerSchema), '');
}
