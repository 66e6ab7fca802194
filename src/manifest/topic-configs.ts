/**
 * The catalogue of Kafka topic-level configs kafkaform accepts in `config:`, with types, ranges
 * and enums, for Kafka 3.9 and 4.x. Values are written in YAML as numbers, booleans, strings, or
 * (for `duration`/`size` kinds) with units; synth turns them into Kafka's strings.
 */
import { Duration, Size } from '../model/units.js';

export type KafkaMajor = 3 | 4;

export type ConfigKind = 'duration' | 'size' | 'int' | 'double' | 'boolean' | 'enum' | 'list';

export interface TopicConfigDef {
  name: string;
  kind: ConfigKind;
  /** Inclusive lower bound in Kafka's unit (ms, bytes, count). */
  min?: number | ((major: KafkaMajor) => number);
  max?: number;
  values?: readonly string[]; // enum / list members
  /** Kafka versions that know this config; both when absent. */
  only?: KafkaMajor;
  doc: string;
}

const MiB = 1024 * 1024;

export const TOPIC_CONFIGS: readonly TopicConfigDef[] = [
  { name: 'cleanup.policy', kind: 'list', values: ['delete', 'compact'], doc: 'delete old segments, compact by key, or both' },
  { name: 'compression.type', kind: 'enum', values: ['uncompressed', 'zstd', 'lz4', 'snappy', 'gzip', 'producer'], doc: 'final compression of the topic' },
  { name: 'compression.gzip.level', kind: 'int', min: -1, max: 9, doc: 'gzip level when compression.type=gzip' },
  { name: 'compression.lz4.level', kind: 'int', min: 1, max: 17, doc: 'lz4 level when compression.type=lz4' },
  { name: 'compression.zstd.level', kind: 'int', min: -131072, max: 22, doc: 'zstd level when compression.type=zstd' },
  { name: 'delete.retention.ms', kind: 'duration', min: 0, doc: 'how long delete tombstones are kept on compacted topics' },
  { name: 'file.delete.delay.ms', kind: 'duration', min: 0, doc: 'delay before deleting a file from the filesystem' },
  { name: 'flush.messages', kind: 'int', min: 1, doc: 'fsync after this many messages' },
  { name: 'flush.ms', kind: 'duration', min: 0, doc: 'fsync at least this often' },
  { name: 'follower.replication.throttled.replicas', kind: 'list', doc: 'replicas throttled on the follower side' },
  { name: 'index.interval.bytes', kind: 'size', min: 0, doc: 'how often an offset index entry is added' },
  { name: 'leader.replication.throttled.replicas', kind: 'list', doc: 'replicas throttled on the leader side' },
  { name: 'local.retention.bytes', kind: 'size', min: -2, doc: 'local retention with tiered storage (-2 = retention.bytes)' },
  { name: 'local.retention.ms', kind: 'duration', min: -2, doc: 'local retention with tiered storage (-2 = retention.ms)' },
  { name: 'max.compaction.lag.ms', kind: 'duration', min: 1, doc: 'longest time a record stays uncompacted' },
  { name: 'max.message.bytes', kind: 'size', min: 0, doc: 'largest record batch the topic accepts' },
  { name: 'message.downconversion.enable', kind: 'boolean', only: 3, doc: 'down-convert for old consumers (removed in Kafka 4)' },
  { name: 'message.format.version', kind: 'enum', only: 3, values: ['0.10.0', '0.11.0', '1.0', '2.0', '2.1', '2.2', '2.3', '2.4', '2.5', '2.6', '2.7', '2.8', '3.0'], doc: 'deprecated message format (removed in Kafka 4)' },
  { name: 'message.timestamp.after.max.ms', kind: 'duration', min: 0, doc: 'how far in the future a timestamp may be' },
  { name: 'message.timestamp.before.max.ms', kind: 'duration', min: 0, doc: 'how far in the past a timestamp may be' },
  { name: 'message.timestamp.difference.max.ms', kind: 'duration', min: 0, only: 3, doc: 'deprecated (removed in Kafka 4): use message.timestamp.before/after.max.ms' },
  { name: 'message.timestamp.type', kind: 'enum', values: ['CreateTime', 'LogAppendTime'], doc: 'which timestamp records carry' },
  { name: 'min.cleanable.dirty.ratio', kind: 'double', min: 0, max: 1, doc: 'dirty ratio that triggers compaction' },
  { name: 'min.compaction.lag.ms', kind: 'duration', min: 0, doc: 'shortest time a record stays uncompacted' },
  { name: 'min.insync.replicas', kind: 'int', min: 1, doc: 'replicas that must acknowledge an acks=all write' },
  { name: 'preallocate', kind: 'boolean', doc: 'preallocate segment files' },
  { name: 'remote.storage.enable', kind: 'boolean', doc: 'tiered storage for this topic' },
  { name: 'remote.log.copy.disable', kind: 'boolean', doc: 'stop copying segments to remote storage' },
  { name: 'remote.log.delete.on.disable', kind: 'boolean', doc: 'delete remote data when tiered storage is disabled' },
  { name: 'retention.bytes', kind: 'size', min: -1, doc: 'largest partition size before old segments go (-1 = no limit)' },
  { name: 'retention.ms', kind: 'duration', min: -1, doc: 'how long records are kept (-1 = forever)' },
  { name: 'segment.bytes', kind: 'size', min: (major) => (major >= 4 ? MiB : 14), doc: 'segment file size (Kafka 4: at least 1MiB)' },
  { name: 'segment.index.bytes', kind: 'size', min: 4, doc: 'offset index size per segment' },
  { name: 'segment.jitter.ms', kind: 'duration', min: 0, doc: 'random jitter on segment.ms' },
  { name: 'segment.ms', kind: 'duration', min: 1, doc: 'roll a segment at least this often' },
  { name: 'unclean.leader.election.enable', kind: 'boolean', doc: 'allow out-of-sync replicas to become leader (may lose data)' },
];

