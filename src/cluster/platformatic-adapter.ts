/**
 * The ClusterPort over @platformatic/kafka: the default read of a live cluster, because it has every
 * admin request the port needs (DescribeUserScramCredentials, DescribeClientQuotas, incremental
 * AlterConfigs, group offsets, ListOffsets) where kafkajs 2.2.4 lacks the first three. Responses are
 * mapped in platformatic-mapping.ts (pure, unit-tested); this file only talks to the broker.
 * Over 400 lines because it implements every ClusterPort member for one library, as its kafkajs twin does.
 */
import type * as P from '@platformatic/kafka';
import { plt } from './platformatic-kafka.js';
import type { AclBinding } from '../manifest/types.js';
import { ANY_ACL_FILTER, aclFromWire, aclToWire } from './acl-wire.js';
import { NotReadError } from './not-read.js';
import { describeTopicConfigsV4, type TopicConfigsResponse, type TopicConfigsResult } from './dynamic-topic-configs.js';
import { classifyPlatformaticError, kafkaErrorName, mapCommittedOffsets, mapGroupState, mapQuotas, mapScramUsers } from './platformatic-mapping.js';
import type {
  ClusterInfo,
  ClusterPort,
  Connection,
  DescribeTopicsOptions,
  ConsumerGroupListing,
  GroupDescription,
  LivePartition,
  LiveQuota,
  LiveScramUser,
  LiveTopic,
  PartitionOffset,
  RecordTimestamp,
} from './port.js';
import { quotaEntityKey } from './port.js';
import { platformaticSasl } from './sasl.js';
import { BROKER_CONFIGS_FOR_TOPIC_DEFAULTS, computeBrokerTopicDefaults } from './topic-defaults.js';

/** Topics per Metadata / DescribeConfigs request, and how many such batches are in flight at once. */
const TOPIC_BATCH = 500;
const BATCHES_IN_FLIGHT = 4;
const DESCRIBE_GROUPS_BATCH = 100;
/** Groups per listConsumerGroupOffsets call (it sends one OffsetFetch per coordinator for all of them). */
const OFFSET_FETCH_GROUPS_BATCH = 500;
/** Per-partition bytes of one timestamp fetch (Kafka returns at least one whole batch anyway, KIP-74). */
const TIMESTAMP_FETCH_PARTITION_BYTES = 64 * 1024;
const CONFIG_RESOURCE = { topic: 2, broker: 4 } as const;

type Api = (connection: unknown, ...args: unknown[]) => void;

/** `f` over `items` in slices of `size`, at most `inFlight` slices at a time, results in order. */
async function inSlices<T, R>(items: readonly T[], size: number, inFlight: number, f: (slice: T[]) => Promise<R[]>): Promise<R[]> {
  const slices: T[][] = [];
  for (let i = 0; i < items.length; i += size) slices.push(items.slice(i, i + size));
  const results: R[][] = new Array(slices.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(inFlight, slices.length) }, async () => {
      while (next < slices.length) {
        const i = next++;
        results[i] = await f(slices[i]!);
      }
    }),
  );
  return results.flat();
}

/** @platformatic/kafka Admin options for a Connection. */
export function platformaticAdminOptions(conn: Connection): P.AdminOptions {
  return {
    clientId: conn.clientId ?? 'kafkaform-admin',
    bootstrapBrokers: conn.bootstrapServers,
    connectTimeout: conn.connectTimeoutMs ?? 10_000,
    requestTimeout: conn.requestTimeoutMs ?? 30_000,
    timeout: conn.requestTimeoutMs ?? 30_000,
    retries: conn.retries ?? 3,
    retryDelay: 200,
    ...(conn.sasl ? { sasl: platformaticSasl(conn) } : {}),
    ...(conn.tls?.enabled ? { tls: { ca: conn.tls.ca, cert: conn.tls.cert, key: conn.tls.key, rejectUnauthorized: conn.tls.rejectUnauthorized } } : {}),
  };
}

/** The ClusterPort over @platformatic/kafka's Admin (and two low-level calls it does not wrap). */
export class PlatformaticClusterPort implements ClusterPort {
  private readonly admin: P.Admin;
  /** The last error a broker socket reported (a TLS alert): requests only see "Connection closed". */
  private socketError: unknown;

  constructor(private readonly conn: Connection) {
    this.admin = new plt.Admin(platformaticAdminOptions(conn));
    this.admin.on('client:broker:connect', ({ connection }) => {
      connection.on('error', (e: unknown) => {
        this.socketError = e;
      });
    });
  }

