/** The CLI's shared conventions: option parsing, help, output, colours, exit codes. */
import { parseArgs } from 'node:util';
import { didYouMean } from '../manifest/diagnostics.js';
import { UserError } from '../errors.js';

/** Stable exit codes, documented in the README. */
export const EXIT = { ok: 0, error: 1, changes: 2 } as const;

export interface OptionDef {
  type: 'string' | 'boolean';
  short?: string;
  multiple?: boolean;
  description: string;
  /** Placeholder shown in help, e.g. FILE. */
  value?: string;
  default?: string | boolean;
}

export interface CommandContext {
  args: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
  io: Io;
}

export interface Command {
  name: string;
  summary: string;
  usage: string;
  description?: string;
  examples: string[];
  options: Record<string, OptionDef>;
  /** Sub-commands (e.g. `dev up`). */
  subcommands?: Command[];
  run?: (ctx: CommandContext) => Promise<number>;
}

export interface Io {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  /** Progress on long work: stderr, suppressed by --quiet and for --format json on a non-TTY? No: always stderr. */
  progress: (s: string) => void;
  color: boolean;
  isTty: boolean;
  stdinIsTty: boolean;
  paint: (code: string, s: string) => string;
}

export function makeIo(opts: { noColor?: boolean; quiet?: boolean; env?: NodeJS.ProcessEnv } = {}): Io {
  const env = opts.env ?? process.env;
  const isTty = Boolean(process.stdout.isTTY);
  const color = isTty && !opts.noColor && env.NO_COLOR === undefined && env.TERM !== 'dumb';
  const errColor = Boolean(process.stderr.isTTY) && !opts.noColor && env.NO_COLOR === undefined && env.TERM !== 'dumb';
  const paint = (code: string, s: string) => (color ? `\u001b[${code}m${s}\u001b[0m` : s);
  return {
    stdout: (s) => process.stdout.write(s.endsWith('\n') ? s : `${s}\n`),
    stderr: (s) => process.stderr.write(s.endsWith('\n') ? s : `${s}\n`),
    progress: (s) => {
      if (!opts.quiet) process.stderr.write(`${errColor ? '\u001b[2m' : ''}› ${s}${errColor ? '\u001b[0m' : ''}\n`);
    },
    color,
    isTty,
    stdinIsTty: Boolean(process.stdin.isTTY),
    paint,
  };
}

/** Options every command takes. */
export const GLOBAL_OPTIONS: Record<string, OptionDef> = {
  help: { type: 'boolean', short: 'h', description: 'Show help for the command' },
  'no-color': { type: 'boolean', description: 'No colours (also: NO_COLOR, or when output is not a terminal)' },
  quiet: { type: 'boolean', short: 'q', description: 'No progress messages on stderr' },
};

/** `--json` for commands whose only output format besides text is JSON. */
export const JSON_OPTION: Record<string, OptionDef> = {
  json: { type: 'boolean', description: 'Print the result as JSON' },
};

/** A command that only groups sub-commands (`kafkaform dev up`): no options of its own, no run. */
export function groupCommand(name: string, summary: string, examples: string[], subcommands: Command[]): Command {
  return { name, summary, usage: `${name} <${subcommands.map((s) => s.name).join('|')}> [options]`, examples, options: {}, subcommands };
}

export const FILE_OPTION: Record<string, OptionDef> = {
  file: { type: 'string', short: 'f', value: 'FILE', description: 'The spec file', default: 'topics.yaml' },
  env: { type: 'string', short: 'e', value: 'NAME', description: "Environment (default: 'dev' if declared, else the first)" },
};

export const CONNECTION_OPTIONS: Record<string, OptionDef> = {
  'bootstrap-servers': { type: 'string', short: 'b', value: 'HOST:PORT,…', description: 'Override the environment\'s servers (also KAFKAFORM_BOOTSTRAP_SERVERS)' },
  'sasl-mechanism': { type: 'string', value: 'MECH', description: 'plain | scram-sha256 | scram-sha512 (also KAFKAFORM_SASL_MECHANISM)' },
  'sasl-username': { type: 'string', value: 'USER', description: 'SASL user (also KAFKAFORM_SASL_USERNAME; password only from KAFKAFORM_SASL_PASSWORD)' },
  tls: { type: 'boolean', description: 'Connect with TLS (also KAFKAFORM_TLS=true)' },
  'ca-file': { type: 'string', value: 'PEM', description: 'CA certificate (also KAFKAFORM_TLS_CA_FILE)' },
  'cert-file': { type: 'string', value: 'PEM', description: 'Client certificate for mutual TLS (also KAFKAFORM_TLS_CERT_FILE)' },
  'key-file': { type: 'string', value: 'PEM', description: 'Client key for mutual TLS (also KAFKAFORM_TLS_KEY_FILE)' },
  'insecure-skip-tls-verify': { type: 'boolean', description: 'Do not verify the server certificate (development only)' },
};

