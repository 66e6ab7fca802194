/**
 * Capacity planning: from each topic's `expected` block and measured per-partition throughput,
 * how many partitions each topic needs and how many brokers the cluster needs. Pure; every
 * number carries the arithmetic that produced it, so a reviewer can check it.
 */
import type { LoadTestReport } from '../loadtest/report-types.js';
import type { ResolvedSpec } from '../manifest/types.js';

/** Measured throughput of one partition, in bytes per second (what limits partitions is bytes, not records). */
export interface PartitionThroughput {
  produceBytesPerSecond: number;
  consumeBytesPerSecond: number;
  /** How it was measured, compared with how the topic is used (absent: unknown). */
  conditions?: { messageBytes: number; compression: string; acks: string };
}

export interface CapacityMeasurements {
  /** Per topic (declared name), when that topic was measured. */
  topics: Record<string, PartitionThroughput>;
  /** Used for topics that were not measured themselves. */
  fallback?: PartitionThroughput;
  /** Where the numbers come from (report run id, file), shown in the output. */
  source: string;
  /** The numbers are capacities (a --rate max run), not just the load that was offered. */
  saturated?: boolean;
  /** Why the numbers are only a lower bound of what a partition takes (absent: they are not). */
  lowerBound?: string;
}

export interface CapacityAssumptions {
  /** Multiplier on the peak rate (1.2 = 20 % headroom). */
  headroom: number;
  /** Fraction of a broker's network, disk and storage the plan may use. */
  targetUtilization: number;
  brokerNetworkBytesPerSecond: number;
  brokerDiskBytesPerSecond: number;
  brokerStorageBytes: number;
  /** Extra storage on top of the retained data (segments not yet deleted, indexes). */
  storageHeadroom: number;
  /** Consumer groups reading each topic in full (network egress). */
  consumerGroupsPerTopic: number;
}

export const DEFAULT_ASSUMPTIONS: CapacityAssumptions = {
  headroom: 1.2,
  targetUtilization: 0.7,
  brokerNetworkBytesPerSecond: 125_000_000, // 1 Gbit/s
  brokerDiskBytesPerSecond: 200 * 1024 * 1024,
  brokerStorageBytes: 1024 ** 4, // 1 TiB
  storageHeadroom: 0.2,
  consumerGroupsPerTopic: 1,
};

export type CapacityFlag = 'partitions-too-few' | 'brokers-too-few' | 'retention-does-not-fit' | 'unbounded-retention' | 'no-expected-block' | 'not-measured' | 'lower-bound' | 'measured-differently';

export interface TopicCapacity {
  topic: string;
  declaredPartitions: number;
  replicationFactor: number;
  messagesPerSecond: number;
  messageBytes: number;
  peakFactor: number;
  /** rate × peakFactor × headroom, in messages/s and bytes/s. */
  targetMessagesPerSecond: number;
  targetBytesPerSecond: number;
  measured: PartitionThroughput;
  /** Consumer groups reading the topic (the services that consume it, at least one) and consumers in each. */
  consumerGroups: number;
  consumersPerGroup: number;
  /** Where consumersPerGroup comes from: `expected.consumers`, the consuming services' `instances`, or 1. */
  consumersSource: 'expected.consumers' | 'instances' | 'default';
  /** Instances of the producing services together (each service's `instances`, default 1; at least 1). */
  producerInstances: number;
  /** What each instance must carry at the target: the producers share the rate, each group's consumers share the topic. */
  perInstance: { producerMessagesPerSecond: number; consumerMessagesPerSecond: number; consumerBytesPerSecond: number };
  /** What the expected peak needs: throughput, and one partition per consumer of a group. */
  neededPartitions: number;
  /** max(declared, needed): Kafka cannot reduce a topic's partitions. */
  recommendedPartitions: number;
  /** "declared 12, needs 2": the declared count against the need. */
  headroom: string;
  retentionMs: number | null;
  /** Average rate × size × retention × RF × (1 + storageHeadroom); null when retention is unbounded. */
  storageBytes: number | null;
  flags: CapacityFlag[];
  arithmetic: string[];
}

