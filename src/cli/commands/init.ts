import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, relative, resolve } from 'node:path';
import { readPackageInfo } from '../../init/package-info.js';
import { projectNameOf, renderInitFiles } from '../../init/templates.js';
import { applyInitFiles, type WrittenFile } from '../../init/write-files.js';
import { UserError } from '../../errors.js';
import { EXIT, JSON_OPTION, type Command } from '../framework.js';

/** Whether the project's package.json depends on kafkaform (init keeps an existing one as it is). */
function dependsOnKafkaform(dir: string): boolean {
  try {
    const pkg = JSON.parse(readFileSync(resolve(dir, 'package.json'), 'utf8')) as Record<string, Record<string, string> | undefined>;
    return ['dependencies', 'devDependencies'].some((k) => pkg[k]?.kafkaform !== undefined);
  } catch {
    return false;
  }
}

export const initCommand: Command = {
  name: 'init',
  summary: 'Scaffold a GitOps repository: topics.yaml, schemas/, the CDKTF app, plan/deploy/drift workflows pinned to this version',
  usage: 'init [DIR] [--force] [--json]',
  description:
    'Writes into DIR (default: the current directory, created if missing): topics.yaml (its $schema is ./node_modules/kafkaform/topics.schema.json), schemas/orders.placed.avsc, ' +
    'cdktf.json and stacks/main.ts on the kafkaform library, .github/workflows/kafkaform-{plan,deploy,drift}.yml pinned to this kafkaform version, a .gitignore, and a package.json when there is none. ' +
    'An existing file is kept and reported unless --force (package.json is never replaced). Exit codes: 0 done (also when every file was kept), 1 error.',
  examples: ['npm install kafkaform && npx kafkaform init', 'npx kafkaform init kafka-topics', 'npx kafkaform init --force   # rewrite the workflows after upgrading kafkaform'],
  options: {
    force: { type: 'boolean', description: 'Overwrite files that exist (package.json is always kept)' },
    ...JSON_OPTION,
  },
  async run({ args, positionals, io }) {
    if (positionals.length > 1) throw new UserError(`init takes one directory, got ${positionals.length}: ${positionals.join(' ')}`, 'kafkaform init [DIR]');
    const dir = resolve(positionals[0] ?? '.');
    if (existsSync(dir) && !statSync(dir).isDirectory()) throw new UserError(`${dir} is not a directory`, 'pass a directory (created when missing)');
    const { version } = readPackageInfo();
    const files = renderInitFiles({ name: projectNameOf(basename(dir)), version });
    const written = applyInitFiles(dir, files, { force: args.force === true });
    const needsInstall = !dependsOnKafkaform(dir);
    if (args.json) {
      io.stdout(JSON.stringify({ directory: dir, version, files: written, installKafkaform: needsInstall }, null, 2));
      return EXIT.ok;
    }
    const shown = relative(process.cwd(), dir) || '.';
    const mark: Record<WrittenFile['status'], string> = { created: io.paint('32', 'created    '), overwritten: io.paint('33', 'overwritten'), kept: io.paint('2', 'kept       ') };
    io.stdout(`kafkaform ${version} init in ${shown}:`);
    for (const f of written) io.stdout(`  ${mark[f.status]} ${f.path}  ${io.paint('2', f.purpose)}`);
    const kept = written.filter((f) => f.status === 'kept' && f.path !== 'package.json');
    if (kept.length > 0) io.stdout(`${kept.length} file(s) existed and were kept; --force overwrites them`);
    const cd = shown === '.' ? '' : `cd ${shown} && `;
    io.stdout(`next: ${cd}${needsInstall ? `npm install kafkaform@${version} && ` : existsSync(resolve(dir, 'node_modules', 'kafkaform')) ? '' : 'npm install && '}npx kafkaform validate && npx kafkaform deploy --env dev`);
    return EXIT.ok;
  },
};
