/**
 * topics.yaml as a Document: the plain values plus a way back to source positions for any path.
 * Parsing never throws for user mistakes: YAML errors, a file that is not UTF-8 and nesting deeper
 * than MAX_NESTING become diagnostics. YAML 1.1 merge keys (`<<: *base`) resolve, and positions
 * inside merged mappings and aliases point where the value was written (at its anchor).
 */
import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument, isAlias, isMap, isSeq, isPair, isScalar, type Node, type Document as YamlDocument } from 'yaml';
import type { Diagnostic } from './diagnostics.js';
import { UserError } from '../errors.js';
import { fastParseYaml, YAML_OPTIONS } from './fast-yaml.js';

/** Deepest nesting read (a real topics.yaml needs about 6); deeper input would exhaust the stack of the later passes. */
export const MAX_NESTING = 64;

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
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError(
      code === 'ENOENT' ? `spec file not found: ${file}` : `cannot read ${file}: ${(e as Error).message}`,
      code === 'ENOENT' ? 'pass the file with -f/--file, or run kafkaform in the directory that holds topics.yaml' : undefined,
    );
  }
  return parseSpecBytes(bytes, file);
}

/** The Unicode encoding a BOM or the NUL pattern of the first four bytes shows (YAML 1.2 §5.2), when it is not UTF-8. */
export function detectWideEncoding(bytes: Uint8Array): string | undefined {
  const [a, b, c, d] = [bytes[0], bytes[1], bytes[2], bytes[3]];
  if (a === 0x00 && b === 0x00 && c === 0xfe && d === 0xff) return 'UTF-32 BE (with BOM)';
  if (a === 0xff && b === 0xfe && c === 0x00 && d === 0x00) return 'UTF-32 LE (with BOM)';
  if (a === 0xfe && b === 0xff) return 'UTF-16 BE (with BOM)';
  if (a === 0xff && b === 0xfe) return 'UTF-16 LE (with BOM)';
  if (bytes.length >= 4 && a === 0x00 && b === 0x00 && c === 0x00 && d !== 0x00) return 'UTF-32 BE';
  if (bytes.length >= 4 && a !== 0x00 && b === 0x00 && c === 0x00 && d === 0x00) return 'UTF-32 LE';
  if (bytes.length >= 2 && a === 0x00 && b !== 0x00) return 'UTF-16 BE';
  if (bytes.length >= 2 && a !== 0x00 && b === 0x00) return 'UTF-16 LE';
  return undefined;
}

/** Parses a spec file's bytes: UTF-8 (a BOM is fine); another encoding or invalid UTF-8 is one diagnostic, never the bytes. */
export function parseSpecBytes(bytes: Uint8Array, file: string): SpecDocument {
  const wide = detectWideEncoding(bytes);
  if (wide) {
    return unreadable(file, 1, 1, `the file is encoded as ${wide}; kafkaform reads UTF-8`, {
      found: wide, allowed: 'UTF-8 (a BOM is accepted)', hint: 'save the file as UTF-8 (most editors: "Save with Encoding" → UTF-8)',
    });
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const at = firstInvalidUtf8(bytes);
    const before = new TextDecoder('utf-8').decode(bytes.subarray(0, at)).split('\n');
    return unreadable(file, before.length, before[before.length - 1]!.length + 1, 'the file is not valid UTF-8 here', {
      found: 'a byte sequence that is not UTF-8 (e.g. Latin-1 or Windows-1252 text)', allowed: 'UTF-8', hint: 'save the file as UTF-8',
    });
  }
  return parseSpecDocument(text, file);
}

/** Offset of the first byte that does not start or continue a UTF-8 sequence (a structural scan: enough to point at it). */
function firstInvalidUtf8(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; ) {
    const lead = bytes[i]!;
    const len = lead < 0x80 ? 1 : lead >= 0xc2 && lead <= 0xdf ? 2 : lead >= 0xe0 && lead <= 0xef ? 3 : lead >= 0xf0 && lead <= 0xf4 ? 4 : 0;
    if (len === 0) return i;
    for (let k = 1; k < len; k++) if (i + k >= bytes.length || (bytes[i + k]! & 0xc0) !== 0x80) return i;
    i += len;
  }
  return 0;
}

