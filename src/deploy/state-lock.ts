/**
 * Terraform's "Error acquiring the state lock", turned into a message that names the lock and what
 * releases it. How a lock ends differs per backend (verified with terraform 1.11.4):
 * - local: an OS lock on the state file, held by a running terraform and released when it ends, even
 *   by SIGKILL. The `.terraform.tfstate.lock.info` a killed terraform leaves behind is harmless, and
 *   `terraform force-unlock` cannot release another process's local lock ("LocalState not locked").
 * - pg: a PostgreSQL advisory lock of terraform's session, released when that session ends (a killed
 *   terraform's connection closes). The Lock Info terraform prints is the *waiting* run's own, so the
 *   ID names nothing to unlock.
 * - s3, gcs, remote: a lock object that outlives a killed terraform; `terraform force-unlock ID` in
 *   the stack directory removes it.
 */

/** The lock terraform reported, as far as its "Lock Info" block says. */
export interface StateLock {
  id?: string;
  path?: string;
  operation?: string;
  who?: string;
  created?: string;
  /** terraform's own reason, e.g. "resource temporarily unavailable". */
  reason?: string;
}

/** Parses terraform's lock error from its output; undefined when the output is not one. */
export function parseStateLock(lines: readonly string[]): StateLock | undefined {
  if (!lines.some((l) => l.includes('Error acquiring the state lock'))) return undefined;
  const field = (name: string): string | undefined => {
    const re = new RegExp(`^\\s*${name}:\\s*(.*?)\\s*$`);
    for (const l of lines) {
      const m = re.exec(l);
      if (m && m[1] !== '') return m[1];
    }
    return undefined;
  };
  const lock: StateLock = {};
  const set = (k: keyof StateLock, v: string | undefined): void => {
    if (v !== undefined) lock[k] = v;
  };
  set('id', field('ID'));
  set('path', field('Path'));
  set('operation', field('Operation')?.replace(/^OperationType/, '').toLowerCase());
  set('who', field('Who'));
  set('created', field('Created'));
  set('reason', field('Error message'));
  return lock;
}

/** One line saying which lock stopped the run, and a hint naming what releases it for this backend. */
export function describeStateLock(lock: StateLock, backendType: string | undefined, stackDir: string, lockTimeout: string): { message: string; hint: string } {
  const type = backendType ?? 'local';
  const held = [lock.operation && `${lock.operation}`, lock.who && `by ${lock.who}`, lock.created && `since ${lock.created}`].filter(Boolean).join(' ');
  if (type === 'local') {
    return {
      message: `the Terraform state${lock.path ? ` ${lock.path}` : ''} is locked by another terraform run${held ? ` (${held}, lock ID ${lock.id ?? 'unknown'})` : ''}; waited ${lockTimeout}`,
      hint:
        'another deploy or plan of this stack is running: wait for it to finish, or stop it (Ctrl-C lets terraform save the state and release the lock). ' +
        'A local lock ends with its process, even a killed one; a leftover .terraform.tfstate.lock.info is harmless and `terraform force-unlock` does not apply to local state.',
    };
  }
  if (type === 'pg') {
    return {
      message: `the Terraform state in PostgreSQL (the stack's schema) is locked by another terraform session; waited ${lockTimeout}`,
      hint:
        'another deploy or plan of this stack is running: wait for it, or run again with a longer KAFKAFORM_LOCK_TIMEOUT. The lock is a PostgreSQL advisory lock that ends with ' +
        "that terraform's connection, even when it is killed. A session that lingers (a lost connection) can be ended in PostgreSQL: " +
        "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory';",
    };
  }
  const id = lock.id ?? 'LOCK_ID';
  return {
    message: `the Terraform state (${type} backend) is locked${held ? ` (${held})` : ''}, lock ID ${id}; waited ${lockTimeout}`,
    hint:
      `if that run is still going, wait for it. If it was killed, its lock stays behind: release it with \`terraform force-unlock -force ${id}\` ` +
      `run in ${stackDir} (TF_CLI_CONFIG_FILE as \`kafkaform setup\` prints it), then deploy again.`,
  };
}
