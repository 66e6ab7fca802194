import { describe, expect, it } from 'vitest';
import { renderWorkerProperties } from '../../src/dev/connect-worker.js';

const props = (text: string): Record<string, string> =>
  Object.fromEntries(
    text
      .split('\n')
      .filter((l) => l && !l.startsWith('#'))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );

describe('renderWorkerProperties', () => {
  it('joins the cluster on loopback with one-replica internal topics and the plugin directory', () => {
    const p = props(renderWorkerProperties({ bootstrapServers: ['127.0.0.1:29092', '127.0.0.1:29093'], port: 18083, groupId: 'g1', pluginDir: '/cache/plugins' }));
    expect(p['bootstrap.servers']).toBe('127.0.0.1:29092,127.0.0.1:29093');
    expect(p.listeners).toBe('http://127.0.0.1:18083');
    expect(p['plugin.path']).toBe('/cache/plugins');
    expect(p['plugin.discovery']).toBe('service_load');
    expect(p['config.storage.topic']).toBe('_g1-configs');
    expect(p['offset.storage.topic']).toBe('_g1-offsets');
    expect(p['status.storage.topic']).toBe('_g1-status');
    for (const k of ['config', 'offset', 'status']) expect(p[`${k}.storage.replication.factor`]).toBe('1');
    expect(p['config.providers']).toBe('env,file');
    expect(p['security.protocol']).toBeUndefined();
  });

  it('with SASL, the worker and its producer, consumer and admin clients all authenticate', () => {
    const p = props(renderWorkerProperties({ bootstrapServers: ['127.0.0.1:1'], port: 1, groupId: 'g', pluginDir: '/p', sasl: { mechanism: 'scram-sha512', username: 'admin', password: 's3cret' } }));
    for (const prefix of ['', 'producer.', 'consumer.', 'admin.']) {
      expect(p[`${prefix}security.protocol`]).toBe('SASL_PLAINTEXT');
      expect(p[`${prefix}sasl.mechanism`]).toBe('SCRAM-SHA-512');
      expect(p[`${prefix}sasl.jaas.config`]).toContain('username="admin" password="s3cret"');
    }
  });
});
