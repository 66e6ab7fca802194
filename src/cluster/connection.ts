/**
 * Where kafkaform connects, decided in one place for every command:
 * --bootstrap-servers > KAFKAFORM_BOOTSTRAP_SERVERS > the environment's cluster > the embedded
 * local cluster (started when needed, by a starter the caller injects: src/dev's ensureDevCluster).
 * Credentials: flags/env > spec (passwordFrom) > embedded admin.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { resolveSecret } from '../secrets/resolve.js';
import type { ConnectionSpec, ResolvedCluster } from '../manifest/types.js';
import { UserError } from '../errors.js';
import type { Progress } from '../progress.js';
import type { Connection } from './port.js';

/** What connection resolution needs of a local embedded cluster (src/dev's DevCluster is one). */
export interface EmbeddedCluster {
  bootstrapServers: string[];
  /** Where the cluster keeps its data (deploy keeps the embedded cluster's Terraform state there). */
  dataDir: string;
  /** The admin credentials, when the cluster was started with SASL. */
  sasl?: { mechanism: NonNullable<Connection['sasl']>['mechanism']; username: string; password: string };
  /** PEM files (CA, client certificate and key), when the cluster was started with TLS. */
  tls?: { caFile: string; certFile: string; keyFile: string };
}

/** Finds the running embedded cluster or starts one (a new one gets `brokers` nodes). */
export type EmbeddedClusterStarter = (want: { brokers?: 3; kafkaVersion?: string; onProgress?: Progress }) => Promise<EmbeddedCluster>;

/** What to connect to: a resolved spec is one; `import`, which has no topics.yaml yet, builds one from flags alone. */
export interface ConnectionTarget {
  /** Relative TLS and `file:` secret paths resolve against this file's directory. */
  file: string;
  /** Named in the error when nothing says where to connect. */
  environment: string;
  cluster: Pick<ResolvedCluster, 'bootstrapServers' | 'brokers'> & { connection: Pick<ConnectionSpec, 'sasl' | 'tls'> };
}

export interface ConnectionFlags {
  bootstrapServers?: string;
  saslMechanism?: string;
  saslUsername?: string;
  tls?: boolean;
  caFile?: string;
  certFile?: string;
  keyFile?: string;
  insecureSkipTlsVerify?: boolean;
}

export interface ResolvedConnection {
  connection: Connection;
  source: 'flag' | 'env' | 'spec' | 'embedded';
  embedded?: EmbeddedCluster;
  /** File paths for terraform (the provider reads files itself). */
  tlsFiles?: { caFile?: string; certFile?: string; keyFile?: string };
}

const SASL_MECHANISMS = ['plain', 'scram-sha256', 'scram-sha512'] as const;
type SaslMechanism = (typeof SASL_MECHANISMS)[number];

export function parseServers(list: string): string[] {
  const servers = list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const s of servers) {
    if (!/^[^\s:]+:\d{1,5}$/.test(s) && !/^\[[0-9a-fA-F:]+\]:\d{1,5}$/.test(s)) {
      throw new UserError(`bootstrap server "${s}" is not host:port`, 'e.g. --bootstrap-servers localhost:9092,localhost:9093');
    }
  }
  return servers;
}

export interface ResolveConnectionOptions {
  env?: NodeJS.ProcessEnv;
  /** Starts the embedded cluster when nothing names servers; without it, that is an error (validate --live). */
  embedded?: EmbeddedClusterStarter;
  onProgress?: Progress;
}

/**
 * Decides the connection for a target. An I/O edge: it reads the TLS files and `passwordFrom`
 * secrets, and may start the embedded cluster through `opts.embedded`.
 */
