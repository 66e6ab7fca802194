/**
 * How a multi-process load test divides the work: by topic and partition. Worker i of n writes the
 * partitions p with p mod n = i, at the topic's rate times its share of the partitions, with
 * producer ids no other worker uses; every worker consumes in the topic's one consumer group, so
 * Kafka spreads the partitions over all of them. Pure.
 */
import type { Workload } from './workload.js';

/** Stamp producer ids of worker i start at i × this (a worker runs far fewer lanes). */
export const PRODUCER_ID_STRIDE = 65_536;

export interface WorkerShare {
  index: number;
  count: number;
  producerIdBase: number;
  /** The partitions this worker writes, per load topic (empty: it only consumes that topic). */
  partitions: Record<string, number[]>;
  /** The workload this worker runs: its rates, message caps, producers and consumers. */
  workload: Workload;
}

/** `total` split over `count` as evenly as whole numbers allow; at least `min` each. */
function split(total: number, index: number, count: number, min: number): number {
  return Math.max(min, Math.floor(total / count) + (index < total % count ? 1 : 0));
}

/** Worker `index`'s share of `w`, given each load topic's partition count on the cluster. */
export function computeWorkerShare(w: Workload, partitionCounts: Record<string, number>, index: number, count: number): WorkerShare {
  const partitions: Record<string, number[]> = {};
  const topics = w.topics.map((t) => {
    const total = partitionCounts[t.loadTopic] ?? t.partitions;
    const owned = Array.from({ length: total }, (_, p) => p).filter((p) => p % count === index);
    partitions[t.loadTopic] = owned;
    const fraction = total === 0 ? 0 : owned.length / total;
    return { ...t, partitions: total, messagesPerSecond: t.messagesPerSecond * fraction, maxMessages: Math.ceil(t.maxMessages * fraction) };
  });
  return {
    index,
    count,
    producerIdBase: index * PRODUCER_ID_STRIDE,
    partitions,
    // Every worker consumes (at least one consumer per topic), so a record written by one is read by another.
    workload: { ...w, producers: split(w.producers, index, count, 1), consumers: split(w.consumers, index, count, 1), topics },
  };
}

/** Which worker a stamp's producer id belongs to. */
export function workerOfProducer(producerId: number): number {
  return Math.floor(producerId / PRODUCER_ID_STRIDE);
}
