/**
 * The JSON Schema of topics.yaml: the shape (keys, types, enums). Editors use the copy at the
 * repository root (topics.schema.json, kept equal to this by a unit test; `npx tsx scripts/write-schema.ts` rewrites it);
 * ajv uses it as the first validation pass (schema-pass.ts). Cross-field rules live in rules/.
 */
import { DURATION_PATTERN, SIZE_PATTERN } from '../model/units.js';
import { CLUSTER_FLAVORS, TOPIC_CONFIGS } from './topic-configs.js';
import { ACL_OPERATIONS } from './types.js';

type Schema = Record<string, unknown>;

const duration: Schema = {
  anyOf: [
    { type: 'string', pattern: DURATION_PATTERN },
    { type: 'integer', minimum: -1 },
  ],
  description: 'A duration: 30s | 15m | 12h | 7d | 2w | forever, or milliseconds',
};
const size: Schema = {
  anyOf: [
    { type: 'string', pattern: SIZE_PATTERN },
    { type: 'integer', minimum: -1 },
  ],
  description: 'A size: 512KiB | 1MiB | 10GiB, or bytes',
};
const stringList: Schema = { type: 'array', items: { type: 'string', minLength: 1 } };
const secretRef: Schema = {
  type: 'string',
  pattern: '^(env:[A-Za-z_][A-Za-z0-9_]*|file:.+)$',
  description: 'Where the secret is read at deploy time: env:VAR_NAME or file:/path (never the secret itself)',
};
const principal: Schema = { type: 'string', pattern: '^[A-Za-z]+:.+$', description: 'A Kafka principal, e.g. User:order-service' };

const configValue: Schema = {
  type: ['string', 'number', 'boolean', 'array'],
  items: { type: 'string' },
};

const topicConfig: Schema = {
  type: 'object',
  description: 'Kafka topic configs (names checked against the catalogue for the cluster version)',
  properties: Object.fromEntries(TOPIC_CONFIGS.map((c) => [c.name, { ...configValue, description: c.doc }])),
  additionalProperties: configValue,
};

const cluster: Schema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    name: { type: 'string', minLength: 1, description: 'Shown in plans and reports' },
    bootstrapServers: { type: 'array', items: { type: 'string', pattern: '^[^\\s:]+:\\d{1,5}$' }, description: 'host:port list; empty = the embedded local cluster' },
    brokers: { type: 'integer', minimum: 1, description: 'Expected broker count' },
    kafkaVersion: { type: 'string', pattern: '^[34](\\.\\d+){0,2}$', description: 'Kafka version of the cluster (3.9, 4.x): selects the config catalogue' },
    flavor: { enum: [...CLUSTER_FLAVORS], description: "Whose Kafka (default apache): that vendor's documented topic configs are accepted too" },
    sasl: {
      type: 'object',
      additionalProperties: false,
      required: ['username', 'passwordFrom'],
      properties: {
        mechanism: { enum: ['plain', 'scram-sha256', 'scram-sha512'] },
        username: { type: 'string', minLength: 1 },
        passwordFrom: secretRef,
      },
    },
    tls: {
      type: 'object',
      additionalProperties: false,
      properties: {
        enabled: { type: 'boolean' },
        caFile: { type: 'string' },
        certFile: { type: 'string' },
        keyFile: { type: 'string' },
        insecureSkipVerify: { type: 'boolean' },
      },
    },
  },
};

const defaults: Schema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    partitions: { type: 'integer' },
    replicationFactor: { type: 'integer' },
    retention: duration,
    cleanupPolicy: { $ref: '#/$defs/cleanupPolicy' },
    config: topicConfig,
  },
};

const policy: Schema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    topicName: { type: 'string', description: 'Naming convention (regular expression)' },
    maxPartitions: { type: 'integer', minimum: 1 },
    minReplicationFactor: { type: 'integer', minimum: 1 },
    allowTopicDeletion: { type: 'boolean' },
    allowConnectorDeletion: { type: 'boolean', description: 'Let deploy delete a connector that was removed from topics.yaml (default false)' },
    managedPrefixes: { type: 'array', items: { type: 'string' } },
    requireSchemaDocs: { type: 'boolean', description: 'Every schema field must have a doc/description' },
    ignoreConfigKeys: {
      type: 'array',
      items: { type: 'string', pattern: '^[a-z0-9][a-z0-9._-]*$' },
      description: 'Topic-config keys other tools own (besides the replication throttles): never drift, never removed or changed by a deploy',
    },
    extraConfigKeys: {
      type: 'array',
      items: { type: 'string', pattern: '^[a-z0-9*][a-z0-9._*-]*$' },
      description: 'Globs (`*`) of topic-config keys accepted beyond the catalogue and cluster.flavor, e.g. a broker plugin\'s keys',
    },
  },
};

