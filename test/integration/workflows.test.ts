/**
 * The GitHub Actions workflows users copy, checked with the real actionlint (built from the Go
 * module proxy by scripts/install-actionlint.sh, cached under ~/.cache/kafkaform/bin).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planMarker } from '../../src/plan/render-plan.js';

const ROOT = join(import.meta.dirname, '..', '..');
const WORKFLOWS = join(ROOT, '.github', 'workflows');
const files = readdirSync(WORKFLOWS).filter((f) => /\.ya?ml$/.test(f)).sort();
let actionlint: string;
const tmp = mkdtempSync(join(tmpdir(), 'kafkaform-wf-'));

beforeAll(() => {
  actionlint = execFileSync('bash', [join(ROOT, 'scripts', 'install-actionlint.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
}, 600_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function lint(file: string): { status: number | null; output: string } {
  const r = spawnSync(actionlint, ['-color=false', '-no-color', file], { encoding: 'utf8' });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

describe('workflow files', () => {
  it('ships the plan, deploy and drift workflows', () => {
    expect(files).toEqual(['kafkaform-deploy.yml', 'kafkaform-drift.yml', 'kafkaform-plan.yml']);
  });

  it.each(files)('actionlint passes on %s', (f) => {
    const r = lint(join(WORKFLOWS, f));
    expect(r.output).toBe('');
    expect(r.status).toBe(0);
  });

  it('actionlint really checks: a broken workflow fails', () => {
    const bad = join(tmp, 'bad.yml');
    writeFileSync(bad, 'on: pull_request\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.evnt.number }}\n        uses: actions/checkout@v4\n');
    const r = lint(bad);
    expect(r.status).not.toBe(0);
    expect(r.output).toMatch(/evnt|uses|run/);
  });

  it('the plan workflow finds its comment by the marker kafkaform renders', () => {
    const text = readFileSync(join(WORKFLOWS, 'kafkaform-plan.yml'), 'utf8');
    const template = /const marker = `(<!-- kafkaform-plan:)\$\{process\.env\.KAFKAFORM_ENV\}( -->)`/.exec(text);
    expect(template).not.toBeNull();
    expect(`${template![1]}prod${template![2]}`).toBe(planMarker('prod'));
    expect(text).toContain('--format markdown');
    expect(text).toContain('updateComment');
  });

  it('the drift workflow treats exit 2 as drift and opens or updates an issue', () => {
    const text = readFileSync(join(WORKFLOWS, 'kafkaform-drift.yml'), 'utf8');
    expect(text).toContain("steps.drift.outputs.exitcode == '2'");
    expect(text).toMatch(/issues\.create\(/);
    expect(text).toMatch(/issues\.update\(/);
    expect(text).toContain('schedule:');
  });

  it('the deploy workflow deploys on main with --auto-approve', () => {
    const text = readFileSync(join(WORKFLOWS, 'kafkaform-deploy.yml'), 'utf8');
    expect(text).toMatch(/branches: \[main\]/);
    expect(text).toContain('kafkaform deploy --env "$KAFKAFORM_ENV" --auto-approve');
  });
});
