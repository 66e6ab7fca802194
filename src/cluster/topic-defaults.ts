/**
 * From a broker's configs to the values a topic inherits when it does not set a config itself:
 * Kafka's own synonym table (ServerTopicConfigSynonyms), first non-null synonym wins, with the
 * hour/minute forms converted to milliseconds. Pure; the adapters read the broker configs.
 */

/** Topic config → broker synonyms in Kafka's precedence order, with the factor to the topic's unit. */
const SYNONYMS: Record<string, Array<[brokerConfig: string, factor?: number]>> = {
  'retention.ms': [['log.retention.ms'], ['log.retention.minutes', 60_000], ['log.retention.hours', 3_600_000]],
  'retention.bytes': [['log.retention.bytes']],
  'segment.bytes': [['log.segment.bytes']],
  'segment.ms': [['log.roll.ms'], ['log.roll.hours', 3_600_000]],
  'segment.jitter.ms': [['log.roll.jitter.ms'], ['log.roll.jitter.hours', 3_600_000]],
  'segment.index.bytes': [['log.index.size.max.bytes']],
  'index.interval.bytes': [['log.index.interval.bytes']],
  'flush.messages': [['log.flush.interval.messages']],
  'flush.ms': [['log.flush.interval.ms'], ['log.flush.scheduler.interval.ms']],
  'max.message.bytes': [['message.max.bytes']],
  'cleanup.policy': [['log.cleanup.policy']],
  'delete.retention.ms': [['log.cleaner.delete.retention.ms']],
  'min.compaction.lag.ms': [['log.cleaner.min.compaction.lag.ms']],
  'max.compaction.lag.ms': [['log.cleaner.max.compaction.lag.ms']],
  'min.cleanable.dirty.ratio': [['log.cleaner.min.cleanable.ratio']],
  'file.delete.delay.ms': [['log.segment.delete.delay.ms']],
  'min.insync.replicas': [['min.insync.replicas']],
  'unclean.leader.election.enable': [['unclean.leader.election.enable']],
  'compression.type': [['compression.type']],
  preallocate: [['log.preallocate']],
  'message.timestamp.type': [['log.message.timestamp.type']],
  'message.timestamp.before.max.ms': [['log.message.timestamp.before.max.ms']],
  'message.timestamp.after.max.ms': [['log.message.timestamp.after.max.ms']],
  'local.retention.ms': [['log.local.retention.ms']],
  'local.retention.bytes': [['log.local.retention.bytes']],
};

/** The broker config names computeBrokerTopicDefaults reads (what an adapter must ask the broker for). */
export const BROKER_CONFIGS_FOR_TOPIC_DEFAULTS: readonly string[] = [...new Set(Object.values(SYNONYMS).flatMap((s) => s.map(([n]) => n)))];

/** Topic-config defaults from a broker's effective configs (null or absent = not set on the broker). */
export function computeBrokerTopicDefaults(brokerConfig: Readonly<Record<string, string | null | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [topicConfig, synonyms] of Object.entries(SYNONYMS)) {
    for (const [name, factor] of synonyms) {
      const v = brokerConfig[name];
      if (v === null || v === undefined) continue;
      // Only whole numbers are scaled; a -1 ("forever") stays -1 whatever its unit.
      out[topicConfig] = factor && /^\d+$/.test(v) ? String(Number(v) * factor) : v;
      break;
    }
  }
  return out;
}
