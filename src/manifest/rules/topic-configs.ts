/** Topic configs: known names for the cluster's Kafka version, valid values, sugar not set twice. */
import { resolveTopicConfig } from '../normalize-topics.js';
import type { Rule } from './rule.js';

export const topicConfigsRule: Rule = ({ normalized, report }) => {
  const major = normalized.spec.cluster.kafkaMajor;
  const isExtra = normalized.isExtraConfigKey;
  for (const topic of normalized.spec.topics) {
    if (topic.deadLetterOf !== undefined) continue;
    resolveTopicConfig(normalized.topicSources.get(topic.name)!.layers, major, report, isExtra);
  }
  // The defaults themselves (top level and the environment's overlay), used by a topic or not; repeats are merged by the caller.
  resolveTopicConfig(normalized.layers.defaults, major, report, isExtra);
};
