/**
 * The same edit gets the same verdict at PR time (`validate --against`: compareSpecs) and at plan
 * time (`plan`/`deploy`: computeRisks over the terraform plan of that edit).
 */
import { describe, expect, it } from 'vitest';
import { compareSpecs } from '../../src/manifest/compare.js';
import { parseSpecDocument } from '../../src/manifest/document.js';
import { requireEnvironment, validateSpec } from '../../src/manifest/validate.js';
import type { ResolvedSpec, ResolvedTopic } from '../../src/manifest/types.js';
import { computeRisks } from '../../src/plan/risk.js';
import { computePlanChanges } from '../../src/plan/terraform-plan.js';

function resolved(topicYaml: string): ResolvedSpec {
  const result = validateSpec(parseSpecDocument(`version: 1\ncluster: { brokers: 3 }\ntopics:\n  t: ${topicYaml}\n`, '/virtual/topics.yaml'), { skipFileChecks: true });
  return requireEnvironment(result);
}

/** The kafka_topic values terraform holds for a resolved topic. */
const tf = (t: ResolvedTopic) => ({ name: t.name, partitions: t.partitions, replication_factor: t.replicationFactor, config: t.config });

/** validate's verdict (error/warning/none) and plan's (destructive/risky/safe) for one edit of topic `t`. */
function verdicts(before: string, after: string): { validate: string; plan: string } {
  const [prev, next] = [resolved(before), resolved(after)];
  const diagnostics = compareSpecs(prev, next);
  const validate = diagnostics.some((d) => d.severity === 'error') ? 'error' : diagnostics.length ? 'warning' : 'none';
  const change = { address: 'kafka_topic.topic_t', type: 'kafka_topic', change: { actions: ['update'], before: tf(prev.topics[0]!), after: tf(next.topics[0]!) } };
  const [risked] = computeRisks(next, computePlanChanges({ resource_changes: [change] }));
  return { validate, plan: risked?.risk ?? 'safe' };
}

const EXPECTED: Record<string, string> = { none: 'safe', warning: 'risky', error: 'destructive' };

describe('validate --against and plan agree', () => {
  it.each([
    ['partition decrease', '{ partitions: 6 }', '{ partitions: 3 }', 'error'],
    ['partition increase, plain', '{ partitions: 3 }', '{ partitions: 6 }', 'none'],
    ['partition increase, compacted', '{ partitions: 3, cleanupPolicy: compact }', '{ partitions: 6, cleanupPolicy: compact }', 'warning'],
    ['partition increase, keyed', '{ partitions: 3, schema: { key: k.avsc } }', '{ partitions: 6, schema: { key: k.avsc } }', 'warning'],
    ['replication factor', '{ replicationFactor: 1 }', '{ replicationFactor: 3 }', 'warning'],
    ['leaving compaction', '{ cleanupPolicy: compact }', '{ cleanupPolicy: delete }', 'warning'],
    ['entering compaction', '{ cleanupPolicy: delete }', '{ cleanupPolicy: compact }', 'warning'],
    ['adding delete to compact', '{ cleanupPolicy: compact }', '{ cleanupPolicy: [compact, delete] }', 'warning'],
    ['retention cut by more than half', '{ retention: 7d }', '{ retention: 3d }', 'warning'],
    ['retention cut by half', '{ retention: 8d }', '{ retention: 4d }', 'none'],
    ["retention set below half of Kafka's default", '{}', '{ retention: 1d }', 'warning'],
    ['retention longer', '{ retention: 1d }', '{ retention: forever }', 'none'],
    ['an unrelated config', '{}', '{ config: { segment.bytes: "1048576" } }', 'none'],
  ])('%s', (_name, before, after, validate) => {
    expect(verdicts(before, after)).toEqual({ validate, plan: EXPECTED[validate] });
  });
});
