/**
 * A local state file that an interrupted terraform left empty or cut short. Terraform's local backend
 * rewrites the state file in place (truncate, then write) after every resource it finishes, so a
 * SIGKILL between the two leaves a 0-byte or partial file (seen in test/integration/crash-safety.test.ts);
 * terraform's `<state>.backup` keeps the state as it was before that run. Remote backends (pg, s3, …)
 * write whole states and are not touched here.
 */
import { copyFileSync, existsSync, readFileSync, renameSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface StateRecovery {
  /** The state file that was repaired. */
  path: string;
  /** What was done, for the progress output. */
  message: string;
}

/** The local backend's state path of a synthesized stack, or undefined for another backend. */
function localStatePath(stackDir: string): string | undefined {
  try {
    const j = JSON.parse(readFileSync(join(stackDir, 'cdk.tf.json'), 'utf8')) as { terraform?: { backend?: { local?: { path?: string } } } };
    const local = j.terraform?.backend?.local;
    return local ? resolve(stackDir, local.path ?? 'terraform.tfstate') : undefined;
  } catch {
    return undefined;
  }
}

/** The state's serial when `text` is a whole state, else undefined. */
function serialOf(text: string): number | undefined {
  try {
    const j = JSON.parse(text) as { serial?: unknown; version?: unknown };
    return typeof j.serial === 'number' && typeof j.version === 'number' ? j.serial : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Repairs the stack's local state file when it is empty or not a whole state while terraform's
 * backup is: the backup comes back, and the broken file is kept beside it. What the interrupted run
 * created since is not in the backup; the plan adopts it from the cluster (compute-adoption.ts).
 * A broken file without a usable backup is moved aside, so the plan adopts everything. Returns
 * undefined when there was nothing to repair.
 */
export function recoverInterruptedLocalState(stackDir: string, now: Date = new Date()): StateRecovery | undefined {
  const path = localStatePath(stackDir);
  if (!path || !existsSync(path)) return undefined;
  const text = readFileSync(path, 'utf8');
  if (serialOf(text) !== undefined) return undefined;
  const backup = `${path}.backup`;
  const backupSerial = existsSync(backup) ? serialOf(readFileSync(backup, 'utf8')) : undefined;
  const what = text.trim() === '' ? 'empty' : 'cut short';
  if (text.trim() === '' && backupSerial === undefined) return undefined; // no state yet: nothing to restore
  const aside = `${path}.interrupted-${now.toISOString().replace(/[:.]/g, '-')}`;
  if (text.trim() !== '') renameSync(path, aside);
  if (backupSerial !== undefined) {
    copyFileSync(backup, path);
    return {
      path,
      message: `the local state ${path} was ${what} (an interrupted terraform); restored terraform's backup (serial ${backupSerial})${text.trim() !== '' ? `, the broken file is ${aside}` : ''}; what was created since is adopted from the cluster`,
    };
  }
  return { path, message: `the local state ${path} was cut short (an interrupted terraform) and has no backup: moved it to ${aside}; the declared resources are adopted from the cluster` };
}
