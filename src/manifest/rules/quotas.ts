/** Client quotas: one entity each (user or client id), a user that exists, at least one limit, no duplicates. */
import { didYouMean } from '../diagnostics.js';
import type { PathSegment } from '../document.js';
import { isStr, list, mapping, type WrittenQuota } from '../written.js';
import type { Rule } from './rule.js';

export const quotasRule: Rule = ({ written, normalized, error }) => {
  const { users, services } = normalized.spec;
  const knownUsers = new Set([...users.map((u) => u.name), ...services.map((s) => s.principal.replace(/^User:/, ''))]);
  const quotaKeys = new Set<string>();
  list<unknown>(written.quotas).forEach((raw, i) => {
    const q = mapping<WrittenQuota>(raw);
    const qPath: PathSegment[] = ['quotas', i];
    const user = isStr(q.user) ? q.user : undefined;
    const clientId = isStr(q.clientId) ? q.clientId : undefined;
    if (!user && !clientId) {
      error('quota-entity', qPath, 'a quota needs user or clientId', {
        found: 'neither',
        allowed: "user: <name> | clientId: <id> ('<default>' for the default entity)",
        hint: "use '<default>' for the default entity",
      });
      return;
    }
    if (user && clientId) {
      error('quota-entity', [...qPath, 'clientId'], 'a quota sets either user or clientId, not both', {
        found: `user "${user}" and clientId "${clientId}"`,
        allowed: 'user, or clientId',
        hint: 'the Terraform provider has no combined user+client-id entity: split it into two quotas',
      });
      return;
    }
    if (user && user !== '<default>' && !knownUsers.has(user)) {
      const s2 = didYouMean(user, knownUsers);
      error('unknown-user', [...qPath, 'user'], `quota for user "${user}", who is neither in users nor a service principal`, {
        found: user,
        allowed: `a name under users:, a service principal User:<name>, or '<default>'`, hint: s2 ? `did you mean "${s2}"?` : 'declare the user under users:, or a service with principal User:<name>',
      });
    }
    // A limit written in a wrong form is reported by the schema pass; only a quota without any limit key is empty.
    if (q.producerByteRate === undefined && q.consumerByteRate === undefined && q.requestPercentage === undefined) {
      error('quota-empty', qPath, 'the quota sets no limit', {
        found: 'no limit',
        allowed: 'producerByteRate, consumerByteRate, requestPercentage',
        hint: 'add e.g. producerByteRate: 10MiB',
      });
    }
    const key = `${user ?? ''}|${clientId ?? ''}`;
    if (quotaKeys.has(key)) error('duplicate-quota', qPath, 'a second quota for the same user/client-id', {
      found: user ? `user ${user}` : `clientId ${clientId}`,
      allowed: 'one quota per entity',
      hint: 'merge the two entries',
    });
    quotaKeys.add(key);
  });
};