const backend: Schema = {
  type: 'object',
  additionalProperties: false,
  required: ['type'],
  properties: {
    type: { enum: ['local', 's3', 'gcs', 'remote', 'pg'] },
    config: { type: 'object', additionalProperties: { type: ['string', 'number', 'boolean'] } },
  },
};

const schemaFile: Schema = { type: 'string', minLength: 1, description: 'Path of an .avsc / .json / .proto file, relative to topics.yaml' };

const topic: Schema = {
  type: ['object', 'null'],
  additionalProperties: false,
  properties: {
    description: { type: 'string' },
    partitions: { type: 'integer' },
    replicationFactor: { type: 'integer' },
    retention: duration,
    cleanupPolicy: { $ref: '#/$defs/cleanupPolicy' },
    config: topicConfig,
    deadLetter: {
      anyOf: [
        { type: 'boolean' },
        {
          type: 'object',
          additionalProperties: false,
          properties: { retention: duration, partitions: { type: 'integer' } },
        },
      ],
      description: 'Also create <topic>.dlq (same settings, own retention: 14d unless given)',
    },
    schema: {
      type: 'object',
      additionalProperties: false,
      properties: {
        key: schemaFile,
        value: schemaFile,
        compatibility: {
          enum: ['BACKWARD', 'BACKWARD_TRANSITIVE', 'FORWARD', 'FORWARD_TRANSITIVE', 'FULL', 'FULL_TRANSITIVE', 'NONE'],
        },
        subjectNameStrategy: { enum: ['TopicNameStrategy', 'RecordNameStrategy', 'TopicRecordNameStrategy'] },
      },
    },
    expected: {
      type: 'object',
      additionalProperties: false,
      required: ['messagesPerSecond'],
      properties: {
        messagesPerSecond: { type: 'number', exclusiveMinimum: 0 },
        messageBytes: size,
        peakFactor: { type: 'number', minimum: 1 },
        consumers: { type: 'integer', minimum: 1, description: 'Consumers per consumer group at the peak (capacity never plans fewer partitions)' },
      },
    },
  },
};

const service: Schema = {
  type: 'object',
  additionalProperties: false,
  required: ['principal'],
  properties: {
    description: { type: 'string' },
    type: { enum: ['producer', 'consumer', 'streams', 'connect'] },
    principal,
    produces: stringList,
    consumes: stringList,
    group: { type: 'string', minLength: 1, description: "Consumer group (default: the service name); trailing '-' or '*' = prefixed" },
    transactionalId: { type: 'string', minLength: 1, description: "Transactional id; trailing '-' or '*' = prefixed" },
    applicationId: { type: 'string', minLength: 1, description: 'Kafka Streams application.id' },
    exactlyOnce: { type: 'boolean', description: 'Kafka Streams exactly_once_v2: adds transactional-id ACLs' },
    internalTopicPrefix: { type: 'string', minLength: 1, description: 'Kafka Connect: prefix of the worker internal topics (default connect-<service>-)' },
    host: { type: 'string', minLength: 1, description: "Host the ACLs allow (default '*')" },
    // Checked by rules/max-lag.ts, which says which of the two forms was meant.
    maxLag: { type: ['integer', 'string'], description: 'Lag budget for `kafkaform health`: a record count (10000) or a duration (5m, 30s)' },
    instances: { type: 'integer', minimum: 1, description: 'How many instances of the service run (default 1): the consumers of its group, the producers sharing its rate; `kafkaform capacity` plans with it' },
  },
};

const acl: Schema = {
  type: 'object',
  additionalProperties: false,
  required: ['principal', 'resource', 'operations'],
  properties: {
    principal,
    resource: {
      type: 'object',
      additionalProperties: false,
      required: ['type'],
      properties: {
        type: { enum: ['topic', 'group', 'cluster', 'transactionalId', 'delegationToken', 'user'] },
        name: { type: 'string' },
        pattern: { enum: ['literal', 'prefixed'] },
      },
    },
    operations: {
      type: 'array',
      minItems: 1,
      items: {
        enum: [...ACL_OPERATIONS],
      },
    },
    permission: { enum: ['allow', 'deny'] },
    host: { type: 'string', minLength: 1 },
  },
};

