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

  /** Whether every acknowledged record has been consumed (the drain condition). */
  allAcknowledgedConsumed(): boolean {
    return this.lag() === 0 && this.summary().lost === 0;
  }
}
