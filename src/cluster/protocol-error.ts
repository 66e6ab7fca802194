/**
 * A request the broker answered with a Kafka error code (TOPIC_ALREADY_EXISTS, INVALID_PARTITIONS, …).
 * Every ClusterPort raises these the same way, so callers (and the in-memory twin's tests) can branch
 * on `kafkaCode` instead of matching a client library's wording.
 */
import { ClusterError } from '../errors.js';

/** Kafka's error names for the refusals kafkaform meets; other codes pass through as strings. */
export type KafkaErrorName =
  | 'TOPIC_ALREADY_EXISTS'
  | 'UNKNOWN_TOPIC_OR_PARTITION'
  | 'INVALID_TOPIC_EXCEPTION'
  | 'INVALID_PARTITIONS'
  | 'INVALID_REPLICATION_FACTOR'
  | 'INVALID_CONFIG'
  | 'INVALID_REQUEST'
  | (string & {});

/** A broker-side refusal of one request (ClusterError code `protocol`), with Kafka's error name. */
export class KafkaProtocolError extends ClusterError {
  constructor(
    readonly kafkaCode: KafkaErrorName,
    message: string,
    hint?: string,
    broker?: string,
  ) {
    super('protocol', message, hint, broker);
    this.name = 'KafkaProtocolError';
  }
}
