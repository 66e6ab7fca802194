/**
 * renderYaml: block-style YAML of plain data (mappings, lists, strings, numbers, booleans), the
 * shape yaml's stringify writes, at a fraction of its cost: its Document model took a second for
 * 10,000 topics. A string is written plain only when YAML 1.2 reads it back as that string (a
 * conservative character set, not a keyword or a number); any other is double-quoted with escapes.
 * Anything outside that shape (a list in a list, a key too long for an implicit key) is rendered by
 * the yaml library instead. Pure; the unit tests hold parse(renderYaml(v)) equal to v.
 */
import { Document, isScalar, stringify, visit } from 'yaml';

class NotHandled extends Error {}

/** Plain in block context and read back as a string (the first character is not an indicator, no ": " or " #"; `<<` is a merge key). */
const PLAIN = /^[A-Za-z0-9_<][A-Za-z0-9_.\-/:<>]*$/;
/** What YAML 1.2's core schema reads as something other than a string. */
const CORE_NON_STRING = /^(?:true|True|TRUE|false|False|FALSE|null|Null|NULL|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|0o[0-7]+|0x[0-9a-fA-F]+)$/;
/** Characters YAML does not allow raw (or that read as line breaks in YAML 1.1): written as \u escapes. */
const NOT_RAW = /[\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]/g;
const MAX_IMPLICIT_KEY = 1000;

function isMapping(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function renderString(s: string, memo: Map<string, string>): string {
  let out = memo.get(s);
  if (out === undefined) {
    out = PLAIN.test(s) && !s.endsWith(':') && s !== '<<' && !CORE_NON_STRING.test(s) ? s : JSON.stringify(s).replace(NOT_RAW, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
    memo.set(s, out);
  }
  return out;
}

function renderScalar(v: unknown, memo: Map<string, string>): string {
  if (typeof v === 'string') return renderString(v, memo);
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'number') return Number.isSafeInteger(v) && !Object.is(v, -0) ? String(v) : stringify(v).trimEnd();
  throw new NotHandled();
}

function renderMapping(obj: Record<string, unknown>, indent: string, out: string[], memo: Map<string, string>): void {
  for (const [k, v] of Object.entries(obj)) {
    if (v === undefined) continue;
    if (k.length > MAX_IMPLICIT_KEY) throw new NotHandled();
    const key = `${indent}${renderString(k, memo)}:`;
    if (isMapping(v)) {
      if (Object.values(v).every((x) => x === undefined)) out.push(`${key} {}`);
      else {
        out.push(key);
        renderMapping(v, `${indent}  `, out, memo);
      }
    } else if (Array.isArray(v)) {
      if (v.length === 0) out.push(`${key} []`);
      else {
        out.push(key);
        renderList(v, `${indent}  `, out, memo);
      }
    } else out.push(`${key} ${renderScalar(v, memo)}`);
  }
}

function renderList(list: unknown[], indent: string, out: string[], memo: Map<string, string>): void {
  for (const item of list) {
    if (Array.isArray(item)) throw new NotHandled();
    if (!isMapping(item)) {
      out.push(`${indent}- ${renderScalar(item, memo)}`);
      continue;
    }
    const start = out.length;
    renderMapping(item, `${indent}  `, out, memo);
    if (out.length === start) out.push(`${indent}- {}`);
    // The first pair goes on the dash's line.
    else out[start] = `${indent}- ${out[start]!.slice(indent.length + 2)}`;
  }
}

/** The yaml library's rendering; a key `<<` is quoted (plain it would read back as a merge key). */
function renderWithLibrary(doc: Record<string, unknown>): string {
  const yaml = new Document(doc);
  visit(yaml, {
    Pair(_, pair) {
      if (isScalar(pair.key) && pair.key.value === '<<') pair.key.type = 'QUOTE_DOUBLE';
    },
  });
  return yaml.toString({ lineWidth: 0 });
}

/** Block YAML of a plain-data mapping, one pair per line, lists indented under their key. */
export function renderYaml(doc: Record<string, unknown>): string {
  const out: string[] = [];
  try {
    renderMapping(doc, '', out, new Map());
  } catch (e) {
    if (e instanceof NotHandled) return renderWithLibrary(doc);
    throw e;
  }
  return out.length === 0 ? '{}\n' : `${out.join('\n')}\n`;
}
