/**
 * Thin edge around the terraform CLI for one synthesized stack directory (a directory holding
 * `cdk.tf.json`). Over 400 lines because every terraform subcommand kafkaform runs shares the
 * exit-code, lock-message, signal and secret-scrubbing handling kept here (lock parsing is in state-lock.ts).
 *
 * Secrets: variables travel only as `TF_VAR_<name>` environment entries of the child process,
 * never on the command line; every line handed to `onOutput` and every error message has the
 * values of sensitive variables replaced with `***`.
 *
 * Note (verified with terraform 1.11.4): a saved plan file stores the values of non-ephemeral
 * variables in plain text, `sensitive = true` ones included, and `terraform show -json` prints
 * them under `variables`; `ephemeral = true` variables are not stored (they must be supplied
 * again at apply, which passing the same `vars` does). The runner makes plan files 0600; delete
 * them after apply and never log show-json output verbatim.
 *
 * Crash safety: terraform runs in its own process group, and a SIGINT or SIGTERM that kafkaform gets
 * while terraform runs is forwarded to it exactly once; kafkaform then waits, so terraform finishes
 * the resources it started, saves the state and releases its lock (a terminal's Ctrl-C would
 * otherwise reach terraform twice, and a second interrupt makes it exit at once). A lock that stops
 * a run is reported by state-lock.ts, naming what releases it.
 */
import { readFileSync } from 'node:fs';
import { chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { TerraformError, UserError } from '../errors.js';
import { describeStateLock, parseStateLock } from './state-lock.js';
import { sleep } from '../os/process.js';
import { isCommandNotFound, runCommand, trimBlankLines } from '../os/run-command.js';
import type { Toolchain } from '../toolchain/provider.js';

/** Only what the runner needs from a Toolchain. */
export type TerraformToolchain = Pick<Toolchain, 'terraform' | 'env'>;

export interface RunOptions {
  /** Terraform input variables, passed as TF_VAR_<name> environment entries. */
  vars?: Record<string, string>;
  /**
   * Names of `vars` whose values are secret and scrubbed from output. Default: all of them.
   * Pass an explicit list when some vars hold short, non-secret values (scrubbing "1" would
   * mangle the output).
   */
  sensitiveVars?: readonly string[];
  /** Each line terraform prints (stdout and stderr), secrets scrubbed. */
  onOutput?: (line: string) => void;
  /** Extra environment entries (not scrubbed: do not put secrets here). */
  env?: Record<string, string>;
  signal?: AbortSignal;
  /** Called with terraform's pid once it runs (tests use it to kill terraform mid-apply). */
  onSpawn?: (pid: number) => void;
}

export interface RunResult {
  exitCode: number;
  /** Full stdout (not scrubbed: may be JSON the caller parses). */
  stdout: string;
  /** Last lines of stderr, scrubbed. */
  stderrTail: string[];
}

const TAIL_LINES = 40;
/** How long terraform waits for a state lock held by another run (KAFKAFORM_LOCK_TIMEOUT overrides it). */
export const DEFAULT_LOCK_TIMEOUT = '30s';
export const LOCK_TIMEOUT = `-lock-timeout=${DEFAULT_LOCK_TIMEOUT}`;

/** The lock wait: KAFKAFORM_LOCK_TIMEOUT (terraform's duration syntax, e.g. `90s`, `5m`), else 30s. */
export function lockTimeout(env: NodeJS.ProcessEnv = process.env): string {
  const v = env.KAFKAFORM_LOCK_TIMEOUT?.trim();
  if (v === undefined || v === '') return DEFAULT_LOCK_TIMEOUT;
  if (!/^\d+(ms|s|m|h)$/.test(v)) throw new UserError(`KAFKAFORM_LOCK_TIMEOUT="${v}" is not a duration`, 'e.g. KAFKAFORM_LOCK_TIMEOUT=90s or 5m');
  return v;
}

function lockTimeoutArg(opts: RunOptions): string {
  return `-lock-timeout=${lockTimeout({ ...process.env, ...(opts.env ?? {}) })}`;
}

/** Signals kafkaform forwards to a running terraform, which then stops gracefully. */
const FORWARDED_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];

/**
 * While `run` runs terraform (pid from `onSpawn`), SIGINT/SIGTERM to kafkaform go to terraform
 * instead of ending kafkaform; resolves with the result and the signal that arrived, if any.
 */
