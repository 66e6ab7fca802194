import { describe, expect, it } from 'vitest';
import { formatLagBudget, parseLagBudget } from '../../src/model/lag-budget.js';

describe('maxLag: a record count or a duration', () => {
  it('reads a whole number (also quoted) as records', () => {
    expect(parseLagBudget(10000)).toEqual({ kind: 'records', records: 10000 });
    expect(parseLagBudget('250')).toEqual({ kind: 'records', records: 250 });
    expect(parseLagBudget(0)).toEqual({ kind: 'records', records: 0 });
  });

  it('reads a number with a unit as a duration', () => {
    expect(parseLagBudget('5m')).toEqual({ kind: 'time', ms: 300_000 });
    expect(parseLagBudget('30s')).toEqual({ kind: 'time', ms: 30_000 });
    expect(parseLagBudget('500ms')).toEqual({ kind: 'time', ms: 500 });
  });

  it('refuses what is neither', () => {
    for (const bad of [-1, 1.5, '5 minutes', 'forever', '-1', '', true, null, '5x']) expect(parseLagBudget(bad), String(bad)).toBeUndefined();
  });

  it('formats both kinds for people', () => {
    expect(formatLagBudget({ kind: 'records', records: 10 })).toBe('10 records');
    expect(formatLagBudget({ kind: 'time', ms: 300_000 })).toBe('5m');
  });
});
