/**
 * The one way kafkaform runs another program: an argument array (never a shell), its own env and
 * cwd, an optional timeout and abort signal, and a bounded tail of its output with secrets
 * replaced by `***`, so an error message can quote the tail safely. `spawnDetached` starts a
 * long-lived server (a broker, a registry) that outlives the CLI.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync, writeFileSync } from 'node:fs';

export interface RunCommandOptions {
  cwd?: string;
  /** The child's whole environment; default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** SIGTERM after this long (SIGKILL 5 s later); the result then has `timedOut`. */
  timeoutMs?: number;
  /** Kills the child (SIGTERM); the promise rejects with an `AbortError`. */
  signal?: AbortSignal;
  /** Values replaced by `***` in the tails and in the line callbacks (not in `stdout`). */
  secrets?: Iterable<string>;
  /** Keep the whole stdout in `stdout` (for JSON the caller parses); default false. */
  keepStdout?: boolean;
  /** How many lines each tail keeps; default 200. */
  tailLines?: number;
  /** Each stdout line, secrets scrubbed. */
  onStdoutLine?: (line: string) => void;
  /** Each stderr line, secrets scrubbed. */
  onStderrLine?: (line: string) => void;
  /** Its own process group: a terminal's Ctrl-C then reaches only the caller, which decides what to forward. */
  detached?: boolean;
  /** Called once the child has a pid (to signal it while it runs). */
  onSpawn?: (pid: number) => void;
}

export interface CommandResult {
  /** The exit code; 128 when a signal ended the child. */
  exitCode: number;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  /** The whole stdout, unscrubbed, when `keepStdout`; else ''. */
  stdout: string;
  /** Last lines of stdout, scrubbed. */
  stdoutTail: string[];
  /** Last lines of stderr, scrubbed. */
  stderrTail: string[];
  /** Last lines of stdout and stderr as they arrived, scrubbed. */
  tail: string[];
}

/** Longest line kept in a tail: a tail is for people, and one JSON line can be megabytes. */
const MAX_TAIL_LINE = 2_000;
const KILL_GRACE_MS = 5_000;

/**
 * Replaces every occurrence of each secret (and of its JSON-escaped form, as programs print
 * strings quoted) with `***`. Longer secrets are replaced first so a secret that contains
 * another is fully hidden. Empty secrets are ignored.
 */
export function scrubSecrets(text: string, secrets: Iterable<string>): string {
  const forms = new Set<string>();
  for (const s of secrets) {
    if (!s) continue;
    forms.add(s);
    const escaped = JSON.stringify(s).slice(1, -1);
    if (escaped !== s && escaped.length > 0) forms.add(escaped);
  }
  if (forms.size === 0) return text;
  let out = text;
  for (const f of [...forms].sort((a, b) => b.length - a.length)) out = out.split(f).join('***');
  return out;
}

/** The lines of a tail without leading and trailing blank lines, joined. */
export function joinTail(lines: readonly string[], count = lines.length): string {
  return trimBlankLines(lines).slice(-count).join('\n');
}

/** Drops blank lines at both ends. */
export function trimBlankLines(lines: readonly string[]): string[] {
  let a = 0;
  let b = lines.length;
  while (a < b && lines[a]!.trim() === '') a++;
  while (b > a && lines[b - 1]!.trim() === '') b--;
  return lines.slice(a, b);
}

/** Calls `onLine` for each complete line of a stream (CR of CRLF dropped); `end` flushes the rest. */
function lineSplitter(onLine: (line: string) => void): { push(chunk: string): void; end(): void } {
  let buf = '';
  return {
    push(chunk) {
      buf += chunk;
      for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
        onLine(buf.slice(0, i).replace(/\r$/, ''));
        buf = buf.slice(i + 1);
      }
    },
    end() {
      if (buf.length > 0) onLine(buf.replace(/\r$/, ''));
      buf = '';
    },
  };
}

/**
 * Runs `command args` to completion. Resolves with the exit code whatever it is (callers decide
 * what is a failure); rejects only when the program cannot be started (`code` 'ENOENT' when it
 * does not exist) or when `signal` aborts it (`name` 'AbortError').
 */
