/**
 * The pure half of the @platformatic/kafka adapter: from the client's responses to the port's values
 * (SCRAM credentials, client quotas, topic configs, group states) and from its errors to kafkaform's.
 * Kept apart from the I/O so each mapping is unit-tested without a broker.
 */
import { classifyKafkajsError } from './classify-error.js';
import { type Connection, type LiveQuota, type LiveScramUser, type PartitionOffset, quotaEntityKey, type ScramMechanism } from './port.js';
import { KafkaProtocolError } from './protocol-error.js';

/** DescribeUserScramCredentials' mechanism codes (Kafka's ScramMechanism). */
const SCRAM_MECHANISMS: Record<number, ScramMechanism> = { 1: 'SCRAM-SHA-256', 2: 'SCRAM-SHA-512' };

/** Users from DescribeUserScramCredentials results; credentials of an unknown mechanism are left out. */
export function mapScramUsers(results: ReadonlyArray<{ user: string; credentialInfos: ReadonlyArray<{ mechanism: number; iterations: number }> }>): LiveScramUser[] {
  return results
    .map((r) => ({
      name: r.user,
      credentials: r.credentialInfos
        .filter((c) => SCRAM_MECHANISMS[c.mechanism] !== undefined)
        .map((c) => ({ mechanism: SCRAM_MECHANISMS[c.mechanism]!, iterations: c.iterations }))
        .sort((a, b) => a.mechanism.localeCompare(b.mechanism)),
    }))
    .filter((u) => u.credentials.length > 0)
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** Kafka's quota keys → LiveQuota fields; other keys (controller_mutation_rate, …) are not modelled. */
const QUOTA_KEYS = { producer_byte_rate: 'producerByteRate', consumer_byte_rate: 'consumerByteRate', request_percentage: 'requestPercentage' } as const;

/**
 * Quotas from DescribeClientQuotas entries. A null entity name is Kafka's default entity
 * ('<default>'); entities of other types (ip) and entries without a modelled limit are left out.
 */
export function mapQuotas(
  entries: ReadonlyArray<{ entity: ReadonlyArray<{ entityType: string; entityName?: string | null }>; values: ReadonlyArray<{ key: string; value: number }> }>,
): LiveQuota[] {
  const out: LiveQuota[] = [];
  for (const e of entries) {
    if (e.entity.length === 0 || e.entity.some((c) => c.entityType !== 'user' && c.entityType !== 'client-id')) continue;
    const q: LiveQuota = {};
    for (const c of e.entity) q[c.entityType === 'user' ? 'user' : 'clientId'] = c.entityName ?? '<default>';
    let limits = 0;
    for (const v of e.values) {
      const field = QUOTA_KEYS[v.key as keyof typeof QUOTA_KEYS];
      if (!field) continue;
      q[field] = v.value;
      limits++;
    }
    if (limits > 0) out.push(q);
  }
  return out.sort((a, b) => quotaEntityKey(a).localeCompare(quotaEntityKey(b)));
}

/** The client upper-cases Kafka's group states; the port speaks Kafka's own names (Stable, PreparingRebalance, …). */
const GROUP_STATES: Record<string, string> = {
  PREPARING_REBALANCE: 'PreparingRebalance',
  PREPARINGREBALANCE: 'PreparingRebalance',
  COMPLETING_REBALANCE: 'CompletingRebalance',
  COMPLETINGREBALANCE: 'CompletingRebalance',
  STABLE: 'Stable',
  DEAD: 'Dead',
  EMPTY: 'Empty',
};
export function mapGroupState(state: string): string {
  return GROUP_STATES[state.toUpperCase()] ?? state;
}

/** A group's OffsetFetch topics as port offsets; -1 (no commit on that partition) is left out. */
export function mapCommittedOffsets(topics: ReadonlyArray<{ name: string; partitions: ReadonlyArray<{ partitionIndex: number; committedOffset: bigint }> }>): PartitionOffset[] {
  return topics.flatMap((t) => t.partitions.filter((p) => p.committedOffset >= 0n).map((p) => ({ topic: t.name, partition: p.partitionIndex, offset: Number(p.committedOffset) })));
}

interface PltError {
  message?: string;
  code?: string;
  apiId?: string;
  serverErrorMessage?: string | null;
  errors?: unknown[];
  cause?: unknown;
}

/** Every error in a client error's tree (MultipleErrors.errors and causes), outermost first. */
function flatten(e: unknown, depth = 0, out: PltError[] = []): PltError[] {
  if (!e || typeof e !== 'object' || depth > 6) return out;
  const err = e as PltError;
  out.push(err);
  for (const inner of err.errors ?? []) flatten(inner, depth + 1, out);
  if (err.cause) flatten(err.cause, depth + 1, out);
  return out;
}

/** Kafka's error name a failure carries (TOPIC_ALREADY_EXISTS, CLUSTER_AUTHORIZATION_FAILED, …), if any. */
export function kafkaErrorName(e: unknown): string | undefined {
  return flatten(e).find((x) => typeof x.apiId === 'string')?.apiId;
}

/**
 * The kafkaform error for a @platformatic/kafka failure: a broker refusal keeps Kafka's error name
 * (KafkaProtocolError, or ClusterError `unauthorized` for an *_AUTHORIZATION_FAILED); connection,
 * TLS and SASL failures are told apart by the same wording the kafkajs classifier knows (they are
 * Node's socket and TLS messages), so both adapters give the same codes and hints.
 */
export function classifyPlatformaticError(e: unknown, conn: Pick<Connection, 'bootstrapServers' | 'tls'>, socketError?: unknown): unknown {
  if (!(e instanceof Error) || e instanceof KafkaProtocolError) return e;
  // A request fails with a bare "Connection closed"; why (a TLS alert, a reset) is only on the socket's own error.
  const all = [...flatten(e), ...flatten(socketError)];
  const name = kafkaErrorName(e);
  const detail = all.find((x) => x.apiId === name)?.serverErrorMessage;
  // The client reports an unknown topic in a metadata request as its own UserError.
  const unknownTopic = all.find((x) => /^Unknown topic /.test(x.message ?? ''));
  if (unknownTopic) return new KafkaProtocolError('UNKNOWN_TOPIC_OR_PARTITION', `This server does not host this topic-partition (${unknownTopic.message!.slice(14, -1)}).`);
  // kafkajs words a dropped connection "Closed connection": the shared classifier knows that wording.
  const text = [...new Set(all.map((x) => (x.message === 'Connection closed' ? 'Closed connection' : x.message)).filter(Boolean))].join(': ');
  if (name === 'SASL_AUTHENTICATION_FAILED' || all.some((x) => x.code === 'PLT_KFK_AUTHENTICATION')) {
    return classifyKafkajsError(Object.assign(new Error(`SASL authentication failed: ${detail ?? text}`), { type: 'SASL_AUTHENTICATION_FAILED' }), conn);
  }
  if (name?.endsWith('_AUTHORIZATION_FAILED')) return classifyKafkajsError(new Error(`${name}: ${detail ?? text} (not authorized)`), conn);
  if (name) return new KafkaProtocolError(name, detail ? `${text} (${detail})` : text);
  const probe = new Error(text);
  const classified = classifyKafkajsError(probe, conn);
  if (classified !== probe) return classified;
  if (all.some((x) => /timeout|timed out/i.test(x.message ?? ''))) return classifyKafkajsError(new Error(`${text} (timed out)`), conn);
  return e;
}
