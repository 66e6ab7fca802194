/** deadLetter: never on a dead-letter topic, never next to an explicit `<name>.dlq`, and never compacted. */
import { deadLetterConflict } from '../normalize-topics.js';
import { isObj, mapping, type WrittenTopic } from '../written.js';
import type { Rule } from './rule.js';

export const deadLetterRule: Rule = ({ written, normalized, error, warn }) => {
  const topics = mapping<Record<string, WrittenTopic | null>>(written.topics);
  const declared = new Set(Object.keys(topics));
  for (const topic of normalized.spec.topics) {
    if (topic.deadLetterOf !== undefined) continue;
    const dl = mapping<WrittenTopic>(topics[topic.name]).deadLetter;
    if (dl !== true && !isObj(dl)) continue;
    const name = topic.name;
    const dlPath = ['topics', name, 'deadLetter'];
    const dlqName = `${name}.dlq`;
    const conflict = deadLetterConflict(name, declared);
    if (conflict === 'of-dlq') {
      error('dead-letter-of-dlq', dlPath, `"${name}" is itself a dead-letter topic; deadLetter would create "${dlqName}"`, {
        found: `deadLetter on "${name}"`,
        allowed: 'deadLetter on topics whose name does not end in .dlq', hint: 'remove deadLetter here: a dead-letter topic has no dead-letter topic of its own',
      });
    } else if (conflict === 'collision') {
      error('dead-letter-collision', dlPath, `deadLetter creates "${dlqName}", which is also declared as a topic`, {
        found: `deadLetter and topics.${dlqName}`,
        allowed: 'one of them', hint: `remove the explicit "${dlqName}" topic, or drop deadLetter and manage it yourself`,
      });
    } else if ((topic.config['cleanup.policy'] ?? 'delete').includes('compact')) {
      warn('dead-letter-compacted', dlPath, `"${name}" is compacted; its dead-letter topic "${dlqName}" is created with cleanup.policy=delete`, {
        hint: 'a dead-letter topic keeps every failed record for inspection, so it is never compacted',
      });
    }
  }
};
