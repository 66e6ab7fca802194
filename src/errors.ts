/**
 * The error kinds every layer raises. Only the CLI (src/cli/main.ts) turns them into exit codes and
 * printed lines: a UserError (and its subclasses) is one clear message plus a hint, never a stack
 * trace; anything else is an internal error.
 */

/** A mistake the user can fix (bad input, a missing tool, an unreachable cluster): one line plus hint; the CLI exits 1. */
export class UserError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'UserError';
  }
}

/** A bug in kafkaform itself: an invariant that did not hold. The CLI prints it with its stack. */
export class InternalError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'InternalError';
  }
}

/** Why a live cluster could not be used, as a code callers can branch on instead of matching text. */
export type ClusterErrorCode = 'auth' | 'tls' | 'unreachable' | 'unauthorized' | 'timeout' | 'protocol';

/** A live cluster refused or could not be reached; `code` says which, `broker` which broker when known. */
export class ClusterError extends UserError {
  constructor(
    readonly code: ClusterErrorCode,
    message: string,
    hint?: string,
    readonly broker?: string,
  ) {
    super(message, hint);
    this.name = 'ClusterError';
  }
}

/** Raised when a terraform command fails; the message carries the scrubbed stderr tail. */
export class TerraformError extends UserError {
  constructor(
    /** The command line (never contains secrets: variables travel in the environment). */
    readonly command: string,
    /** Terraform's own exit code (the CLI still exits 1). */
    readonly terraformExitCode: number,
    /** Last ~40 lines of stderr (or stdout when stderr was empty), secrets scrubbed. */
    readonly outputTail: string[],
    hint?: string,
  ) {
    super(
      `\`${command}\` failed with exit code ${terraformExitCode}` +
        (outputTail.length > 0 ? `:\n${outputTail.join('\n')}` : '.'),
      hint,
    );
    this.name = 'TerraformError';
  }
}