export function formatOption(name: string, o: OptionDef): [string, string] {
  const flag = `${o.short ? `-${o.short}, ` : '    '}--${name}${o.type === 'string' ? ` ${o.value ?? 'VALUE'}` : ''}`;
  const dflt = o.default !== undefined && o.default !== false ? ` (default: ${String(o.default)})` : '';
  return [flag, `${o.description}${dflt}`];
}

export function renderHelp(cmd: Command, prefix = 'kafkaform'): string {
  const lines: string[] = [];
  lines.push(`${cmd.summary}`, '', `Usage: ${prefix} ${cmd.usage}`);
  if (cmd.description) lines.push('', cmd.description);
  if (cmd.subcommands?.length) {
    lines.push('', 'Commands:');
    const w = Math.max(...cmd.subcommands.map((s) => s.name.length));
    for (const s of cmd.subcommands) lines.push(`  ${s.name.padEnd(w)}  ${s.summary}`);
  }
  const opts = Object.entries({ ...cmd.options, ...GLOBAL_OPTIONS }).map(([n, o]) => formatOption(n, o));
  if (opts.length) {
    lines.push('', 'Options:');
    const w = Math.max(...opts.map(([f]) => f.length));
    for (const [f, d] of opts) lines.push(`  ${f.padEnd(w)}  ${d}`);
  }
  if (cmd.examples.length) {
    lines.push('', 'Examples:');
    for (const e of cmd.examples) lines.push(`  ${e}`);
  }
  return lines.join('\n');
}

/** Parses argv for a command; unknown options are a UserError with a suggestion. */
export function parseCommandArgs(cmd: Command, argv: string[]): { args: CommandContext['args']; positionals: string[] } {
  const all = { ...cmd.options, ...GLOBAL_OPTIONS };
  const options: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean; default?: string | boolean }> = {};
  for (const [n, o] of Object.entries(all)) {
    options[n] = { type: o.type, ...(o.short ? { short: o.short } : {}), ...(o.multiple ? { multiple: true } : {}), ...(o.default !== undefined ? { default: o.default } : {}) };
  }
  try {
    const r = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
    return { args: r.values as CommandContext['args'], positionals: r.positionals };
  } catch (e) {
    const msg = (e as Error).message;
    const m = /Unknown option '(-{1,2}[^']+)'/.exec(msg);
    if (m) {
      const s = didYouMean(m[1]!.replace(/^-+/, ''), Object.keys(all));
      throw new UserError(`unknown option ${m[1]} for \`kafkaform ${cmd.usage.split(' ')[0]}\``, s ? `did you mean --${s}? (see --help)` : 'see --help');
    }
    throw new UserError(msg.split('\n')[0]!, 'see --help');
  }
}

export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

export function oneOf<T extends string>(v: unknown, allowed: readonly T[], flag: string): T | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || !allowed.includes(v as T)) {
    throw new UserError(`--${flag} must be one of ${allowed.join(', ')}`, `got ${JSON.stringify(v)}`);
  }
  return v as T;
}

export function connectionFlags(args: CommandContext['args']) {
  return {
    bootstrapServers: str(args['bootstrap-servers']),
    saslMechanism: str(args['sasl-mechanism']),
    saslUsername: str(args['sasl-username']),
    tls: args.tls === true ? true : undefined,
    caFile: str(args['ca-file']),
    certFile: str(args['cert-file']),
    keyFile: str(args['key-file']),
    insecureSkipTlsVerify: args['insecure-skip-tls-verify'] === true ? true : undefined,
  };
}

/** Asks a yes/no question on the terminal. */
export async function askYesNo(question: string): Promise<boolean> {
  const { createInterface } = await import('node:readline/promises');
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(`${question} [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}

/** Renders rows as an aligned plain-text table. */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
