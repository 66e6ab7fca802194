import { describe, expect, it } from 'vitest';
import { InMemoryLoadClient } from '../../src/loadtest/in-memory-load-client.js';
import type { ConsumedRecord, LoadRecord } from '../../src/loadtest/load-client.js';

const PRODUCER = { clientId: 'p', acks: 'all', compression: 'none', idempotent: true } as const;
const rec = (partition: number, v: string): LoadRecord => ({ partition, key: Buffer.from(v), value: Buffer.from(v) });
/** Lets the client's delivery timer run. */
const settle = () => new Promise((r) => setTimeout(r, 10));

async function consume(client: InMemoryLoadClient, groupId: string, fromBeginning = true) {
  const got: ConsumedRecord[] = [];
  const c = client.createConsumer({ clientId: 'c', groupId, topics: ['t'], fromBeginning });
  await c.start((rs) => got.push(...rs));
  return { got, values: () => got.map((r) => r.value.toString()), stop: () => c.disconnect(), pause: () => c.pause(), resume: () => c.resume() };
}

describe('InMemoryLoadClient', () => {
  it('appends per partition and delivers with offsets', async () => {
    const client = new InMemoryLoadClient();
    const p = client.createProducer(PRODUCER);
    await p.send('t', [rec(0, 'a'), rec(1, 'b'), rec(0, 'c')]);
    const c = await consume(client, 'g');
    await settle();
    expect(c.got.map((r) => [r.partition, r.offset, r.value.toString()]).sort()).toEqual([
      [0, 0, 'a'],
      [0, 1, 'c'],
      [1, 0, 'b'],
    ]);
  });

  it('resumes a group from its committed positions, and a new group without fromBeginning reads only new records', async () => {
    const client = new InMemoryLoadClient();
    const p = client.createProducer(PRODUCER);
    await p.send('t', [rec(0, 'a')]);
    const first = await consume(client, 'g');
    await settle();
    await first.stop();
    const latest = await consume(client, 'other', false);
    await p.send('t', [rec(0, 'b')]);
    const second = await consume(client, 'g');
    await settle();
    expect(first.values()).toEqual(['a']);
    expect(second.values()).toEqual(['b']);
    expect(latest.values()).toEqual(['b']);
  });

  it('hands a paused consumer nothing and, resumed, everything it missed, in order', async () => {
    const client = new InMemoryLoadClient();
    const p = client.createProducer(PRODUCER);
    const c = await consume(client, 'g');
    await p.send('t', [rec(0, 'a')]);
    await settle();
    c.pause();
    c.pause(); // idempotent
    await p.send('t', [rec(0, 'b'), rec(0, 'c')]);
    await settle();
    expect(c.values()).toEqual(['a']);
    c.resume();
    await settle();
    expect(c.values()).toEqual(['a', 'b', 'c']);
  });

  it('splits the partitions among the members of a group', async () => {
    const client = new InMemoryLoadClient();
    const a = await consume(client, 'g');
    const b = await consume(client, 'g');
    await client.createProducer(PRODUCER).send('t', [rec(0, 'x'), rec(1, 'y')]);
    await settle();
    expect([a.values(), b.values()]).toEqual([['x'], ['y']]);
  });

  it('injects faults: a duplicate at the next offset, a lost record, a lost acknowledgement', async () => {
    const client = new InMemoryLoadClient({ duplicate: (n) => n === 0, lose: (n) => n === 1, dropAck: (batch) => batch === 1 });
    const p = client.createProducer(PRODUCER);
    await p.send('t', [rec(0, 'a'), rec(0, 'b')]);
    await expect(p.send('t', [rec(0, 'c')])).rejects.toThrow('acknowledgement of batch 1 lost');
    expect(client.log('t', 0).map(String)).toEqual(['a', 'a', 'c']);
  });
});
