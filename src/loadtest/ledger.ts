/**
 * Delivery accounting: which (producer, sequence) pairs were sent, acknowledged by the broker and
 * consumed. Acknowledged but never consumed = lost; consumed more than once = duplicated.
 * Pure bookkeeping (no I/O), so it is unit-tested on its own.
 */
import type { MessageCounts } from './report-types.js';

const SENT = 1;
const ACKED = 2;
const FAILED = 4;

class Bits {
  // One byte of flags and one byte of consume count per sequence number; grown on demand.
  flags = new Uint8Array(1024);
  seen = new Uint8Array(1024);
  /** Log position (partition × 2^40 + offset) where the record was first consumed. */
  position = new Float64Array(1024);
  ensure(seq: number): void {
    if (seq < this.flags.length) return;
    let n = this.flags.length;
    while (n <= seq) n *= 2;
    const f = new Uint8Array(n);
    f.set(this.flags);
    const s = new Uint8Array(n);
    s.set(this.seen);
    const p = new Float64Array(n);
    p.set(this.position);
    this.flags = f;
    this.seen = s;
    this.position = p;
  }
}

/**
 * One producer's part of a ledger in a form that travels between processes (base64 of the raw
 * arrays, up to the highest sequence used): exact, so that merged ledgers account like one.
 */
export interface SerializedProducerBits {
  producerId: number;
  length: number;
  flags: string;
  seen: string;
  position: string;
}

export interface SerializedLedger {
  counts: { sent: number; acknowledged: number; failed: number; consumed: number; duplicated: number; redelivered: number };
  producers: SerializedProducerBits[];
}

function usedLength(b: Bits): number {
  let n = b.flags.length;
  while (n > 0 && b.flags[n - 1] === 0 && b.seen[n - 1] === 0) n--;
  return n;
}

/** The delivery accounting of the report (report-types.ts), before the re-read pass adds missedByConsumers. */
export type DeliverySummary = Omit<MessageCounts, 'missedByConsumers'>;

export class DeliveryLedger {
  private readonly producers = new Map<number, Bits>();
  private counts = { sent: 0, acknowledged: 0, failed: 0, consumed: 0, duplicated: 0, redelivered: 0 };

  private bits(producerId: number, seq: number): Bits {
    let b = this.producers.get(producerId);
    if (!b) {
      b = new Bits();
      this.producers.set(producerId, b);
    }
    b.ensure(seq);
    return b;
  }

  markSent(producerId: number, seq: number): void {
    const b = this.bits(producerId, seq);
    b.flags[seq]! |= SENT;
    this.counts.sent++;
  }

  markAcknowledged(producerId: number, seq: number): void {
    const b = this.bits(producerId, seq);
    b.flags[seq]! |= ACKED;
    this.counts.acknowledged++;
  }

  markFailed(producerId: number, seq: number): void {
    const b = this.bits(producerId, seq);
    b.flags[seq]! |= FAILED;
    this.counts.failed++;
  }

  /**
   * Records a consumed record at its log position; returns 'first', 'redelivered' (same position
   * again) or 'duplicate' (the same record at another position: written twice).
   */
  markConsumed(producerId: number, seq: number, partition = 0, offset = 0): 'first' | 'redelivered' | 'duplicate' {
    const b = this.bits(producerId, seq);
    const pos = partition * 2 ** 40 + offset;
    const before = b.seen[seq]!;
    if (before === 0) {
      b.seen[seq] = 1;
      b.position[seq] = pos;
      this.counts.consumed++;
      return 'first';
    }
    if (b.position[seq] === pos) {
      this.counts.redelivered++;
      return 'redelivered';
    }
    if (before < 255) b.seen[seq] = before + 1;
    this.counts.duplicated++;
    return 'duplicate';
  }

  /** Records acknowledged so far (a counter: cheap enough for every tick). */
  acknowledgedCount(): number {
    return this.counts.acknowledged;
  }

  /** Records sent so far (a counter). */
  sentCount(): number {
    return this.counts.sent;
  }

  /** Distinct records consumed so far (a counter). */
  consumedCount(): number {
    return this.counts.consumed;
  }

