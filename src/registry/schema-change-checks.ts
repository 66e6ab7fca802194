/**
 * Compatibility of changed schema files before anything is applied: against the file's previous
 * versions in git history (`validate --against <ref>`), and against the versions a registry holds.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, posix, relative, resolve, sep } from 'node:path';
import type { Diagnostic } from '../manifest/diagnostics.js';
import { readSpecDocument, type SpecDocument } from '../manifest/document.js';
import type { ResolvedSpec } from '../manifest/types.js';
import { UserError } from '../errors.js';
import { checkCompatibility, type PreviousVersion, type SchemaReferences } from '../schema/compatibility.js';
import { collectSchemaHistory, gitTopLevel, listFilesAtRef, readFileAtRef, requireGitRef } from '../schema/history.js';
import { computeReferencedTexts } from '../schema/schema-deps.js';
import { schemaFormatOf } from '../schema/schema-file.js';
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

/** The schemas `file` (relative to the spec's directory) uses on disk, transitively, by the names it uses. */
export function readSchemaReferences(spec: ResolvedSpec, file: string): SchemaReferences | undefined {
  const base = dirname(resolve(spec.file));
  const list = (dir: string) => {
    try {
      return readdirSync(resolve(base, dir));
    } catch {
      return undefined;
    }
  };
  return computeReferencedTexts(posix.normalize(file), (f) => schemaFormatOf(f) ?? 'json', (f) => readText(spec, f), list);
}

/** True when two versions use the same schemas (same names, same texts). */
export function sameReferences(a: SchemaReferences | undefined, b: SchemaReferences | undefined): boolean {
  const x = a ?? new Map<string, string>();
  const y = b ?? new Map<string, string>();
  return x.size === y.size && [...x].every(([k, v]) => y.get(k) === v);
}

/** Checks one new schema text against previous versions; diagnostics say file, level, what broke. */
function checkOne(spec: ResolvedSpec, doc: SpecDocument | undefined, d: DeclaredSubject, level: string, text: string, previous: PreviousVersion[], references?: SchemaReferences): Diagnostic[] {
  let r: ReturnType<typeof checkCompatibility>;
  try {
    r = checkCompatibility(level, text, previous, d.format, references);
  } catch (e) {
    return [schemaDiagnostic(spec, doc, d, `${d.file}: cannot be compared with its previous versions: ${(e as Error).message}`, 'schema-parse')];
  }
  return r.compatible ? [] : r.messages.map((m) => schemaDiagnostic(spec, doc, d, `${d.file} (subject ${d.subject}): ${m}`));
}

/**
 * For every schema file that differs from its copy at `against` (a git ref), or uses a file that
 * does, checks the current file against the file's versions in the history of `against` (the
 * latest, or all of them for a *_TRANSITIVE level) under the topic's compatibility level. Each
 * version is read with the files it used then: the latest with those at `against`, an older one
 * with those of its own commit. Reads git; returns diagnostics.
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
    if (history.length === 0) continue;
    const now = readSchemaReferences(spec, d.file);
    const previous: PreviousVersion[] = history.map((v, i) => {
      const at = i === history.length - 1 ? opts.against : v.commit;
      const references = computeReferencedTexts(rel, (f) => schemaFormatOf(f) ?? 'json', (f) => (f === rel ? v.text : readFileAtRef(top, at, f)), (dir) => listFilesAtRef(top, at, dir));
      return { label: `v${v.number} (git ${v.commit.slice(0, 7)})`, schema: v.text, ...(references ? { references } : {}) };
    });
    const latest = previous.at(-1)!;
    if (sameSchema(String(latest.schema), text, d.format) && sameReferences(latest.references, now)) continue;
    out.push(...checkOne(spec, doc, d, d.compatibility, text, previous, now));
  }
  return out;
}

/**
 * Checks every declared schema that differs from the subject's latest registered version (or
 * whose used files do) against the registered versions, under the level topics.yaml asks for;
 * each registered version is read with the schemas its references name. `references` holds the
 * files each declared file uses now (by its path in topics.yaml). Pure.
 */
export function validateSchemasAgainstRegistry(
  spec: ResolvedSpec,
  state: RegistryState,
  schemas: ReadonlyMap<string, string>,
  document?: SpecDocument,
  references?: ReadonlyMap<string, SchemaReferences>,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const d of computeDeclaredSubjects(spec)) {
    const text = schemas.get(d.file);
    const versions = state.subjects[d.subject]?.versions ?? [];
    const now = references?.get(d.file);
    if (text === undefined || versions.length === 0) continue;
    const latest = versions.at(-1)!;
    if (sameSchema(latest.schema, text, d.format) && (!references || sameReferences(referencedOf(latest), now))) continue;
    const previous = versions.map((v) => {
      const refs = referencedOf(v);
      return { label: `registry version ${v.version} (id ${v.id})`, schema: v.schema, ...(refs ? { references: refs } : {}) };
    });
    out.push(...checkOne(spec, document, d, d.compatibility, text, previous, now));
  }
  return out;
}

/** The schemas a registered version uses, by reference name (undefined when it uses none). */
export function referencedOf(v: { referencedSchemas?: Record<string, string> }): SchemaReferences | undefined {
  return v.referencedSchemas ? new Map(Object.entries(v.referencedSchemas)) : undefined;
}

function safeDocument(file: string): SpecDocument | undefined {
  try {
    return readSpecDocument(file);
  } catch {
    return undefined;
  }
}

