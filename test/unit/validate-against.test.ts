/** `kafkaform validate --against <git-ref|file>`: real git in a temp repository. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateCommand } from '../../src/cli/commands/validate.js';
import type { Io } from '../../src/cli/framework.js';
import { UserError } from '../../src/errors.js';

let repo: string;
let file: string;
const V1 = 'version: 1\ntopics:\n  orders: { partitions: 6 }\n  payments: {}\n';
const V2 = 'version: 1\ntopics:\n  orders: { partitions: 3 }\n';

function git(...args: string[]) {
  execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd: repo, stdio: 'pipe' });
}

async function run(args: Record<string, string | boolean | undefined>): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const io: Io = { stdout: (s) => lines.push(s), stderr: () => undefined, progress: () => undefined, color: false, isTty: false, stdinIsTty: false, paint: (_c, s) => s };
  const code = await validateCommand.run!({ args: { file, format: 'text', ...args }, positionals: [], io });
  return { code, out: lines.join('\n') };
}

beforeAll(() => {
  repo = mkdtempSync(join(tmpdir(), 'kafkaform-against-'));
  mkdirSync(join(repo, 'platform'));
  file = join(repo, 'platform', 'topics.yaml');
  git('init', '-q', '-b', 'main');
  writeFileSync(file, V1);
  git('add', '.');
  git('commit', '-q', '-m', 'v1');
  writeFileSync(file, V2);
});

afterAll(() => rmSync(repo, { recursive: true, force: true }));

describe('validate --against', () => {
  it('without --against the new version alone is valid', async () => {
    expect((await run({})).code).toBe(0);
  });

  it('against a git ref: partition decrease and deletion are errors with positions', async () => {
    const { code, out } = await run({ against: 'HEAD' });
    expect(code).toBe(1);
    expect(out).toMatch(/topics\.yaml:3:\d+: error\[partition-decrease\] topics\.orders\.partitions/);
    expect(out).toMatch(/topics\.yaml:2:1: error\[topic-deletion\] topics: topic "payments" was removed/);
  });

  it('against a file', async () => {
    const prev = join(repo, 'previous.yaml');
    writeFileSync(prev, V1);
    const { code, out } = await run({ against: prev, format: 'json' });
    expect(code).toBe(1);
    const json = JSON.parse(out) as { valid: boolean; diagnostics: Array<{ code: string }> };
    expect(json.valid).toBe(false);
    expect(json.diagnostics.map((d) => d.code).sort()).toEqual(['partition-decrease', 'topic-deletion']);
  });

  it('an unknown ref is a UserError', async () => {
    await expect(run({ against: 'no-such-branch' })).rejects.toThrow(UserError);
    await expect(run({ against: 'no-such-branch' })).rejects.toThrow(/no such git ref/);
  });

  it('a file that did not exist at the ref is a UserError', async () => {
    writeFileSync(join(repo, 'other.yaml'), V1);
    git('add', 'other.yaml');
    git('commit', '-q', '-m', 'other');
    const other = file;
    file = join(repo, 'new.yaml');
    writeFileSync(file, V2);
    try {
      await expect(run({ against: 'HEAD' })).rejects.toThrow(/new\.yaml does not exist at HEAD/);
    } finally {
      file = other;
    }
  });

  it('outside a git repository a ref is a UserError', async () => {
    const lone = mkdtempSync(join(tmpdir(), 'kafkaform-nogit-'));
    const other = file;
    file = join(lone, 'topics.yaml');
    writeFileSync(file, V2);
    try {
      await expect(run({ against: 'main' })).rejects.toThrow(/not inside a git repository/);
    } finally {
      file = other;
      rmSync(lone, { recursive: true, force: true });
    }
  });
});
