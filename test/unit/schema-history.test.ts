/** Previous versions from git history, and collectSchemaChangeDiagnostics against a git ref (a real temp git repo). */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { collectSchemaHistory } from '../../src/schema/history.js';
import { collectSchemaChangeDiagnostics } from '../../src/registry/schema-change-checks.js';
import { readManifest, requireEnvironment } from '../../src/manifest/validate.js';

const root = join(import.meta.dirname, '..', '..');
let dir: string;
const git = (...args: string[]) => execFileSync('git', ['-c', 'user.email=t@t', '-c', 'user.name=t', ...args], { cwd: dir, stdio: 'pipe', encoding: 'utf8' });
const payments = () => join(dir, 'schemas', 'payments.completed.avsc');
const writeFields = (fields: object[]) => {
  const s = JSON.parse(readFileSync(join(root, 'schemas', 'payments.completed.avsc'), 'utf8')) as { fields: object[] };
  s.fields.push(...fields);
  writeFileSync(payments(), JSON.stringify(s, null, 2));
};
const setCompat = (level: string) => {
  const f = join(dir, 'topics.yaml');
  writeFileSync(f, readFileSync(f, 'utf8').replace(/(payments\.completed:\n(?:.*\n)*?\s+schema:\n\s+value: schemas\/payments\.completed\.avsc)/, `$1\n      compatibility: ${level}`));
};
const spec = () => requireEnvironment(readManifest(join(dir, 'topics.yaml')), 'dev');

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kafkaform-schema-git-'));
  cpSync(join(root, 'topics.yaml'), join(dir, 'topics.yaml'));
  cpSync(join(root, 'schemas'), join(dir, 'schemas'), { recursive: true });
  git('init', '-q');
  git('add', '.');
  git('commit', '-q', '-m', 'v1');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

// Every test runs git several times in a temp repository: slow on a shared, loaded machine.
describe('collectSchemaHistory', { timeout: 30_000 }, () => {
  it('lists distinct versions oldest first, skipping commits that did not change the file', () => {
    writeFields([{ name: 'a', type: 'string', default: '' }]);
    git('commit', '-q', '-am', 'v2');
    writeFileSync(join(dir, 'other.txt'), 'x');
    git('add', '.');
    git('commit', '-q', '-m', 'unrelated');
    const h = collectSchemaHistory(dir, 'schemas/payments.completed.avsc');
    expect(h.map((v) => v.number)).toEqual([1, 2]);
    expect(JSON.parse(h[1]!.text).fields.at(-1).name).toBe('a');
    expect(collectSchemaHistory(dir, 'schemas/payments.completed.avsc', 'HEAD~2')).toHaveLength(1);
    expect(collectSchemaHistory(dir, 'schemas/nope.avsc')).toEqual([]);
  });
});

describe('collectSchemaChangeDiagnostics', { timeout: 30_000 }, () => {
  it('passes an unchanged tree and a compatible change', () => {
    expect(collectSchemaChangeDiagnostics(spec(), { against: 'HEAD' })).toEqual([]);
    writeFields([{ name: 'method', type: 'string', default: 'card' }]);
    expect(collectSchemaChangeDiagnostics(spec(), { against: 'HEAD' })).toEqual([]);
  });

  it('reports a breaking change at the topic\'s schema entry, naming the version and commit', () => {
    writeFields([{ name: 'method', type: 'string' }]);
    const diags = collectSchemaChangeDiagnostics(spec(), { against: 'HEAD' });
    expect(diags).toHaveLength(1);
    const head = git('rev-parse', '--short=7', 'HEAD').trim();
    expect(diags[0]).toMatchObject({ severity: 'error', code: 'schema-incompatible', path: 'topics.payments.completed.schema.value' });
    expect(diags[0]!.message).toBe(`schemas/payments.completed.avsc (subject payments.completed-value): field \`method\` added without a default under BACKWARD: consumers on the new schema cannot read records written with v1 (git ${head})`);
    expect(diags[0]!.line).toBeGreaterThan(40);
    expect(diags[0]!.hint).toBeTruthy();
  });

  it('checks only the latest version under BACKWARD and all of them under BACKWARD_TRANSITIVE', () => {
    writeFields([{ name: 'method', type: 'string', default: 'card' }]);
    git('commit', '-q', '-am', 'v2 with default');
    writeFields([{ name: 'method', type: 'string' }]);
    expect(collectSchemaChangeDiagnostics(spec(), { against: 'HEAD' })).toEqual([]);
    setCompat('BACKWARD_TRANSITIVE');
    const diags = collectSchemaChangeDiagnostics(spec(), { against: 'HEAD' });
    expect(diags).toHaveLength(1);
    expect(diags[0]!.message).toContain('under BACKWARD_TRANSITIVE: consumers on the new schema cannot read records written with v1');
  });

  it('judges a change in a file the schema uses (an Avro type from another file) at the schema that uses it', () => {
    const money = (fields: object[]) => writeFileSync(join(dir, 'schemas', 'money.avsc'), JSON.stringify({ type: 'record', name: 'Money', namespace: 'shop.common', fields: [{ name: 'cents', type: 'long' }, ...fields] }));
    money([]);
    writeFields([{ name: 'fee', type: 'shop.common.Money' }]);
    git('add', '.');
    git('commit', '-q', '-m', 'fee in money');
    expect(collectSchemaChangeDiagnostics(spec(), { against: 'HEAD' })).toEqual([]);
    money([{ name: 'currency', type: 'string' }]);
    const diags = collectSchemaChangeDiagnostics(spec(), { against: 'HEAD' });
    expect(diags.map((d) => [d.path, d.message.split(' under ')[0]])).toEqual([['topics.payments.completed.schema.value', 'schemas/payments.completed.avsc (subject payments.completed-value): field `fee.currency` added without a default']]);
    money([{ name: 'currency', type: 'string', default: 'EUR' }]);
    expect(collectSchemaChangeDiagnostics(spec(), { against: 'HEAD' })).toEqual([]);
  });

  it('rejects an unknown ref with a clear error', () => {
    expect(() => collectSchemaChangeDiagnostics(spec(), { against: 'no-such-branch' })).toThrow(/no such git ref/);
  });
});
