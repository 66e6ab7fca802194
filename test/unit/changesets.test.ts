/** The release step (scripts/fold-changesets.ts) and the changesets waiting in .changeset/. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bumpVersion, foldChangesets, parseChangeset } from '../../scripts/fold-changesets.js';

const ROOT = join(import.meta.dirname, '..', '..');
const md = (bump: string, summary: string) => `---\n"kafkaform": ${bump}\n---\n\n${summary}\n`;

describe('changesets', () => {
  it('every file in .changeset/ is a valid changeset', () => {
    const files = readdirSync(join(ROOT, '.changeset')).filter((f) => f.endsWith('.md') && f !== 'README.md');
    for (const f of files) expect(() => parseChangeset(f, readFileSync(join(ROOT, '.changeset', f), 'utf8'))).not.toThrow();
  });

  it('parses the bump and the summary', () => {
    expect(parseChangeset('a.md', md('minor', 'Adds init.'))).toEqual({ file: 'a.md', bump: 'minor', summary: 'Adds init.' });
  });

  it('refuses another package, a bad bump and an empty summary, naming the file', () => {
    expect(() => parseChangeset('a.md', md('minor', 'x').replace('kafkaform', 'other'))).toThrow(/a\.md/);
    expect(() => parseChangeset('b.md', md('huge', 'x'))).toThrow(/b\.md.*major\|minor\|patch/);
    expect(() => parseChangeset('c.md', md('patch', ''))).toThrow(/c\.md: the summary/);
    expect(() => parseChangeset('d.md', 'no front matter')).toThrow(/d\.md/);
  });

  it('bumps semver', () => {
    expect(bumpVersion('0.1.0', 'patch')).toBe('0.1.1');
    expect(bumpVersion('0.1.3', 'minor')).toBe('0.2.0');
    expect(bumpVersion('1.4.2', 'major')).toBe('2.0.0');
  });

  it('folds changesets into a new top section with the largest bump, grouped as changesets groups them', () => {
    const changelog = '# kafkaform\n\n## 0.1.0\n\n### Minor Changes\n\n- First.\n';
    const r = foldChangesets(changelog, '0.1.0', [
      { file: 'a.md', bump: 'patch', summary: 'A fix.' },
      { file: 'b.md', bump: 'minor', summary: 'A feature\nover two lines.' },
    ]);
    expect(r.version).toBe('0.2.0');
    expect(r.changelog).toBe('# kafkaform\n\n## 0.2.0\n\n### Minor Changes\n\n- A feature\n  over two lines.\n\n### Patch Changes\n\n- A fix.\n\n## 0.1.0\n\n### Minor Changes\n\n- First.\n');
  });

  it('refuses to release nothing', () => {
    expect(() => foldChangesets('# kafkaform\n', '0.1.0', [])).toThrow(/no changesets/);
  });
});
