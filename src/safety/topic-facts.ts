/**
 * What change safety needs to know about one topic, on either side of a change: a declared topic
 * (topics.yaml), a live one (the cluster) or one side of a terraform plan. Pure values.
 */

export interface TopicFacts {
  name: string;
  partitions: number;
  replicationFactor: number;
  /** Configs set on the topic itself; a key that is absent takes the cluster's default. */
  config: Record<string, string>;
  /** Records carry a key that consumers rely on (topics.yaml declares a key schema); unknown for live topics. */
  keyed?: boolean;
}

/** The values an unset topic config takes, and where they came from (the reasons say which). */
export interface TopicDefaults {
  retentionMs: number;
  source: 'broker' | 'kafka-default';
}

/** Kafka's default retention.ms (7 days), assumed when neither the topic nor a read broker says otherwise. */
export const KAFKA_DEFAULT_RETENTION_MS = 7 * 24 * 3600 * 1000;

export const KAFKA_DEFAULTS: TopicDefaults = { retentionMs: KAFKA_DEFAULT_RETENTION_MS, source: 'kafka-default' };

/**
 * The defaults to assume, from the broker's effective topic-config defaults (keyed like topic
 * configs: `retention.ms`) when the cluster was read; Kafka's own defaults otherwise.
 */
export function computeTopicDefaults(brokerDefaults?: Readonly<Record<string, string>>): TopicDefaults {
  const raw = brokerDefaults?.['retention.ms'];
  const retentionMs = raw === undefined || raw.trim() === '' ? NaN : Number(raw);
  return Number.isInteger(retentionMs) ? { retentionMs, source: 'broker' } : KAFKA_DEFAULTS;
}

/** A declared topic as facts: it is keyed when it declares a key schema. */
export function declaredTopicFacts(t: { name: string; partitions: number; replicationFactor: number; config: Record<string, string>; schema?: { key?: unknown } }): TopicFacts {
  return { name: t.name, partitions: t.partitions, replicationFactor: t.replicationFactor, config: t.config, keyed: t.schema?.key !== undefined };
}
