/**
 * Release step, the way changesets keeps a CHANGELOG: folds every .changeset/*.md into
 * CHANGELOG.md under the next version (the largest bump any of them asks for), sets that version
 * in package.json and package-lock.json, and deletes the folded files.
 * `npm run changeset:version` runs it; the pure part is unit-tested (test/unit/changesets.test.ts).
 */
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export type Bump = 'major' | 'minor' | 'patch';
export interface Changeset {
  file: string;
  bump: Bump;
  summary: string;
}

const ORDER: Bump[] = ['major', 'minor', 'patch'];
const HEADINGS: Record<Bump, string> = { major: 'Major Changes', minor: 'Minor Changes', patch: 'Patch Changes' };

/** Parses one changeset file; throws with the file's name when it is not `---\n"kafkaform": <bump>\n---\n\n<summary>`. */
export function parseChangeset(file: string, text: string, pkgName = 'kafkaform'): Changeset {
  const m = /^---\r?\n([\s\S]*?)\r?\n---\r?\n([\s\S]*)$/.exec(text);
  if (!m) throw new Error(`${file}: expected a front matter block between --- lines, then the summary`);
  const entries = m[1]!.split(/\r?\n/).filter((l) => l.trim() !== '');
  const bumps = entries.map((l) => /^\s*["']?([^"':]+)["']?\s*:\s*(major|minor|patch)\s*$/.exec(l));
  if (bumps.length !== 1 || !bumps[0] || bumps[0][1] !== pkgName) throw new Error(`${file}: the front matter must be exactly one line "${pkgName}": major|minor|patch`);
  const summary = m[2]!.trim();
  if (summary === '') throw new Error(`${file}: the summary after the front matter is empty`);
  return { file, bump: bumps[0][2] as Bump, summary };
}

/** The version after applying `bump` (0.x: a major bump stays major, as semver says). */
export function bumpVersion(version: string, bump: Bump): string {
  const [maj, min, pat] = version.split('.').map((n) => Number.parseInt(n, 10)) as [number, number, number];
  if (bump === 'major') return `${maj + 1}.0.0`;
  if (bump === 'minor') return `${maj}.${min + 1}.0`;
  return `${maj}.${min}.${pat + 1}`;
}

/** CHANGELOG.md with a new section for `changesets` on top; returns it with the new version. */
export function foldChangesets(changelog: string, version: string, changesets: readonly Changeset[]): { version: string; changelog: string } {
  if (changesets.length === 0) throw new Error('no changesets to fold: add one per user-visible change in .changeset/');
  const bump = ORDER.find((b) => changesets.some((c) => c.bump === b))!;
  const next = bumpVersion(version, bump);
  const sections = ORDER.filter((b) => changesets.some((c) => c.bump === b)).map((b) => {
    const items = changesets.filter((c) => c.bump === b).map((c) => `- ${c.summary.replace(/\n/g, '\n  ')}`);
    return `### ${HEADINGS[b]}\n\n${items.join('\n')}\n`;
  });
  const [title, ...rest] = changelog.split('\n');
  const body = rest.join('\n').replace(/^\n+/, '');
  return { version: next, changelog: `${title}\n\n## ${next}\n\n${sections.join('\n')}\n${body}` };
}

/** Reads .changeset/, writes CHANGELOG.md and the new version, deletes the folded files. */
function main(root: string): void {
  const dir = join(root, '.changeset');
  const files = readdirSync(dir).filter((f) => f.endsWith('.md') && f !== 'README.md').sort();
  const changesets = files.map((f) => parseChangeset(f, readFileSync(join(dir, f), 'utf8')));
  const pkgFile = join(root, 'package.json');
  const pkg = JSON.parse(readFileSync(pkgFile, 'utf8')) as { version: string };
  const r = foldChangesets(readFileSync(join(root, 'CHANGELOG.md'), 'utf8'), pkg.version, changesets);
  writeFileSync(join(root, 'CHANGELOG.md'), r.changelog);
  writeFileSync(pkgFile, `${JSON.stringify({ ...pkg, version: r.version }, null, 2)}\n`);
  const lockFile = join(root, 'package-lock.json');
  const lock = JSON.parse(readFileSync(lockFile, 'utf8')) as { version: string; packages: Record<string, { version?: string }> };
  lock.version = r.version;
  lock.packages['']!.version = r.version;
  writeFileSync(lockFile, `${JSON.stringify(lock, null, 2)}\n`);
  for (const f of files) rmSync(join(dir, f));
  console.log(`kafkaform ${pkg.version} -> ${r.version}: ${files.length} changeset(s) folded into CHANGELOG.md`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) main(join(import.meta.dirname, '..'));
