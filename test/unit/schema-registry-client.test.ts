/** The registry REST client's requests (a recording fetch: no network); settings are in registry-settings.test.ts. */
import { describe, expect, it } from 'vitest';
import { SchemaRegistryClient } from '../../src/registry/registry-client.js';
import { UserError } from '../../src/errors.js';

function recordingFetch(responses: Record<string, { status: number; body: unknown }>) {
  const calls: { method: string; url: string; headers: Record<string, string>; body?: string }[] = [];
  const f = (async (url: string, init: RequestInit) => {
    calls.push({ method: init.method ?? 'GET', url, headers: init.headers as Record<string, string>, body: init.body as string | undefined });
    const key = `${init.method} ${new URL(url).pathname}`;
    const r = responses[key] ?? { status: 404, body: { error_code: 40401, message: 'Subject not found' } };
    return new Response(JSON.stringify(r.body), { status: r.status });
  }) as unknown as typeof fetch;
  return { f, calls };
}

describe('SchemaRegistryClient', () => {
  it('sends basic auth, the registry content type, and JSON schemaType only for non-Avro', async () => {
    const { f, calls } = recordingFetch({ 'POST /subjects/t-value/versions': { status: 200, body: { id: 7 } } });
    const c = new SchemaRegistryClient({ url: 'http://127.0.0.1:9/', username: 'u', password: 'p4ssw0rd', fetch: f });
    expect(await c.register('t-value', '{"type":"object"}', 'JSON')).toBe(7);
    expect(await c.register('t-value', '"string"', 'AVRO')).toBe(7);
    expect(calls[0]!.url).toBe('http://127.0.0.1:9/subjects/t-value/versions');
    expect(calls[0]!.headers.Authorization).toBe(`Basic ${Buffer.from('u:p4ssw0rd').toString('base64')}`);
    expect(calls[0]!.headers['Content-Type']).toBe('application/vnd.schemaregistry.v1+json');
    expect(JSON.parse(calls[0]!.body!)).toEqual({ schema: '{"type":"object"}', schemaType: 'JSON' });
    expect(JSON.parse(calls[1]!.body!)).toEqual({ schema: '"string"' });
  });

  it('maps 404 to "absent", null subject lists to [], and errors without the password', async () => {
    const { f } = recordingFetch({ 'GET /subjects': { status: 200, body: null }, 'GET /config': { status: 500, body: { error_code: 50001, message: 'boom' } } });
    const c = new SchemaRegistryClient({ url: 'http://127.0.0.1:9', username: 'u', password: 'p4ssw0rd', fetch: f });
    expect(await c.listSubjects()).toEqual([]);
    expect(await c.listVersions('x')).toEqual([]);
    expect(await c.getVersion('x', 'latest')).toBeUndefined();
    expect(await c.getSubjectCompatibility('x')).toBeUndefined();
    expect(await c.checkCompatibility('x', '"string"', 'AVRO')).toEqual({ isCompatible: true, messages: [] });
    const err = await c.getGlobalCompatibility().catch((e: Error) => e);
    expect((err as Error).message).toContain('HTTP 500');
    expect((err as Error).message).not.toContain('p4ssw0rd');
  });

  it('turns 401 and an unreachable registry into user errors', async () => {
    const { f } = recordingFetch({ 'GET /subjects': { status: 401, body: { message: 'unauthorized' } } });
    await expect(new SchemaRegistryClient({ url: 'http://127.0.0.1:9', fetch: f }).listSubjects()).rejects.toBeInstanceOf(UserError);
    await expect(new SchemaRegistryClient({ url: 'http://127.0.0.1:1', timeoutMs: 2000 }).listSubjects()).rejects.toThrow(/not reachable/);
  });
});
