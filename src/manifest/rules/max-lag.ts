/** maxLag: a record count or a duration, and only on a service that consumes (health judges its group against it). */
import { parseLagBudget } from '../../model/lag-budget.js';
import { mapping, type WrittenService } from '../written.js';
import type { Rule } from './rule.js';

export const maxLagRule: Rule = (ctx) => {
  const written = mapping<Record<string, WrittenService>>(ctx.written.services);
  for (const svc of ctx.normalized.spec.services) {
    const value = mapping<WrittenService>(written[svc.name]).maxLag;
    if (value === undefined) continue;
    const path = ['services', svc.name, 'maxLag'];
    if (parseLagBudget(value) === undefined) {
      ctx.error('max-lag-invalid', path, `maxLag ${JSON.stringify(value)} is neither a record count nor a duration`, {
        found: String(value),
        allowed: 'a whole number of records (10000) or a duration with its unit (30s, 5m, 1h)',
        hint: 'write maxLag: 10000 for records, or maxLag: 5m for the age of the oldest unconsumed record',
      });
    }
    if (svc.consumes.length === 0) {
      ctx.error('max-lag-no-consumer', path, `service "${svc.name}" has maxLag but consumes nothing: there is no lag to judge`, {
        found: 'maxLag without consumes',
        allowed: 'maxLag on a service with consumes',
        hint: 'add the topics it reads under consumes:, or remove maxLag',
      });
    }
  }
};
