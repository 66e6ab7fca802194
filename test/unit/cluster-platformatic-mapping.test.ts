import * as plt from '@platformatic/kafka';
import { describe, expect, it } from 'vitest';
import { classifyPlatformaticError, mapGroupState, mapQuotas, mapScramUsers } from '../../src/cluster/platformatic-mapping.js';
import { quotaEntityKey } from '../../src/cluster/port.js';
import { KafkaProtocolError } from '../../src/cluster/protocol-error.js';
import { ClusterError } from '../../src/errors.js';

const conn = { bootstrapServers: ['127.0.0.1:9092'] };

describe('the @platformatic/kafka adapter’s mapping', () => {
  it('reads SCRAM credentials by mechanism and iterations, users sorted, unknown mechanisms left out', () => {
    expect(
      mapScramUsers([
        { user: 'zed', credentialInfos: [{ mechanism: 2, iterations: 8192 }, { mechanism: 1, iterations: 4096 }] },
        { user: 'alice', credentialInfos: [{ mechanism: 2, iterations: 4096 }] },
        { user: 'odd', credentialInfos: [{ mechanism: 0, iterations: 1 }] },
      ]),
    ).toEqual([
      { name: 'alice', credentials: [{ mechanism: 'SCRAM-SHA-512', iterations: 4096 }] },
      { name: 'zed', credentials: [{ mechanism: 'SCRAM-SHA-256', iterations: 4096 }, { mechanism: 'SCRAM-SHA-512', iterations: 8192 }] },
    ]);
  });

  it('reads quotas of user, client-id, user + client-id and default entities; ip entities and unmodelled keys left out', () => {
    const q = mapQuotas([
      { entity: [{ entityType: 'user', entityName: 'alice' }], values: [{ key: 'producer_byte_rate', value: 1048576 }, { key: 'controller_mutation_rate', value: 5 }] },
      { entity: [{ entityType: 'client-id', entityName: null }], values: [{ key: 'consumer_byte_rate', value: 2048 }] },
      { entity: [{ entityType: 'user', entityName: 'alice' }, { entityType: 'client-id', entityName: 'app' }], values: [{ key: 'request_percentage', value: 50 }] },
      { entity: [{ entityType: 'ip', entityName: '10.0.0.1' }], values: [{ key: 'connection_creation_rate', value: 3 }] },
      { entity: [{ entityType: 'user', entityName: 'bob' }], values: [{ key: 'controller_mutation_rate', value: 5 }] },
    ]);
    expect(q).toEqual([
      { clientId: '<default>', consumerByteRate: 2048 },
      { user: 'alice', producerByteRate: 1048576 },
      { user: 'alice', clientId: 'app', requestPercentage: 50 },
    ]);
    expect(q.map(quotaEntityKey)).toEqual(['client-id=<default>', 'user=alice', 'user=alice,client-id=app']);
  });

  it('speaks Kafka’s group state names', () => {
    expect(['STABLE', 'PREPARING_REBALANCE', 'COMPLETING_REBALANCE', 'EMPTY', 'DEAD'].map(mapGroupState)).toEqual(['Stable', 'PreparingRebalance', 'CompletingRebalance', 'Empty', 'Dead']);
  });

  it('keeps Kafka’s error name of a broker refusal, looking through the client’s aggregates', () => {
    const refused = new plt.MultipleErrors('Creating topics failed.', [new plt.ResponseError(19, 7, { '/topics/0': [36, "Topic 'a' already exists."] }, {})]);
    const e = classifyPlatformaticError(refused, conn);
    expect(e).toBeInstanceOf(KafkaProtocolError);
    expect((e as KafkaProtocolError).kafkaCode).toBe('TOPIC_ALREADY_EXISTS');
    expect((e as KafkaProtocolError).message).toContain("Topic 'a' already exists.");
  });

  it('turns an unknown topic in a metadata request into UNKNOWN_TOPIC_OR_PARTITION', () => {
    const e = classifyPlatformaticError(new plt.UserError('Unknown topic orders.'), conn);
    expect((e as KafkaProtocolError).kafkaCode).toBe('UNKNOWN_TOPIC_OR_PARTITION');
    expect((e as KafkaProtocolError).message).toContain('(orders)');
  });

  it.each([
    ['an authorization failure', new plt.ResponseError(50, 0, { '': [31, null] }, {}), 'unauthorized'],
    ['a refused connection', new plt.MultipleErrors('metadata failed 4 times.', [new plt.NetworkError('Connection to 127.0.0.1:1 failed.', { cause: new Error('connect ECONNREFUSED 127.0.0.1:1') })]), 'unreachable'],
    ['a failed SASL login', new plt.AuthenticationError('SASL authentication failed.'), 'auth'],
  ])('classifies %s as ClusterError %s', (_, error, code) => {
    const e = classifyPlatformaticError(error, conn);
    expect(e).toBeInstanceOf(ClusterError);
    expect((e as ClusterError).code).toBe(code);
  });
});