  private classify(e: unknown): unknown {
    return classifyPlatformaticError(e, this.conn, this.socketError);
  }

  private async call<T>(f: (a: P.Admin) => Promise<T>): Promise<T> {
    try {
      return await f(this.admin);
    } catch (e) {
      throw this.classify(e);
    }
  }

  /**
   * A request the Admin does not wrap, on a bootstrap connection (or the given broker's): by name, in
   * the highest version both sides have, or a given API (a version and decoder of kafkaform's own).
   */
  private lowLevel<T>(apiName: string | Api, args: unknown[], broker?: P.Broker): Promise<T> {
    const a = this.admin as unknown as Record<symbol, (...x: unknown[]) => void>;
    return new Promise<T>((resolve, reject) => {
      const withApi = (apiError: Error | null, api?: Api) => {
        if (apiError || !api) return reject(apiError);
        const send = (connError: Error | null, connection?: unknown) => {
          if (connError) return reject(connError);
          api(connection, ...args, (error: Error | null, response?: T) => (error ? reject(error) : resolve(response as T)));
        };
        if (broker) a[plt.kGetConnection]!.call(this.admin, broker, send);
        else a[plt.kGetBootstrapConnection]!.call(this.admin, send);
      };
      if (typeof apiName === 'function') withApi(null, apiName);
      else a[plt.kGetApi]!.call(this.admin, apiName, withApi);
    });
  }

  async describeCluster(): Promise<ClusterInfo> {
    const m = await this.call((a) => a.metadata({ topics: [], forceUpdate: true }));
    const brokers = [...m.brokers].map(([nodeId, b]) => ({ nodeId, host: b.host, port: b.port })).sort((x, y) => x.nodeId - y.nodeId);
    return { clusterId: m.id, controller: m.controllerId >= 0 ? m.controllerId : null, brokers };
  }

  async listTopics(): Promise<string[]> {
    return (await this.call((a) => a.listTopics({ includeInternals: true }))).sort();
  }

  /**
   * Metadata and DescribeConfigs per 500 topics, four batches in flight. A batch whose configs the
   * broker refuses for some topics keeps the configs it did get; the others are marked configNotRead.
   */
  async describeTopics(names: string[], opts: DescribeTopicsOptions = {}): Promise<LiveTopic[]> {
    return inSlices(names, TOPIC_BATCH, BATCHES_IN_FLIGHT, async (chunk) => {
      const [meta, configs] = await Promise.all([this.call((a) => a.metadata({ topics: [...chunk], forceUpdate: true })), this.describeTopicConfigs(chunk, opts.configKeys)]);
      return chunk.flatMap((name): LiveTopic[] => {
        const t = meta.topics.get(name);
        // The client leaves internal topics out of its metadata cache: they are not described.
        if (!t) return [];
        const cfg = configs.get(name);
        return [
          {
            name,
            partitions: t.partitionsCount,
            replicationFactor: t.partitions[0]?.replicas.length ?? 0,
            config: cfg ?? {},
            internal: name.startsWith('__'),
            ...(cfg ? {} : { configNotRead: 'unauthorized' as const }),
          },
        ];
      });
    });
  }

  /** The configs set on each topic; a topic the broker refused (TOPIC_AUTHORIZATION_FAILED) is absent from the map. */
  private async describeTopicConfigs(names: string[], keys?: readonly string[]): Promise<Map<string, Record<string, string>>> {
    const resources = names.map((resourceName) => ({ resourceType: CONFIG_RESOURCE.topic, resourceName, ...(keys ? { configurationKeys: [...keys] } : {}) }));
    let results: TopicConfigsResult[];
    try {
      results = (await this.lowLevel<TopicConfigsResponse>(describeTopicConfigsV4 as unknown as Api, [resources, false, false])).results;
    } catch (e) {
      // A refusal of some topics fails the whole response; its results still hold the topics that were answered.
      const response = findResponse(e) as Partial<TopicConfigsResponse> | undefined;
      if (!response?.results || !/AUTHORIZATION_FAILED/.test(kafkaErrorName(e) ?? '')) throw this.classify(e);
      results = response.results;
    }
    const out = new Map<string, Record<string, string>>();
    for (const r of results) if (!r.errorCode) out.set(r.resourceName, r.configs);
    return out;
  }

