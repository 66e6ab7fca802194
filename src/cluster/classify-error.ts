/**
 * The one place kafkajs failures become kafkaform errors: a ClusterError with a code (auth, tls,
 * unreachable, unauthorized, timeout) and a hint that names the fix, or a KafkaProtocolError (code
 * `protocol`) carrying Kafka's error name. kafkajs reports connection trouble only as text, so the
 * connection classes are still recognised by their wording; protocol errors by their `type`.
 */
import { ClusterError } from '../errors.js';
import type { Connection } from './port.js';
import { KafkaProtocolError } from './protocol-error.js';

type KafkajsError = Error & { type?: string; broker?: string; cause?: unknown; errors?: unknown[] };

const SASL = /SASL|Authentication/i;
const TLS = /certificate|CERT_|self[- ]signed|unable to (get|verify)|SSL routines|handshake|wrong version number|altnames/i;
const CLIENT_CERT_REJECTED = /alert.*(certificate|unknown ca)|alert number 4[2-9]/i;
const DROPPED = /Closed connection|socket hang up|ECONNRESET/i;
const UNREACHABLE = /ECONNREFUSED|connect|Connection timeout|ENOTFOUND|broker.*not.*available/i;
const UNAUTHORIZED = /authoriz/i;
const TIMED_OUT = /timed out/i;

/** Kafka's error name of a kafkajs protocol error, looking through retries and aggregates. */
function protocolType(err: KafkajsError | undefined, depth = 0): string | undefined {
  if (!err || typeof err !== 'object' || depth > 3) return undefined;
  if (typeof err.type === 'string') return err.type;
  const inner = err.errors?.[0] ?? err.cause;
  return protocolType(inner as KafkajsError | undefined, depth + 1);
}

/** The kafkaform error for a kafkajs failure talking to `conn`; anything unrecognised is returned as it is. */
export function classifyKafkajsError(e: unknown, conn: Pick<Connection, 'bootstrapServers' | 'tls'>): unknown {
  if (e instanceof ClusterError || !(e instanceof Error)) return e;
  const err = e as KafkajsError;
  const msg = err.message;
  const servers = conn.bootstrapServers.join(',');
  const broker = typeof err.broker === 'string' ? err.broker : undefined;
  const type = protocolType(err);
  if (SASL.test(msg) || type === 'SASL_AUTHENTICATION_FAILED') {
    return new ClusterError('auth', `authentication to ${servers} failed: ${msg}`, 'check the SASL username, mechanism and password (sasl.passwordFrom / KAFKAFORM_SASL_PASSWORD)', broker);
  }
  // Before the generic "cannot reach": these connect errors have a specific cause and fix.
  if (TLS.test(msg)) {
    return new ClusterError(
      'tls',
      `TLS connection to ${servers} failed: ${msg}`,
      CLIENT_CERT_REJECTED.test(msg)
        ? 'the broker rejected the client certificate: check --cert-file/--key-file (KAFKAFORM_TLS_CERT_FILE/KEY_FILE, cluster.tls.certFile/keyFile); it must be signed by a CA the broker trusts'
        : conn.tls?.enabled
          ? "check --ca-file / KAFKAFORM_TLS_CA_FILE / cluster.tls.caFile: it must be the CA that signed the broker's certificate, and the certificate must name the host you connect to"
          : 'the server expects TLS: pass --tls (and --ca-file for a private CA)',
      broker,
    );
  }
  if (!conn.tls?.enabled && DROPPED.test(msg)) {
    // A TLS listener drops a plaintext client without a word: that is all kafkajs can report.
    return new ClusterError(
      'unreachable',
      `cannot reach Kafka at ${servers}: ${msg} (the broker closed the connection: it may require TLS or SASL)`,
      'if the listener uses TLS, pass --tls (and --ca-file for a private CA); with SASL, --sasl-username and KAFKAFORM_SASL_PASSWORD',
      broker,
    );
  }
  if (UNREACHABLE.test(msg)) {
    return new ClusterError('unreachable', `cannot reach Kafka at ${servers}: ${msg}`, 'check --bootstrap-servers / KAFKAFORM_BOOTSTRAP_SERVERS, or start the local cluster with `kafkaform dev up`', broker);
  }
  if (UNAUTHORIZED.test(msg)) {
    return new ClusterError('unauthorized', `not authorized: ${msg}`, 'the principal kafkaform connects as needs Describe/DescribeConfigs on topics and Describe on the cluster (or super-user)', broker);
  }
  if (type) return new KafkaProtocolError(type, msg, undefined, broker);
  if (err.name === 'KafkaJSRequestTimeoutError' || TIMED_OUT.test(msg)) {
    return new ClusterError('timeout', `a request to Kafka at ${servers} timed out: ${msg}`, 'the cluster may be overloaded or a broker unreachable; retry, or check the brokers', broker);
  }
  return e;
}

