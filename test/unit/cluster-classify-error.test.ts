import kafkajs from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { classifyKafkajsError } from '../../src/cluster/classify-error.js';
import { KafkaProtocolError } from '../../src/cluster/protocol-error.js';
import { ClusterError, UserError } from '../../src/errors.js';

// kafkajs' own error classes (its typings declare only some of them, with narrower constructors).
const { KafkaJSConnectionError, KafkaJSSASLAuthenticationError, KafkaJSProtocolError, KafkaJSCreateTopicError, KafkaJSAggregateError, KafkaJSNumberOfRetriesExceeded, KafkaJSRequestTimeoutError } =
  kafkajs as unknown as Record<
    | 'KafkaJSConnectionError'
    | 'KafkaJSSASLAuthenticationError'
    | 'KafkaJSProtocolError'
    | 'KafkaJSCreateTopicError'
    | 'KafkaJSAggregateError'
    | 'KafkaJSNumberOfRetriesExceeded'
    | 'KafkaJSRequestTimeoutError',
    new (...args: unknown[]) => Error
  >;

const plain = { bootstrapServers: ['127.0.0.1:9092'] };
const tls = { bootstrapServers: ['kafka:9093'], tls: { enabled: true, rejectUnauthorized: true } };

function classified(e: unknown, conn: Parameters<typeof classifyKafkajsError>[1] = plain): ClusterError {
  const out = classifyKafkajsError(e, conn);
  expect(out).toBeInstanceOf(ClusterError);
  expect(out).toBeInstanceOf(UserError); // printed as one line plus hint by the CLI
  return out as ClusterError;
}

describe('classifyKafkajsError', () => {
  it('SASL failures are auth', () => {
    const c = classified(new KafkaJSSASLAuthenticationError('SASL SCRAM SHA512 authentication failed: Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512'));
    expect(c.code).toBe('auth');
    expect(c.message).toMatch(/^authentication to 127\.0\.0\.1:9092 failed: SASL SCRAM/);
    expect(c.hint).toMatch(/KAFKAFORM_SASL_PASSWORD/);
  });

  it('a certificate problem is tls, with a hint for the CA file when TLS is on', () => {
    const c = classified(new KafkaJSConnectionError('self-signed certificate in certificate chain', { broker: 'kafka:9093' }), tls);
    expect(c.code).toBe('tls');
    expect(c.message).toBe('TLS connection to kafka:9093 failed: self-signed certificate in certificate chain');
    expect(c.hint).toMatch(/--ca-file/);
    expect(c.broker).toBe('kafka:9093');
  });

  it('a rejected client certificate says so', () => {
    expect(classified(new KafkaJSConnectionError('error:0A000412:SSL routines:ssl3_read_bytes:sslv3 alert bad certificate:../deps/openssl/openssl/ssl/record/rec_layer_s3.c:1605:SSL alert number 42'), tls).hint).toMatch(/^the broker rejected the client certificate/);
  });

  it('a TLS answer to a plaintext client suggests --tls', () => {
    expect(classified(new KafkaJSConnectionError('wrong version number')).hint).toMatch(/pass --tls/);
  });

  it('a dropped plaintext connection is unreachable, saying the broker may require TLS or SASL', () => {
    const c = classified(new KafkaJSConnectionError('Closed connection'));
    expect(c.code).toBe('unreachable');
    expect(c.message).toMatch(/the broker closed the connection: it may require TLS or SASL/);
  });

  it('a refused connection is unreachable', () => {
    const c = classified(new KafkaJSNumberOfRetriesExceeded(new KafkaJSConnectionError('Connection error: connect ECONNREFUSED 127.0.0.1:1'), { retryCount: 3, retryTime: 100 }));
    expect(c.code).toBe('unreachable');
    expect(c.message).toBe('cannot reach Kafka at 127.0.0.1:9092: Connection error: connect ECONNREFUSED 127.0.0.1:1');
  });

  it('an authorization failure is unauthorized', () => {
    const c = classified(new KafkaJSProtocolError({ message: 'Not authorized to access topics: [Topic authorization failed]', type: 'TOPIC_AUTHORIZATION_FAILED', code: 29 }));
    expect(c.code).toBe('unauthorized');
    expect(c.message).toBe('not authorized: Not authorized to access topics: [Topic authorization failed]');
  });

  it('a broker refusal is a KafkaProtocolError with Kafka’s error name, also inside aggregates and retries', () => {
    const refusal = new KafkaJSCreateTopicError({ message: 'Replication-factor is invalid', type: 'INVALID_REPLICATION_FACTOR', code: 38 }, 'orders');
    for (const e of [refusal, new KafkaJSAggregateError('Topic creation errors', [refusal]), new KafkaJSNumberOfRetriesExceeded(refusal, { retryCount: 1, retryTime: 1 })]) {
      const c = classified(e);
      expect(c).toBeInstanceOf(KafkaProtocolError);
      expect(c.code).toBe('protocol');
      expect((c as KafkaProtocolError).kafkaCode).toBe('INVALID_REPLICATION_FACTOR');
    }
  });

  it('a request timeout is timeout', () => {
    const c = classified(new KafkaJSRequestTimeoutError('Request Metadata(key: 3, version: 6) timed out', { broker: '127.0.0.1:9092', correlationId: 1, createdAt: 0, sentAt: 0, pendingDuration: 0 } as never));
    expect(c.code).toBe('timeout');
  });

  it('leaves anything else as it is (an internal error, with its stack)', () => {
    const bug = new TypeError('x is undefined');
    expect(classifyKafkajsError(bug, plain)).toBe(bug);
    const already = new ClusterError('timeout', 'slow');
    expect(classifyKafkajsError(already, plain)).toBe(already);
  });
});