  async listAcls(): Promise<AclBinding[]> {
    const resources = await this.call((a) => a.describeAcls({ filter: ANY_ACL_FILTER as unknown as P.AclFilter }));
    return resources.flatMap((r) => r.acls.map((acl) => aclFromWire(r, acl)));
  }

  /** DescribeConfigs of the controller (a BROKER resource goes to that broker, as Kafka requires). */
  async describeTopicDefaults(): Promise<Record<string, string>> {
    const info = await this.describeCluster();
    const broker = info.brokers.find((b) => b.nodeId === info.controller) ?? info.brokers[0];
    if (!broker) return {};
    const res = await this.call((a) =>
      a.describeConfigs({ resources: [{ resourceType: CONFIG_RESOURCE.broker, resourceName: String(broker.nodeId), configurationKeys: [...BROKER_CONFIGS_FOR_TOPIC_DEFAULTS] }] }),
    );
    const brokerConfig: Record<string, string | null | undefined> = {};
    for (const r of res) for (const c of r.configs) brokerConfig[c.name] = c.value;
    return computeBrokerTopicDefaults(brokerConfig);
  }

  /** DescribeConfigs of one topic with every key (no key list): each config the broker knows for topics, set or default. */
  async describeTopicConfigKeys(topic: string): Promise<string[]> {
    const res = await this.call((a) => a.describeConfigs({ resources: [{ resourceType: CONFIG_RESOURCE.topic, resourceName: topic }], includeSynonyms: false }));
    return [...new Set(res.flatMap((r) => r.configs.map((c) => c.name)))].sort();
  }

  /** DescribeUserScramCredentials of every user (an empty list asks for all). */
  async listScramUsers(): Promise<LiveScramUser[]> {
    type Response = { results: Array<{ user: string; credentialInfos: Array<{ mechanism: number; iterations: number }> }> };
    try {
      const res = await this.lowLevel<Response>('DescribeUserScramCredentials', [[]]);
      return mapScramUsers(res.results);
    } catch (e) {
      if ((e as { code?: string }).code === 'PLT_KFK_UNSUPPORTED_API') {
        throw new NotReadError('unsupported', 'SCRAM users could not be read: the broker does not support DescribeUserScramCredentials (Kafka < 2.7)');
      }
      throw this.classify(e);
    }
  }

  /** DescribeClientQuotas twice (entities with a user, entities with a client id): together every entity, defaults included. */
  async listQuotas(): Promise<LiveQuota[]> {
    const ANY = plt.ClientQuotaMatchTypes.ANY;
    const [byUser, byClient] = await Promise.all(
      (['user', 'client-id'] as const).map((entityType) => this.call((a) => a.describeClientQuotas({ components: [{ entityType, matchType: ANY }], strict: false }))),
    );
    const all = mapQuotas([...byUser!, ...byClient!]);
    return [...new Map(all.map((q) => [quotaEntityKey(q), q])).values()];
  }

  async describePartitions(names: string[]): Promise<LivePartition[]> {
    return inSlices(names, TOPIC_BATCH, BATCHES_IN_FLIGHT, async (chunk) => {
      const meta = await this.call((a) => a.metadata({ topics: [...chunk], forceUpdate: true }));
      return chunk.flatMap((topic) =>
        (meta.topics.get(topic)?.partitions ?? []).map((p, partition) => ({
          topic,
          partition,
          leader: p.leader >= 0 ? p.leader : null,
          replicas: [...p.replicas],
          isr: [...p.isr],
          offlineReplicas: [...p.offlineReplicas],
        })),
      );
    });
  }

  async listConsumerGroups(): Promise<ConsumerGroupListing[]> {
    const groups = await this.call((a) => a.listGroups());
    return [...groups.values()].map((g) => ({ groupId: g.id, state: mapGroupState(g.state), protocolType: g.protocolType })).sort((x, y) => x.groupId.localeCompare(y.groupId));
  }

  async describeConsumerGroups(groupIds: string[]): Promise<GroupDescription[]> {
    return inSlices(groupIds, DESCRIBE_GROUPS_BATCH, 1, async (chunk) => {
      const groups = await this.call((a) => a.describeGroups({ groups: chunk }));
      return chunk.map((id): GroupDescription => {
        const g = groups.get(id);
        if (!g) return { groupId: id, state: 'Dead', protocolType: '', protocol: '', members: [] };
        return {
          groupId: id,
          state: mapGroupState(g.state),
          protocolType: g.protocolType,
          protocol: g.protocol,
          members: [...g.members.values()].map((m) => ({
            memberId: m.id,
            clientId: m.clientId,
            clientHost: m.clientHost,
            assignment: [...(m.assignments?.values() ?? [])].map((x) => ({ topic: x.topic, partitions: [...x.partitions].sort((p, q) => p - q) })),
          })),
        };
      });
    });
  }

