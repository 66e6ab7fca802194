/** Topic names: what Kafka accepts, the naming policy (policy.topicName), and metric-name collisions. */
import { isStr, pick } from '../written.js';
import type { Rule } from './rule.js';

const LEGAL_TOPIC = /^[a-zA-Z0-9._-]+$/;

export const topicNameRule: Rule = ({ normalized, error }) => {
  const { spec, layers, topicSources } = normalized;
  let nameRegex: RegExp | undefined;
  const policyName = spec.policy.topicName;
  if (policyName !== undefined) {
    try {
      nameRegex = new RegExp(policyName);
    } catch (e) {
      error('policy-regex', pick(layers.policy, 'topicName', isStr)!.path, 'policy.topicName is not a valid regular expression', {
        found: policyName, allowed: 'a JavaScript regular expression', hint: (e as Error).message,
      });
    }
  }
  // Generated dead-letter topics are checked too, in file order right after their source topic.
  const metricNames = new Map<string, string>();
  for (const { name } of spec.topics) {
    const path = topicSources.get(name)!.path;
    if (name === '.' || name === '..') {
      error('topic-name', path, `"${name}" is not a legal topic name`, {
        key: true,
        found: JSON.stringify(name),
        hint: 'Kafka reserves "." and ".."',
        allowed: 'letters, digits, ".", "_", "-"; not "." or ".."',
      });
    } else if (!LEGAL_TOPIC.test(name)) {
      error('topic-name', path, 'topic name has characters Kafka does not allow', {
        key: true,
        found: JSON.stringify(name),
        allowed: 'letters, digits, ".", "_", "-"',
        hint: 'replace spaces and other characters with "-" or "."',
      });
    }
    if (name.length > 249) {
      error('topic-name', path, 'topic name is longer than 249 characters', {
        key: true,
        found: `${name.length} characters`,
        allowed: 'at most 249',
        hint: 'Kafka stores each partition in a directory named <topic>-<partition>: shorten the name',
      });
    }
    if (name.startsWith('__')) {
      error('topic-name', path, 'names starting with "__" are Kafka-internal topics', {
        key: true,
        found: name,
        allowed: 'names not starting with "__"',
        hint: 'kafkaform never manages internal topics; choose another name',
      });
    }
    if (nameRegex && !nameRegex.test(name)) {
      error('topic-name-policy', path, 'topic name does not follow the naming policy', {
        key: true,
        found: name,
        allowed: `/${policyName}/ (policy.topicName)`,
        hint: 'rename the topic, or change policy.topicName if the convention changed',
      });
    }
    const metric = name.replace(/\./g, '_');
    const other = metricNames.get(metric);
    if (other !== undefined && other !== name) {
      error('topic-name-collision', path, `"${name}" and "${other}" collide in Kafka's metric names ("." and "_" are the same there)`, {
        key: true, found: `${name}, ${other}`, allowed: 'names that differ after replacing "." with "_"', hint: 'use either dots or underscores consistently',
      });
    } else metricNames.set(metric, name);
  }
};