export async function resolveConnection(spec: ConnectionTarget, flags: ConnectionFlags, opts: ResolveConnectionOptions = {}): Promise<ResolvedConnection> {
  const env = opts.env ?? process.env;
  const baseDir = dirname(spec.file);
  let source: ResolvedConnection['source'];
  let servers: string[];
  let embedded: EmbeddedCluster | undefined;
  if (flags.bootstrapServers) {
    servers = parseServers(flags.bootstrapServers);
    source = 'flag';
  } else if (env.KAFKAFORM_BOOTSTRAP_SERVERS) {
    servers = parseServers(env.KAFKAFORM_BOOTSTRAP_SERVERS);
    source = 'env';
  } else if (spec.cluster.bootstrapServers.length > 0) {
    servers = spec.cluster.bootstrapServers;
    source = 'spec';
  } else {
    source = 'embedded';
    if (!opts.embedded) {
      throw new UserError(
        `environment "${spec.environment}" names no bootstrap servers`,
        'pass --bootstrap-servers, set KAFKAFORM_BOOTSTRAP_SERVERS, or run `kafkaform dev up` and deploy once to use the embedded cluster',
      );
    }
    // A running embedded cluster is used as it is; a new one gets 3 brokers only when the spec asks for 3.
    embedded = await opts.embedded({ brokers: spec.cluster.brokers === 3 ? 3 : undefined, onProgress: opts.onProgress, kafkaVersion: env.KAFKAFORM_KAFKA_VERSION || undefined });
    servers = embedded.bootstrapServers;
  }
  const connection: Connection = { bootstrapServers: servers };

  // SASL
  const mech = flags.saslMechanism ?? env.KAFKAFORM_SASL_MECHANISM;
  const user = flags.saslUsername ?? env.KAFKAFORM_SASL_USERNAME;
  if (mech !== undefined && !SASL_MECHANISMS.includes(mech as never)) {
    throw new UserError(`unknown SASL mechanism "${mech}"`, `use one of ${SASL_MECHANISMS.join(', ')}`);
  }
  if (user) {
    const password = env.KAFKAFORM_SASL_PASSWORD;
    if (!password) throw new UserError(`SASL user ${user} given but KAFKAFORM_SASL_PASSWORD is not set`, 'export KAFKAFORM_SASL_PASSWORD=… (passwords are never taken as flags)');
    connection.sasl = { mechanism: (mech as SaslMechanism | undefined) ?? 'scram-sha512', username: user, password };
  } else if (spec.cluster.connection.sasl && source !== 'embedded') {
    const s = spec.cluster.connection.sasl;
    const password = resolveSecret(s.passwordFrom, 'cluster.sasl.passwordFrom', baseDir, env);
    connection.sasl = { mechanism: (mech as SaslMechanism | undefined) ?? s.mechanism, username: s.username, password };
  } else if (embedded?.sasl) {
    connection.sasl = { mechanism: embedded.sasl.mechanism, username: embedded.sasl.username, password: embedded.sasl.password };
  }

  // TLS
  // An embedded cluster started with --tls is reached over TLS with its own CA and client certificate.
  const specTls = source === 'embedded' ? (embedded?.tls ? { enabled: true, ...embedded.tls } : undefined) : spec.cluster.connection.tls;
  const tlsOn = flags.tls ?? (env.KAFKAFORM_TLS !== undefined ? env.KAFKAFORM_TLS === 'true' || env.KAFKAFORM_TLS === '1' : specTls?.enabled ?? false);
  let tlsFiles: ResolvedConnection['tlsFiles'];
  if (tlsOn) {
    const abs = (p?: string) => (p ? resolve(baseDir, p) : undefined);
    tlsFiles = {
      caFile: flags.caFile ?? env.KAFKAFORM_TLS_CA_FILE ?? abs(specTls?.caFile),
      certFile: flags.certFile ?? env.KAFKAFORM_TLS_CERT_FILE ?? abs(specTls?.certFile),
      keyFile: flags.keyFile ?? env.KAFKAFORM_TLS_KEY_FILE ?? abs(specTls?.keyFile),
    };
    const read = (p: string | undefined, what: string) => {
      if (!p) return undefined;
      try {
        return readFileSync(p, 'utf8');
      } catch {
        throw new UserError(`cannot read TLS ${what} ${p}`, 'check the path (relative paths in topics.yaml are relative to that file)');
      }
    };
    connection.tls = {
      enabled: true,
      ca: read(tlsFiles.caFile, 'CA file'),
      cert: read(tlsFiles.certFile, 'certificate'),
      key: read(tlsFiles.keyFile, 'key'),
      rejectUnauthorized: !(
        flags.insecureSkipTlsVerify ?? (env.KAFKAFORM_TLS_INSECURE !== undefined ? env.KAFKAFORM_TLS_INSECURE === 'true' : (specTls?.insecureSkipVerify ?? false))
      ),
    };
  }
  return { connection, source, embedded, tlsFiles };
}

/** Terraform variables for a resolved connection (TF_VAR_* at deploy time). */
export function connectionVariables(rc: ResolvedConnection): Record<string, string> {
  const c = rc.connection;
  return {
    bootstrap_servers: JSON.stringify(c.bootstrapServers),
    tls_enabled: String(c.tls?.enabled ?? false),
    skip_tls_verify: String(c.tls ? !c.tls.rejectUnauthorized : false),
    ca_cert_file: rc.tlsFiles?.caFile ?? '',
    client_cert_file: rc.tlsFiles?.certFile ?? '',
    client_key_file: rc.tlsFiles?.keyFile ?? '',
    sasl_mechanism: c.sasl?.mechanism ?? 'scram-sha512',
    sasl_username: c.sasl?.username ?? '',
    sasl_password: c.sasl?.password ?? '',
  };
}
