/**
 * A fast reader for the plain block YAML that topics.yaml files are written in (and that
 * `kafkaform import` writes): block mappings and lists, plain and simple quoted scalars, comments,
 * `[]` and `{}`. `yaml`'s parser takes about 100 µs per topic entry (2 s for a 10,000-topic file on
 * this 2-core machine); this reads the same file in a few milliseconds. It gives up (undefined)
 * on anything outside that subset, or anything it is not sure of: anchors, aliases, tags, merge
 * keys, block and multi-line scalars, flow collections with content, escapes, tabs, CR, control
 * characters, directives, a key twice, nesting deeper than the limit. The caller then parses with
 * `yaml` as before, which also gives the diagnostics; so this never reports an error of its own.
 *
 * Where it answers, the value is the one `yaml` gives for the same text with the options
 * parseSpecDocument uses: plain scalars are resolved by `yaml`'s own core-schema tags (the same
 * `test` and `resolve` its composer uses), keys are made strings as its `toJS` does. The unit
 * tests compare both readers on generated and adversarial documents.
 */
import { isScalar, parseDocument, type ScalarTag, type Schema } from 'yaml';

interface Resolver {
  tags: ScalarTag[];
  fallback: ScalarTag;
  options: unknown;
}

/** The options parseSpecDocument reads a file with through `yaml` (the reader's values must be the ones they give). */
export const YAML_OPTIONS = { uniqueKeys: false, prettyErrors: false, strict: true, merge: true } as const;

let resolver: Resolver | undefined;

/** `yaml`'s tags for the options parseSpecDocument passes (core schema, merge keys on), taken from a parsed document once. */
function yamlResolver(): Resolver {
  if (resolver) return resolver;
  const doc = parseDocument('a: 1', YAML_OPTIONS);
  const schema = doc.schema as Schema & Record<symbol, unknown>;
  // The tag of a plain scalar no other tag matches (a string): `yaml` keeps it under this registered symbol.
  const fallback = schema[Symbol.for('yaml.scalar')] as ScalarTag | undefined;
  if (!fallback) throw new Error('yaml: the schema has no scalar tag');
  resolver = { tags: schema.tags as ScalarTag[], fallback, options: doc.options };
  return resolver;
}

/** A plain scalar's value as `yaml` resolves it (findScalarTagByTest, then the tag's resolve); undefined when it would report anything. */
function resolvePlain(text: string, atKey: boolean): { value: unknown } | undefined {
  const cache = atKey ? keyCache : valueCache;
  const known = cache.get(text);
  if (known !== undefined || cache.has(text)) return known;
  const resolved = resolveUncached(text, atKey);
  if (cache.size < CACHE_LIMIT) cache.set(text, resolved);
  return resolved;
}

/** Resolutions already made (topics.yaml repeats its keys and many values); bounded. */
const keyCache = new Map<string, { value: unknown } | undefined>();
const valueCache = new Map<string, { value: unknown } | undefined>();
const CACHE_LIMIT = 50_000;

function resolveUncached(text: string, atKey: boolean): { value: unknown } | undefined {
  const r = yamlResolver();
  const tag = r.tags.find((t) => (t.default === true || (atKey && t.default === 'key')) && t.test?.test(text)) ?? r.fallback;
  let failed = false;
  let value: unknown;
  try {
    const res = tag.resolve(text, () => { failed = true; }, r.options as never);
    // Some tags resolve to a Scalar node (booleans, floats keep their source form): its value is what toJS gives.
    value = isScalar(res) ? res.value : res;
  } catch {
    return undefined;
  }
  if (failed || (value !== null && typeof value === 'object') || typeof value === 'symbol' || typeof value === 'bigint') return undefined;
  if (typeof value === 'number' && Number.isInteger(value) && !Number.isSafeInteger(value)) return undefined;
  return { value };
}

class GiveUp extends Error {}
const giveUp = (): never => {
  throw new GiveUp();
};

