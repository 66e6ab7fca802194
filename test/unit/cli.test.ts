import { describe, expect, it, vi } from 'vitest';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { COMMAND_REGISTRY, loadAllCommands } from '../../src/cli/command-registry.js';

async function run(argv: string[]) {
  let out = '';
  let err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
  try {
    const code = await main(argv);
    return { code, out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

const COMMANDS = await loadAllCommands();
// A command with sub-commands may run by itself too (`loadtest` and `loadtest worker`): both get checked.
const all = COMMANDS.flatMap((c) => [...(c.run || !c.subcommands ? [[c.name, '']] : []), ...(c.subcommands ?? []).map((s) => [c.name, s.name])]);

describe('CLI conventions', () => {
  it('the registry names and summarises each command exactly as its lazily loaded module does', () => {
    expect(COMMANDS.map((c) => [c.name, c.summary])).toEqual(COMMAND_REGISTRY.map((e) => [e.name, e.summary]));
  });

  it('root help lists every command without loading one', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    for (const e of COMMAND_REGISTRY) expect(r.out).toContain(`  ${e.name}`);
  });

  it.each(all)('%s %s --help prints usage, options and an example', async (...names) => {
    const r = await run([...names.filter(Boolean), '--help']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('Usage: kafkaform ');
    expect(r.out).toContain('Examples:');
    expect(r.out).toContain('--help');
  });

  it('an unknown command is exit 1 with a suggestion, no stack trace', async () => {
    const r = await run(['valdate']);
    expect(r.code).toBe(1);
    expect(r.err).toContain('did you mean `kafkaform validate`');
    expect(r.err).not.toMatch(/\n\s+at /);
  });

  it('an unknown option is exit 1 with a suggestion', async () => {
    const r = await run(['validate', '--fromat', 'json']);
    expect(r.code).toBe(1);
    expect(r.err).toContain('--format');
  });

  it('validate: exit 0 on the example, JSON on request, no colour when not a TTY', async () => {
    const r = await run(['validate', '-f', join(import.meta.dirname, '..', '..', 'topics.yaml'), '--format', 'json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.valid).toBe(true);
    expect(j.environments).toEqual(['dev', 'prod']);
    expect(r.out).not.toContain('\u001b[');
  });

  it('validate: exit 1 with diagnostics for an invalid file', async () => {
    const r = await run(['validate', '-f', join(import.meta.dirname, '..', 'fixtures', 'cli', 'invalid.yaml')]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/invalid\.yaml:\d+:\d+: error\[unknown-key\]/);
  });

  it('a missing spec file is a clear error', async () => {
    const r = await run(['validate', '-f', '/nonexistent/topics.yaml']);
    expect(r.code).toBe(1);
    expect(r.err).toContain('spec file not found');
  });
});

describe('schemas on an invalid topics.yaml', () => {
  const file = join(import.meta.dirname, '..', 'fixtures', 'manifests', 'invalid', 'acl-operation-typo.yaml');
  it.each([
    ['check', 'nothing checked'],
    ['apply', 'nothing registered'],
    ['status', 'no status read'],
  ])('schemas %s prints every positioned diagnostic and says what was not done', async (sub, notDone) => {
    const r = await run(['schemas', sub, '-f', file, '--registry-url', 'http://127.0.0.1:1']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/acl-operation-typo\.yaml:\d+:\d+: error\[/);
    expect(r.err).toContain(`is not valid: ${notDone}`);
  });
});
