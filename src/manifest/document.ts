/**
 * topics.yaml as a Document: the plain values plus a way back to source positions for any path.
 * Parsing never throws for user mistakes: YAML errors become diagnostics.
 */
import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument, isMap, isSeq, isPair, isScalar, type Node, type Document as YamlDocument } from 'yaml';
import type { Diagnostic } from './diagnostics.js';
import { UserError } from '../errors.js';

export type PathSegment = string | number;

export interface Position {
  line: number;
  column: number;
}

export interface SpecDocument {
  file: string;
  text: string;
  /** The parsed value (undefined when the YAML could not be parsed at all). */
  value: unknown;
  /** Position of the value at `path`, or of its key with `key: true`; falls back to the nearest parent. */
  positionOf(path: readonly PathSegment[], opts?: { key?: boolean }): Position;
  diagnostics: Diagnostic[];
}

/** Reads and parses a spec file; a missing file is a UserError. */
export function readSpecDocument(file: string): SpecDocument {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError(
      code === 'ENOENT' ? `spec file not found: ${file}` : `cannot read ${file}: ${(e as Error).message}`,
      code === 'ENOENT' ? 'pass the file with -f/--file, or run kafkaform in the directory that holds topics.yaml' : undefined,
    );
  }
  return parseSpecDocument(text, file);
}

/** Dotted path as users read it. */
export function formatPath(path: readonly PathSegment[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

export function parseSpecDocument(text: string, file: string): SpecDocument {
  const lineCounter = new LineCounter();
  // yaml's own uniqueKeys check compares every key with every other one (quadratic: seconds for
  // 10,000 topics); duplicates are found below in one pass instead.
  const doc: YamlDocument.Parsed = parseDocument(text, { lineCounter, uniqueKeys: false, prettyErrors: false, strict: true });
  const diagnostics: Diagnostic[] = [];
  const pos = (offset: number): Position => {
    const p = lineCounter.linePos(offset);
    return { line: p.line, column: p.col };
  };
  for (const err of doc.errors) {
    const p = pos(err.pos[0]);
    const duplicate = err.code === 'DUPLICATE_KEY';
    diagnostics.push({
      severity: 'error',
      code: duplicate ? 'duplicate-key' : 'yaml-syntax',
      file,
      line: p.line,
      column: p.column,
      path: '',
      message: duplicate ? 'the same key appears twice in one mapping' : firstLine(err.message),
      hint: duplicate ? 'YAML keeps only one of them: merge the two entries or rename one' : 'fix the YAML syntax (indentation, quotes, colons) at this position',
    });
  }
  for (const { offset, key } of findDuplicateKeys(doc.contents)) {
    const p = pos(offset);
    diagnostics.push({
      severity: 'error',
      code: 'duplicate-key',
      file,
      line: p.line,
      column: p.column,
      path: '',
      message: `"${key}" appears twice in one mapping`,
      found: `a second "${key}"`,
      allowed: 'each key once per mapping',
      hint: 'YAML keeps only one of them: merge the two entries or rename one',
    });
  }
  for (const warn of doc.warnings) {
    const p = pos(warn.pos[0]);
    diagnostics.push({ severity: 'warning', code: 'yaml', file, line: p.line, column: p.column, path: '', message: firstLine(warn.message) });
  }
  let value: unknown;
  if (doc.errors.length === 0) {
    try {
      value = doc.toJS({ maxAliasCount: 1000 });
    } catch (e) {
      diagnostics.push({ severity: 'error', code: 'yaml-syntax', file, line: 1, column: 1, path: '', message: firstLine((e as Error).message) });
    }
  }

  const positionOf = (path: readonly PathSegment[], opts: { key?: boolean } = {}): Position => {
    let node: unknown = doc.contents;
    let best: number | undefined = rangeStart(node);
    for (let i = 0; i < path.length; i++) {
      const seg = path[i]!;
      const last = i === path.length - 1;
      if (isMap(node)) {
        const pair = node.items.find((it) => isPair(it) && scalarKey(it.key) === String(seg));
        if (!pair) break;
        const keyStart = rangeStart(pair.key as Node);
        if (last && opts.key) return keyStart !== undefined ? pos(keyStart) : fallback(best);
        node = pair.value;
        // A block mapping or list starts on the next line: its key is where a reader looks.
        if (last && (isMap(node) || isSeq(node)) && !node.flow && keyStart !== undefined) return pos(keyStart);
        const vs = rangeStart(node);
        best = vs ?? keyStart ?? best;
        if (node === null || node === undefined) best = keyStart ?? best;
      } else if (isSeq(node) && typeof seg === 'number') {
        const item = node.items[seg];
        if (item === undefined) break;
        node = item;
        best = rangeStart(node) ?? best;
      } else break;
    }
    return fallback(best);
  };
  const fallback = (offset: number | undefined): Position => (offset === undefined ? { line: 1, column: 1 } : pos(offset));

  return { file, text, value, positionOf, diagnostics };
}

/** Offsets of every key that repeats an earlier key of the same mapping, in one walk. */
function findDuplicateKeys(root: unknown): Array<{ offset: number; key: string }> {
  const out: Array<{ offset: number; key: string }> = [];
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (isMap(node)) {
      const seen = new Set<string>();
      for (const it of node.items) {
        const k = scalarKey(it.key);
        if (k !== undefined) {
          if (seen.has(k)) {
            const start = rangeStart(it.key as Node);
            if (start !== undefined) out.push({ offset: start, key: k });
          }
          seen.add(k);
        }
        stack.push(it.value);
      }
    } else if (isSeq(node)) {
      for (const it of node.items) stack.push(it);
    } else if (isPair(node)) {
      stack.push(node.value);
    }
  }
  return out.sort((a, b) => a.offset - b.offset);
}

function scalarKey(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value);
  return undefined;
}

function rangeStart(node: unknown): number | undefined {
  const r = (node as Node | null | undefined)?.range;
  return r ? r[0] : undefined;
}

function firstLine(s: string): string {
  return s.split('\n')[0]!.trim();
}