/** Characters the subset does not read anywhere: tab, CR, other C0/C1 controls, DEL, BOM, line and paragraph separators. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it looks for
const UNREAD = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\ufeff]/;
/** A key: a plain word of these characters (no spaces, no indicators), then `:` and a space or the line's end. */
const PLAIN_KEY = /^([A-Za-z0-9_$/][A-Za-z0-9_.$/@+-]*):(?: +|$)/;
const SINGLE_KEY = /^'([^']*)':(?: +|$)/;
const DOUBLE_KEY = /^"([^"\\]*)":(?: +|$)/;
/** What may follow a quoted scalar or `[]` / `{}` on its line. */
const LINE_END = /^ *(?:#.*)?$/;
const MAX_KEY = 1000;
/** Flow collections inside each other on one line (the block levels around them count apart). */
const FLOW_NESTING = 16;

interface Line {
  indent: number;
  content: string;
}

/** The value of `text` when it is in the subset, else undefined. */
export function fastParseYaml(text: string, maxNesting: number): unknown {
  if (UNREAD.test(text)) return undefined;
  const lines: Line[] = [];
  for (const raw of text.split('\n')) {
    let indent = 0;
    while (raw.charCodeAt(indent) === 32) indent++;
    const content = raw.slice(indent).trimEnd();
    if (content === '' || content.startsWith('#')) continue;
    if (indent === 0 && (content.startsWith('---') || content.startsWith('...') || content.startsWith('%'))) return undefined;
    lines.push({ indent, content });
  }
  if (lines.length === 0 || lines[0]!.indent !== 0) return undefined;
  const reader = new BlockReader(lines, maxNesting);
  try {
    const value = reader.mapping(0, 1);
    return reader.done() ? value : undefined;
  } catch (e) {
    if (e instanceof GiveUp) return undefined;
    throw e;
  }
}

class BlockReader {
  private at = 0;

  constructor(
    private readonly lines: Line[],
    private readonly maxNesting: number,
  ) {}

  done(): boolean {
    return this.at === this.lines.length;
  }

  private peek(): Line | undefined {
    return this.lines[this.at];
  }

  /** The block that starts on the next line, deeper than `parent`; null when there is none. */
  private nested(parent: number, depth: number): unknown {
    const next = this.peek();
    if (!next || next.indent <= parent) return null;
    return isItem(next.content) ? this.sequence(next.indent, depth) : this.mapping(next.indent, depth);
  }

  mapping(indent: number, depth: number): Record<string, unknown> {
    if (depth > this.maxNesting) giveUp();
    const out: Record<string, unknown> = {};
    for (let line = this.peek(); line && line.indent === indent; line = this.peek()) {
      if (isItem(line.content)) giveUp();
      const { key, rest } = readKey(line.content);
      if (key === '__proto__' || Object.hasOwn(out, key)) giveUp();
      this.at++;
      if (rest === '' || rest.startsWith('#')) {
        const next = this.peek();
        // A list may sit at its key's own indentation.
        out[key] = next && next.indent === indent && isItem(next.content) ? this.sequence(indent, depth + 1) : this.nested(indent, depth + 1);
      } else {
        out[key] = inlineValue(rest);
        this.noDeeperLine(indent);
      }
    }
    this.noDeeperLine(indent);
    return out;
  }

  sequence(indent: number, depth: number): unknown[] {
    if (depth > this.maxNesting) giveUp();
    const out: unknown[] = [];
    for (let line = this.peek(); line && line.indent === indent && isItem(line.content); line = this.peek()) {
      const after = line.content.slice(1);
      const body = after.trimStart();
      if (body === '' || body.startsWith('#')) {
        this.at++;
        out.push(this.nested(indent, depth + 1));
        continue;
      }
      if (isItem(body)) giveUp();
      if (isKeyLine(body)) {
        // `- key: value`: a mapping whose keys line up with this first one.
        const column = indent + 1 + (after.length - body.length);
        this.lines[this.at] = { indent: column, content: body };
        out.push(this.mapping(column, depth + 1));
      } else {
        this.at++;
        out.push(inlineValue(body));
        this.noDeeperLine(indent);
      }
    }
    this.noDeeperLine(indent);
    return out;
  }

  /** The next line may not be deeper than `indent` (a continuation, or a block after a value). */
  private noDeeperLine(indent: number): void {
    const next = this.peek();
    if (next && next.indent > indent) giveUp();
  }
}

function isItem(content: string): boolean {
  return content === '-' || content.startsWith('- ');
}

function isKeyLine(content: string): boolean {
  return PLAIN_KEY.test(content) || SINGLE_KEY.test(content) || DOUBLE_KEY.test(content);
}

/** The key of a `key: …` line, as `yaml`'s toJS makes it a property name, and what follows it. */
function readKey(content: string): { key: string; rest: string } {
  const plain = PLAIN_KEY.exec(content);
  if (plain) {
    const word = plain[1]!;
    if (word.length > MAX_KEY) giveUp();
    const resolved = resolvePlain(word, true) ?? giveUp();
    return { key: resolved.value === null ? '' : String(resolved.value), rest: content.slice(plain[0].length) };
  }
  const quoted = SINGLE_KEY.exec(content) ?? DOUBLE_KEY.exec(content) ?? giveUp();
  if (quoted[1]!.length > MAX_KEY) giveUp();
  return { key: quoted[1]!, rest: content.slice(quoted[0].length) };
}

/** A value on the line of its key or dash: a plain or simple quoted scalar, `[]` or `{}`. */
function inlineValue(text: string): unknown {
  const first = text[0]!;
  if (text.startsWith('[]') || text.startsWith('{}')) {
    if (!LINE_END.test(text.slice(2))) giveUp();
    return first === '[' ? [] : {};
  }
  if (first === '[' || first === '{') {
    const flow = new FlowReader(text);
    const value = flow.node();
    if (!LINE_END.test(flow.rest())) giveUp();
    return value;
  }
  if (first === "'") {
    let value = '';
    for (let i = 1; i < text.length; i++) {
      if (text[i] !== "'") {
        value += text[i];
      } else if (text[i + 1] === "'") {
        value += "'";
        i++;
      } else {
        if (!LINE_END.test(text.slice(i + 1))) giveUp();
        return value;
      }
    }
    return giveUp();
  }
  if (first === '"') {
    const close = text.indexOf('"', 1);
    if (close < 0) giveUp();
    const value = text.slice(1, close);
    if (value.includes('\\') || !LINE_END.test(text.slice(close + 1))) giveUp();
    return value;
  }
  plainStart(text);
  const comment = text.indexOf(' #');
  const plain = (comment < 0 ? text : text.slice(0, comment)).trimEnd();
  if (plain.includes(': ') || plain.endsWith(':')) giveUp();
  return (resolvePlain(plain, false) ?? giveUp()).value;
}

/** A plain scalar may not start with an indicator (nor `-`, `?`, `:` then a space). */
function plainStart(text: string): void {
  const first = text[0];
  if (first === undefined || ',[]{}#&*!|>\'"%@`'.includes(first)) giveUp();
  if ('-?:'.includes(first!) && (text.length === 1 || text[1] === ' ')) giveUp();
}

/**
 * A flow collection on one line: `[a, b]`, `{ k: v, k2: [x] }`, of plain or simple quoted scalars.
 * A plain scalar in it may hold no `:`, `#` or flow indicator (the subset gives up on those), and
 * an empty entry (`[a, ]`, `[a,,b]`) or a key twice is also left to `yaml`.
 */
class FlowReader {
  private at = 0;
  private depth = 0;

  constructor(private readonly text: string) {}

  rest(): string {
    return this.text.slice(this.at);
  }

  private spaces(): void {
    while (this.text[this.at] === ' ') this.at++;
  }

  node(): unknown {
    this.spaces();
    const c = this.text[this.at];
    if ((c === '[' || c === '{') && ++this.depth > FLOW_NESTING) giveUp();
    if (c === '[') return this.collection(']', () => this.node());
    if (c === '{') {
      const out: Record<string, unknown> = {};
      this.collection('}', () => {
        const key = this.scalar(true);
        const name = key === null ? '' : String(key);
        if (name === '__proto__' || Object.hasOwn(out, name)) giveUp();
        this.spaces();
        if (this.text[this.at] !== ':' || this.text[this.at + 1] !== ' ') giveUp();
        this.at++;
        out[name] = this.node();
        return undefined;
      });
      return out;
    }
    return this.scalar(false);
  }

  /** Entries up to `close`, separated by commas; the list of what `entry` returned. */
  private collection(close: string, entry: () => unknown): unknown[] {
    const out: unknown[] = [];
    this.at++;
    this.spaces();
    if (this.text[this.at] === close) {
      this.at++;
      return out;
    }
    for (;;) {
      out.push(entry());
      this.spaces();
      const c = this.text[this.at++];
      if (c === close) return out;
      if (c !== ',') giveUp();
      this.spaces();
      if (this.text[this.at] === ',' || this.text[this.at] === close) giveUp();
    }
  }

  private scalar(atKey: boolean): unknown {
    this.spaces();
    const c = this.text[this.at];
    if (c === "'" || c === '"') {
      const close = this.text.indexOf(c, this.at + 1);
      if (close < 0) giveUp();
      const value = this.text.slice(this.at + 1, close);
      if (value.includes('\\') || this.text[close + 1] === c) giveUp();
      this.at = close + 1;
      return value;
    }
    let end = this.at;
    // A `:` ends the scalar only before a space, a flow indicator or the line's end (`[kafka-1:9092]` is one string).
    for (; end < this.text.length; end++) {
      const ch = this.text[end]!;
      if (',[]{}#'.includes(ch)) break;
      if (ch === ':' && (end + 1 === this.text.length || ' ,[]{}'.includes(this.text[end + 1]!))) break;
    }
    const plain = this.text.slice(this.at, end).trimEnd();
    plainStart(plain);
    this.at = end;
    return (resolvePlain(plain, atKey) ?? giveUp()).value;
  }
}
