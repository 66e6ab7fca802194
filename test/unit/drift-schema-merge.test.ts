import { describe, expect, it } from 'vitest';
import { mergeSchemaDrift } from '../../src/drift/collect-drift.js';
import type { DriftReport } from '../../src/drift/compute-drift.js';

const base = (): DriftReport => ({
  cluster: 'shop',
  environment: 'dev',
  inSync: true,
  checked: { topics: 2, acls: 3, users: 0, quotas: 0, liveTopics: 2, liveAcls: 3 },
  drift: [],
  notChecked: [
    { resource: 'user', reason: 'kafkajs cannot read SCRAM users' },
    { resource: 'schema', reason: 'drift does not read the schema registry; 1 topic(s) declare a schema' },
  ],
  partial: false,
});

describe('subject drift merged into the cluster drift report', () => {
  it('a changed subject makes the report drift, and schemas count as checked', () => {
    const r = mergeSchemaDrift(base(), [{ resource: 'schema', name: 'orders.placed-value', kind: 'changed', field: 'compatibility', expected: 'BACKWARD', actual: 'NONE' }], 4);
    expect(r.inSync).toBe(false);
    expect(r.checked.subjects).toBe(4);
    expect(r.drift).toEqual([{ resource: 'schema', name: 'orders.placed-value', kind: 'changed', field: 'compatibility', expected: 'BACKWARD', actual: 'NONE' }]);
    expect(r.notChecked.map((n) => n.resource)).toEqual(['user']);
  });

  it('no subject drift keeps an in-sync report in sync', () => {
    const r = mergeSchemaDrift(base(), [], 4);
    expect(r.inSync).toBe(true);
    expect(r.notChecked.some((n) => n.resource === 'schema')).toBe(false);
  });
});
