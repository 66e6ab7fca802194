/**
 * The load-test record layout: every value carries who sent it, its sequence number and when it
 * was sent, so the consumer side can measure end-to-end latency and prove nothing was lost or
 * duplicated. Records of other runs (or foreign data on --use-existing topics) are recognised and skipped.
 */

const MAGIC = 0x4b464c54; // 'KFLT'
/** magic u32 | run tag u32 | producer id u32 | sequence f64 | send time f64 (ms since epoch, sub-ms precision). */
export const HEADER_BYTES = 28;
export const MIN_MESSAGE_BYTES = 32;

export interface RecordStamp {
  runTag: number;
  producerId: number;
  sequence: number;
  sentAtMs: number;
}

/** A value of exactly `size` bytes carrying the stamp (the rest is filler, shared to keep allocation cheap). */
export function encodeRecordValue(stamp: RecordStamp, size: number): Buffer {
  const buf = Buffer.allocUnsafe(Math.max(size, HEADER_BYTES));
  buf.writeUInt32BE(MAGIC, 0);
  buf.writeUInt32BE(stamp.runTag >>> 0, 4);
  buf.writeUInt32BE(stamp.producerId >>> 0, 8);
  buf.writeDoubleBE(stamp.sequence, 12);
  buf.writeDoubleBE(stamp.sentAtMs, 20);
  // Deterministic filler (not zeros, so that compression is not absurdly effective).
  for (let i = HEADER_BYTES; i < buf.length; i++) buf[i] = (i * 31 + stamp.sequence) & 0xff;
  return buf;
}

/** The stamp of a load-test value, or undefined when the value is not one of ours. */
export function decodeRecordValue(value: Buffer): RecordStamp | undefined {
  if (value.length < HEADER_BYTES || value.readUInt32BE(0) !== MAGIC) return undefined;
  return {
    runTag: value.readUInt32BE(4),
    producerId: value.readUInt32BE(8),
    sequence: value.readDoubleBE(12),
    sentAtMs: value.readDoubleBE(20),
  };
}

/** Wall-clock milliseconds with sub-millisecond resolution, monotonic within the process. */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}
