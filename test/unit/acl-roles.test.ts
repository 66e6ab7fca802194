/**
 * deriveServiceAcls against ROLE_TABLE: each scenario names the table rows that apply, the
 * expected bindings take their operations from those rows, and derivation must match exactly.
 * Changing either the table (the README) or the derivation alone fails here.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLUSTER_RESOURCE, ROLE_TABLE, deriveServiceAcls, formatAcl, normalizeAcls, resourcePattern, type RoleRule } from '../../src/acl/derive.js';
import { extractRoleTable, renderRoleTable, ROLE_TABLE_MARKER } from '../../src/acl/role-table.js';
import type { PatternType, ResolvedService, ResourceType } from '../../src/manifest/types.js';

/** The one ROLE_TABLE row of `role` whose resource starts with `resource` (and whose condition mentions `when`). */
function rule(role: string, resource: string, when = ''): RoleRule {
  const found = ROLE_TABLE.filter((r) => r.role === role && r.resource.startsWith(resource) && r.when.includes(when));
  if (found.length !== 1) throw new Error(`ROLE_TABLE has ${found.length} rows for ${role} / ${resource} / ${when}`);
  return found[0]!;
}

function service(s: Partial<ResolvedService> & { name: string }): ResolvedService {
  return { principal: `User:${s.name}`, produces: [], consumes: [], host: '*', ...s };
}

type Expect = [RoleRule, ResourceType, string, PatternType];

function expected(svc: ResolvedService, rows: Expect[]): string[] {
  return rows
    .flatMap(([r, resourceType, resourceName, patternType]) =>
      r.operations.map((operation) => formatAcl({ principal: svc.principal, host: svc.host, permission: 'allow', operation, resourceType, resourceName, patternType })),
    )
    .sort();
}

function derived(svc: ResolvedService, dlq: string[] = []): string[] {
  return normalizeAcls(deriveServiceAcls(svc, new Set(dlq))).map(formatAcl).sort();
}

