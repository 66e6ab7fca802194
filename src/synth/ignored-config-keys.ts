/**
 * Topic-config keys other tools own (replication throttles, policy.ignoreConfigKeys) become
 * `lifecycle.ignore_changes` entries on each topic's config map: Terraform keeps whatever value the
 * cluster has (the provider writes the whole map back, so a key kept this way survives an update)
 * and never plans to remove one.
 */
import type { Construct } from 'constructs';
import { Topic } from './kafka-bindings.js';

/** Adds `ignore_changes = [config["key"], …]` to every kafka_topic under `scope`. */
export function ignoreTopicConfigKeys(scope: Construct, keys: readonly string[]): void {
  if (keys.length === 0) return;
  const paths = keys.map((k) => `config[${JSON.stringify(k)}]`);
  for (const c of scope.node.findAll()) if (c instanceof Topic) c.addOverride('lifecycle.ignore_changes', paths);
}
