import * as plt from '@platformatic/kafka';
import { describe, expect, it } from 'vitest';
import { installPlatformaticWorkarounds, platformaticCompression, sendRerouting, watchCoordinatorHeartbeats } from '../../src/loadtest/platformatic-workarounds.js';

describe('installPlatformaticWorkarounds', () => {
  it('turns the TypeError for a crashed leader into a retriable error, and installs once', async () => {
    const pool = new plt.ConnectionPool('kafkaform-unit');
    // Upstream behaviour without the patch: a synchronous TypeError (uncaught when it happens in a callback).
    expect(() => pool.get(undefined as never, () => {})).toThrow(TypeError);
    installPlatformaticWorkarounds();
    const patched = plt.ConnectionPool.prototype.get;
    installPlatformaticWorkarounds();
    expect(plt.ConnectionPool.prototype.get).toBe(patched);
    const viaCallback = await new Promise<Error | null>((resolve) => pool.get(undefined as never, (e) => resolve(e)));
    expect(viaCallback?.message).toContain('partition leader is not a live broker');
    await expect(pool.get(undefined as never)).rejects.toThrow('retrying with fresh metadata');
  });
});

/** A produce failure as @platformatic/kafka reports it: what did get written is in `produced.offsets`. */
function produceError(message: string, writtenPartitions: number[], canRetry = true): Error {
  return Object.assign(new Error(message), {
    produced: { offsets: writtenPartitions.map((partition) => ({ partition, offset: 0n })) },
    findBy: (k: string, v: unknown) => (k === 'canRetry' && v === canRetry ? {} : undefined),
  });
}

describe('sendRerouting', () => {
  const records = [0, 1, 2].map((partition) => ({ partition }));

  it('re-sends only the partitions that were not written, after clearing the metadata', async () => {
    const sent: number[][] = [];
    const warnings: string[] = [];
    let cleared = 0;
    await sendRerouting(records, {
      send: async (pending) => {
        sent.push(pending.map((r) => r.partition));
        if (sent.length === 1) throw produceError('leader gone', [0, 2]);
      },
      clearMetadata: () => cleared++,
      warn: (m) => warnings.push(m),
    });
    expect(sent).toEqual([[0, 1, 2], [1]]);
    expect(cleared).toBe(1);
    expect(warnings).toEqual(['re-sending 1 record(s) after: leader gone']);
  });

  it('gives up at once on an error the broker says not to retry', async () => {
    let calls = 0;
    const send = async () => {
      calls++;
      throw produceError('not authorized', [], false);
    };
    await expect(sendRerouting(records, { send, clearMetadata: () => {}, warn: () => {} })).rejects.toThrow('not authorized');
    expect(calls).toBe(1);
  });
});

describe('watchCoordinatorHeartbeats', () => {
  it('reports the member gone after three heartbeat failures in a row, not after interrupted ones', () => {
    const handlers = new Map<string, () => void>();
    const consumer = { on: (event: string, f: () => void) => handlers.set(event, f) };
    const gone: string[] = [];
    watchCoordinatorHeartbeats(consumer, (reason) => gone.push(reason));
    const fail = handlers.get('consumer:heartbeat:error')!;
    const ok = handlers.get('consumer:heartbeat:end')!;
    fail();
    fail();
    ok();
    fail();
    fail();
    expect(gone).toEqual([]);
    fail();
    expect(gone).toEqual(['group coordinator unreachable (heartbeats failing)']);
  });
});

describe('platformaticCompression', () => {
  it('offers zstd only where node:zlib has it', () => {
    expect(platformaticCompression('zstd', false)).toBeUndefined();
    expect(platformaticCompression('zstd', true)).toBe('zstd');
    expect(platformaticCompression('lz4', false)).toBe('lz4');
    expect(platformaticCompression('none', false)).toBe('none');
  });
});