/** A document that could not be read as text: no value, one error at the given position. */
function unreadable(file: string, line: number, column: number, message: string, details: Pick<Diagnostic, 'found' | 'allowed' | 'hint'>): SpecDocument {
  const diagnostics: Diagnostic[] = [{ severity: 'error', code: 'file-encoding', file, line, column, path: '', message, ...details }];
  return { file, text: '', value: undefined, positionOf: () => ({ line: 1, column: 1 }), diagnostics };
}

/** Dotted path as users read it. */
export function formatPath(path: readonly PathSegment[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

/** Parses spec text (as decoded by the caller); never throws for user mistakes. */
export function parseSpecDocument(source: string, file: string): SpecDocument {
  // A UTF-8 BOM is accepted; dropping it keeps the columns of line 1 right.
  const text = source.startsWith('\uFEFF') ? source.slice(1) : source;
  if (text.includes('\u0000')) {
    return unreadable(file, 1, 1, 'the file holds NUL characters: it is probably UTF-16 or UTF-32; kafkaform reads UTF-8', {
      found: 'NUL characters', allowed: 'UTF-8 text', hint: 'save the file as UTF-8 (most editors: "Save with Encoding" → UTF-8)',
    });
  }
  // Plain block YAML (what import writes, what most files are) is read without `yaml`'s parser;
  // positions, needed only for a diagnostic, come from it on first use.
  const fast = fastParseYaml(text, MAX_NESTING);
  if (fast !== undefined && valueDepth(fast) <= MAX_NESTING) return withLazyPositions(file, text, fast);
  return parseWithYaml(text, file);
}

/** A document of `text` whose value is already known (and has no diagnostic): positions come from parsing `text` through `yaml` on first use. */
export function withLazyPositions(file: string, text: string, value: unknown): SpecDocument {
  let parsed: SpecDocument | undefined;
  return {
    file,
    text,
    value,
    diagnostics: [],
    positionOf(path, opts) {
      parsed ??= parseWithYaml(text, file);
      return parsed.positionOf(path, opts);
    },
  };
}

/** The whole parse through `yaml`: its diagnostics and source positions. */
function parseWithYaml(text: string, file: string): SpecDocument {
  const lineCounter = new LineCounter();
  // yaml's own uniqueKeys check compares every key with every other one (quadratic: seconds for
  // 10,000 topics); duplicates are found below in one pass instead. `merge` reads `<<` as YAML 1.1 merge keys.
  const doc: YamlDocument.Parsed = parseDocument(text, { ...YAML_OPTIONS, lineCounter });
  const diagnostics: Diagnostic[] = [];
  const pos = (offset: number): Position => {
    const p = lineCounter.linePos(offset);
    return { line: p.line, column: p.col };
  };
  const tooDeep = (p: Position): Diagnostic => ({
    severity: 'error', code: 'nesting-too-deep', file, line: p.line, column: p.column, path: '',
    message: `nested more than ${MAX_NESTING} levels deep`, found: `more than ${MAX_NESTING} levels`, allowed: `at most ${MAX_NESTING} levels of mappings and lists`,
    hint: 'a topics.yaml needs a handful of levels: look for unclosed or repeated brackets here',
  });
  const walk = walkDocument(doc.contents);
  if (walk.tooDeepAt !== undefined) diagnostics.push(tooDeep(pos(walk.tooDeepAt)));
  for (const err of doc.errors) {
    const p = pos(err.pos[0]);
    // The parser itself recurses per level: thousands of levels exhaust its stack (said once, at the depth point when known).
    if (/call stack/i.test(err.message)) {
      if (walk.tooDeepAt === undefined) diagnostics.push(tooDeep(p));
      continue;
    }
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
  for (const { offset, key } of walk.duplicates) {
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
  if (doc.errors.length === 0 && walk.tooDeepAt === undefined) {
    try {
      value = doc.toJS({ maxAliasCount: 1000 });
    } catch (e) {
      diagnostics.push({ severity: 'error', code: 'yaml-syntax', file, line: 1, column: 1, path: '', message: firstLine((e as Error).message), hint: 'fix the YAML at this position' });
    }
    // Aliases can nest anchors in each other: the value may be deeper than the text.
    if (value !== undefined && valueDepth(value) > MAX_NESTING) {
      diagnostics.push(tooDeep({ line: 1, column: 1 }));
      value = undefined;
    }
  }

  /** The mapping or list an alias names, else the node itself. */
  const deref = (node: unknown): unknown => {
    for (let hops = 0; isAlias(node) && hops < 100; hops++) node = node.resolve(doc);
    return node;
  };
  /** The pair for `key` in a mapping: written in it, else from its merge keys (earlier sources win, as in YAML 1.1). */
  const findPair = (map: unknown, key: string, hops = 0): { key: unknown; value: unknown } | undefined => {
    if (!isMap(map) || hops > MAX_NESTING) return undefined;
    const own = map.items.find((it) => isPair(it) && !isMergeKey(it.key) && scalarKey(it.key) === key);
    if (own) return own;
    for (const it of map.items) {
      if (!isMergeKey(it.key)) continue;
      const target = deref(it.value);
      const sources = isSeq(target) ? target.items.map(deref) : [target];
      for (const src of sources) {
        const found = findPair(src, key, hops + 1);
        if (found) return found;
      }
    }
    return undefined;
  };

  const positionOf = (path: readonly PathSegment[], opts: { key?: boolean } = {}): Position => {
    let node: unknown = deref(doc.contents);
    let best: number | undefined = rangeStart(node);
    for (let i = 0; i < path.length; i++) {
      const seg = path[i]!;
      const last = i === path.length - 1;
      if (isMap(node)) {
        const pair = findPair(node, String(seg));
        if (!pair) break;
        const keyStart = rangeStart(pair.key as Node);
        if (last && opts.key) return keyStart !== undefined ? pos(keyStart) : fallback(best);
        // An alias value points at its anchor: that is where the value was written.
        node = deref(pair.value);
        // A block mapping or list starts on the next line: its key is where a reader looks.
        if (last && (isMap(node) || isSeq(node)) && !node.flow && keyStart !== undefined && pair.value === node) return pos(keyStart);
        const vs = rangeStart(node);
        best = vs ?? keyStart ?? best;
        if (node === null || node === undefined) best = keyStart ?? best;
      } else if (isSeq(node) && typeof seg === 'number') {
        const item = node.items[seg];
        if (item === undefined) break;
        node = deref(item);
        best = rangeStart(node) ?? best;
      } else break;
    }
    return fallback(best);
  };
  const fallback = (offset: number | undefined): Position => (offset === undefined ? { line: 1, column: 1 } : pos(offset));

  return { file, text, value, positionOf, diagnostics };
}

/** One iterative walk of the syntax tree: keys repeated in a mapping (merge keys aside), and the first node nested too deep. */
function walkDocument(root: unknown): { duplicates: Array<{ offset: number; key: string }>; tooDeepAt?: number } {
  const duplicates: Array<{ offset: number; key: string }> = [];
  let tooDeepAt: number | undefined;
  const stack: Array<{ node: unknown; depth: number }> = [{ node: root, depth: 0 }];
  while (stack.length > 0) {
    const { node, depth } = stack.pop()!;
    if ((isMap(node) || isSeq(node)) && depth >= MAX_NESTING) {
      const start = rangeStart(node);
      if (start !== undefined && (tooDeepAt === undefined || start < tooDeepAt)) tooDeepAt = start;
      continue;
    }
    if (isMap(node)) {
      const seen = new Set<string>();
      for (const it of node.items) {
        const k = isMergeKey(it.key) ? undefined : scalarKey(it.key);
        if (k !== undefined) {
          if (seen.has(k)) {
            const start = rangeStart(it.key as Node);
            if (start !== undefined) duplicates.push({ offset: start, key: k });
          }
          seen.add(k);
        }
        stack.push({ node: it.value, depth: depth + 1 });
      }
    } else if (isSeq(node)) {
      for (const it of node.items) stack.push({ node: it, depth: depth + 1 });
    }
  }
  return { duplicates: duplicates.sort((a, b) => a.offset - b.offset), tooDeepAt };
}

/** Depth of a plain value (mappings and lists), without recursion. */
function valueDepth(root: unknown): number {
  let max = 0;
  const stack: Array<{ v: unknown; depth: number }> = [{ v: root, depth: 0 }];
  while (stack.length > 0) {
    const { v, depth } = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    max = Math.max(max, depth + 1);
    if (max > MAX_NESTING) return max;
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push({ v: child, depth: depth + 1 });
  }
  return max;
}

/** `<<` read as a YAML 1.1 merge key (yaml marks it with a symbol when `merge` is on). */
function isMergeKey(key: unknown): boolean {
  return isScalar(key) && typeof key.value === 'symbol';
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
