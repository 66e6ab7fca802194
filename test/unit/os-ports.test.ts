import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { findFreePort, findFreePortRange, portAcceptsTcp, portIsFree } from '../../src/os/ports.js';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

async function listen(port: number): Promise<void> {
  const s = createServer();
  servers.push(s);
  await new Promise<void>((r) => s.listen(port, '127.0.0.1', r));
}

describe('ports', () => {
  it('a port findFreePort returns is free and accepts nothing; once bound, it is busy and accepts', async () => {
    const port = await findFreePort();
    expect(port).toBeGreaterThan(0);
    expect(await portIsFree(port)).toBe(true);
    expect(await portAcceptsTcp(port)).toBe(false);
    await listen(port);
    expect(await portIsFree(port)).toBe(false);
    expect(await portAcceptsTcp(port)).toBe(true);
  });

  it('findFreePortRange returns a base whose offsets are all free and honours avoid', async () => {
    const base = await findFreePortRange([0, 1, 100, 101], { min: 40_000, max: 40_500, avoid: (b) => b % 2 === 1 });
    expect(base).toBeDefined();
    expect(base! % 2).toBe(0);
    for (const o of [0, 1, 100, 101]) expect(await portIsFree(base! + o)).toBe(true);
  });

  it('findFreePortRange gives up (undefined) when no base qualifies', async () => {
    const port = await findFreePort();
    await listen(port);
    expect(await findFreePortRange([0], { min: port, max: port + 1, attempts: 3 })).toBeUndefined();
  });
});
