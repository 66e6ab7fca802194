/**
 * Compatibility of changed schema files before anything is applied: against the file's previous
 * versions in git history (`validate --against <ref>`), and against the versions a registry holds.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';
import type { Diagnostic } from '../manifest/diagnostics.js';
import { readSpecDocument, type SpecDocument } from '../manifest/document.js';
import type { ResolvedSpec } from '../manifest/types.js';
import { UserError } from '../errors.js';
import { checkCompatibility, type PreviousVersion } from '../schema/compatibility.js';
import { collectSchemaHistory, gitTopLevel, requireGitRef } from '../schema/history.js';
import type { RegistryState } from './registry-state.js';
import { computeDeclaredSubjects, sameSchema, type DeclaredSubject } from './subjects.js';

export const SCHEMA_INCOMPATIBLE_HINT =
  'make the change compatible (e.g. give the new field a default, keep removed fields optional), or, if breaking consumers is intended, change schema.compatibility deliberately or use a new subject';

function positionOf(doc: SpecDocument | undefined, d: Pick<DeclaredSubject, 'topic' | 'part'>): { line: number; column: number } {
  if (!doc) return { line: 1, column: 1 };
  try {
    return doc.positionOf(['topics', d.topic, 'schema', d.part]);
  } catch {
    return { line: 1, column: 1 };
  }
}

/** A diagnostic at the topic's `schema.<key|value>` entry in topics.yaml. */
export function schemaDiagnostic(spec: ResolvedSpec, doc: SpecDocument | undefined, d: Pick<DeclaredSubject, 'topic' | 'part'>, message: string, code = 'schema-incompatible'): Diagnostic {
  const pos = positionOf(doc, d);
  return { severity: 'error', code, file: spec.file, line: pos.line, column: pos.column, path: `topics.${d.topic}.schema.${d.part}`, message, hint: SCHEMA_INCOMPATIBLE_HINT };
}

function readText(spec: ResolvedSpec, file: string): string | undefined {
  try {
    return readFileSync(resolve(dirname(spec.file), file), 'utf8');
  } catch {
    return undefined; // validate already reports a missing file
  }
}

/** Checks one new schema text against previous versions; diagnostics say file, level, what broke. */
function checkOne(spec: ResolvedSpec, doc: SpecDocument | undefined, d: DeclaredSubject, level: string, text: string, previous: PreviousVersion[]): Diagnostic[] {
  let r: ReturnType<typeof checkCompatibility>;
  try {
    r = checkCompatibility(level, text, previous, d.format);
  } catch (e) {
    return [schemaDiagnostic(spec, doc, d, `${d.file}: cannot be compared with its previous versions: ${(e as Error).message}`, 'schema-parse')];
  }
  return r.compatible ? [] : r.messages.map((m) => schemaDiagnostic(spec, doc, d, `${d.file} (subject ${d.subject}): ${m}`));
}

/**
 * For every schema file that differs from its copy at `against` (a git ref), checks the current
 * file against the file's versions in the history of `against` (the latest, or all of them for a
 * *_TRANSITIVE level) under the topic's compatibility level. Reads git; returns diagnostics.
 */
export function collectSchemaChangeDiagnostics(spec: ResolvedSpec, opts: { against: string; document?: SpecDocument }): Diagnostic[] {
  const specDir = dirname(resolve(spec.file));
  if (existsSync(resolve(opts.against)) && statSync(resolve(opts.against)).isFile()) {
    // `validate --against <file>` compares topics.yaml copies; schema history needs a git ref.
    if (computeDeclaredSubjects(spec).length === 0) return [];
    return [{ severity: 'warning', code: 'schema-history-unavailable', file: spec.file, line: 1, column: 1, path: 'topics', message: `schema compatibility was not checked: --against ${opts.against} is a file, and previous schema versions come from git`, hint: 'pass a git ref (main, HEAD~1) to check schema changes too' }];
  }
  const top = gitTopLevel(specDir);
  if (!top) throw new UserError(`--against ${opts.against}: ${specDir} is not inside a git repository`, 'run in a git checkout to compare schemas with their previous versions');
  requireGitRef(top, opts.against);
  const doc = opts.document ?? safeDocument(spec.file);
  const out: Diagnostic[] = [];
  for (const d of computeDeclaredSubjects(spec)) {
    const text = readText(spec, d.file);
    if (text === undefined) continue;
    const rel = relative(top, resolve(specDir, d.file)).split(sep).join('/');
    const history = collectSchemaHistory(top, rel, opts.against);
    const latest = history.at(-1);
    if (!latest || sameSchema(latest.text, text, d.format)) continue;
    const previous = history.map((v) => ({ label: `v${v.number} (git ${v.commit.slice(0, 7)})`, schema: v.text }));
    out.push(...checkOne(spec, doc, d, d.compatibility, text, previous));
  }
  return out;
}

/**
 * Checks every declared schema that differs from the subject's latest registered version against
 * the registered versions, under the level topics.yaml asks for. Pure.
 */
export function validateSchemasAgainstRegistry(spec: ResolvedSpec, state: RegistryState, schemas: ReadonlyMap<string, string>, document?: SpecDocument): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const d of computeDeclaredSubjects(spec)) {
    const text = schemas.get(d.file);
    const versions = state.subjects[d.subject]?.versions ?? [];
    if (text === undefined || versions.length === 0 || sameSchema(versions.at(-1)!.schema, text, d.format)) continue;
    const previous = versions.map((v) => ({ label: `registry version ${v.version} (id ${v.id})`, schema: v.schema }));
    out.push(...checkOne(spec, document, d, d.compatibility, text, previous));
  }
  return out;
}

function safeDocument(file: string): SpecDocument | undefined {
  try {
    return readSpecDocument(file);
  } catch {
    return undefined;
  }
}

