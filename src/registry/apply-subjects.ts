/**
 * Registers changed schemas through the registry's REST API: plan (pure) → every check (local
 * compatibility against all registered versions, and the registry's own verdict) → confirm →
 * register. Nothing is registered when any check fails.
 */
import type { Diagnostic } from '../manifest/diagnostics.js';
import type { SpecDocument } from '../manifest/document.js';
import type { ResolvedSpec } from '../manifest/types.js';
import { noProgress, type Progress } from '../progress.js';
import type { SchemaRegistryClient } from './registry-client.js';
import { collectRegistryState, effectiveCompatibility, type RegistryState } from './registry-state.js';
import { computeDeclaredSubjects, readSpecSchemas, sameSchema } from './subjects.js';
import { readSpecDocument } from '../manifest/document.js';
import { schemaDiagnostic, validateSchemasAgainstRegistry } from './schema-change-checks.js';

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

/** What applying the spec's subjects would do, given the registry state. Pure. */
export function computeSchemaPlan(spec: ResolvedSpec, state: RegistryState, schemas: ReadonlyMap<string, string>): SchemaChange[] {
  return computeDeclaredSubjects(spec).map((d) => {
    const st = state.subjects[d.subject];
    const versions = st?.versions ?? [];
    const text = schemas.get(d.file) ?? '';
    const action = versions.length === 0 ? 'create' : sameSchema(versions.at(-1)!.schema, text, d.format) ? 'none' : 'update';
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
  const plan = computeSchemaPlan(spec, state, schemas);
  const result: ApplySchemaResult = { plan, diagnostics: [], notes: [], applied: false, cancelled: false, registered: [], compatibilitySet: [] };

  const document = opts.document ?? safeDocument(spec.file);
  // 1. Local check against every registered version (the level in topics.yaml decides which).
  result.diagnostics.push(...validateSchemasAgainstRegistry(spec, state, schemas, document));
  // 2. The registry's own verdict, under the level it applies now.
  for (const c of plan.filter((x) => x.action === 'update')) {
    if (c.compatibility.current !== c.compatibility.desired) {
      result.notes.push(`${c.subject}: registry check skipped: its level changes from ${c.compatibility.current} to ${c.compatibility.desired} (checked locally under ${c.compatibility.desired})`);
      continue;
    }
    const verdict = await client.checkCompatibility(c.subject, schemas.get(c.file)!, c.schemaType, 'latest');
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
  for (const c of plan) {
    // Level first: the registry then checks the new version under the level topics.yaml asks for.
    if (c.compatibility.set) {
      progress(`${c.subject}: compatibility ${c.compatibility.desired}`);
      await client.setSubjectCompatibility(c.subject, c.compatibility.desired);
      result.compatibilitySet.push({ subject: c.subject, level: c.compatibility.desired });
    }
    if (c.action !== 'none') {
      progress(`${c.subject}: registering ${c.file}`);
      const id = await client.register(c.subject, schemas.get(c.file)!, c.schemaType);
      const latest = await client.getVersion(c.subject, 'latest');
      result.registered.push({ subject: c.subject, id, version: latest?.version });
    }
  }
  result.applied = true;
  return result;
}

function safeDocument(file: string) {
  try {
    return readSpecDocument(file);
  } catch {
    return undefined;
  }
}