describe('ROLE_TABLE derivation', () => {
  it('producer: Write+Describe per topic, IdempotentWrite on the cluster', () => {
    const svc = service({ name: 'orders', type: 'producer', produces: ['a', 'b'] });
    expect(derived(svc)).toEqual(
      expected(svc, [
        [rule('producer', 'topic'), 'topic', 'a', 'literal'],
        [rule('producer', 'topic'), 'topic', 'b', 'literal'],
        [rule('producer', 'cluster'), 'cluster', CLUSTER_RESOURCE, 'literal'],
      ]),
    );
  });

  it.each([
    ['tx-', 'tx-', 'prefixed'],
    ['tx*', 'tx', 'prefixed'],
    ['tx', 'tx', 'literal'],
  ] as const)('transactional producer with transactionalId %s', (id, name, pattern) => {
    const svc = service({ name: 'pay', produces: ['a'], transactionalId: id });
    expect(resourcePattern(id)).toEqual({ name, patternType: pattern });
    expect(derived(svc)).toEqual(
      expected(svc, [
        [rule('producer', 'topic'), 'topic', 'a', 'literal'],
        [rule('producer', 'cluster'), 'cluster', CLUSTER_RESOURCE, 'literal'],
        [rule('producer', 'transactionalId'), 'transactionalId', name, pattern],
      ]),
    );
  });

  it('consumer: Read+Describe per topic, group Read (default: service name), dead-letter Write', () => {
    const svc = service({ name: 'billing', type: 'consumer', consumes: ['a', 'd'] });
    expect(derived(svc, ['d'])).toEqual(
      expected(svc, [
        [rule('consumer', 'topic `<topic>`'), 'topic', 'a', 'literal'],
        [rule('consumer', 'topic `<topic>`'), 'topic', 'd', 'literal'],
        [rule('consumer', 'topic `<topic>.dlq`'), 'topic', 'd.dlq', 'literal'],
        [rule('consumer', 'group'), 'group', 'billing', 'literal'],
      ]),
    );
  });

  it('consumer with a prefixed group', () => {
    const svc = service({ name: 'billing', consumes: ['a'], group: 'billing-' });
    expect(derived(svc)).toEqual(
      expected(svc, [
        [rule('consumer', 'topic `<topic>`'), 'topic', 'a', 'literal'],
        [rule('consumer', 'group'), 'group', 'billing-', 'prefixed'],
      ]),
    );
  });

  it('streams: topic and group rules plus prefixed ALL on internal topics', () => {
    const svc = service({ name: 'enricher', type: 'streams', applicationId: 'enr', consumes: ['a'], produces: ['b'] });
    expect(derived(svc)).toEqual(
      expected(svc, [
        [rule('consumer', 'topic `<topic>`'), 'topic', 'a', 'literal'],
        [rule('producer', 'topic'), 'topic', 'b', 'literal'],
        [rule('producer', 'cluster'), 'cluster', CLUSTER_RESOURCE, 'literal'],
        [rule('streams', 'topic'), 'topic', 'enr', 'prefixed'],
        [rule('streams', 'group'), 'group', 'enr', 'prefixed'],
      ]),
    );
  });

  it('streams with exactlyOnce: transactional ids and IdempotentWrite', () => {
    const svc = service({ name: 'eos', type: 'streams', applicationId: 'eos-app', exactlyOnce: true, consumes: ['a'] });
    expect(derived(svc)).toEqual(
      expected(svc, [
        [rule('consumer', 'topic `<topic>`'), 'topic', 'a', 'literal'],
        [rule('streams', 'topic'), 'topic', 'eos-app', 'prefixed'],
        [rule('streams', 'group'), 'group', 'eos-app', 'prefixed'],
        [rule('streams', 'transactionalId', 'exactlyOnce'), 'transactionalId', 'eos-app', 'prefixed'],
        [rule('streams', 'cluster', 'exactlyOnce'), 'cluster', CLUSTER_RESOURCE, 'literal'],
      ]),
    );
  });

  it('connect: worker group, internal topics, sink group prefix and consumed topics', () => {
    const svc = service({ name: 'sink', type: 'connect', consumes: ['a', 'd'], group: 'workers' });
    expect(derived(svc, ['d'])).toEqual(
      expected(svc, [
        [rule('consumer', 'topic `<topic>`'), 'topic', 'a', 'literal'],
        [rule('consumer', 'topic `<topic>`'), 'topic', 'd', 'literal'],
        [rule('consumer', 'topic `<topic>.dlq`'), 'topic', 'd.dlq', 'literal'],
        [rule('connect', 'group `<group>`'), 'group', 'workers', 'literal'],
        [rule('connect', 'topic'), 'topic', 'connect-sink-', 'prefixed'],
        [rule('connect', 'group `connect-`'), 'group', 'connect-', 'prefixed'],
      ]),
    );
  });

  it('connect with an explicit internal topic prefix and no sinks', () => {
    const svc = service({ name: 'src', type: 'connect', produces: ['b'], internalTopicPrefix: '_connect-src.' });
    expect(derived(svc)).toEqual(
      expected(svc, [
        [rule('producer', 'topic'), 'topic', 'b', 'literal'],
        [rule('producer', 'cluster'), 'cluster', CLUSTER_RESOURCE, 'literal'],
        [rule('connect', 'group `<group>`'), 'group', 'src', 'literal'],
        [rule('connect', 'topic'), 'topic', '_connect-src.', 'prefixed'],
      ]),
    );
  });

  it('every binding carries the service host, principal and origin', () => {
    const acls = deriveServiceAcls(service({ name: 'h', produces: ['a'], host: '10.0.0.1' }));
    expect(acls.length).toBeGreaterThan(0);
    for (const a of acls) expect(a).toMatchObject({ host: '10.0.0.1', principal: 'User:h', permission: 'allow', origin: { kind: 'service', name: 'h' } });
  });
});

describe('renderRoleTable', () => {
  it('has a header and one row per ROLE_TABLE rule, with every operation', () => {
    const lines = renderRoleTable().split('\n');
    expect(lines[0]).toBe('| Role | When | Resource | Pattern | Operations |');
    expect(lines).toHaveLength(ROLE_TABLE.length + 2);
    ROLE_TABLE.forEach((r, i) => {
      expect(lines[i + 2]).toContain(`| ${r.role} |`);
      expect(lines[i + 2]).toContain(r.operations.join(', '));
    });
  });

  it('extractRoleTable finds the table after the marker', () => {
    const md = `# x\n\n${ROLE_TABLE_MARKER}\n\n${renderRoleTable()}\n\nMore text.\n| not | part |\n`;
    expect(extractRoleTable(md)).toBe(renderRoleTable());
    expect(extractRoleTable('no marker')).toBeUndefined();
  });

  it('README.md shows the current role table after the marker', () => {
    const readme = readFileSync(join(import.meta.dirname, '..', '..', 'README.md'), 'utf8');
    const table = extractRoleTable(readme);
    expect(table, `README.md has no ${ROLE_TABLE_MARKER} marker: paste "${ROLE_TABLE_MARKER}" followed by the output of renderRoleTable() (npx tsx -e "import('./src/acl/role-table.ts').then(m => console.log(m.renderRoleTable()))")`).toBeDefined();
    expect(table, 'the table after the role-table marker is out of date: paste renderRoleTable() output again').toBe(renderRoleTable());
  });
});
