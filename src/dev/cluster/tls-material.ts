/**
 * The TLS material of a `--tls` dev cluster, generated once per cluster with the openssl CLI: a
 * self-signed CA, a broker certificate for 127.0.0.1/localhost and a client certificate, all
 * signed by that CA, as PEM files in `<dataDir>/tls/`. Later starts reuse them, so clients keep
 * trusting the CA.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../../errors.js';
import { joinTail, runCommandSettled } from '../../os/run-command.js';
import type { Progress } from '../../progress.js';
import { TLS_BROKER_CN, TLS_CLIENT_CN } from './server-properties.js';
import { tlsPath, writeSecretFile, type DevClusterTls } from './state-file.js';

const TLS_CA_CN = 'kafkaform-dev-ca';
const TLS_DAYS = 3650;

/** A config of our own, so that the system openssl.cnf (absent, or adding other extensions) does not matter. */
const OPENSSL_CNF = [
  '[req]',
  'distinguished_name = dn',
  'prompt = no',
  '[dn]',
  'CN = placeholder',
  '[ca_ext]',
  'basicConstraints = critical,CA:TRUE',
  'keyUsage = critical,keyCertSign,cRLSign',
  'subjectKeyIdentifier = hash',
  '[broker_ext]',
  'basicConstraints = critical,CA:FALSE',
  'keyUsage = critical,digitalSignature,keyEncipherment',
  // clientAuth too: the broker presents this certificate to its peers for inter-broker traffic.
  'extendedKeyUsage = serverAuth,clientAuth',
  'subjectAltName = IP:127.0.0.1,DNS:localhost',
  'subjectKeyIdentifier = hash',
  'authorityKeyIdentifier = keyid',
  '[client_ext]',
  'basicConstraints = critical,CA:FALSE',
  'keyUsage = critical,digitalSignature,keyEncipherment',
  'extendedKeyUsage = clientAuth',
  'subjectKeyIdentifier = hash',
  'authorityKeyIdentifier = keyid',
  '',
].join('\n');

/** The broker's PEM keystore (key, then certificate chain), referenced by server.properties. */
export function brokerKeystorePath(dataDir: string): string {
  return tlsPath(dataDir, 'broker-keystore.pem');
}

/** The cluster's CA and client certificate files, generating the whole set when any file is missing. */
export async function ensureDevTls(dataDir: string, progress: Progress): Promise<DevClusterTls> {
  const dir = join(dataDir, 'tls');
  const files: DevClusterTls = { caFile: tlsPath(dataDir, 'ca.pem'), certFile: tlsPath(dataDir, 'client.pem'), keyFile: tlsPath(dataDir, 'client.key') };
  const keystore = brokerKeystorePath(dataDir);
  if ([files.caFile, files.certFile, files.keyFile, keystore].every((f) => existsSync(f))) return files;
  const probe = await runCommandSettled('openssl', ['version']);
  if (probe.exitCode !== 0) {
    throw new UserError(
      'A dev cluster with TLS needs the `openssl` command to generate its certificates, and it was not found on PATH.',
      'Install OpenSSL (e.g. `apt-get install openssl`), or start the cluster without --tls.',
    );
  }
  progress(`Generating a self-signed CA and broker/client certificates in ${dir}…`);
  // Start from scratch: a half-written set (interrupted run) must not mix keys from two CAs.
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const cnf = join(dir, 'openssl.cnf');
  writeFileSync(cnf, OPENSSL_CNF);
  const openssl = async (args: string[]): Promise<void> => {
    const r = await runCommandSettled('openssl', args, { cwd: dir });
    if (r.exitCode !== 0) throw new UserError(`openssl ${args[0]} failed (exit code ${r.exitCode}) while generating the dev cluster's TLS certificates:\n${joinTail(r.tail, 10)}`);
  };
  const caKey = join(dir, 'ca.key');
  await openssl(['req', '-x509', '-config', cnf, '-extensions', 'ca_ext', '-subj', `/CN=${TLS_CA_CN}`, '-newkey', 'rsa:2048', '-nodes', '-keyout', caKey, '-out', files.caFile, '-days', String(TLS_DAYS)]);
  const leaf = async (cn: string, ext: string, certFile: string, keyFile: string): Promise<void> => {
    const csr = join(dir, `${cn}.csr`);
    await openssl(['req', '-new', '-config', cnf, '-subj', `/CN=${cn}`, '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', csr]);
    await openssl(['x509', '-req', '-in', csr, '-CA', files.caFile, '-CAkey', caKey, '-set_serial', `0x${randomBytes(12).toString('hex')}`, '-days', String(TLS_DAYS), '-extfile', cnf, '-extensions', ext, '-out', certFile]);
    rmSync(csr, { force: true });
  };
  const brokerKey = join(dir, 'broker.key');
  const brokerCert = join(dir, 'broker.pem');
  await leaf(TLS_BROKER_CN, 'broker_ext', brokerCert, brokerKey);
  await leaf(TLS_CLIENT_CN, 'client_ext', files.certFile, files.keyFile);
  // Kafka's PEM keystore: the (unencrypted PKCS#8) key, then the certificate chain.
  writeSecretFile(keystore, readFileSync(brokerKey, 'utf8') + readFileSync(brokerCert, 'utf8') + readFileSync(files.caFile, 'utf8'));
  for (const f of readdirSync(dir)) chmodSync(join(dir, f), f.endsWith('.key') || f.includes('keystore') ? 0o600 : 0o644);
  return files;
}
