import { describe, expect, it } from 'vitest';
import { kafkajsConfig } from '../../src/cluster/kafkajs-adapter.js';
import { kafkajsSasl, platformaticSasl } from '../../src/cluster/sasl.js';
import type { Connection } from '../../src/cluster/port.js';

const conn = (mechanism: NonNullable<Connection['sasl']>['mechanism']): Connection => ({ bootstrapServers: ['k:9092'], sasl: { mechanism, username: 'u', password: 'p' } });

describe('SASL mapping per client library', () => {
  it.each([
    ['plain', 'plain', 'PLAIN'],
    ['scram-sha256', 'scram-sha-256', 'SCRAM-SHA-256'],
    ['scram-sha512', 'scram-sha-512', 'SCRAM-SHA-512'],
  ] as const)('%s is %s for kafkajs and %s for @platformatic/kafka', (mechanism, kafkajs, platformatic) => {
    expect(kafkajsSasl(conn(mechanism))).toEqual({ mechanism: kafkajs, username: 'u', password: 'p' });
    expect(platformaticSasl(conn(mechanism))).toEqual({ mechanism: platformatic, username: 'u', password: 'p' });
  });

  it('is undefined without SASL', () => {
    expect(kafkajsSasl({ bootstrapServers: [] } as Connection)).toBeUndefined();
    expect(platformaticSasl({ bootstrapServers: [] } as Connection)).toBeUndefined();
  });

  it('is what the kafkajs admin config uses', () => {
    expect(kafkajsConfig(conn('scram-sha512')).sasl).toEqual(kafkajsSasl(conn('scram-sha512')));
    expect(kafkajsConfig({ bootstrapServers: ['k:9092'] }).sasl).toBeUndefined();
  });
});
