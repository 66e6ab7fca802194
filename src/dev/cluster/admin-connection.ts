/** How to reach a dev cluster as its admin, as a ClusterPort Connection: the readiness check, the CLI and tests connect with it. */
import { readFileSync } from 'node:fs';
import type { Connection } from '../../cluster/port.js';
import type { DevCluster } from './state-file.js';

/** The admin's connection: the SASL admin credential, and TLS with the cluster's CA and client certificate (mutual TLS). */
export function devClusterConnection(cluster: Pick<DevCluster, 'bootstrapServers' | 'sasl' | 'tls'>): Connection {
  return {
    bootstrapServers: cluster.bootstrapServers,
    ...(cluster.sasl ? { sasl: { mechanism: cluster.sasl.mechanism, username: cluster.sasl.username, password: cluster.sasl.password } } : {}),
    ...(cluster.tls
      ? {
          tls: {
            enabled: true,
            ca: readFileSync(cluster.tls.caFile, 'utf8'),
            cert: readFileSync(cluster.tls.certFile, 'utf8'),
            key: readFileSync(cluster.tls.keyFile, 'utf8'),
            rejectUnauthorized: true,
          },
        }
      : {}),
  };
}
