/**
 * An environment overlay's value is checked like its top-level twin: each env-overlay-* fixture,
 * with the overlay merged into the top level (and no environments), reports the same codes at the
 * same paths minus `environments.<env>.`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { parseSpecDocument } from '../../src/manifest/document.js';
import { validateSpec } from '../../src/manifest/validate.js';
import { mergeOverlay } from '../../src/manifest/written.js';

const DIR = join(import.meta.dirname, '..', 'fixtures', 'manifests', 'invalid');
const OVERLAY_SECTIONS = ['cluster', 'defaults', 'policy', 'backend', 'schemaRegistry'] as const;
const fixtures = readdirSync(DIR).filter((f) => f.startsWith('env-overlay-') && f.endsWith('.yaml')).sort();

/** Codes and paths of the errors, with the environment prefix dropped. */
function errors(text: string, file: string, env?: string): string[] {
  const r = validateSpec(parseSpecDocument(text, file), { skipFileChecks: true });
  const prefix = env ? `environments.${env}.` : '';
  return [...new Set(r.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.path.startsWith(prefix) ? d.path.slice(prefix.length) : d.path}`))].sort();
}

describe('environment overlays are checked like their top-level twins', () => {
  it('has a fixture for every overlay-able field', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(30);
  });

  for (const f of fixtures) {
    it(f.replace(/\.yaml$/, ''), () => {
      const text = readFileSync(join(DIR, f), 'utf8');
      const root = parse(text) as Record<string, unknown>;
      const envs = root.environments as Record<string, Record<string, unknown> | null>;
      const [env, overlay] = Object.entries(envs).find(([, o]) => o && Object.keys(o).length > 0)!;
      const twin: Record<string, unknown> = { ...root };
      delete twin.environments;
      for (const section of OVERLAY_SECTIONS) {
        if (overlay![section] !== undefined) twin[section] = mergeOverlay(root[section], overlay![section]);
      }
      const fromOverlay = errors(text, join(DIR, f), env);
      expect(fromOverlay.length, 'the fixture reports something').toBeGreaterThan(0);
      expect(errors(stringify(twin), join(DIR, `twin-${f}`))).toEqual(fromOverlay);
    });
  }
});