const user: Schema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    mechanism: { enum: ['SCRAM-SHA-256', 'SCRAM-SHA-512'] },
    passwordFrom: { ...secretRef, description: 'Where deploy reads the password. Without it (an imported user), kafkaform checks the user exists with its mechanism and never sets its password' },
    iterations: { type: 'integer', minimum: 4096, maximum: 16384 },
    passwordVersion: { type: 'integer', minimum: 1, description: 'Bump to rotate the password (default 1): Terraform writes it again' },
  },
};

const quota: Schema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    user: { type: 'string', minLength: 1, description: "A user name, or '<default>'" },
    clientId: { type: 'string', minLength: 1, description: "A client id, or '<default>'" },
    producerByteRate: size,
    consumerByteRate: size,
    requestPercentage: { type: 'number', exclusiveMinimum: 0 },
  },
};

const schemaRegistry: Schema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    url: { type: 'string', pattern: '^https?://' },
    username: { type: 'string' },
    passwordFrom: secretRef,
    manageWith: {
      enum: ['api', 'terraform'],
      description: 'How deploy registers subjects: api (the registry REST API, default) or terraform (cultureamp/schemaregistry provider in the stack)',
    },
  },
};

const connect: Schema = {
  type: 'object',
  additionalProperties: false,
  description: 'The Kafka Connect worker whose connectors topics.yaml declares',
  properties: {
    url: { type: 'string', pattern: '^https?://', description: 'REST API of the Connect cluster, e.g. http://127.0.0.1:8083' },
    username: { type: 'string', description: 'Basic auth user' },
    passwordFrom: secretRef,
  },
};

const connector: Schema = {
  type: ['object', 'null'],
  additionalProperties: false,
  required: ['class'],
  properties: {
    class: { type: 'string', minLength: 1, description: 'connector.class, e.g. org.apache.kafka.connect.file.FileStreamSinkConnector' },
    tasksMax: { type: 'integer', description: 'tasks.max (default 1)' },
    state: { enum: ['running', 'paused', 'stopped'], description: 'Target state (default running)' },
    config: {
      type: 'object',
      additionalProperties: { type: ['string', 'number', 'boolean'] },
      description: "The connector's config; secrets only as config-provider references such as ${env:VAR} or ${file:/path:key}",
    },
  },
};

const environment: Schema = {
  type: ['object', 'null'],
  additionalProperties: false,
  properties: { cluster, defaults, policy, backend, schemaRegistry, connect },
};

/** Builds the JSON Schema document (draft 2020-12 subset that ajv and editors understand). */
export function buildJsonSchema(): Schema {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://kafkaform.dev/topics.schema.json',
    title: 'kafkaform topics.yaml',
    type: 'object',
    additionalProperties: false,
    // `x-` keys hold YAML anchors for merge keys (`x-defaults: &base {…}`, then `<<: *base`); kafkaform ignores them.
    patternProperties: { '^x-': { description: 'Ignored by kafkaform: a place for YAML anchors shared through merge keys' } },
    required: ['version'],
    $defs: {
      cleanupPolicy: {
        anyOf: [
          { enum: ['delete', 'compact'] },
          { type: 'array', items: { enum: ['delete', 'compact'] }, minItems: 1, uniqueItems: true },
        ],
        description: 'delete | compact | [compact, delete]',
      },
    },
    properties: {
      version: { const: 1, description: 'Format version (1)' },
      cluster,
      defaults,
      policy,
      backend,
      schemaRegistry,
      environments: { type: 'object', additionalProperties: environment },
      topics: { type: 'object', additionalProperties: topic },
      services: { type: 'object', additionalProperties: service },
      acls: { type: 'array', items: acl },
      users: { type: 'object', additionalProperties: user },
      quotas: { type: 'array', items: quota },
      connect,
      connectors: { type: 'object', additionalProperties: connector, description: 'Kafka Connect connectors, named by connector' },
    },
  };
}

/** The exact text of topics.schema.json (2-space JSON and a final newline). */
export function renderJsonSchemaFile(): string {
  return `${JSON.stringify(buildJsonSchema(), null, 2)}\n`;
}
