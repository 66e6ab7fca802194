/** kafkaform's entry point: dispatch to one module per command; the only place that maps errors to exit codes. */
import { didYouMean } from '../manifest/diagnostics.js';
import { UserError } from '../errors.js';
import { EXIT, makeIo, parseCommandArgs, renderHelp, type Command } from './framework.js';
import { COMMAND_REGISTRY } from './command-registry.js';
import { readPackageInfo } from '../init/package-info.js';

const ROOT: Command = {
  name: 'kafkaform',
  summary: 'kafkaform — Apache Kafka as code: validate topics.yaml, synthesize Terraform (CDKTF), deploy, detect drift, load-test',
  usage: '<command> [options]   (kafkaform <command> --help for details)',
  description: 'Exit codes: 0 success, 1 error (invalid input, failed command), 2 changes or drift found (plan, drift).',
  examples: ['kafkaform validate', 'kafkaform dev up', 'kafkaform deploy --env dev --auto-approve'],
  options: { version: { type: 'boolean', short: 'v', description: 'Print the version' } },
  // Root help lists names and summaries only, so it loads no command module.
  subcommands: COMMAND_REGISTRY.map((e) => ({ name: e.name, summary: e.summary, usage: '', examples: [], options: {} })),
};

const NAMES = COMMAND_REGISTRY.map((e) => e.name);

function findCommand(list: Command[], name: string | undefined): Command | undefined {
  return list.find((c) => c.name === name);
}

/** Runs the CLI; returns the exit code (never throws). */
export async function main(argv: string[]): Promise<number> {
  const noColor = argv.includes('--no-color');
  const quiet = argv.includes('--quiet') || argv.includes('-q');
  const io = makeIo({ noColor, quiet });
  try {
    const [first, ...rest] = argv;
    if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
      const entry = first === 'help' ? COMMAND_REGISTRY.find((e) => e.name === rest[0]) : undefined;
      const target = entry ? await entry.load() : undefined;
      io.stdout(renderHelp(target ?? ROOT, 'kafkaform'));
      return EXIT.ok;
    }
    if (first === '--version' || first === '-v') {
      io.stdout(readPackageInfo().version);
      return EXIT.ok;
    }
    const entry = COMMAND_REGISTRY.find((e) => e.name === first);
    if (!entry) {
      const s = didYouMean(first, NAMES);
      throw new UserError(`unknown command "${first}"`, s ? `did you mean \`kafkaform ${s}\`?` : `commands: ${NAMES.join(', ')}`);
    }
    let cmd = await entry.load();
    let args = rest;
    // A command with its own run (loadtest) runs itself unless a sub-command is named (loadtest worker).
    if (cmd.subcommands && (!cmd.run || findCommand(cmd.subcommands, rest[0]))) {
      const sub = findCommand(cmd.subcommands, rest[0]);
      if (!sub) {
        if (rest[0] === undefined || rest[0] === '--help' || rest[0] === '-h') {
          io.stdout(renderHelp(cmd));
          return rest[0] === undefined ? EXIT.error : EXIT.ok;
        }
        const s = didYouMean(rest[0], cmd.subcommands.map((c) => c.name));
        throw new UserError(`unknown command "${cmd.name} ${rest[0]}"`, s ? `did you mean \`kafkaform ${cmd.name} ${s}\`?` : `see kafkaform ${cmd.name} --help`);
      }
      cmd = sub;
      args = rest.slice(1);
    }
    const parsed = parseCommandArgs(cmd, args);
    if (parsed.args.help) {
      io.stdout(renderHelp(cmd));
      return EXIT.ok;
    }
    return await cmd.run!({ ...parsed, io });
  } catch (e) {
    if (e instanceof UserError) {
      io.stderr(`${io.paint('31;1', 'error')}: ${e.message}`);
      if (e.hint) io.stderr(`${io.paint('36', 'hint')}: ${e.hint}`);
      return EXIT.error;
    }
    // A bug, not a user mistake: say so, with the stack only when asked.
    const err = e as Error;
    io.stderr(`${io.paint('31;1', 'internal error')}: ${err?.message ?? String(e)}`);
    if (process.env.KAFKAFORM_DEBUG) io.stderr(err?.stack ?? '');
    else io.stderr('this is a bug in kafkaform; rerun with KAFKAFORM_DEBUG=1 for details and report it');
    return EXIT.error;
  }
}
