/** Mutual TLS needs both halves: a client certificate without its key (or the reverse) cannot connect. */
import { isObj, pick } from '../written.js';
import type { Rule } from './rule.js';

export const clusterTlsRule: Rule = ({ normalized, error }) => {
  const tls = normalized.spec.cluster.connection.tls;
  if (!tls || (tls.certFile === undefined) === (tls.keyFile === undefined)) return;
  // The environment's tls block when it has one (the overlay merges over the top level's).
  const path = pick(normalized.layers.cluster, 'tls', isObj)?.path ?? ['cluster', 'tls'];
  error('tls-client-cert', path, 'certFile and keyFile go together', {
    key: true, found: tls.certFile ? 'certFile without keyFile' : 'keyFile without certFile', allowed: 'both, or neither', hint: 'set both for mutual TLS, or neither',
  });
};