export interface CapacityPlan {
  cluster: string;
  environment: string;
  source: string;
  /** Why the measurement is only a lower bound (absent: it is not). */
  lowerBound?: string;
  assumptions: CapacityAssumptions;
  topics: TopicCapacity[];
  /** Topics without an `expected` block: nothing to plan. */
  skipped: string[];
  brokers: {
    declared: number | null;
    recommended: number;
    byNetwork: number;
    byDisk: number;
    byStorage: number;
    byReplication: number;
    storagePerBrokerBytes: number;
    arithmetic: string[];
  };
  flags: Array<{ topic: string; flag: CapacityFlag; message: string }>;
}

const mb = (b: number) => `${(b / 1e6).toFixed(2)} MB`;
const gb = (b: number) => `${(b / 1e9).toFixed(1)} GB`;

/**
 * Per-partition throughput per declared topic, from a load-test report. A `--rate max` report gives
 * the sustainable rate (a capacity); a fixed-rate report only gives the offered load, a lower bound
 * that makes the plan conservative (`saturated: false`).
 */
export function measurementsFromReport(report: LoadTestReport, label = `loadtest ${report.runId}`): CapacityMeasurements {
  const topics: Record<string, PartitionThroughput> = {};
  let p = 0;
  let c = 0;
  const saturated = report.settings.mode === 'max';
  for (const t of report.topics) {
    let m: PartitionThroughput;
    const conditions = { messageBytes: t.messageBytes, compression: t.compression ?? report.settings.compression, acks: report.settings.acks };
    if (saturated && t.sustainableMessagesPerSecond && t.sustainableMessagesPerSecond > 0) {
      // Lag stayed bounded at that rate, so the consumers kept up with it as well.
      const bytes = (t.sustainableMessagesPerSecond * t.messageBytes) / t.partitions;
      m = { produceBytesPerSecond: bytes, consumeBytesPerSecond: bytes };
    } else {
      m = {
        produceBytesPerSecond: t.perPartition.producer.megabytesPerSecond * 1024 * 1024,
        consumeBytesPerSecond: t.perPartition.consumer.megabytesPerSecond * 1024 * 1024,
      };
    }
    if (m.produceBytesPerSecond <= 0 || m.consumeBytesPerSecond <= 0) continue;
    m.conditions = conditions;
    topics[t.topic] = m;
    p += m.produceBytesPerSecond;
    c += m.consumeBytesPerSecond;
  }
  const k = Object.keys(topics).length;
  const lowerBound = !saturated
    ? 'a fixed-rate run measures the load it offered, not what a partition takes'
    : !report.maxRate?.limitReached
      ? 'the --rate max run ended before it bracketed the limit'
      : undefined;
  return {
    topics,
    fallback: k ? { produceBytesPerSecond: p / k, consumeBytesPerSecond: c / k } : undefined,
    source: `${label}${saturated ? ', --rate max' : ', fixed rate'}`,
    saturated,
    ...(lowerBound ? { lowerBound } : {}),
  };
}

