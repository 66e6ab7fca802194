import { describe, expect, it } from 'vitest';
import { computeAdoption, computeUnreadCreates } from '../../src/plan/compute-adoption.js';
import { computePlan } from '../../src/plan/risk.js';
import { computePlanChanges } from '../../src/plan/terraform-plan.js';
import { computeRefreshSkip, type TerraformStateJson } from '../../src/plan/compute-refresh.js';
import { specFromYaml } from '../helpers/spec-builder.js';

const spec = specFromYaml(`
version: 1
cluster: { name: shop, bootstrapServers: ['127.0.0.1:9092'] }
topics:
  orders: { partitions: 3 }
  payments: { partitions: 3 }
users:
  app: { mechanism: SCRAM-SHA-512, passwordFrom: env:APP_PASSWORD }
quotas:
  - { user: app, producerByteRate: 1MiB }
acls:
  - principal: User:ops
    resource: { type: topic, name: orders, pattern: literal }
    operations: [Read]
    permission: allow
`).resolve();

const acl = spec.acls[0]!;

describe('computeAdoption', () => {
  it('imports each declared resource that exists on the cluster but not in the state, with the provider’s import ids', () => {
    const a = computeAdoption(
      spec,
      {
        topics: [{ name: 'orders' }, { name: 'payments' }, { name: 'unmanaged' }],
        acls: [acl],
        users: [{ name: 'app', credentials: [{ mechanism: 'SCRAM-SHA-512' }] }],
        quotas: [{ user: 'app' }],
      },
      new Set(['kafka_topic.topic_payments']),
    );
    expect(a.imports).toEqual([
      { to: 'kafka_topic.topic_orders', id: 'orders' },
      { to: expect.stringMatching(/^kafka_acl\.acl_[0-9a-f]{16}$/), id: 'User:ops|*|Read|Allow|Topic|orders|Literal' },
      { to: 'kafka_user_scram_credential.user_app', id: 'app|SCRAM-SHA-512' },
    ]);
    expect(a.adoptedQuotas).toEqual(['kafka_quota.quota_user_app']);
    expect(a.adoptedQuotaLive).toEqual({ 'kafka_quota.quota_user_app': {} });
  });

  it('keeps the live limits of each adopted quota in the provider’s config form', () => {
    const a = computeAdoption(spec, { topics: [], acls: [], quotas: [{ user: 'app', producerByteRate: 2097152, requestPercentage: 50 }, { clientId: 'other', consumerByteRate: 1 }] }, new Set());
    expect(a.adoptedQuotaLive).toEqual({ 'kafka_quota.quota_user_app': { producer_byte_rate: 2097152, request_percentage: 50 } });
  });

  it('imports nothing on an empty cluster, and nothing the state already holds', () => {
    expect(computeAdoption(spec, { topics: [], acls: [] }, new Set())).toEqual({ imports: [], adoptedQuotas: [], adoptedQuotaLive: {} });
    const live = { topics: [{ name: 'orders' }], acls: [], users: [{ name: 'app', credentials: [{ mechanism: 'SCRAM-SHA-256' }] }] };
    // A user whose live credential has another mechanism is not the declared resource: it is created.
    expect(computeAdoption(spec, live, new Set(['kafka_topic.topic_orders'])).imports).toEqual([]);
  });
});