  async listCommittedOffsets(groupId: string): Promise<PartitionOffset[]> {
    const res = await this.call((a) => a.listConsumerGroupOffsets({ groups: [groupId] }));
    return res.flatMap((g) => mapCommittedOffsets(g.topics));
  }

  /** The Admin finds every group's coordinator in one FindCoordinator and sends one OffsetFetch (v8+) per coordinator. */
  async listGroupsCommittedOffsets(groupIds: string[]): Promise<Record<string, PartitionOffset[]>> {
    const listed = await inSlices(groupIds, OFFSET_FETCH_GROUPS_BATCH, BATCHES_IN_FLIGHT, (chunk) => this.call((a) => a.listConsumerGroupOffsets({ groups: chunk })));
    const out: Record<string, PartitionOffset[]> = Object.fromEntries(groupIds.map((g) => [g, []]));
    for (const g of listed) out[g.groupId] = mapCommittedOffsets(g.topics);
    return out;
  }

  async listOffsets(topics: string[], spec: 'earliest' | 'latest'): Promise<PartitionOffset[]> {
    if (topics.length === 0) return [];
    return this.askOffsets(await this.describePartitions(topics), spec);
  }

  /** The Admin's listOffsets takes leaders from the metadata it cached moments ago (describePartitions), so both kinds cost two ListOffsets per leader and nothing else. */
  async listLogOffsets(partitions: ReadonlyArray<Pick<LivePartition, 'topic' | 'partition' | 'leader'>>): Promise<{ earliest: PartitionOffset[]; latest: PartitionOffset[] }> {
    const [earliest, latest] = await Promise.all([this.askOffsets(partitions, 'earliest'), this.askOffsets(partitions, 'latest')]);
    return { earliest, latest };
  }

  /** One ListOffsets per leader for the partitions that have one (Kafka refuses a partition twice in one request: one kind per call). */
  private async askOffsets(partitions: ReadonlyArray<Pick<LivePartition, 'topic' | 'partition' | 'leader'>>, spec: 'earliest' | 'latest'): Promise<PartitionOffset[]> {
    const timestamp = spec === 'earliest' ? plt.ListOffsetTimestamps.EARLIEST : plt.ListOffsetTimestamps.LATEST;
    const byTopic = new Map<string, number[]>();
    for (const p of partitions) {
      if (p.leader === null) continue;
      const list = byTopic.get(p.topic);
      if (list) list.push(p.partition);
      else byTopic.set(p.topic, [p.partition]);
    }
    if (byTopic.size === 0) return [];
    const res = await this.call((a) => a.listOffsets({ topics: [...byTopic].map(([name, ps]) => ({ name, partitions: ps.map((partitionIndex) => ({ partitionIndex, timestamp })) })) }));
    return res.flatMap((t) => t.partitions.map((p) => ({ topic: t.name, partition: p.partitionIndex, offset: Number(p.offset) })));
  }

