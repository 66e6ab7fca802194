/** Registry settings: the manifest's (resolved per environment by normalisation), then environment variables, then flags. */
import { describe, expect, it } from 'vitest';
import { SchemaRegistryClient } from '../../src/registry/registry-client.js';
import { computeRegistrySettings, createRegistryClient, readRegistrySettings } from '../../src/registry/registry-settings.js';
import { specBuilder } from '../helpers/spec-builder.js';

describe('computeRegistrySettings', () => {
  const fake = specBuilder({ schemaRegistry: { url: 'http://top:8081', username: 'svc', passwordFrom: 'env:SR_PW' } })
    .environment('prod', { schemaRegistry: { url: 'https://prod:8081' } })
    .environment('dev');
  const declared = (env: string) => fake.resolve(env).schemaRegistry;
  it('merges the environment overlay over the top level', () => {
    expect(computeRegistrySettings(declared('prod'), {}, {})).toEqual({ url: 'https://prod:8081', username: 'svc', passwordFrom: 'env:SR_PW' });
    expect(computeRegistrySettings(declared('dev'), {}, {})?.url).toBe('http://top:8081');
  });
  it('lets the environment variable and the flag override the file', () => {
    expect(computeRegistrySettings(declared('dev'), {}, { KAFKAFORM_SCHEMA_REGISTRY_URL: 'http://env:1' })?.url).toBe('http://env:1');
    expect(computeRegistrySettings(declared('dev'), { url: 'http://flag:2' }, { KAFKAFORM_SCHEMA_REGISTRY_URL: 'http://env:1' })?.url).toBe('http://flag:2');
  });
  it('is undefined when nothing configures a registry', () => {
    expect(computeRegistrySettings(specBuilder().resolve().schemaRegistry, {}, {})).toBeUndefined();
    expect(readRegistrySettings(specBuilder().resolve(), {}, {})).toBeUndefined();
  });
  it('resolves the password from passwordFrom, and names only the reference when it is missing', () => {
    expect(() => createRegistryClient({ url: 'http://x:1', username: 'svc', passwordFrom: 'env:SR_PW' }, '/tmp/topics.yaml', {})).toThrow(/SR_PW is not set/);
    expect(createRegistryClient({ url: 'http://x:1', username: 'svc', passwordFrom: 'env:SR_PW' }, '/tmp/topics.yaml', { SR_PW: 'pw' })).toBeInstanceOf(SchemaRegistryClient);
  });
});