describe('computePlanChanges with imports', () => {
  const rc = (address: string, type: string, actions: string[], values: Record<string, unknown>, importing?: { id: string }) => ({
    address,
    type,
    change: { actions, before: actions.includes('create') ? null : values, after: values, ...(importing ? { importing } : {}) },
  });

  it('shows an imported resource as `import`, an imported one that changes as import then update, an adopted quota as import', () => {
    const changes = computePlanChanges(
      {
        resource_changes: [
          rc('kafka_topic.topic_orders', 'kafka_topic', ['no-op'], { name: 'orders', partitions: 3, config: {} }, { id: 'orders' }),
          {
            address: 'kafka_topic.topic_payments',
            type: 'kafka_topic',
            change: { actions: ['update'], importing: { id: 'payments' }, before: { name: 'payments', config: { 'retention.ms': '1' } }, after: { name: 'payments', config: { 'retention.ms': '2' } } },
          },
          rc('kafka_quota.quota_user_app', 'kafka_quota', ['create'], { entity_type: 'user', entity_name: 'app', config: {} }),
          rc('kafka_quota.quota_user_new', 'kafka_quota', ['create'], { entity_type: 'user', entity_name: 'new', config: {} }),
        ],
      },
      { adopted: new Set(['kafka_quota.quota_user_app']) },
    );
    expect(changes.map((c) => [c.resource, c.name, c.action, c.importId])).toEqual([
      ['topic', 'orders', 'import', 'orders'],
      ['topic', 'payments', 'import', 'payments'],
      ['topic', 'payments', 'update', undefined],
      ['quota', 'user:app', 'import', undefined],
      ['quota', 'user:new', 'create', undefined],
    ]);
    expect(changes[2]!.changes).toEqual([{ attribute: 'config.retention.ms', before: '1', after: '2' }]);
  });

  const quotaCreate = (name: string, config: Record<string, number>) => rc(`kafka_quota.quota_user_${name}`, 'kafka_quota', ['create'], { entity_type: 'user', entity_name: name, config });

  it('an adopted quota whose live limits differ from the file shows import, then an update of the declared limits that differ', () => {
    const changes = computePlanChanges(
      { resource_changes: [quotaCreate('app', { producer_byte_rate: 1048576, consumer_byte_rate: 4096 }), quotaCreate('same', { producer_byte_rate: 1 })] },
      {
        adopted: new Set(['kafka_quota.quota_user_app', 'kafka_quota.quota_user_same']),
        adoptedLive: {
          // request_percentage is live only: the create leaves it (AlterClientQuotas is an upsert), so this apply does not change it.
          'kafka_quota.quota_user_app': { producer_byte_rate: 2097152, consumer_byte_rate: 4096, request_percentage: 50 },
          'kafka_quota.quota_user_same': { producer_byte_rate: 1 },
        },
      },
    );
    expect(changes.map((c) => [c.action, c.name, c.changes])).toEqual([
      ['import', 'user:app', []],
      ['update', 'user:app', [{ attribute: 'config.producer_byte_rate', before: 2097152, after: 1048576 }]],
      ['import', 'user:same', []],
    ]);
  });

  it('the update is labelled by the risk rules: a lowered or newly set limit is risky, a raised one safe', () => {
    const plan = (live: Record<string, number>, declared: Record<string, number>) =>
      computePlan({
        spec,
        changes: computePlanChanges({ resource_changes: [quotaCreate('app', declared)] }, { adopted: new Set(['kafka_quota.quota_user_app']), adoptedLive: { 'kafka_quota.quota_user_app': live } }),
      });
    const lowered = plan({ producer_byte_rate: 2097152 }, { producer_byte_rate: 1048576 });
    expect(lowered.changes.map((c) => [c.action, c.risk])).toEqual([['update', 'risky'], ['import', 'safe']]);
    expect(lowered.changes[0]!.reasons).toEqual(['lowers producer_byte_rate from 2097152 to 1048576: clients above the new limit are throttled']);
    expect(lowered.summary).toMatchObject({ import: 1, update: 1, risky: 1 });
    expect(plan({}, { consumer_byte_rate: 1024 }).changes[0]!.reasons).toEqual(['sets consumer_byte_rate to 1024: clients above the new limit are throttled']);
    expect(plan({ producer_byte_rate: 1 }, { producer_byte_rate: 2 }).changes.map((c) => [c.action, c.risk])).toEqual([['import', 'safe'], ['update', 'safe']]);
  });
});

describe('computeUnreadCreates', () => {
  const changes = [
    { resource: 'user', action: 'create', name: 'app (SCRAM-SHA-512)' },
    { resource: 'topic', action: 'create', name: 'orders' },
  ];
  it('refuses to plan creating a user when the users could not be read, naming why', () => {
    const errors = computeUnreadCreates(changes, { topics: [], acls: [], quotas: [], notChecked: [{ resource: 'user', reason: 'DescribeUserScramCredentials was refused' }] });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: 'not-read', resource: 'user app (SCRAM-SHA-512)' });
    expect(errors[0]!.message).toContain('DescribeUserScramCredentials was refused');
  });
  it('lets creates through when the read saw that kind', () => {
    expect(computeUnreadCreates(changes, { topics: [], acls: [], users: [], quotas: [] })).toEqual([]);
  });
});

describe('computeRefreshSkip', () => {
  const acl = { principal: 'User:ops', host: '*', operation: 'Read', permission: 'allow', resourceType: 'topic', resourceName: 'orders', patternType: 'literal' } as const;
  const aclState = { address: 'kafka_acl.acl_1', type: 'kafka_acl', values: { acl_principal: 'User:ops', acl_host: '*', acl_operation: 'Read', acl_permission_type: 'Allow', resource_type: 'Topic', resource_name: 'orders', resource_pattern_type_filter: 'Literal' } };
  const userState = { address: 'kafka_user_scram_credential.user_app', type: 'kafka_user_scram_credential', values: { username: 'app', scram_mechanism: 'SCRAM-SHA-512', scram_iterations: 4096 } };
  const state = (...resources: unknown[]) => ({ values: { root_module: { resources } } }) as TerraformStateJson;

  it('skips when every resource in the state is on the cluster as the state says', () => {
    const live = { topics: [], acls: [acl], users: [{ name: 'app', credentials: [{ mechanism: 'SCRAM-SHA-512', iterations: 4096 }] }] };
    expect(computeRefreshSkip(state(aclState, userState), live).skip).toBe(true);
  });

  it('refreshes, saying which resource, when one is missing, differs, was not read or cannot be compared', () => {
    expect(computeRefreshSkip(state(aclState), { topics: [], acls: [] })).toEqual({ skip: false, reason: 'kafka_acl.acl_1 is not on the cluster' });
    expect(computeRefreshSkip(state(userState), { topics: [], acls: [] }).reason).toBe('kafka_user_scram_credential.user_app cannot be compared: the users were not read');
    expect(computeRefreshSkip(state(userState), { topics: [], acls: [], users: [{ name: 'app', credentials: [{ mechanism: 'SCRAM-SHA-512', iterations: 8192 }] }] }).skip).toBe(false);
    expect(computeRefreshSkip(state({ address: 'schemaregistry_schema.s', type: 'schemaregistry_schema', values: {} }), { topics: [], acls: [] }).reason).toBe('schemaregistry_schema.s cannot be compared by kafkaform');
    expect(computeRefreshSkip(state(), { topics: [], acls: [] })).toEqual({ skip: false, reason: 'the state is empty' });
  });
});
