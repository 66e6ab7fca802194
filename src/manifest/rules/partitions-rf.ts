/** Partition counts within policy.maxPartitions; replication factors within the policy and the broker count. */
import type { Rule } from './rule.js';

export const partitionsRfRule: Rule = ({ normalized, error }) => {
  const { spec, layers, topicSources } = normalized;
  const { policy, cluster } = spec;
  for (const topic of spec.topics) {
    if (topic.deadLetterOf !== undefined) continue;
    const { partitions, replicationFactor: rf } = topicSources.get(topic.name)!;
    if (partitions.value < 1 || partitions.value > policy.maxPartitions) {
      error('partitions-range', partitions.path, 'partitions out of range', {
        found: String(partitions.value),
        allowed: `1 to ${policy.maxPartitions} (policy.maxPartitions)`,
        hint: partitions.value < 1 ? 'a topic needs at least one partition' : 'raise policy.maxPartitions if this is intended',
      });
    }
    if (rf.value < 1 || rf.value < policy.minReplicationFactor) {
      error('replication-factor-range', rf.path, 'replicationFactor is below the minimum', {
        found: String(rf.value), allowed: `at least ${Math.max(1, policy.minReplicationFactor)} (policy.minReplicationFactor)`, hint: 'a lower replication factor loses data when a broker fails; raise it',
      });
    } else if (cluster.brokers !== undefined && rf.value > cluster.brokers) {
      error('replication-factor-range', rf.path, `replicationFactor ${rf.value} is more than the ${cluster.brokers} broker(s) of the cluster`, {
        found: String(rf.value),
        allowed: `at most ${cluster.brokers} (cluster.brokers)`,
        hint: `lower replicationFactor for this environment (environments.${layers.env}.defaults.replicationFactor) or raise cluster.brokers`,
      });
    }
  }
};
