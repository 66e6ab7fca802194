/** Mutual TLS needs both halves: a client certificate without its key (or the reverse) cannot connect. */
import type { Rule } from './rule.js';

export const clusterTlsRule: Rule = ({ normalized, error }) => {
  const tls = normalized.spec.cluster.connection.tls;
  if (!tls || (tls.certFile === undefined) === (tls.keyFile === undefined)) return;
  error('tls-client-cert', ['cluster', 'tls'], 'certFile and keyFile go together', {
    key: true, found: tls.certFile ? 'certFile without keyFile' : 'keyFile without certFile', allowed: 'both, or neither', hint: 'set both for mutual TLS, or neither',
  });
};