/**
 * Kafka's error names that mean "not now" rather than "no": leadership or a coordinator is moving,
 * a broker's metadata lags the controller's, a request timed out. A rolling restart produces all
 * of them; a read that meets one and asks again (after a metadata refresh) gets the true answer.
 */
export const RETRIABLE_KAFKA_ERRORS: ReadonlySet<string> = new Set([
  'NOT_LEADER_OR_FOLLOWER',
  'LEADER_NOT_AVAILABLE',
  'UNKNOWN_TOPIC_OR_PARTITION',
  'UNKNOWN_TOPIC_ID',
  'REPLICA_NOT_AVAILABLE',
  'FENCED_LEADER_EPOCH',
  'UNKNOWN_LEADER_EPOCH',
  'OFFSET_NOT_AVAILABLE',
  'REQUEST_TIMED_OUT',
  'NETWORK_EXCEPTION',
  'BROKER_NOT_AVAILABLE',
  'COORDINATOR_LOAD_IN_PROGRESS',
  'COORDINATOR_NOT_AVAILABLE',
  'NOT_COORDINATOR',
  'NOT_CONTROLLER',
  'KAFKA_STORAGE_ERROR',
  'THROTTLING_QUOTA_EXCEEDED',
]);

/**
 * Whether a failed read may succeed when asked again: a retriable Kafka error always; a lost
 * connection or a timeout only once the cluster has answered this client (`answeredBefore`: one
 * broker went away while others are up). Before that, an unreachable cluster fails at once, since
 * asking again would only make a wrong address slower to report. Authentication, TLS and
 * authorization failures are never retried. Works on the errors every ClusterPort raises (already
 * classified) and on a @platformatic/kafka error that says `canRetry` itself.
 */
export function isRetriableReadError(e: unknown, answeredBefore: boolean): boolean {
  if (e instanceof KafkaProtocolError) return RETRIABLE_KAFKA_ERRORS.has(e.kafkaCode);
  if (e instanceof ClusterError) return answeredBefore && (e.code === 'unreachable' || e.code === 'timeout');
  const plt = e as { canRetry?: unknown; findBy?: (k: string, v: unknown) => unknown } | undefined;
  if (plt && typeof plt === 'object' && plt.canRetry === true && typeof plt.findBy === 'function') return answeredBefore && !plt.findBy('canRetry', false);
  return false;
}

const BROKER_IN_TEXT = /(?:Connection to |broker |connect ECONNREFUSED |connect ETIMEDOUT )(\[[0-9a-fA-F:]+\]:\d+|[\w.-]+:\d+)/;

/** The broker a failure names (the error's own `broker`, else the host:port in its wording), if any. */
export function brokerOf(e: unknown): string | undefined {
  if (e instanceof ClusterError && e.broker) return e.broker;
  const text = e instanceof Error ? e.message : undefined;
  return text ? BROKER_IN_TEXT.exec(text)?.[1] : undefined;
}