export function runCommand(command: string, args: readonly string[], opts: RunCommandOptions = {}): Promise<CommandResult> {
  const secrets = [...(opts.secrets ?? [])].filter((s) => s.length > 0);
  const maxLines = opts.tailLines ?? 200;
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: opts.env ?? process.env,
      ...(opts.cwd ? { cwd: opts.cwd } : {}),
      ...(opts.signal ? { signal: opts.signal, killSignal: 'SIGTERM' as const } : {}),
      ...(opts.detached ? { detached: true } : {}),
    });
    if (child.pid !== undefined) opts.onSpawn?.(child.pid);
    let settled = false;
    let stdout = '';
    let timedOut = false;
    const stdoutTail: string[] = [];
    const stderrTail: string[] = [];
    const tail: string[] = [];
    const keep = (lines: string[], line: string): void => {
      lines.push(line.length > MAX_TAIL_LINE ? `${line.slice(0, MAX_TAIL_LINE)}…` : line);
      if (lines.length > maxLines) lines.shift();
    };
    const clean = (line: string): string => (secrets.length > 0 ? scrubSecrets(line, secrets) : line);
    const out = lineSplitter((line) => {
      const c = clean(line);
      keep(stdoutTail, c);
      keep(tail, c);
      opts.onStdoutLine?.(c);
    });
    const err = lineSplitter((line) => {
      const c = clean(line);
      keep(stderrTail, c);
      keep(tail, c);
      opts.onStderrLine?.(c);
    });
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      if (opts.keepStdout) stdout += d;
      out.push(d);
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => err.push(d));

    let killTimer: NodeJS.Timeout | undefined;
    const timer =
      opts.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            child.kill('SIGTERM');
            killTimer = setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS);
          }, opts.timeoutMs);
    const clear = (): void => {
      if (timer) clearTimeout(timer);
      if (killTimer) clearTimeout(killTimer);
    };
    child.on('error', (e) => {
      if (settled) return;
      settled = true;
      clear();
      reject(e);
    });
    child.on('close', (code, signal) => {
      if (settled) return;
      settled = true;
      clear();
      out.end();
      err.end();
      resolve({ exitCode: code ?? (signal ? 128 : 1), signal, timedOut, stdout, stdoutTail, stderrTail, tail });
    });
  });
}

/**
 * Like runCommand, but never rejects: a program that cannot be started (or an abort) resolves with
 * exit code -1 and the error message as the whole tail. For callers that only report failures.
 */
export async function runCommandSettled(command: string, args: readonly string[], opts: RunCommandOptions = {}): Promise<CommandResult> {
  try {
    return await runCommand(command, args, opts);
  } catch (err) {
    const message = (err as Error).message;
    return { exitCode: -1, signal: null, timedOut: false, stdout: '', stdoutTail: [], stderrTail: [message], tail: [message] };
  }
}

/** True for the error `runCommand` rejects with when the program does not exist. */
export function isCommandNotFound(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as NodeJS.ErrnoException).code === 'ENOENT';
}

export interface DetachedProcess {
  pid: number;
  /** Settles with the exit code (null after a signal, -1 when it could not start) if it ends while this process lives. */
  exits: Promise<number | null>;
}

export interface SpawnDetachedOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** stdout and stderr are appended to this file (created 0600). */
  logFile: string;
  /** A line written to the log before the program starts. */
  banner?: string;
}

/**
 * Starts a server in its own session with its output going to a log file, so that the calling
 * CLI can exit and leave it running. Throws when no pid was assigned (the program could not start).
 */
export function spawnDetached(command: string, args: readonly string[], opts: SpawnDetachedOptions): DetachedProcess {
  const fd = openSync(opts.logFile, 'a', 0o600);
  try {
    if (opts.banner) writeFileSync(fd, `\n${opts.banner}\n`);
    const child = spawn(command, [...args], {
      detached: true,
      stdio: ['ignore', fd, fd],
      env: opts.env ?? process.env,
      ...(opts.cwd ? { cwd: opts.cwd } : {}),
    });
    const exits = new Promise<number | null>((resolveExit) => {
      child.on('exit', (code) => resolveExit(code));
      child.on('error', () => resolveExit(-1));
    });
    child.unref();
    if (child.pid === undefined) throw new Error(`Could not start ${command}.`);
    return { pid: child.pid, exits };
  } finally {
    closeSync(fd);
  }
}
