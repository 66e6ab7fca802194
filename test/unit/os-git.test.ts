import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gitCommitExists, gitFileCommits, gitShowFile, gitTopLevel, runGit } from '../../src/os/git.js';

let repo: string;
let outside: string;

beforeAll(() => {
  repo = mkdtempSync(join(tmpdir(), 'kafkaform-git-'));
  outside = mkdtempSync(join(tmpdir(), 'kafkaform-nogit-'));
  const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, stdio: 'ignore' });
  git('init', '-q', '-b', 'main');
  git('config', 'user.email', 't@example.invalid');
  git('config', 'user.name', 'test');
  git('config', 'commit.gpgsign', 'false');
  writeFileSync(join(repo, 'a.txt'), 'one\n');
  git('add', 'a.txt');
  git('commit', '-q', '-m', 'one');
  writeFileSync(join(repo, 'a.txt'), 'two\n');
  git('commit', '-q', '-am', 'two');
});

afterAll(() => {
  rmSync(repo, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});

describe('git', () => {
  it('finds the top of a checkout, and nothing outside one', () => {
    expect(gitTopLevel(repo)).toBe(runGit(['rev-parse', '--show-toplevel'], repo).trim());
    expect(gitTopLevel(outside)).toBeUndefined();
  });

  it('knows which refs are commits', () => {
    expect(gitCommitExists(repo, 'HEAD~1')).toBe(true);
    expect(gitCommitExists(repo, 'no-such-branch')).toBe(false);
  });

  it('lists the commits of a file newest first and shows the file at each', () => {
    const commits = gitFileCommits(repo, 'HEAD', 'a.txt');
    expect(commits).toHaveLength(2);
    expect(commits.map((c) => gitShowFile(repo, c, 'a.txt'))).toEqual(['two\n', 'one\n']);
    expect(() => gitShowFile(repo, 'HEAD', 'missing.txt')).toThrow();
    expect(gitFileCommits(repo, 'no-such-ref', 'a.txt')).toEqual([]);
  });
});
