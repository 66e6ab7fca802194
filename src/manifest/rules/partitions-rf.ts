/**
 * Partition counts within policy.maxPartitions; replication factors within the policy and the broker
 * count. The same checks apply to each topic's values and to the defaults in effect (top level or the
 * environment's overlay), so a bad default is reported even when no topic uses it yet.
 */
import { isInt, pick, type Sourced } from '../written.js';
import type { Rule, RuleContext } from './rule.js';

export const partitionsRfRule: Rule = (ctx) => {
  const { spec, layers, topicSources } = ctx.normalized;
  for (const topic of spec.topics) {
    if (topic.deadLetterOf !== undefined) continue;
    const { partitions, replicationFactor } = topicSources.get(topic.name)!;
    checkPartitions(ctx, partitions);
    checkReplicationFactor(ctx, replicationFactor);
  }
  // Reported at the same place with the same words as above: the caller merges the repeats.
  const defaultPartitions = pick(layers.defaults, 'partitions', isInt);
  if (defaultPartitions) checkPartitions(ctx, defaultPartitions);
  const defaultRf = pick(layers.defaults, 'replicationFactor', isInt);
  if (defaultRf) checkReplicationFactor(ctx, defaultRf);
};

function checkPartitions({ normalized, error }: RuleContext, partitions: Sourced<number>): void {
  const { maxPartitions } = normalized.spec.policy;
  if (partitions.value >= 1 && partitions.value <= maxPartitions) return;
  error('partitions-range', partitions.path, 'partitions out of range', {
    found: String(partitions.value),
    allowed: `1 to ${maxPartitions} (policy.maxPartitions)`,
    hint: partitions.value < 1 ? 'a topic needs at least one partition' : 'raise policy.maxPartitions if this is intended',
  });
}

function checkReplicationFactor({ normalized, error }: RuleContext, rf: Sourced<number>): void {
  const { policy, cluster } = normalized.spec;
  if (rf.value < 1 || rf.value < policy.minReplicationFactor) {
    error('replication-factor-range', rf.path, 'replicationFactor is below the minimum', {
      found: String(rf.value), allowed: `at least ${Math.max(1, policy.minReplicationFactor)} (policy.minReplicationFactor)`, hint: 'a lower replication factor loses data when a broker fails; raise it',
    });
  } else if (cluster.brokers !== undefined && rf.value > cluster.brokers) {
    error('replication-factor-range', rf.path, `replicationFactor ${rf.value} is more than the ${cluster.brokers} broker(s) of the cluster`, {
      found: String(rf.value),
      allowed: `at most ${cluster.brokers} (cluster.brokers)`,
      hint: `lower replicationFactor for this environment (environments.${normalized.layers.env}.defaults.replicationFactor) or raise cluster.brokers`,
    });
  }
}
