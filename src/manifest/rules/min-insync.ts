/** min.insync.replicas above the replication factor makes every acks=all write fail. */
import type { PathSegment } from '../document.js';
import { isObj, type Layer, type WrittenTopicSettings } from '../written.js';
import type { Rule } from './rule.js';

/** The layer that set a config last (where the user should change it). */
function configSource(layers: ReadonlyArray<Layer<WrittenTopicSettings>>, key: string): PathSegment[] {
  for (let i = layers.length - 1; i >= 0; i--) {
    const l = layers[i]!;
    if (isObj(l.obj.config) && l.obj.config[key] !== undefined) return [...l.path, 'config', key];
  }
  return layers[layers.length - 1]!.path;
}

export const minInsyncRule: Rule = ({ normalized, error }) => {
  for (const topic of normalized.spec.topics) {
    if (topic.deadLetterOf !== undefined) continue;
    const mir = topic.config['min.insync.replicas'];
    const rf = topic.replicationFactor;
    if (mir === undefined || !(Number(mir) > rf)) continue;
    error('min-insync-range', configSource(normalized.topicSources.get(topic.name)!.layers, 'min.insync.replicas'), `min.insync.replicas ${mir} is more than the replication factor ${rf}: every acks=all write would fail`, {
      found: mir,
      allowed: `at most ${rf}`,
      hint: `set min.insync.replicas to ${Math.max(1, rf - 1)} or raise the replication factor`,
    });
  }
};
