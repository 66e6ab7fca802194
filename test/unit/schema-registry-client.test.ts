/** Registry settings from topics.yaml and the REST client's requests (a recording fetch: no network). */
import { describe, expect, it } from 'vitest';
import { SchemaRegistryClient } from '../../src/schema/registry-client.js';
import { computeRegistrySettings, createRegistryClient } from '../../src/schema/registry-settings.js';
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

describe('computeRegistrySettings', () => {
  const doc = { schemaRegistry: { url: 'http://top:8081', username: 'svc', passwordFrom: 'env:SR_PW' }, environments: { prod: { schemaRegistry: { url: 'https://prod:8081' } } } };
  it('merges the environment overlay over the top level', () => {
    expect(computeRegistrySettings(doc, 'prod', {}, {})).toEqual({ url: 'https://prod:8081', username: 'svc', passwordFrom: 'env:SR_PW' });
    expect(computeRegistrySettings(doc, 'dev', {}, {})?.url).toBe('http://top:8081');
  });
  it('lets the environment variable and the flag override the file', () => {
    expect(computeRegistrySettings(doc, 'dev', {}, { KAFKAFORM_SCHEMA_REGISTRY_URL: 'http://env:1' })?.url).toBe('http://env:1');
    expect(computeRegistrySettings(doc, 'dev', { url: 'http://flag:2' }, { KAFKAFORM_SCHEMA_REGISTRY_URL: 'http://env:1' })?.url).toBe('http://flag:2');
  });
  it('is undefined when nothing configures a registry', () => {
    expect(computeRegistrySettings({ version: 1 }, 'dev', {}, {})).toBeUndefined();
  });
  it('resolves the password from passwordFrom, and names only the reference when it is missing', () => {
    expect(() => createRegistryClient({ url: 'http://x:1', username: 'svc', passwordFrom: 'env:SR_PW' }, '/tmp/topics.yaml', {})).toThrow(/SR_PW is not set/);
    expect(createRegistryClient({ url: 'http://x:1', username: 'svc', passwordFrom: 'env:SR_PW' }, '/tmp/topics.yaml', { SR_PW: 'pw' })).toBeInstanceOf(SchemaRegistryClient);
  });
});

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
