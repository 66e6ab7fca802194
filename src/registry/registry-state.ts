/** What a schema registry holds for the subjects a spec declares (collected once, then compared purely). */
import type { RegisteredVersion, SchemaReference, SchemaRegistryClient } from './registry-client.js';

export interface RegistrySubjectState {
  /** Every registered version, ascending (empty: the subject does not exist). */
  versions: RegisteredVersion[];
  /** The subject's own level; undefined when it inherits the global level. */
  compatibility?: string;
}

export interface RegistryState {
  url: string;
  globalCompatibility: string;
  subjects: Record<string, RegistrySubjectState>;
}

/** Reads the given subjects (all their versions and their config) from the registry. */
export async function collectRegistryState(client: SchemaRegistryClient, subjects: readonly string[]): Promise<RegistryState> {
  const globalCompatibility = await client.getGlobalCompatibility();
  const existing = new Set(await client.listSubjects());
  const state: RegistryState = { url: client.url, globalCompatibility, subjects: {} };
  for (const subject of subjects) {
    if (!existing.has(subject)) {
      state.subjects[subject] = { versions: [] };
      continue;
    }
    const numbers = await client.listVersions(subject);
    const versions: RegisteredVersion[] = [];
    for (const n of numbers) {
      const v = await client.getVersion(subject, n);
      if (v) versions.push(v.references ? { ...v, referencedSchemas: await collectReferencedSchemas(client, v.references) } : v);
    }
    state.subjects[subject] = { versions, compatibility: await client.getSubjectCompatibility(subject) };
  }
  return state;
}

/** The texts of the schemas `references` name and of those they name in turn, by reference name (each subject version read once). */
async function collectReferencedSchemas(client: SchemaRegistryClient, references: readonly SchemaReference[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const seen = new Set<string>();
  const visit = async (refs: readonly SchemaReference[]) => {
    for (const r of refs) {
      const key = `${r.subject}:${r.version}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const v = await client.getVersion(r.subject, r.version);
      if (!v) continue;
      out[r.name] ??= v.schema;
      if (v.references) await visit(v.references);
    }
  };
  await visit(references);
  return out;
}

/** The level the registry applies to a subject: its own, else the global default. */
export function effectiveCompatibility(state: RegistryState, subject: string): string {
  return (state.subjects[subject]?.compatibility ?? state.globalCompatibility).toUpperCase();
}