async function forwardingSignals<T>(run: (onSpawn: (pid: number) => void) => Promise<T>): Promise<{ result: T; received?: NodeJS.Signals }> {
  let pid: number | undefined;
  let received: NodeJS.Signals | undefined;
  const handlers = FORWARDED_SIGNALS.map((sig) => {
    const h = (): void => {
      received = sig;
      if (pid === undefined) return;
      try {
        process.kill(pid, sig);
      } catch {
        // already gone
      }
    };
    process.on(sig, h);
    return [sig, h] as const;
  });
  try {
    const result = await run((p) => {
      pid = p;
      if (received) process.kill(p, received); // a signal that arrived before terraform had a pid
    });
    return received ? { result, received } : { result };
  } finally {
    for (const [sig, h] of handlers) process.removeListener(sig, h);
  }
}

/** Moved to os/run-command.ts with the one spawn helper; re-exported for existing importers. */
export { scrubSecrets } from '../os/run-command.js';

function secretValues(opts: RunOptions): string[] {
  const vars = opts.vars ?? {};
  const names = opts.sensitiveVars ?? Object.keys(vars);
  return names.map((n) => vars[n]).filter((v): v is string => typeof v === 'string' && v.length > 0);
}

function varsEnv(vars: Record<string, string> | undefined): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(vars ?? {})) {
    if (!/^[A-Za-z_][A-Za-z0-9_-]*$/.test(name)) {
      throw new UserError(`Invalid Terraform variable name: ${JSON.stringify(name)}.`);
    }
    env[`TF_VAR_${name}`] = value;
  }
  return env;
}

/**
 * Runs `terraform <args>` in `dir`. Resolves with the exit code whatever it is; callers decide
 * what is a failure (see `check`). Rejects only when terraform cannot be started.
 */
export async function runTerraform(
  dir: string,
  tc: TerraformToolchain,
  args: string[],
  opts: RunOptions & { echoStdout?: boolean } = {},
): Promise<RunResult> {
  const env: NodeJS.ProcessEnv = { ...process.env, ...tc.env, ...(opts.env ?? {}), ...varsEnv(opts.vars) };
  // The pg backend's connection string (and its password alone) never appears in what is printed.
  const secrets = [...secretValues(opts), ...connectionStringSecrets(env.PG_CONN_STR)];
  const echoStdout = opts.echoStdout ?? true;
  try {
    const { result: r, received } = await forwardingSignals((onSpawn) =>
      runCommand(tc.terraform.path, args, {
        cwd: dir,
        env,
        secrets,
        keepStdout: true,
        tailLines: TAIL_LINES,
        detached: true,
        onSpawn: (pid) => {
          onSpawn(pid);
          opts.onSpawn?.(pid);
        },
        ...(opts.signal ? { signal: opts.signal } : {}),
        onStdoutLine: (line) => {
          if (echoStdout) opts.onOutput?.(line);
        },
        onStderrLine: (line) => opts.onOutput?.(line),
      }),
    );
    if (received) {
      throw new UserError(
        `stopped by ${received}: \`${commandLine(tc, args)}\` was interrupted and has ended (exit code ${r.exitCode}); terraform finished the changes it had started, saved the state and released its lock`,
        'run the same command again to finish: what was created is in the state or is adopted from the cluster, never created twice',
      );
    }
    const tail = r.stderrTail.some((l) => l.trim() !== '') ? r.stderrTail : r.stdoutTail;
    return { exitCode: r.exitCode, stdout: r.stdout, stderrTail: trimBlankLines(tail) };
  } catch (e) {
    if (isCommandNotFound(e)) {
      throw new UserError(`Cannot run ${tc.terraform.path}: not found.`, 'Install Terraform >= 1.5 or set TERRAFORM_BINARY_NAME.');
    }
    if ((e as Error).name === 'AbortError') throw new UserError(`terraform ${args[0] ?? ''} was cancelled.`);
    throw e;
  }
}

/** A connection string and the password inside it, as secrets to scrub. */
export function connectionStringSecrets(conn: string | undefined): string[] {
  if (!conn) return [];
  const out = [conn];
  const url = /^[a-z][a-z0-9+.-]*:\/\/[^:/@]*:([^@/]+)@/i.exec(conn);
  const kv = /(?:^|\s)password\s*=\s*('(?:[^'\\]|\\.)*'|\S+)/i.exec(conn);
  const pw = url?.[1] ?? kv?.[1]?.replace(/^'(.*)'$/, '$1');
  if (pw) {
    out.push(pw);
    try {
      out.push(decodeURIComponent(pw));
    } catch {
      // not percent-encoded
    }
  }
  return out;
}

function commandLine(tc: TerraformToolchain, args: string[]): string {
  return [tc.terraform.flavor, ...args].join(' ');
}

function check(r: RunResult, tc: TerraformToolchain, args: string[], ok: readonly number[] = [0], hint?: string, dir?: string): void {
  if (ok.includes(r.exitCode)) return;
  const lock = parseStateLock(r.stderrTail);
  if (lock && dir !== undefined) {
    const wait = args.find((a) => a.startsWith('-lock-timeout='))?.slice('-lock-timeout='.length) ?? DEFAULT_LOCK_TIMEOUT;
    const d = describeStateLock(lock, synthesizedBackendType(dir), dir, wait);
    throw new TerraformError(commandLine(tc, args), r.exitCode, [d.message], d.hint);
  }
  throw new TerraformError(commandLine(tc, args), r.exitCode, r.stderrTail, hint);
}

