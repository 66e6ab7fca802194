/**
 * One open-loop load producer: it sends what its schedule says is due, whatever the broker's pace,
 * so a slow broker shows up as publish delay (no coordinated omission); every record goes through
 * the ledger (sent, then acknowledged or failed). At an infinite rate it runs closed loop instead
 * (a full batch whenever an in-flight slot frees up): the ceiling phase of --rate max.
 */
import { sleep } from '../os/process.js';
import type { LoadProducer, LoadRecord } from './load-client.js';
import { encodeRecordValue, HEADER_BYTES, nowMs } from './message.js';
import { MIB } from './report-types.js';
import type { RunAccounts, TopicState } from './run-state.js';

const MAX_BATCH_BYTES = 1 * MIB;
/** Per partition in one send: half the broker's default 1 MiB message.max.bytes (a record batch larger than that is refused). */
const MAX_PARTITION_BATCH_BYTES = 512 * 1024;
const MAX_BATCH_RECORDS = 2000;
const MAX_IN_FLIGHT_PER_PRODUCER = 8;

/** One sending loop: a producer, or one lane of it. */
export interface ProducerRun {
  st: TopicState;
  p: LoadProducer;
  /** Run-wide id: the stamp's producer id and the ledger's key. */
  id: number;
  /** This loop's share of the topic's rate and message cap. */
  share: number;
  /** The partitions it writes to, round robin, starting at `firstPartition` (an index into them). */
  partitions: number[];
  firstPartition: number;
}

/** One producer until the run stops: batches what is due (open loop) or as much as fits (closed loop), up to its in-flight limit. */
export async function runProducer({ st, p, id, share, partitions, firstPartition }: ProducerRun, ctx: { runTag: number; endAt: number; stopped: () => boolean; acc: RunAccounts }): Promise<void> {
  const { acc } = ctx;
  const size = st.w.messageBytes;
  const perProducerMax = Math.ceil(st.w.maxMessages * share);
  const batchCap = Math.max(1, Math.min(MAX_BATCH_RECORDS, Math.floor(Math.min(MAX_BATCH_BYTES, MAX_PARTITION_BATCH_BYTES * partitions.length) / size)));
  const inFlight = new Set<Promise<void>>();
  let seq = 0;
  let next = acc.buckets.t0;
  let pi = firstPartition;
  let closedLoop = false;
  while (!ctx.stopped() && seq < perProducerMax) {
    // A free in-flight slot first: the batch is then built from everything due, and its publish latency is the broker's alone.
    while (inFlight.size >= Math.min(MAX_IN_FLIGHT_PER_PRODUCER, p.maxInFlight)) await Promise.race(inFlight);
    const now = nowMs();
    if (now >= ctx.endAt || ctx.stopped()) break;
    // An infinite rate is closed loop (the --rate max ceiling phase): a full batch whenever a slot is free, no schedule.
    const wasClosedLoop = closedLoop;
    closedLoop = !Number.isFinite(st.rate);
    if (closedLoop || wasClosedLoop || st.rate === 0) next = now;
    if (st.rate === 0) {
      // Paused (between the ceiling phase and the first step): the schedule restarts from the resume.
      await sleep(20);
      continue;
    }
    if (next > now) {
      await sleep(Math.min(next - now, 20));
      continue;
    }
    const interval = closedLoop ? 0 : 1000 / (st.rate * share);
    const records: LoadRecord[] = [];
    const intended: number[] = [];
    const firstSeq = seq;
    const sentAt = nowMs();
    const payloads = st.w.payloads && st.w.payloads.length > 0 ? st.w.payloads : undefined;
    // One allocation for the whole batch's values (or stamps), sliced per record: no per-record buffer.
    const want = Math.min(batchCap, perProducerMax - seq, closedLoop ? batchCap : Math.max(1, Math.floor((now - next) / Math.max(interval, 1e-9)) + 1));
    const slot = payloads ? HEADER_BYTES : Math.max(size, HEADER_BYTES);
    const arena = Buffer.allocUnsafe(want * slot);
    while ((closedLoop || next <= now) && records.length < batchCap && seq < perProducerMax) {
      const stamp = { runTag: ctx.runTag, producerId: id, sequence: seq, sentAtMs: sentAt };
      const key = Buffer.from(`${id}:${seq}`);
      const partition = partitions[pi]!;
      const n = records.length;
      const into = n < want ? arena.subarray(n * slot, (n + 1) * slot) : undefined;
      records.push(payloads ? { partition, key, value: payloads[seq % payloads.length]!, stamp: encodeRecordValue(stamp, HEADER_BYTES, into) } : { partition, key, value: encodeRecordValue(stamp, size, into) });
      if (!closedLoop) intended.push(next);
      st.ledger.markSent(id, seq);
      seq++;
      pi = (pi + 1) % partitions.length;
      next += interval;
    }
    const b = acc.buckets.at(sentAt);
    b.sent += records.length;
    // Closed loop has no schedule to fall behind.
    if (!closedLoop) {
      for (const i of intended) {
        b.delay.recordMs(sentAt - i);
        b.sketches?.delay.recordMs(sentAt - i);
      }
    }
    const sending = p
      .send(st.w.loadTopic, records)
      .then(
        () => {
          const at = nowMs();
          const lat = at - sentAt;
          const ab = acc.buckets.at(at);
          for (let s = firstSeq; s < firstSeq + records.length; s++) st.ledger.markAcknowledged(id, s);
          // Every record of the batch has the batch's publish latency: one histogram update each, not one per record.
          st.publish.recordMs(lat, records.length);
          ab.publish.recordMs(lat, records.length);
          ab.sketches?.publish.recordMs(lat, records.length);
          ab.acked += records.length;
          ab.ackedBytes += records.length * size;
          st.ackedBytes += records.length * size;
          st.firstAckAt ??= at;
          st.lastAckAt = at;
        },
        (e) => {
          for (let s = firstSeq; s < firstSeq + records.length; s++) st.ledger.markFailed(id, s);
          acc.noteError(e);
          acc.buckets.at(nowMs()).errors++;
        },
      )
      .finally(() => inFlight.delete(sending));
    inFlight.add(sending);
    // Yield so acknowledgements and consumed records get processed between batches.
    await new Promise<void>((r) => setImmediate(r));
  }
  await Promise.allSettled([...inFlight]);
}