  /** Distinct records consumed whose producer id passes `from` (a multi-worker run: what came from one worker). */
  consumedFrom(from: (producerId: number) => boolean): number {
    let n = 0;
    for (const [producerId, b] of this.producers) {
      if (!from(producerId)) continue;
      for (let i = 0; i < b.seen.length; i++) if (b.seen[i]! > 0) n++;
    }
    return n;
  }

  /** Records sent and neither acknowledged nor failed yet. */
  inFlightCount(): number {
    return this.counts.sent - this.counts.acknowledged - this.counts.failed;
  }

  /** Acknowledged records not consumed yet: the consumer lag in records, exact. */
  lag(): number {
    let unconsumedAcked = 0;
    // Cheap enough for a per-second sample: counters, not a scan.
    unconsumedAcked = this.counts.acknowledged - this.consumedAcknowledgedEstimate();
    return Math.max(0, unconsumedAcked);
  }

  private consumedAcknowledgedEstimate(): number {
    // Consumed records are nearly always acknowledged ones; a failed-but-written record can be consumed too,
    // so this is an estimate used only for the live lag figure. summary() is exact.
    return this.counts.consumed;
  }

  summary(): DeliverySummary {
    let lost = 0;
    for (const b of this.producers.values()) {
      for (let i = 0; i < b.flags.length; i++) {
        if (b.flags[i]! & ACKED && b.seen[i] === 0) lost++;
      }
    }
    return { sent: this.counts.sent, acknowledged: this.counts.acknowledged, failed: this.counts.failed, consumed: this.counts.consumed, lost, duplicated: this.counts.duplicated, redelivered: this.counts.redelivered };
  }

  /** The ledger as plain data (see SerializedLedger). */
  serialize(): SerializedLedger {
    const producers: SerializedProducerBits[] = [];
    for (const [producerId, b] of this.producers) {
      const length = usedLength(b);
      if (length === 0) continue;
      producers.push({
        producerId,
        length,
        flags: Buffer.from(b.flags.buffer, b.flags.byteOffset, length).toString('base64'),
        seen: Buffer.from(b.seen.buffer, b.seen.byteOffset, length).toString('base64'),
        position: Buffer.from(b.position.buffer, b.position.byteOffset, length * 8).toString('base64'),
      });
    }
    return { counts: { ...this.counts }, producers };
  }

  /** A ledger from serialize(). */
  static deserialize(s: SerializedLedger): DeliveryLedger {
    const l = new DeliveryLedger();
    l.counts = { ...s.counts };
    for (const p of s.producers) {
      const b = l.bits(p.producerId, Math.max(0, p.length - 1));
      b.flags.set(Buffer.from(p.flags, 'base64'));
      b.seen.set(Buffer.from(p.seen, 'base64'));
      const pos = Buffer.from(p.position, 'base64');
      // Copied into an aligned buffer: a Float64Array view needs an offset divisible by 8.
      b.position.set(new Float64Array(new Uint8Array(pos).buffer, 0, p.length));
    }
    return l;
  }

  /**
   * Adds another process's ledger, as if both had been one: sends and acknowledgements add up (each
   * producer id lives in one process); a record consumed in both counts once, and a second time as
   * redelivered (same log position, e.g. after a rebalance) or duplicated (another position).
   */
  merge(other: DeliveryLedger): void {
    const c = this.counts;
    const o = other.counts;
    c.sent += o.sent;
    c.acknowledged += o.acknowledged;
    c.failed += o.failed;
    c.duplicated += o.duplicated;
    c.redelivered += o.redelivered;
    for (const [producerId, ob] of other.producers) {
      const length = usedLength(ob);
      if (length === 0) continue;
      const b = this.bits(producerId, length - 1);
      for (let i = 0; i < length; i++) {
        b.flags[i]! |= ob.flags[i]!;
        const theirs = ob.seen[i]!;
        if (theirs === 0) continue;
        const mine = b.seen[i]!;
        if (mine === 0) {
          b.seen[i] = theirs;
          b.position[i] = ob.position[i]!;
          c.consumed++;
          continue;
        }
        if (b.position[i] === ob.position[i]) c.redelivered++;
        else c.duplicated++;
        b.seen[i] = Math.min(255, mine + theirs);
      }
    }
  }

  /** Whether every acknowledged record has been consumed (the drain condition). */
  allAcknowledgedConsumed(): boolean {
    return this.lag() === 0 && this.summary().lost === 0;
  }
}
