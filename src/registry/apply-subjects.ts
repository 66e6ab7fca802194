/**
 * Registers changed schemas through the registry's REST API: plan (pure) → every check (local
 * compatibility against all registered versions, and the registry's own verdict) → confirm →
 * register. Nothing is registered when any check fails.
 */
import type { Diagnostic } from '../manifest/diagnostics.js';
import type { SpecDocument } from '../manifest/document.js';
import type { ResolvedSpec } from '../manifest/types.js';
import { noProgress, type Progress } from '../progress.js';
import type { SchemaReference, SchemaRegistryClient } from './registry-client.js';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { computeDependencyOrder, computeReferencedTexts } from '../schema/schema-deps.js';
import { REGISTRY_SCHEMA_TYPE, schemaFormatOf, type SchemaFormat } from '../schema/schema-file.js';
import { collectRegistryState, effectiveCompatibility, type RegistryState } from './registry-state.js';
import { computeDeclaredSubjects, readSpecSchemas, sameSchema } from './subjects.js';
import { readSpecDocument } from '../manifest/document.js';
import { referencedOf, sameReferences, schemaDiagnostic, validateSchemasAgainstRegistry } from './schema-change-checks.js';
import type { SchemaReferences } from '../schema/compatibility.js';

export interface SchemaChange {
  subject: string;
  file: string;
  schemaType: 'AVRO' | 'JSON' | 'PROTOBUF';
  /** create = new subject; update = new version of an existing subject; none = the file is the latest version. */
  action: 'create' | 'update' | 'none';
  /** Versions registered now (0 for a new subject). */
  registeredVersions: number;
  compatibility: { current: string; desired: string; set: boolean };
  topic: string;
  part: 'key' | 'value';
}

/**
 * What applying the spec's subjects would do, given the registry state. With `references` (the
 * files each declared file uses now), a subject whose used files changed is updated too, to
 * reference their new versions. Pure.
 */
export function computeSchemaPlan(spec: ResolvedSpec, state: RegistryState, schemas: ReadonlyMap<string, string>, references?: ReadonlyMap<string, SchemaReferences>): SchemaChange[] {
  return computeDeclaredSubjects(spec).map((d) => {
    const st = state.subjects[d.subject];
    const versions = st?.versions ?? [];
    const text = schemas.get(d.file) ?? '';
    const latest = versions.at(-1);
    const same = latest !== undefined && sameSchema(latest.schema, text, d.format) && (!references || sameReferences(referencedOf(latest), references.get(d.file)));
    const action = versions.length === 0 ? 'create' : same ? 'none' : 'update';
    // Pin the level on the subject itself, so a change of the registry default never changes it.
    const set = (st?.compatibility?.toUpperCase() ?? '') !== d.compatibility;
    return {
      subject: d.subject,
      file: d.file,
      schemaType: d.schemaType,
      action,
      registeredVersions: versions.length,
      compatibility: { current: effectiveCompatibility(state, d.subject), desired: d.compatibility, set },
      topic: d.topic,
      part: d.part,
    };
  });
}

export function hasSchemaChanges(plan: readonly SchemaChange[]): boolean {
  return plan.some((c) => c.action !== 'none' || c.compatibility.set);
}

export interface ApplySchemaOptions {
  /** Schema texts by the path written in topics.yaml (default: read from disk). */
  schemas?: ReadonlyMap<string, string>;
  document?: SpecDocument;
  /** Asked once, after every check passed; false cancels. Absent: apply. */
  confirm?: (plan: SchemaChange[]) => Promise<boolean>;
  /** Plan and check only. */
  dryRun?: boolean;
  onProgress?: Progress;
}

export interface ApplySchemaResult {
  plan: SchemaChange[];
  /** Problems that stopped the apply (empty when it went ahead). */
  diagnostics: Diagnostic[];
  /** Notes on checks that could not run (e.g. the registry check is skipped while the level changes). */
  notes: string[];
  applied: boolean;
  cancelled: boolean;
  registered: { subject: string; id: number; version?: number }[];
  compatibilitySet: { subject: string; level: string }[];
}

