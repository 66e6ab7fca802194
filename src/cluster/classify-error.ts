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
