/**
 * A read the adapter cannot make, as opposed to a broker refusal (KafkaProtocolError) or a
 * connection failure: the client library lacks the request. collectClusterState turns it into a
 * ClusterState.notChecked entry instead of failing the whole read.
 */
import { ClusterError } from '../errors.js';
import type { NotReadCode } from './port.js';

/** This adapter cannot read `resource` at all (code `client`), or the broker lacks the request (`unsupported`). */
export class NotReadError extends ClusterError {
  constructor(
    readonly notRead: NotReadCode,
    message: string,
    hint?: string,
  ) {
    super('protocol', message, hint);
    this.name = 'NotReadError';
  }
}
