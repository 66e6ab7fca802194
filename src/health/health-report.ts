/**
 * The two values of health: what one read of the cluster returned (HealthState) and the judgement
 * of it against one environment of topics.yaml (HealthReport, whose JSON is a documented, stable shape).
 */
import type { ClusterState, ConsumerGroupListing, GroupDescription, LivePartition, PartitionOffset, RecordTimestamp } from '../cluster/port.js';
import type { LagBudget } from '../manifest/types.js';

/** Everything health reads in one batched pass; the drift part (`cluster`) comes from the same read. */
export interface HealthState {
  cluster: ClusterState;
  partitions: LivePartition[];
  groups: ConsumerGroupListing[];
  descriptions: GroupDescription[];
  /** Committed offsets by group id. */
  committed: Record<string, PartitionOffset[]>;
  logStart: PartitionOffset[];
  logEnd: PartitionOffset[];
  /** The record at each declared service's consume position, where it lags. */
  timestamps: RecordTimestamp[];
  /** When the read finished (ms since the epoch): the time lag is measured against it. */
  readAtMs: number;
  /** How long the read took. */
  readDurationMs: number;
}

export interface PartitionProblem {
  topic: string;
  partition: number;
  leader: number | null;
  replicas: number[];
  isr: number[];
  /** The topic's effective min.insync.replicas. */
  minIsr: number;
}

export interface PartitionLag {
  partition: number;
  /** null: the group has no committed offset here, and the lag counts from the log start. */
  committed: number | null;
  logStart: number;
  logEnd: number;
  lag: number;
  fromLogStart: boolean;
  /** Age of the oldest unconsumed record; null when there is none (no lag) or its timestamp could not be read. */
  lagMs: number | null;
}

export interface TopicLag {
  topic: string;
  lag: number;
  lagMs: number | null;
  /** Partitions without a committed offset (their lag counts from the log start). */
  partitionsWithoutCommit: number;
  partitions: PartitionLag[];
}

export interface ServiceHealth {
  name: string;
  /** The group as topics.yaml names it (a trailing '-' or '*' is a prefix). */
  group: string;
  /** The cluster's groups it matched (one, or several for a prefix). */
  groups: string[];
  /** The group's state (Stable, Empty, …), `missing` when the cluster has no such group, `mixed` across a prefix's groups. */
  state: string;
  members: number;
  /** Total lag in records over every consumed topic. */
  lag: number;
  /** The oldest unconsumed record's age over every consumed topic. */
  lagMs: number | null;
  maxLag: LagBudget | null;
  /** `ok`, `over` (lag over maxLag), `unknown` (a time budget whose record timestamps could not be read), `none` (no maxLag). */
  budget: 'ok' | 'over' | 'unknown' | 'none';
  topics: TopicLag[];
}

export interface UnownedGroup {
  groupId: string;
  state: string;
  members: number;
  lag: number;
}

export interface HealthReport {
  healthy: boolean;
  cluster: {
    name: string;
    environment: string;
    clusterId: string;
    controller: number | null;
    brokers: { expected: number | null; online: number; ids: number[] };
  };
  partitions: { checked: number; offline: PartitionProblem[]; underReplicated: PartitionProblem[]; underMinIsr: PartitionProblem[] };
  services: ServiceHealth[];
  unownedGroups: UnownedGroup[];
  /** One line per reason the cluster is unhealthy (empty when healthy). */
  problems: string[];
  readAt: string;
  readDurationMs: number;
}
