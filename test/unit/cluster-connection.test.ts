import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveConnection, type ConnectionTarget, type EmbeddedCluster } from '../../src/cluster/connection.js';
import { UserError } from '../../src/errors.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kafkaform-connection-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const target = (over: Partial<ConnectionTarget['cluster']> = {}): ConnectionTarget => ({
  file: join(dir, 'topics.yaml'),
  environment: 'dev',
  cluster: { bootstrapServers: ['spec:9092'], connection: {}, ...over },
});

const EMBEDDED: EmbeddedCluster = {
  bootstrapServers: ['127.0.0.1:29092'],
  dataDir: '/cache/clusters/default',
  sasl: { mechanism: 'scram-sha512', username: 'admin', password: 'embedded-secret' },
};

describe('resolveConnection', () => {
  it('takes --bootstrap-servers over the environment variable over the spec', async () => {
    expect((await resolveConnection(target(), { bootstrapServers: 'flag:9092' }, { env: { KAFKAFORM_BOOTSTRAP_SERVERS: 'env:9092' } })).connection.bootstrapServers).toEqual(['flag:9092']);
    const fromEnv = await resolveConnection(target(), {}, { env: { KAFKAFORM_BOOTSTRAP_SERVERS: 'env:9092, env2:9092' } });
    expect([fromEnv.source, fromEnv.connection.bootstrapServers]).toEqual(['env', ['env:9092', 'env2:9092']]);
    const fromSpec = await resolveConnection(target(), {}, { env: {} });
    expect([fromSpec.source, fromSpec.connection.bootstrapServers]).toEqual(['spec', ['spec:9092']]);
  });

  it('without servers and without a starter, names the environment and the ways to say where', async () => {
    const e = await resolveConnection(target({ bootstrapServers: [] }), {}, { env: {} }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(UserError);
    expect((e as UserError).message).toBe('environment "dev" names no bootstrap servers');
  });

  it('starts the embedded cluster through the injected starter and uses its admin credentials', async () => {
    const asked: unknown[] = [];
    const rc = await resolveConnection(target({ bootstrapServers: [], brokers: 3 }), {}, { env: { KAFKAFORM_KAFKA_VERSION: '3.9.1' }, embedded: async (want) => (asked.push(want), EMBEDDED) });
    expect(asked).toEqual([{ brokers: 3, onProgress: undefined, kafkaVersion: '3.9.1' }]);
    expect(rc.source).toBe('embedded');
    expect(rc.embedded).toBe(EMBEDDED);
    expect(rc.connection).toEqual({ bootstrapServers: ['127.0.0.1:29092'], sasl: EMBEDDED.sasl });
  });

  it('never starts the embedded cluster when servers are named', async () => {
    const rc = await resolveConnection(target(), {}, { env: {}, embedded: () => Promise.reject(new Error('must not start')) });
    expect(rc.source).toBe('spec');
  });

  it('reads the SASL password from the environment for a flag user, never from a flag', async () => {
    const rc = await resolveConnection(target(), { saslUsername: 'ops', saslMechanism: 'scram-sha256' }, { env: { KAFKAFORM_SASL_PASSWORD: 'pw' } });
    expect(rc.connection.sasl).toEqual({ mechanism: 'scram-sha256', username: 'ops', password: 'pw' });
    await expect(resolveConnection(target(), { saslUsername: 'ops' }, { env: {} })).rejects.toThrow(/KAFKAFORM_SASL_PASSWORD is not set/);
    await expect(resolveConnection(target(), { saslUsername: 'ops', saslMechanism: 'gssapi' }, { env: { KAFKAFORM_SASL_PASSWORD: 'pw' } })).rejects.toThrow(/unknown SASL mechanism "gssapi"/);
  });

  it('resolves the spec’s passwordFrom relative to the spec file', async () => {
    writeFileSync(join(dir, 'kafka.pw'), 'from-file\n');
    const rc = await resolveConnection(target({ connection: { sasl: { mechanism: 'scram-sha512', username: 'app', passwordFrom: 'file:kafka.pw' } } }), {}, { env: {} });
    expect(rc.connection.sasl).toMatchObject({ username: 'app', password: 'from-file' });
  });

  it('reads the TLS files (spec paths relative to the spec file) and keeps their paths for terraform', async () => {
    writeFileSync(join(dir, 'ca.pem'), 'CA PEM');
    const rc = await resolveConnection(target({ connection: { tls: { enabled: true, caFile: 'ca.pem' } } }), {}, { env: {} });
    expect(rc.connection.tls).toEqual({ enabled: true, ca: 'CA PEM', cert: undefined, key: undefined, rejectUnauthorized: true });
    expect(rc.tlsFiles?.caFile).toBe(join(dir, 'ca.pem'));
    await expect(resolveConnection(target(), { tls: true, caFile: join(dir, 'missing.pem') }, { env: {} })).rejects.toThrow(/cannot read TLS CA file/);
  });

  it('rejects a server that is not host:port', async () => {
    await expect(resolveConnection(target(), { bootstrapServers: 'kafka' }, { env: {} })).rejects.toThrow(/bootstrap server "kafka" is not host:port/);
  });
});
