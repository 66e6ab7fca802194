/**
 * The in-memory twin of a Kafka client behind the LoadClient port, for unit tests of the load
 * runner: one in-process log per topic-partition, producers that append and acknowledge, consumer
 * groups that read on from their committed positions. Faults can be injected (a slow or lost
 * acknowledgement, a record written twice, acknowledged but never written, or missed by the first
 * group that reads it) so the ledger's lost/duplicate accounting is exercised without a broker.
 */
import { sleep } from '../os/process.js';
import type { ConsumedRecord, ConsumerOptions, LoadClient, LoadConsumer, LoadProducer, LoadRecord, ProducerOptions } from './load-client.js';

/** Faults to inject. Batches and records are numbered from 0 in the order the client saw them. */
export interface InMemoryLoadFaults {
  /** The broker takes at most this many records per second: later batches wait their turn (a saturated broker). */
  capacityMessagesPerSecond?: number;
  /** Milliseconds before a batch is written and acknowledged (a number, or per batch). */
  ackDelayMs?: number | ((batch: number) => number);
  /** Milliseconds between an append and its delivery to the consumer groups. */
  deliveryDelayMs?: number;
  /** The batch is written but its acknowledgement is lost: the send rejects. */
  dropAck?: (batch: number) => boolean;
  /** The record is written twice, at two offsets (a retried batch the broker did not de-duplicate). */
  duplicate?: (record: number) => boolean;
  /** The record is acknowledged but never written (a broker that lost it). */
  lose?: (record: number) => boolean;
  /** The first group that reaches the record skips it; a group created later reads it (a consumer-side miss). */
  skipFirstDelivery?: (record: number) => boolean;
}

interface StoredRecord {
  value: Buffer;
  stamp?: Buffer;
  /** Set while the first group to reach the record must skip it. */
  skip?: boolean;
}

interface Member {
  onRecords: (records: ConsumedRecord[]) => void;
  /** A paused member is handed nothing; its partitions wait for it (they are not given to another member). */
  paused: boolean;
}

interface Group {
  topics: Set<string>;
  /** Committed position (next offset to read) per `topic:partition`. */
  positions: Map<string, number>;
  /** Where a partition not yet in `positions` starts: 0, or its length when the group was created (latest). */
  startAt: Map<string, number>;
  members: Member[];
}

/** An in-process LoadClient: logs, consumer groups and injectable faults. */
export class InMemoryLoadClient implements LoadClient {
  readonly name = 'in-memory';
  private readonly logs = new Map<string, Map<number, StoredRecord[]>>();
  private readonly groups = new Map<string, Group>();
  private batches = 0;
  private records = 0;
  private pumpScheduled = false;
  /** When the simulated broker is free again (ms, performance.now()), under capacityMessagesPerSecond. */
  private busyUntil = 0;

  constructor(private readonly faults: InMemoryLoadFaults = {}) {}

  /** The records of one partition, in offset order (for assertions). */
  log(topic: string, partition: number): Buffer[] {
    return (this.logs.get(topic)?.get(partition) ?? []).map((r) => r.value);
  }

  warnings(): number {
    return 0;
  }

  warningSamples(): string[] {
    return [];
  }

  createProducer(_opts: ProducerOptions): LoadProducer {
    return {
      maxInFlight: 8,
      connect: async () => {},
      send: async (topic, records) => {
        const batch = this.batches++;
        const ordinals = records.map(() => this.records++);
        const delay = typeof this.faults.ackDelayMs === 'function' ? this.faults.ackDelayMs(batch) : (this.faults.ackDelayMs ?? 0);
        if (delay > 0) await sleep(delay);
        const capacity = this.faults.capacityMessagesPerSecond;
        if (capacity) {
          this.busyUntil = Math.max(this.busyUntil, performance.now()) + (records.length * 1000) / capacity;
          await sleep(Math.max(0, this.busyUntil - performance.now()));
        }
        records.forEach((r, i) => {
          this.append(topic, r, ordinals[i]!);
        });
        this.schedulePump();
        if (this.faults.dropAck?.(batch)) throw new Error(`acknowledgement of batch ${batch} lost (injected fault)`);
      },
      disconnect: async () => {},
    };
  }

  createConsumer(opts: ConsumerOptions): LoadConsumer {
    let member: Member | undefined;
    let group: Group | undefined;
    let paused = false;
    return {
      start: async (onRecords) => {
        group = this.group(opts);
        member = { onRecords, paused };
        group.members.push(member);
        this.schedulePump();
      },
      pause: () => {
        paused = true;
        if (member) member.paused = true;
      },
      resume: () => {
        paused = false;
        if (member) member.paused = false;
        this.schedulePump();
      },
      disconnect: async () => {
        if (group && member) group.members = group.members.filter((m) => m !== member);
      },
    };
  }

  private append(topic: string, r: LoadRecord, ordinal: number): void {
    if (this.faults.lose?.(ordinal)) return;
    const partitions = this.logs.get(topic) ?? new Map<number, StoredRecord[]>();
    this.logs.set(topic, partitions);
    const log = partitions.get(r.partition) ?? [];
    partitions.set(r.partition, log);
    const stored: StoredRecord = { value: r.value, ...(r.stamp ? { stamp: r.stamp } : {}), ...(this.faults.skipFirstDelivery?.(ordinal) ? { skip: true } : {}) };
    log.push(stored);
    if (this.faults.duplicate?.(ordinal)) log.push({ ...stored, skip: false });
  }

  private group(opts: ConsumerOptions): Group {
    let g = this.groups.get(opts.groupId);
    if (!g) {
      g = { topics: new Set(), positions: new Map(), startAt: new Map(), members: [] };
      this.groups.set(opts.groupId, g);
    }
    for (const topic of opts.topics) {
      if (g.topics.has(topic)) continue;
      g.topics.add(topic);
      if (opts.fromBeginning) continue;
      for (const [p, log] of this.logs.get(topic) ?? []) g.startAt.set(`${topic}:${p}`, log.length);
    }
    return g;
  }

  private schedulePump(): void {
    if (this.pumpScheduled) return;
    this.pumpScheduled = true;
    setTimeout(() => {
      this.pumpScheduled = false;
      this.pump();
    }, this.faults.deliveryDelayMs ?? 0);
  }

  /** Delivers every record past each group's committed position to the member owning its partition. */
  private pump(): void {
    for (const g of this.groups.values()) {
      if (g.members.length === 0) continue;
      for (const topic of g.topics) {
        for (const [partition, log] of this.logs.get(topic) ?? []) {
          const key = `${topic}:${partition}`;
          const owner = g.members[partition % g.members.length]!;
          if (owner.paused) continue;
          const from = g.positions.get(key) ?? g.startAt.get(key) ?? 0;
          if (from >= log.length) continue;
          const out: ConsumedRecord[] = [];
          for (let offset = from; offset < log.length; offset++) {
            const r = log[offset]!;
            if (r.skip) {
              r.skip = false;
              continue;
            }
            out.push({ topic, partition, offset, value: r.value, ...(r.stamp ? { stamp: r.stamp } : {}) });
          }
          g.positions.set(key, log.length);
          if (out.length > 0) owner.onRecords(out);
        }
      }
    }
  }
}
