/**
 * The SpecDocument of a file import is about to write, built from the structure its text was
 * rendered from instead of from the text: re-parsing 10,000 topics cost more than folding them.
 * The text is `stringify(value)` under comment lines (which hold no line break), so parsing it gives
 * back `value`; the unit tests check that round trip on adversarial names and values. Positions are
 * needed only for diagnostics, so the text is parsed only when a rule reports one.
 */
import { type SpecDocument, withLazyPositions } from '../manifest/document.js';

/** A document whose value is `value` (a plain-data copy) and whose positions come from parsing `text` on first use. */
export function importedSpecDocument(file: string, text: string, value: Record<string, unknown>): SpecDocument {
  // A copy: the rules and normalisation see what a reader of the file would, never the importer's objects.
  return withLazyPositions(file, text, plainCopy(value));
}

/** A copy as the YAML reads back: a key whose value is undefined is not written, an undefined list item is null. */
function plainCopy(v: unknown): unknown {
  if (Array.isArray(v)) return v.map((x) => (x === undefined ? null : plainCopy(x)));
  if (v === null || typeof v !== 'object') return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = plainCopy(x);
  return out;
}

/** A header comment line: a line break inside one would start YAML content, a control character is not YAML. */
export function commentLine(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is replaced
  return `# ${text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\ufeff]/g, ' ')}`;
}