/** Whose Kafka the cluster is: selects the vendor topic configs accepted besides Apache Kafka's. */
export const CLUSTER_FLAVORS = ['apache', 'confluent', 'msk', 'redpanda', 'aiven'] as const;
export type ClusterFlavor = (typeof CLUSTER_FLAVORS)[number];

/**
 * Topic configs each vendor documents beyond Apache Kafka's catalogue. MSK and Aiven run Apache
 * Kafka's topic configs; anything else a broker reports goes in policy.extraConfigKeys.
 */
export const VENDOR_TOPIC_CONFIGS: Readonly<Record<ClusterFlavor, readonly string[]>> = {
  apache: [],
  msk: [],
  aiven: [],
  confluent: [
    'confluent.key.schema.validation', 'confluent.value.schema.validation', 'confluent.key.subject.name.strategy', 'confluent.value.subject.name.strategy',
    'confluent.placement.constraints', 'confluent.tier.enable', 'confluent.tier.local.hotset.bytes', 'confluent.tier.local.hotset.ms',
  ],
  redpanda: [
    'redpanda.remote.read', 'redpanda.remote.write', 'redpanda.remote.delete', 'redpanda.remote.recovery', 'redpanda.remote.readreplica',
    'redpanda.iceberg.mode', 'redpanda.leaders.preference', 'redpanda.key.schema.id.validation', 'redpanda.value.schema.id.validation',
    'redpanda.key.subject.name.strategy', 'redpanda.value.subject.name.strategy', 'retention.local.target.bytes', 'retention.local.target.ms',
    'initial.retention.local.target.bytes', 'initial.retention.local.target.ms', 'write.caching', 'flush.bytes',
  ],
};

