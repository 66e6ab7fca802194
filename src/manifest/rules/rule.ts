/** What every rule sees: one environment, written and resolved, and where to report. */
import type { Diagnostic, DiagnosticDetails, Report } from '../diagnostics.js';
import type { PathSegment, SpecDocument } from '../document.js';
import type { FileSource } from '../file-source.js';
import type { NormalizedEnvironment } from '../normalize.js';
import type { SchemaFiles } from '../schema-files.js';
import { isObj, mapping, type WrittenManifest, type WrittenSchemaRefs, type WrittenTopic } from '../written.js';

export interface RuleContext {
  readonly doc: SpecDocument;
  readonly written: WrittenManifest;
  /** The environment being checked, resolved, with the layers and source paths it came from. */
  readonly normalized: NormalizedEnvironment;
  /** Undefined when file checks are off (no FileSource given). */
  readonly files: FileSource | undefined;
  readonly schemas: SchemaFiles | undefined;
  report: Report;
  error(code: string, path: readonly PathSegment[], message: string, details?: DiagnosticDetails): void;
  warn(code: string, path: readonly PathSegment[], message: string, details?: DiagnosticDetails): void;
  /** For checks that build their own Diagnostic (validateBackend). */
  push(d: Diagnostic): void;
}

/** One concern of topics.yaml's semantics: reads the context, reports through it, never throws. */
export type Rule = (ctx: RuleContext) => void;

/** The `schema:` block of every declared topic that has one (for the schema rules). */
export function writtenSchemaBlocks(ctx: RuleContext): Array<{ topic: string; schema: Partial<WrittenSchemaRefs> }> {
  const topics = mapping<Record<string, WrittenTopic | null>>(ctx.written.topics);
  return ctx.normalized.spec.topics.flatMap((t) => {
    const schema = t.deadLetterOf === undefined ? mapping<WrittenTopic>(topics[t.name]).schema : undefined;
    return isObj(schema) ? [{ topic: t.name, schema }] : [];
  });
}