/** Checks, then registers the spec's changed subjects and sets their compatibility levels. */
export async function applySchemaSubjects(spec: ResolvedSpec, client: SchemaRegistryClient, opts: ApplySchemaOptions = {}): Promise<ApplySchemaResult> {
  const progress = opts.onProgress ?? noProgress;
  const schemas = opts.schemas ?? readSpecSchemas(spec);
  const declared = computeDeclaredSubjects(spec);
  progress(`reading ${declared.length} subject(s) from ${client.url}`);
  const state = await collectRegistryState(client, declared.map((d) => d.subject));
  const readRef = (file: string) => {
    try {
      return schemas.get(file) ?? readFileSync(resolve(dirname(spec.file), file), 'utf8');
    } catch {
      return undefined;
    }
  };
  const listRef = (dir: string) => {
    try {
      return readdirSync(resolve(dirname(spec.file), dir));
    } catch {
      return undefined;
    }
  };
  // The files each declared schema uses now (transitively), to compare with what its latest version references.
  const format = (f: string) => schemaFormatOf(f) ?? 'json';
  const now = new Map(
    declared.flatMap((d) => {
      const refs = computeReferencedTexts(d.file, format, readRef, listRef);
      return refs ? [[d.file, refs] as const] : [];
    }),
  );
  const plan = computeSchemaPlan(spec, state, schemas, now);
  const result: ApplySchemaResult = { plan, diagnostics: [], notes: [], applied: false, cancelled: false, registered: [], compatibilitySet: [] };

  const document = opts.document ?? safeDocument(spec.file);
  // 0. Referenced schema files (imports, $refs to other files, Avro types of other files): each registered before its users.
  const deps = computeDependencyOrder(declared.map((d) => d.file), (f) => schemaFormatOf(f) ?? 'json', readRef, listRef);
  if (!deps.ok) {
    const d = declared.find((x) => x.file === deps.cycle[0]) ?? declared[0]!;
    result.diagnostics.push(schemaDiagnostic(spec, document, d, `schema references form a cycle: ${deps.cycle.join(' → ')}`, 'schema-reference-cycle'));
    return result;
  }
  const referencesOf = new Map(deps.order.map((o) => [o.file, o.dependencies]));
  // A used file's subject is the name schemas use for it (`import "money.proto"` → subject money.proto), as Confluent's examples do.
  const subjectOf = new Map(deps.order.flatMap((o) => o.dependencies.map((r) => [r.file, r.name] as const)));
  const references = (file: string, versions: ReadonlyMap<string, number>): SchemaReference[] =>
    (referencesOf.get(file) ?? []).map((r) => ({ name: r.name, subject: r.name, version: versions.get(r.file) ?? 1 }));
  // 1. Local check against every registered version (the level in topics.yaml decides which), each side read with the files it uses.
  result.diagnostics.push(...validateSchemasAgainstRegistry(spec, state, schemas, document, now));
  // 2. The registry's own verdict, under the level it applies now.
  for (const c of plan.filter((x) => x.action === 'update')) {
    if (c.compatibility.current !== c.compatibility.desired) {
      result.notes.push(`${c.subject}: registry check skipped: its level changes from ${c.compatibility.current} to ${c.compatibility.desired} (checked locally under ${c.compatibility.desired})`);
      continue;
    }
    const verdict = await client.checkCompatibility(c.subject, schemas.get(c.file)!, c.schemaType, 'latest', references(c.file, await registeredReferenceVersions(client, referencesOf.get(c.file) ?? [])));
    if (!verdict.isCompatible) {
      const messages = verdict.messages.length > 0 ? verdict.messages : ['incompatible (the registry gave no reason)'];
      for (const m of messages) {
        result.diagnostics.push(schemaDiagnostic(spec, document, c, `${c.file} (subject ${c.subject}): the registry at ${client.url} rejects it: ${m}`, 'schema-registry-incompatible'));
      }
    }
  }
  if (result.diagnostics.length > 0 || opts.dryRun || !hasSchemaChanges(plan)) return result;
  if (opts.confirm && !(await opts.confirm(plan))) {
    result.cancelled = true;
    return result;
  }
  const refVersions = new Map<string, number>();
  for (const o of deps.order.filter((x) => subjectOf.has(x.file))) {
    // A used file is its own subject (also when a topic declares it too); registering it again unchanged adds no version.
    const format: SchemaFormat = schemaFormatOf(o.file) ?? 'json';
    const subject = subjectOf.get(o.file) ?? o.file;
    progress(`${subject}: registering ${o.file} (referenced)`);
    const before = (await client.getVersion(subject, 'latest'))?.version;
    const id = await client.register(subject, readRef(o.file) ?? '', REGISTRY_SCHEMA_TYPE[format], references(o.file, refVersions));
    const version = (await client.getVersion(subject, 'latest'))?.version ?? 1;
    refVersions.set(o.file, version);
    if (version !== before) result.registered.push({ subject, id, version });
  }
  for (const c of plan) {
    // Level first: the registry then checks the new version under the level topics.yaml asks for.
    if (c.compatibility.set) {
      progress(`${c.subject}: compatibility ${c.compatibility.desired}`);
      await client.setSubjectCompatibility(c.subject, c.compatibility.desired);
      result.compatibilitySet.push({ subject: c.subject, level: c.compatibility.desired });
    }
    if (c.action !== 'none') {
      progress(`${c.subject}: registering ${c.file}`);
      const id = await client.register(c.subject, schemas.get(c.file)!, c.schemaType, references(c.file, refVersions));
      const latest = await client.getVersion(c.subject, 'latest');
      result.registered.push({ subject: c.subject, id, version: latest?.version });
    }
  }
  result.applied = true;
  return result;
}

/** The latest registered version of each referenced file's subject (for the registry's check before anything is registered). */
async function registeredReferenceVersions(client: SchemaRegistryClient, deps: readonly { file: string; name: string }[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const d of deps) {
    const v = (await client.getVersion(d.name, 'latest'))?.version;
    if (v !== undefined) out.set(d.file, v);
  }
  return out;
}

function safeDocument(file: string) {
  try {
    return readSpecDocument(file);
  } catch {
    return undefined;
  }
}