/** `confluent.*` → /^confluent\..*$/: `*` matches any run of characters, everything else is literal. */
function globRegExp(glob: string): RegExp {
  return new RegExp(`^${glob.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
}

/** Accepts a key outside the catalogue: the flavor's documented keys, or a policy.extraConfigKeys glob. */
export function extraConfigKeyMatcher(flavor: ClusterFlavor | undefined, globs: readonly string[] = []): (key: string) => boolean {
  const vendor = new Set(VENDOR_TOPIC_CONFIGS[flavor ?? 'apache']);
  const patterns = globs.map(globRegExp);
  return (key) => vendor.has(key) || patterns.some((p) => p.test(key));
}

/**
 * Topic-config keys other tools own by default: the replication throttles a rebalancer (or
 * kafka-reassign-partitions) sets and clears. They are never drift and never removed by a deploy.
 */
export const DEFAULT_IGNORED_CONFIG_KEYS: readonly string[] = ['leader.replication.throttled.replicas', 'follower.replication.throttled.replicas'];

/** Every topic-config key kafkaform leaves to other tools: the defaults plus policy.ignoreConfigKeys. */
export function ignoredConfigKeys(policy: { ignoreConfigKeys?: readonly string[] }): string[] {
  return [...new Set([...DEFAULT_IGNORED_CONFIG_KEYS, ...(policy.ignoreConfigKeys ?? [])])];
}

export const TOPIC_CONFIG_BY_NAME: ReadonlyMap<string, TopicConfigDef> = new Map(TOPIC_CONFIGS.map((c) => [c.name, c]));

export type ConfigCheck = { ok: true; value: string } | { ok: false; found: string; allowed: string; hint?: string };

function describe(v: unknown): string {
  return typeof v === 'string' ? JSON.stringify(v) : String(v);
}

/** Checks one config value and converts it to Kafka's string form. */
export function checkTopicConfigValue(def: TopicConfigDef, raw: unknown, major: KafkaMajor): ConfigCheck {
  const min = typeof def.min === 'function' ? def.min(major) : def.min;
  const range = (unit: (n: number) => string) =>
    min !== undefined && def.max !== undefined
      ? `${unit(min)} to ${unit(def.max)}`
      : min !== undefined
        ? `at least ${unit(min)}`
        : def.max !== undefined
          ? `at most ${unit(def.max)}`
          : 'any';
  const inRange = (n: number) => (min === undefined || n >= min) && (def.max === undefined || n <= def.max);
  switch (def.kind) {
    case 'duration': {
      const d = Duration.tryParse(raw);
      if (!d) return { ok: false, found: describe(raw), allowed: 'a duration: 30s, 15m, 12h, 7d, 2w, forever, or milliseconds' };
      const ms = d.toMilliseconds();
      if (!inRange(ms)) return { ok: false, found: describe(raw), allowed: range((n) => `${n}ms`) };
      return { ok: true, value: String(ms) };
    }
    case 'size': {
      const s = Size.tryParse(raw);
      if (!s) return { ok: false, found: describe(raw), allowed: 'a size: 512KiB, 1MiB, 10GiB, or bytes' };
      if (!inRange(s.bytes)) {
        return {
          ok: false,
          found: describe(raw),
          allowed: range((n) => (n >= 1024 && n % 1024 === 0 ? `${n / 1024}KiB` : `${n} bytes`)),
          hint: def.name === 'segment.bytes' && major >= 4 ? 'Kafka 4 rejects segment.bytes below 1MiB' : undefined,
        };
      }
      return { ok: true, value: String(s.bytes) };
    }
    case 'int': {
      if (typeof raw !== 'number' || !Number.isInteger(raw)) {
        return {
          ok: false,
          found: describe(raw),
          allowed: 'an integer',
          hint: typeof raw === 'string' && /^-?\d+$/.test(raw) ? `write it as a number: ${raw} (no quotes)` : undefined,
        };
      }
      if (!inRange(raw)) return { ok: false, found: describe(raw), allowed: range(String) };
      return { ok: true, value: String(raw) };
    }
    case 'double': {
      if (typeof raw !== 'number') return { ok: false, found: describe(raw), allowed: 'a number', hint: typeof raw === 'string' ? 'write it without quotes' : undefined };
      if (!inRange(raw)) return { ok: false, found: describe(raw), allowed: range(String) };
      return { ok: true, value: String(raw) };
    }
    case 'boolean': {
      if (typeof raw !== 'boolean') return { ok: false, found: describe(raw), allowed: 'true or false', hint: raw === 'true' || raw === 'false' ? 'write it without quotes' : undefined };
      return { ok: true, value: String(raw) };
    }
    case 'enum': {
      if (typeof raw !== 'string' || !def.values!.includes(raw)) return { ok: false, found: describe(raw), allowed: def.values!.join(' | ') };
      return { ok: true, value: raw };
    }
    case 'list': {
      const items = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(',').map((s) => s.trim()) : undefined;
      if (!items || items.some((i) => typeof i !== 'string' || i.length === 0)) {
        return { ok: false, found: describe(raw), allowed: def.values ? `a list of ${def.values.join(', ')}` : 'a list of strings' };
      }
      if (def.values) {
        const bad = items.find((i) => !def.values!.includes(i as string));
        if (bad !== undefined) return { ok: false, found: describe(bad), allowed: def.values.join(' | ') };
      }
      return { ok: true, value: (items as string[]).join(',') };
    }
  }
}