const COMMON = ['-input=false', '-no-color'];

/** `terraform init`: works offline with kafkaform's filesystem mirror; writes .terraform.lock.hcl. */
export async function terraformInit(
  dir: string,
  tc: TerraformToolchain,
  opts: RunOptions & { upgrade?: boolean } = {},
): Promise<void> {
  const args = ['init', ...COMMON, lockTimeoutArg(opts)];
  if (opts.upgrade) args.push('-upgrade');
  // The stack dir is kafkaform's own: when only the path of a local state file moved (e.g. the
  // embedded cluster's state now lives with the cluster), re-initialise without migrating. Any other
  // backend change needs a deliberate `terraform init -migrate-state`, so it stays an error.
  if (initializedBackendType(dir) === 'local' && synthesizedBackendType(dir) === 'local') args.push('-reconfigure');
  let r = await runTerraform(dir, tc, args, opts);
  // The pg backend creates its schema and table with IF NOT EXISTS, which PostgreSQL does not make safe
  // against another session creating them at the same moment (pg_type_typname_nsp_index); the other
  // session created them, so a second init finds them (seen with two deploys starting at once).
  if (r.exitCode !== 0 && r.stderrTail.some((l) => l.includes('duplicate key value violates unique constraint'))) r = await runTerraform(dir, tc, args, opts);
  const backendChanged = r.exitCode !== 0 && r.stderrTail.some((l) => l.includes('Backend configuration changed'));
  check(
    r,
    tc,
    args,
    [0],
    backendChanged
      ? `The stack's Terraform backend changed. Move the state deliberately: run \`terraform init -migrate-state\` in ${dir} (with TF_CLI_CONFIG_FILE from \`kafkaform setup\`), then deploy again.`
      : 'Check that the provider is installed (kafkaform builds it into its mirror unless KAFKAFORM_PROVIDER_SOURCE=registry) ' +
          'and, if the provider binary changed, delete the stack\'s .terraform.lock.hcl and run again.',
    dir,
  );
}

/** The backend type a previous `terraform init` recorded in the stack dir, if any. */
function initializedBackendType(dir: string): string | undefined {
  try {
    const j = JSON.parse(readFileSync(join(dir, '.terraform', 'terraform.tfstate'), 'utf8')) as { backend?: { type?: string } };
    return j.backend?.type;
  } catch {
    return undefined;
  }
}

/** The backend type in the synthesized cdk.tf.json. */
function synthesizedBackendType(dir: string): string | undefined {
  try {
    const j = JSON.parse(readFileSync(join(dir, 'cdk.tf.json'), 'utf8')) as { terraform?: { backend?: Record<string, unknown> } };
    return Object.keys(j.terraform?.backend ?? {})[0];
  } catch {
    return undefined;
  }
}

export interface PlanOptions extends RunOptions {
  /** Plan file to write; default `<dir>/kafkaform.tfplan`. */
  out?: string;
  destroy?: boolean;
  /** `false` → `-refresh=false`. */
  refresh?: boolean;
  /** `-parallelism=N`: how many resources terraform walks at once (terraform's default: 10). */
  parallelism?: number;
}

export interface PlanResult {
  /** `-detailed-exitcode`: 0 = no changes, 2 = changes present. */
  exitCode: 0 | 2;
  planFile: string;
}

/** `terraform plan -detailed-exitcode -out=<planFile>`. */
export async function terraformPlan(dir: string, tc: TerraformToolchain, opts: PlanOptions = {}): Promise<PlanResult> {
  const planFile = opts.out ?? join(dir, 'kafkaform.tfplan');
  const args = ['plan', ...COMMON, lockTimeoutArg(opts), '-detailed-exitcode', `-out=${planFile}`];
  if (opts.destroy) args.push('-destroy');
  if (opts.refresh === false) args.push('-refresh=false');
  if (opts.parallelism !== undefined) args.push(`-parallelism=${opts.parallelism}`);
  let r = await runTerraform(dir, tc, args, opts);
  // A plan only reads, so a transient provider connection failure is safe to retry.
  for (let attempt = 1; attempt <= PLAN_RETRIES && r.exitCode === 1 && isTransientProviderError(r.stderrTail); attempt++) {
    opts.onOutput?.(`(transient provider connection error; planning again, attempt ${attempt + 1})`);
    await sleep(1000 * attempt);
    r = await runTerraform(dir, tc, args, opts);
  }
  // The plan file holds the values of non-ephemeral variables (secrets too) in plain text and
  // terraform writes it 0644: make it owner-only.
  await chmod(planFile, 0o600).catch(() => undefined);
  check(r, tc, args, [0, 2], undefined, dir);
  return { exitCode: r.exitCode as 0 | 2, planFile };
}

