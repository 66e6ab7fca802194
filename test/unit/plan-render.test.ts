import { describe, expect, it } from 'vitest';
import { MARKDOWN_FOLD_AFTER, planMarker, renderPlanJson, renderPlanMarkdown, renderPlanSummaryLine, renderPlanText } from '../../src/plan/render-plan.js';
import type { KafkaformPlan, RiskedChange } from '../../src/plan/risk.js';

const change = (c: Partial<RiskedChange> & Pick<RiskedChange, 'name' | 'action' | 'risk'>): RiskedChange => ({
  address: `kafka_topic.topic_${c.name}`,
  resource: 'topic',
  changes: [],
  reasons: [],
  ...c,
});

function plan(changes: RiskedChange[], extra: Partial<KafkaformPlan> = {}): KafkaformPlan {
  const count = (k: string) => changes.filter((c) => c.action === k || c.risk === k).length;
  return {
    cluster: 'shop',
    environment: 'prod',
    hasChanges: changes.length > 0,
    summary: { import: count('import'), create: count('create'), update: count('update'), replace: count('replace'), delete: count('delete'), destructive: count('destructive'), risky: count('risky'), safe: count('safe') },
    changes,
    violations: [],
    errors: [],
    ...extra,
  };
}

const mixed = plan([
  change({ name: 'orders.old', action: 'delete', risk: 'destructive', reasons: ['deletes the topic and every message in it'] }),
  change({ name: 'customers', action: 'update', risk: 'risky', changes: [{ attribute: 'partitions', before: 3, after: 6 }], reasons: ['partitions 3 → 6 on a compacted topic: keys move'] }),
  change({ name: 'orders.placed', action: 'create', risk: 'safe' }),
  change({ name: 'User:a ALLOW Read topic:x|y (literal) @*', resource: 'acl', address: 'kafka_acl.acl_1', action: 'create', risk: 'safe' }),
  change({ name: 'bob (SCRAM-SHA-512)', resource: 'user', address: 'kafka_user_scram_credential.user_bob', action: 'update', risk: 'safe', changes: [{ attribute: 'password', sensitive: true }] }),
]);

describe('renderPlanSummaryLine', () => {
  it('counts actions and risks in one line', () => {
    expect(renderPlanSummaryLine(mixed)).toBe('Plan for shop (prod): 2 to create, 2 to update, 0 to replace, 1 to delete — 1 destructive, 1 risky, 3 safe');
  });
  it('says no changes', () => {
    expect(renderPlanSummaryLine(plan([]))).toBe('Plan for shop (prod): no changes');
  });
});

describe('renderPlanText', () => {
  it('labels each change with its risk and reasons', () => {
    expect(renderPlanText(mixed)).toMatchSnapshot();
  });
  it('never prints a sensitive value', () => {
    expect(renderPlanText(mixed)).toContain('password: (sensitive)');
  });
});

describe('renderPlanMarkdown', () => {
  it('starts with the hidden marker for the environment', () => {
    expect(renderPlanMarkdown(mixed).split('\n')[0]).toBe(planMarker('prod'));
    expect(planMarker('prod')).toBe('<!-- kafkaform-plan:prod -->');
  });
  it('renders a PR comment with the risky changes first and a table (snapshot)', () => {
    expect(renderPlanMarkdown(mixed)).toMatchSnapshot();
  });
  it('escapes pipes in table cells', () => {
    expect(renderPlanMarkdown(mixed)).toContain('topic:x\\|y');
  });
  it('folds long lists into <details>', () => {
    const many = plan(Array.from({ length: MARKDOWN_FOLD_AFTER + 1 }, (_, i) => change({ name: `t${i}`, action: 'create', risk: 'safe' })));
    const md = renderPlanMarkdown(many);
    expect(md).toContain('<details>');
    expect(md).toContain(`<summary>All ${MARKDOWN_FOLD_AFTER + 1} changes</summary>`);
    expect(renderPlanMarkdown(mixed)).not.toContain('<details>');
  });
  it('explains a blocked plan (policy violation and partition decrease)', () => {
    const blocked = plan([change({ name: 'old', action: 'delete', risk: 'destructive', reasons: ['deletes the topic'] })], {
      violations: [{ change: 'delete topic old', policyKey: 'policy.allowTopicDeletion', message: 'deleting topic old loses its data and policy.allowTopicDeletion is false' }],
      errors: [{ code: 'partition-decrease', resource: 'topic orders', message: 'topic orders: partitions 6 → 3 is a decrease', hint: 'set it back' }],
    });
    const md = renderPlanMarkdown(blocked);
    expect(md).toContain('> [!CAUTION]');
    expect(md).toContain('refusing to delete topic old');
    expect(md).toContain('`policy.allowTopicDeletion: true`');
    expect(md).toContain('topic orders: partitions 6 → 3 is a decrease');
    expect(renderPlanSummaryLine(blocked)).toMatch(/BLOCKED: 2 problems$/);
  });
});

describe('renderPlanJson', () => {
  it('round-trips the plan value', () => {
    expect(JSON.parse(renderPlanJson(mixed))).toEqual(JSON.parse(JSON.stringify(mixed)));
  });
});