/** The plan: recommended partitions per topic, broker count and storage, with the arithmetic and flags. */
export function planCapacity(spec: ResolvedSpec, measurements: CapacityMeasurements, assumptions: CapacityAssumptions = DEFAULT_ASSUMPTIONS): CapacityPlan {
  const a = assumptions;
  const topics: TopicCapacity[] = [];
  const skipped: string[] = [];
  const flags: CapacityPlan['flags'] = [];
  for (const t of spec.topics) {
    if (!t.expected) {
      skipped.push(t.name);
      continue;
    }
    const e = t.expected;
    const tflags: CapacityFlag[] = [];
    let measured = measurements.topics[t.name];
    if (!measured) {
      tflags.push('not-measured');
      measured = measurements.fallback;
    }
    if (!measured || measured.produceBytesPerSecond <= 0 || measured.consumeBytesPerSecond <= 0) {
      throw new Error(`no usable per-partition measurement for topic ${t.name} (from ${measurements.source})`);
    }
    const targetMsgs = e.messagesPerSecond * e.peakFactor * a.headroom;
    const targetBytes = targetMsgs * e.messageBytes;
    const byProduce = targetBytes / measured.produceBytesPerSecond;
    const byConsume = targetBytes / measured.consumeBytesPerSecond;
    const consuming = spec.services.filter((s) => s.consumes.includes(t.name));
    const consumerGroups = Math.max(1, consuming.length);
    // Each consuming service is one group of `instances` consumers; a group cannot use more consumers
    // than partitions, so the largest group sets the partition floor. expected.consumers overrides.
    const declaredInstances = consuming.some((s) => s.instances !== undefined);
    const consumersPerGroup = e.consumers ?? Math.max(1, ...consuming.map((s) => s.instances ?? 1));
    const consumersSource = e.consumers !== undefined ? 'expected.consumers' : declaredInstances ? 'instances' : 'default';
    const producerInstances = Math.max(1, spec.services.filter((s) => s.produces.includes(t.name)).reduce((n, s) => n + (s.instances ?? 1), 0));
    const perInstance = { producerMessagesPerSecond: round(targetMsgs / producerInstances), consumerMessagesPerSecond: round(targetMsgs / consumersPerGroup), consumerBytesPerSecond: round(targetBytes / consumersPerGroup) };
    const needed = Math.max(1, Math.ceil(Math.max(byProduce, byConsume) - 1e-9), consumersPerGroup);
    const recommended = Math.max(t.partitions, needed);
    const headroom = `declared ${t.partitions}, needs ${needed}`;
    const arithmetic = [
      `target = ${e.messagesPerSecond} msg/s × peak ${e.peakFactor} × headroom ${a.headroom} = ${round(targetMsgs)} msg/s × ${e.messageBytes} B = ${mb(targetBytes)}/s`,
      `partitions ≥ max(${mb(targetBytes)}/s ÷ ${mb(measured.produceBytesPerSecond)}/s produce per partition = ${byProduce.toFixed(2)}, ${mb(targetBytes)}/s ÷ ${mb(measured.consumeBytesPerSecond)}/s consume per partition = ${byConsume.toFixed(2)}, ${consumersPerGroup} consumer(s) in each of ${consumerGroups} group(s)) → ${needed}`,
      `per instance: ${round(targetMsgs)} msg/s ÷ ${producerInstances} producer instance(s) = ${perInstance.producerMessagesPerSecond} msg/s; ÷ ${consumersPerGroup} consumer(s) per group (${consumersSource}) = ${perInstance.consumerMessagesPerSecond} msg/s, ${mb(perInstance.consumerBytesPerSecond)}/s`,
      t.partitions >= needed
        ? `${headroom}: keep ${t.partitions} (Kafka cannot reduce partitions; the rest is headroom)`
        : `${headroom}: raise to ${needed}`,
    ];
    if (t.partitions < needed) {
      tflags.push('partitions-too-few');
      flags.push({ topic: t.name, flag: 'partitions-too-few', message: `${t.name} declares ${t.partitions} partitions; the expected peak needs at least ${needed}` });
    }
    if (measurements.lowerBound) {
      tflags.push('lower-bound');
      flags.push({ topic: t.name, flag: 'lower-bound', message: `${t.name}: the per-partition throughput is a lower bound (${measurements.lowerBound}), so ${needed} may be more partitions than it needs` });
    }
    const differences = measurementDifferences(measured, e.messageBytes, t.config['compression.type']);
    if (differences.length > 0) {
      tflags.push('measured-differently');
      flags.push({ topic: t.name, flag: 'measured-differently', message: `${t.name} was measured ${differences.join(', ')}` });
    }
    const retentionRaw = t.config['retention.ms'];
    const compacted = (t.config['cleanup.policy'] ?? 'delete').split(',').every((p) => p.trim() === 'compact');
    const retentionMs = retentionRaw === undefined ? 7 * 86_400_000 : Number(retentionRaw); // Kafka's default is 7 days
    let storage: number | null = null;
    if (compacted || retentionMs < 0) {
      tflags.push('unbounded-retention');
      flags.push({ topic: t.name, flag: 'unbounded-retention', message: `${t.name} keeps data ${compacted ? 'compacted' : 'forever'}: storage grows with the key space / history, not with retention` });
      arithmetic.push('storage: unbounded (compacted or retention forever), not included in the broker count');
    } else {
      storage = e.messagesPerSecond * e.messageBytes * (retentionMs / 1000) * t.replicationFactor * (1 + a.storageHeadroom);
      const retentionBytes = t.config['retention.bytes'] !== undefined ? Number(t.config['retention.bytes']) : -1;
      let capped = '';
      if (retentionBytes > 0) {
        const cap = retentionBytes * t.partitions * t.replicationFactor * (1 + a.storageHeadroom);
        if (cap < storage) {
          storage = cap;
          capped = ` (capped by retention.bytes ${retentionBytes} × ${t.partitions} partitions × RF ${t.replicationFactor})`;
        }
      }
      arithmetic.push(
        `storage = ${e.messagesPerSecond} msg/s × ${e.messageBytes} B × ${retentionMs / 1000} s retention × RF ${t.replicationFactor} × (1 + ${a.storageHeadroom}) = ${gb(storage)}${capped}`,
      );
      const declaredBrokers = spec.cluster.brokers;
      if (declaredBrokers) {
        const available = declaredBrokers * a.brokerStorageBytes * a.targetUtilization;
        if (storage > available) {
          tflags.push('retention-does-not-fit');
          flags.push({ topic: t.name, flag: 'retention-does-not-fit', message: `${t.name} needs ${gb(storage)} for its retention; ${declaredBrokers} broker(s) × ${gb(a.brokerStorageBytes)} × ${a.targetUtilization} = ${gb(available)}` });
        }
      }
    }
    topics.push({
      topic: t.name,
      declaredPartitions: t.partitions,
      replicationFactor: t.replicationFactor,
      messagesPerSecond: e.messagesPerSecond,
      messageBytes: e.messageBytes,
      peakFactor: e.peakFactor,
      targetMessagesPerSecond: round(targetMsgs),
      targetBytesPerSecond: round(targetBytes),
      measured,
      consumerGroups,
      consumersPerGroup,
      consumersSource,
      producerInstances,
      perInstance,
      neededPartitions: needed,
      recommendedPartitions: recommended,
      headroom,
      retentionMs: compacted || retentionMs < 0 ? null : retentionMs,
      storageBytes: storage === null ? null : Math.round(storage),
      flags: tflags,
      arithmetic,
    });
  }

  // Brokers: every byte produced is written RF times (leader + followers), read by each consumer
  // group once and by RF-1 followers; the busiest direction sets the network need.
  const ingress = topics.reduce((s, t) => s + t.targetBytesPerSecond * t.replicationFactor, 0);
  const egress = topics.reduce((s, t) => s + t.targetBytesPerSecond * (Math.max(t.consumerGroups, a.consumerGroupsPerTopic) + t.replicationFactor - 1), 0);
  const diskWrite = ingress;
  const storageTotal = topics.reduce((s, t) => s + (t.storageBytes ?? 0), 0);
  const byNetwork = Math.ceil(Math.max(ingress, egress) / (a.brokerNetworkBytesPerSecond * a.targetUtilization) - 1e-9);
  const byDisk = Math.ceil(diskWrite / (a.brokerDiskBytesPerSecond * a.targetUtilization) - 1e-9);
  const byStorage = Math.ceil(storageTotal / (a.brokerStorageBytes * a.targetUtilization) - 1e-9);
  const byReplication = Math.max(1, ...spec.topics.map((t) => t.replicationFactor));
  const recommended = Math.max(1, byNetwork, byDisk, byStorage, byReplication);
  const util = a.targetUtilization;
  const brokerArithmetic = [
    `network: max(in ${mb(ingress)}/s = Σ target × RF, out ${mb(egress)}/s = Σ target × (consumer groups + RF − 1)) ÷ (${mb(a.brokerNetworkBytesPerSecond)}/s × ${util}) → ${byNetwork}`,
    `disk: ${mb(diskWrite)}/s written ÷ (${mb(a.brokerDiskBytesPerSecond)}/s × ${util}) → ${byDisk}`,
    `storage: ${gb(storageTotal)} ÷ (${gb(a.brokerStorageBytes)} × ${util}) → ${byStorage}`,
    `replication: highest RF → ${byReplication}`,
    `brokers = max(${byNetwork}, ${byDisk}, ${byStorage}, ${byReplication}) = ${recommended}; storage per broker = ${gb(storageTotal)} ÷ ${recommended} = ${gb(storageTotal / recommended)}`,
  ];
  if (spec.cluster.brokers !== undefined && spec.cluster.brokers < recommended) {
    flags.push({ topic: '(cluster)', flag: 'brokers-too-few', message: `cluster.brokers is ${spec.cluster.brokers}; the expected load needs ${recommended}` });
  }
  return {
    cluster: spec.cluster.name,
    environment: spec.environment,
    source: measurements.source,
    ...(measurements.lowerBound ? { lowerBound: measurements.lowerBound } : {}),
    assumptions: a,
    topics,
    skipped,
    brokers: {
      declared: spec.cluster.brokers ?? null,
      recommended,
      byNetwork,
      byDisk,
      byStorage,
      byReplication,
      storagePerBrokerBytes: Math.round(storageTotal / recommended),
      arithmetic: brokerArithmetic,
    },
    flags,
  };
}