const PLAN_RETRIES = 2;

/**
 * The Mongey provider (0.13.1) opens broker connections lazily and its parallel resource reads can
 * use a broker whose connection (a TLS handshake, say) is still being set up: sarama's
 * "kafka: broker not connected". Nothing was read or changed when that happens.
 */
export function isTransientProviderError(lines: readonly string[]): boolean {
  return lines.some((l) => /kafka: broker not connected/.test(l));
}

/**
 * terraform refused a saved plan because another run (a concurrent deploy on shared state) changed
 * the state after it was made. Nothing was applied; planning again shows what is left.
 */
export function isStalePlanError(lines: readonly string[]): boolean {
  return lines.some((l) => /Saved plan is stale/.test(l));
}

/**
 * The topics whose create found them already there (each error's `with kafka_topic.<name>,` line):
 * made after the plan's live read, by a run that was interrupted with its CreateTopics already sent,
 * or by another process. Planning again adopts them.
 */
export function topicsThatAlreadyExist(lines: readonly string[]): string[] {
  const out: string[] = [];
  let pending = false;
  for (const l of lines) {
    if (/Topic with this name already exists/.test(l)) pending = true;
    const address = pending ? /^\s*with (kafka_topic\.[^,\s]+),/.exec(l)?.[1] : undefined;
    if (address) {
      out.push(address);
      pending = false;
    }
  }
  return out;
}

/**
 * `terraform show -json <planFile>`, parsed. The result may contain variable values (secrets)
 * of the plan: never log it verbatim.
 */
export async function terraformShowJson(
  dir: string,
  tc: TerraformToolchain,
  planFile?: string,
  opts: RunOptions = {},
): Promise<unknown> {
  const args = ['show', '-json', '-no-color'];
  if (planFile) args.push(planFile);
  const r = await runTerraform(dir, tc, args, { ...opts, echoStdout: false });
  check(r, tc, args);
  try {
    return JSON.parse(r.stdout) as unknown;
  } catch {
    throw new TerraformError(commandLine(tc, args), r.exitCode, ['(output was not valid JSON)']);
  }
}

export interface ApplyOptions extends RunOptions {
  /** Apply this saved plan (no approval needed). */
  planFile?: string;
  /** Without a plan file, apply the current configuration with -auto-approve. */
  autoApprove?: boolean;
  /** Without a plan file: destroy everything (`-destroy`). */
  destroy?: boolean;
  /** `-parallelism=N` (terraform's default: 10). */
  parallelism?: number;
}

/** `terraform apply <planFile>` or `terraform apply -auto-approve`. */
export async function terraformApply(dir: string, tc: TerraformToolchain, opts: ApplyOptions): Promise<void> {
  const args = ['apply', ...COMMON, lockTimeoutArg(opts)];
  if (opts.parallelism !== undefined) args.push(`-parallelism=${opts.parallelism}`);
  if (opts.planFile) {
    args.push(opts.planFile);
  } else if (opts.autoApprove) {
    args.push('-auto-approve');
    if (opts.destroy) args.push('-destroy');
  } else {
    throw new Error('terraformApply needs either planFile or autoApprove');
  }
  const r = await runTerraform(dir, tc, args, opts);
  check(r, tc, args, [0], undefined, dir);
}

export interface TerraformOutputValue {
  value: unknown;
  type: unknown;
  sensitive: boolean;
}

/** `terraform output -json`: all root outputs (sensitive ones included, unredacted). */
export async function terraformOutput(
  dir: string,
  tc: TerraformToolchain,
  opts: RunOptions = {},
): Promise<Record<string, TerraformOutputValue>> {
  const args = ['output', '-json', '-no-color'];
  const r = await runTerraform(dir, tc, args, { ...opts, echoStdout: false });
  check(r, tc, args);
  const text = r.stdout.trim();
  if (text === '') return {};
  try {
    return JSON.parse(text) as Record<string, TerraformOutputValue>;
  } catch {
    throw new TerraformError(commandLine(tc, args), r.exitCode, ['(output was not valid JSON)']);
  }
}

/** `terraform providers schema -json`, parsed (needs an initialized directory). */
export async function terraformProvidersSchema(dir: string, tc: TerraformToolchain, opts: RunOptions = {}): Promise<unknown> {
  const args = ['providers', 'schema', '-json'];
  const r = await runTerraform(dir, tc, args, { ...opts, echoStdout: false });
  check(r, tc, args);
  return JSON.parse(r.stdout) as unknown;
}
