/**
 * The `users` and `quotas` sections of an imported topics.yaml. Pure.
 *
 * - Users are written without `passwordFrom`: an adopted user, which kafkaform checks by mechanism
 *   and iterations and never sets a password for. The file declares one mechanism per user; of
 *   several credentials the strongest (SCRAM-SHA-512) is written, the others are noted.
 * - Quotas of a user or client-id entity (or Kafka's defaults) are written with sizes in units. A
 *   user + client-id entity has no form in topics.yaml (the Terraform provider has none), and a
 *   quota of a user who is neither a SCRAM user nor a service principal would not validate: both
 *   are skipped, with the reason.
 */
import { type LiveQuota, type LiveScramUser, quotaEntityKey } from '../cluster/port.js';
import { formatBytes } from '../model/units.js';

/** Kafka's default iteration count: not written. */
const DEFAULT_ITERATIONS = 4096;

type Obj = Record<string, unknown>;

export interface ImportedAccess {
  users: Obj;
  quotas: Obj[];
  /** Not expressible in topics.yaml (warnings and comments). */
  skipped: string[];
  /** Worth a comment, not a warning (e.g. a second mechanism of a user). */
  notes: string[];
}

/** A byte rate in the unit it is exactly written in (`10MiB`), or undefined when it is not a whole number of bytes. */
function byteRate(n: number): string | number | undefined {
  if (!Number.isInteger(n) || n < 0) return undefined;
  const s = formatBytes(n);
  return /[A-Za-z]$/.test(s) ? s : n;
}

/** The users and quotas sections for the live users and quotas; `principals` are the service principals' user names. */
export function computeImportedAccess(liveUsers: readonly LiveScramUser[], liveQuotas: readonly LiveQuota[], principals: ReadonlySet<string>): ImportedAccess {
  const users: Obj = {};
  const skipped: string[] = [];
  const notes: string[] = [];
  for (const u of [...liveUsers].sort((a, b) => a.name.localeCompare(b.name))) {
    const cred = u.credentials.find((c) => c.mechanism === 'SCRAM-SHA-512') ?? u.credentials[0];
    if (!cred) continue;
    const out: Obj = { mechanism: cred.mechanism };
    if (cred.iterations !== DEFAULT_ITERATIONS) out.iterations = cred.iterations;
    users[u.name] = out;
    const others = u.credentials.filter((c) => c !== cred).map((c) => c.mechanism);
    if (others.length) notes.push(`user ${u.name} also has a ${others.join(', ')} credential (one mechanism per user is declared; the others are kept)`);
  }
  const known = new Set([...Object.keys(users), ...principals]);
  const quotas: Obj[] = [];
  for (const q of [...liveQuotas].sort((a, b) => quotaEntityKey(a).localeCompare(quotaEntityKey(b)))) {
    const name = quotaEntityKey(q);
    if (q.user !== undefined && q.clientId !== undefined) {
      skipped.push(`quota ${name} (a user + client-id quota has no form in topics.yaml: the Terraform provider has no combined entity)`);
      continue;
    }
    if (q.user !== undefined && q.user !== '<default>' && !known.has(q.user)) {
      skipped.push(`quota ${name} (user ${q.user} is neither a SCRAM user nor a service principal on this cluster)`);
      continue;
    }
    const out: Obj = q.user !== undefined ? { user: q.user } : { clientId: q.clientId };
    let exact = true;
    for (const k of ['producerByteRate', 'consumerByteRate'] as const) {
      if (q[k] === undefined) continue;
      const v = byteRate(q[k]);
      if (v === undefined) exact = false;
      else out[k] = v;
    }
    if (q.requestPercentage !== undefined) out.requestPercentage = q.requestPercentage;
    if (!exact) {
      skipped.push(`quota ${name} (a byte rate that is not a whole number of bytes)`);
      continue;
    }
    quotas.push(out);
  }
  return { users, quotas, skipped, notes };
}