/** How the measurement differs from the topic's use: record size, codec (the producers'), acks. */
function measurementDifferences(m: PartitionThroughput, messageBytes: number, declaredCompression: string | undefined): string[] {
  const c = m.conditions;
  if (!c) return [];
  const out: string[] = [];
  if (c.messageBytes !== messageBytes) out.push(`with ${c.messageBytes} B records (the topic expects ${messageBytes} B)`);
  const declared = declaredCompression === undefined || declaredCompression === 'producer' || declaredCompression === 'uncompressed' ? 'none' : declaredCompression;
  if (c.compression !== declared) out.push(`with ${c.compression} compression (the topic has ${declared})`);
  if (c.acks !== 'all') out.push(`with acks=${c.acks} (producers of a durable topic use acks=all)`);
  return out;
}

function round(v: number): number {
  return Math.round(v * 100) / 100;
}

/** The flags that mean the declared cluster does not fit the expected load (the CLI exits 2 on them). */
export const FIT_FLAGS: CapacityFlag[] = ['partitions-too-few', 'retention-does-not-fit', 'brokers-too-few'];

/** Text or Markdown rendering of a plan (JSON is the value itself). */
export function renderCapacityPlan(p: CapacityPlan, format: 'text' | 'markdown'): string {
  const md = format === 'markdown';
  const out: string[] = [];
  out.push(md ? `## Capacity plan — ${p.cluster} (${p.environment})` : `Capacity plan for ${p.cluster} (${p.environment})`);
  out.push(`${md ? '' : '  '}measured per-partition throughput from ${p.source}; headroom ×${p.assumptions.headroom}, target utilisation ${p.assumptions.targetUtilization}`);
  if (p.lowerBound) out.push(`${md ? '> ' : '  '}rests on a lower bound: ${p.lowerBound}`);
  out.push('');
  if (md) {
    out.push('| topic | declared partitions | needed | recommended | target msg/s | storage | flags |', '|---|---:|---:|---:|---:|---:|---|');
    for (const t of p.topics) out.push(`| ${t.topic} | ${t.declaredPartitions} | ${t.neededPartitions} | ${t.recommendedPartitions} | ${t.targetMessagesPerSecond} | ${t.storageBytes === null ? 'unbounded' : gb(t.storageBytes)} | ${t.flags.join(', ')} |`);
    out.push('');
  }
  for (const t of p.topics) {
    out.push(md ? `**${t.topic}** (${t.headroom})` : `${t.topic}: ${t.recommendedPartitions} partitions recommended (${t.headroom})${t.flags.length ? `  [${t.flags.join(', ')}]` : ''}`);
    for (const line of t.arithmetic) out.push(md ? `- ${line}` : `    ${line}`);
    if (md) out.push('');
  }
  out.push('');
  out.push(md ? `**Brokers: ${p.brokers.recommended}** (declared ${p.brokers.declared ?? 'unknown'})` : `Brokers: ${p.brokers.recommended} recommended (declared ${p.brokers.declared ?? 'unknown'})`);
  for (const line of p.brokers.arithmetic) out.push(md ? `- ${line}` : `    ${line}`);
  if (p.skipped.length) out.push('', `${md ? '' : ''}No expected block (not planned): ${p.skipped.join(', ')}`);
  const misfits = p.flags.filter((f) => FIT_FLAGS.includes(f.flag));
  if (misfits.length) {
    out.push('', md ? '### Does not fit' : 'Does not fit:');
    for (const f of misfits) out.push(`${md ? '- ' : '  ! '}${f.message}`);
  }
  const notes = p.flags.filter((f) => !FIT_FLAGS.includes(f.flag));
  if (notes.length) {
    out.push('', md ? '### Notes' : 'Notes:');
    for (const f of notes) out.push(`${md ? '- ' : '  - '}${f.message}`);
  }
  return `${out.join('\n')}\n`;
}