  /**
   * One Fetch per partition leader (all its positions in one request), maxWait 0 so an empty log answers at once.
   * Leaders and topic ids come from the client's metadata cache (at most metadataMaxAge old, 5 s: health's
   * describePartitions just filled it); a leader that moved since gives that partition no timestamp, as an empty log does.
   */
  async readRecordTimestamps(positions: PartitionOffset[]): Promise<RecordTimestamp[]> {
    if (positions.length === 0) return [];
    const meta = await this.call((a) => a.metadata({ topics: [...new Set(positions.map((p) => p.topic))] }));
    const perLeader = new Map<number, PartitionOffset[]>();
    for (const p of positions) {
      const leader = meta.topics.get(p.topic)?.partitions[p.partition]?.leader;
      if (leader !== undefined && leader >= 0) perLeader.set(leader, [...(perLeader.get(leader) ?? []), p]);
    }
    const key = (topic: string, partition: number) => `${topic}\u0000${partition}`;
    const found = new Map<string, number>();
    const topicById = new Map([...meta.topics].map(([name, t]) => [t.id, name]));
    type Batch = { firstOffset: bigint; firstTimestamp: bigint; records: Array<{ offsetDelta: number; timestampDelta: bigint }> };
    type Response = { responses: Array<{ topicId: string; partitions: Array<{ partitionIndex: number; records?: Batch[] }> }> };
    await Promise.all(
      [...perLeader].map(async ([nodeId, ps]) => {
        const broker = meta.brokers.get(nodeId);
        if (!broker) return;
        const byTopic = new Map<string, PartitionOffset[]>();
        for (const p of ps) byTopic.set(p.topic, [...(byTopic.get(p.topic) ?? []), p]);
        const topics = [...byTopic].map(([name, list]) => ({
          topicId: meta.topics.get(name)!.id,
          partitions: list.map((p) => ({ partition: p.partition, currentLeaderEpoch: -1, fetchOffset: BigInt(p.offset), lastFetchedEpoch: -1, partitionMaxBytes: TIMESTAMP_FETCH_PARTITION_BYTES })),
        }));
        let res: Response | undefined;
        try {
          res = await this.lowLevel<Response>('Fetch', [0, 0, 16 * 1024 * 1024, 0, 0, -1, topics, [], ''], broker);
        } catch (e) {
          // A partition's error (offset out of range: retention deleted it) fails the response; the others' records are in it.
          res = findResponse(e) as Response | undefined;
          if (!res) throw this.classify(e);
        }
        const wanted = new Map(ps.map((p) => [key(p.topic, p.partition), p.offset]));
        for (const t of res.responses) {
          const topic = topicById.get(t.topicId);
          if (!topic) continue;
          for (const p of t.partitions) {
            const from = BigInt(wanted.get(key(topic, p.partitionIndex)) ?? 0);
            // A batch starts at its first offset, which may lie before the one asked for.
            const ts = (p.records ?? [])
              .flatMap((b) => b.records.map((r) => ({ offset: b.firstOffset + BigInt(r.offsetDelta), ts: b.firstTimestamp + r.timestampDelta })))
              .find((r) => r.offset >= from)?.ts;
            if (ts !== undefined) found.set(key(topic, p.partitionIndex), Number(ts));
          }
        }
      }),
    );
    return positions.map((p) => ({ ...p, timestampMs: found.get(key(p.topic, p.partition)) ?? null }));
  }

  async createTopic(t: { name: string; partitions: number; replicationFactor: number; config?: Record<string, string> }): Promise<void> {
    await this.call((a) =>
      a.createTopics({ topics: [t.name], partitions: t.partitions, replicas: t.replicationFactor, configs: Object.entries(t.config ?? {}).map(([name, value]) => ({ name, value })) }),
    );
  }

  async deleteTopic(name: string): Promise<void> {
    await this.call((a) => a.deleteTopics({ topics: [name] }));
  }

  async createPartitions(name: string, count: number): Promise<void> {
    await this.call((a) => a.createPartitions({ topics: [{ name, count, assignments: [] }] }));
  }

  /** Non-incremental AlterConfigs, like the other adapters: the given set replaces the topic's configs. */
  async alterTopicConfig(name: string, config: Record<string, string>): Promise<void> {
    await this.call((a) =>
      a.alterConfigs({ resources: [{ resourceType: CONFIG_RESOURCE.topic, resourceName: name, configs: Object.entries(config).map(([n, value]) => ({ name: n, value })) }] }),
    );
  }

  async createAcls(acls: AclBinding[]): Promise<void> {
    if (acls.length === 0) return;
    await this.call((a) => a.createAcls({ creations: acls.map(aclToWire) as P.Acl[] }));
  }

  async deleteAcls(acls: AclBinding[]): Promise<void> {
    if (acls.length === 0) return;
    await this.call((a) => a.deleteAcls({ filters: acls.map(aclToWire) as P.AclFilter[] }));
  }

  async close(): Promise<void> {
    await this.admin.close().catch(() => undefined);
  }
}

/** The parsed response a ResponseError carries (the client throws when any part of it has an error code). */
function findResponse(e: unknown, depth = 0): unknown {
  if (!e || typeof e !== 'object' || depth > 6) return undefined;
  const err = e as { response?: unknown; errors?: unknown[]; cause?: unknown };
  if (err.response && typeof err.response === 'object') return err.response;
  for (const inner of err.errors ?? []) {
    const r = findResponse(inner, depth + 1);
    if (r) return r;
  }
  return findResponse(err.cause, depth + 1);
}
