/** SCRAM users: a `passwordFrom: file:` that does not exist yet is worth a warning (CI may inject it later). */
import { dirname, resolve } from 'node:path';
import type { Rule } from './rule.js';

export const usersRule: Rule = ({ doc, normalized, files, warn }) => {
  if (!files) return;
  for (const u of normalized.spec.users) {
    if (!u.passwordFrom?.startsWith('file:')) continue;
    // The file is read at deploy time; a missing file now is a warning, not an error.
    const path = u.passwordFrom.slice(5);
    if (!files.exists(resolve(dirname(doc.file), path))) {
      warn('secret-file-missing', ['users', u.name, 'passwordFrom'], `password file ${path} does not exist (yet)`, {
        hint: 'it must exist when kafkaform deploy runs',
      });
    }
  }
};
