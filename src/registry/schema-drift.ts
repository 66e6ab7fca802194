/** Drift between the subjects topics.yaml declares and what the registry holds. Pure. */
import type { ResolvedSpec } from '../manifest/types.js';
import { effectiveCompatibility, type RegistryState } from './registry-state.js';
import { computeDeclaredSubjects, sameSchema } from './subjects.js';

export interface SchemaDriftEntry {
  resource: 'schema';
  /** The subject. */
  name: string;
  kind: 'missing' | 'changed';
  field?: 'version' | 'compatibility';
  expected?: string;
  actual?: string;
  /** One line for people. */
  message: string;
}

/**
 * Compares each declared subject with the registry: `missing` when it is not registered,
 * `changed`/`version` when the latest registered schema is not the file (normalized forms),
 * `changed`/`compatibility` when the level the registry applies differs from topics.yaml.
 * `schemas` maps the file paths written in topics.yaml to their text (readSpecSchemas).
 */
export function computeSchemaDrift(spec: ResolvedSpec, registryState: RegistryState, schemas: ReadonlyMap<string, string>): SchemaDriftEntry[] {
  const out: SchemaDriftEntry[] = [];
  for (const d of computeDeclaredSubjects(spec)) {
    const st = registryState.subjects[d.subject];
    const latest = st?.versions.at(-1);
    if (!st || !latest) {
      out.push({ resource: 'schema', name: d.subject, kind: 'missing', expected: d.file, message: `subject ${d.subject} is not registered (expected ${d.file})` });
      continue;
    }
    const text = schemas.get(d.file);
    if (text !== undefined && !sameSchema(text, latest.schema, d.format)) {
      out.push({
        resource: 'schema',
        name: d.subject,
        kind: 'changed',
        field: 'version',
        expected: d.file,
        actual: `version ${latest.version} (id ${latest.id})`,
        message: `subject ${d.subject}: latest registered version ${latest.version} (id ${latest.id}) is not ${d.file}`,
      });
    }
    const actual = effectiveCompatibility(registryState, d.subject);
    if (actual !== d.compatibility) {
      out.push({
        resource: 'schema',
        name: d.subject,
        kind: 'changed',
        field: 'compatibility',
        expected: d.compatibility,
        actual,
        message: `subject ${d.subject}: compatibility is ${actual}${st.compatibility ? '' : ' (registry default)'}, topics.yaml says ${d.compatibility}`,
      });
    }
  }
  return out;
}
