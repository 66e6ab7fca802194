/**
 * The derived ACLs are enforced by a real broker: deploy services + SCRAM users + quotas to a
 * private SASL cluster through real terraform, then log in as each service with kafkajs and check
 * what the broker allows and denies.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kafka, logLevel, type SASLOptions } from 'kafkajs';
import { deployStack, type DeployResult } from '../../src/deploy/deploy-stack.js';
import { readManifest, requireEnvironment } from '../../src/manifest/validate.js';
import { validateCommand } from '../../src/cli/commands/validate.js';
import type { Io } from '../../src/cli/framework.js';
import { startTestCluster, scratchProject, type TestCluster } from './helpers.js';

const SPEC = `version: 1
cluster: { name: acl-it, brokers: 1 }
defaults: { partitions: 1, replicationFactor: 1 }
topics:
  orders.placed: {}
  orders.audit: { partitions: 2, retention: 7d }
  payments.secret: {}
services:
  writer:
    principal: User:writer
    produces: [orders.placed]
  reader:
    principal: User:reader
    consumes: [orders.placed]
    group: reader-group
users:
  writer: { mechanism: SCRAM-SHA-512, passwordFrom: env:WRITER_PASSWORD }
  reader: { mechanism: SCRAM-SHA-256, passwordFrom: env:READER_PASSWORD, passwordVersion: 2 }
  nobody: { mechanism: SCRAM-SHA-512, passwordFrom: env:NOBODY_PASSWORD }
quotas:
  - user: writer
    producerByteRate: 1MiB
  - user: reader
    consumerByteRate: 2MiB
`;

const PASSWORDS = { writer: 'writer-secret-1', reader: 'reader-secret-2', nobody: 'nobody-secret-3' };

let tc: TestCluster;
let project: ReturnType<typeof scratchProject>;
let deployed: DeployResult;
const clients: Array<{ disconnect: () => Promise<void> }> = [];

/**
 * kafkajs reports a denied FindCoordinator only as "Failed to find group coordinator"; the broker's
 * GROUP_AUTHORIZATION_FAILED is visible in its debug log, so the client's log is kept for assertions.
 */
const clientLog: string[] = [];

function kafkaAs(user: keyof typeof PASSWORDS, mechanism: SASLOptions['mechanism'] = 'scram-sha-512'): Kafka {
  return new Kafka({
    clientId: `it-${user}`,
    brokers: tc.connection.bootstrapServers,
    sasl: { mechanism, username: user, password: PASSWORDS[user] } as SASLOptions,
    logLevel: logLevel.DEBUG,
    logCreator: () => (entry) => {
      const err = (entry.log as { error?: unknown }).error;
      if (err !== undefined) clientLog.push(`${user}: ${entry.log.message} ${errorText(err)}`);
    },
    retry: { retries: 1, initialRetryTime: 100 },
    connectionTimeout: 10_000,
  });
}

/** The whole error chain as text, so a wrapped kafkajs error still shows its protocol error type. */
function errorText(e: unknown): string {
  const parts: string[] = [];
  let cur: unknown = e;
  for (let i = 0; cur && i < 5; i++) {
    const err = cur as { name?: string; type?: string; message?: string; cause?: unknown; originalError?: unknown };
    parts.push(`${err.name ?? ''} ${err.type ?? ''} ${err.message ?? ''}`);
    cur = err.cause ?? err.originalError;
  }
  return parts.join(' | ');
}

async function produce(kafka: Kafka, topic: string): Promise<void> {
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  clients.push(producer);
  await producer.connect();
  try {
    await producer.send({ topic, messages: [{ key: 'k', value: `hello ${topic}` }] });
  } finally {
    await producer.disconnect();
  }
}

/** Consumes one message, or rejects with the error that crashed the consumer. */
async function consumeOne(kafka: Kafka, topic: string, groupId: string, retries = 0): Promise<string> {
  // A fresh group coordinator may still be loading: retriable errors get `retries` attempts.
  const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false, retry: { retries, initialRetryTime: 300 } });
  clients.push(consumer);
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    return await new Promise<string>((resolvePromise, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out consuming ${topic}`)), 60_000);
      consumer.on(consumer.events.CRASH, (ev) => {
        // Retriable errors (a coordinator still loading) restart the consumer by itself.
        if (ev.payload.restart) return;
        clearTimeout(timer);
        reject(ev.payload.error);
      });
      consumer
        .run({
          eachMessage: async ({ message }) => {
            clearTimeout(timer);
            resolvePromise(message.value?.toString() ?? '');
          },
        })
        .catch((e: unknown) => {
          clearTimeout(timer);
          reject(e);
        });
    });
  } finally {
    await consumer.disconnect().catch(() => undefined);
  }
}

const TOPIC_DENIED = /TOPIC_AUTHORIZATION_FAILED|Not authorized to access topics/;
const GROUP_DENIED = /GROUP_AUTHORIZATION_FAILED|Not authorized to access group/;

beforeAll(async () => {
  tc = await startTestCluster({ sasl: true });
  project = scratchProject(SPEC, { withSchemas: false });
  const spec = requireEnvironment(readManifest(project.file));
  deployed = await deployStack({
    spec,
    outdir: project.outdir,
    stateDir: project.dir,
    autoApprove: true,
    connection: { bootstrapServers: tc.connection.bootstrapServers.join(','), saslUsername: 'admin' },
    env: {
      ...process.env,
      KAFKAFORM_SASL_PASSWORD: tc.cluster.sasl!.password,
      WRITER_PASSWORD: PASSWORDS.writer,
      READER_PASSWORD: PASSWORDS.reader,
      NOBODY_PASSWORD: PASSWORDS.nobody,
    },
  });
}, 600_000);

afterAll(async () => {
  await Promise.all(clients.map((c) => c.disconnect().catch(() => undefined)));
  await tc?.stop();
  project?.cleanup();
}, 120_000);

describe('ACL enforcement on a SASL cluster', () => {
  it('deploys topics, ACLs, SCRAM users and quotas', () => {
    expect(deployed.applied).toBe(true);
    const count = (kind: string) => deployed.changes.filter((c) => c.resource === kind && c.action === 'create').length;
    expect(count('topic')).toBe(3);
    expect(count('user')).toBe(3);
    expect(count('quota')).toBe(2);
    // writer: Write+Describe on orders.placed + IdempotentWrite; reader: Read+Describe + group Read.
    expect(count('acl')).toBe(6);
  });

  it('a producer service can write the topic it produces', async () => {
    await expect(produce(kafkaAs('writer'), 'orders.placed')).resolves.toBeUndefined();
  });

  it('a producer service is denied a topic it was not given', async () => {
    const err = await produce(kafkaAs('writer'), 'payments.secret').then(() => undefined, (e: unknown) => e);
    expect(err, 'writer must not write payments.secret').toBeDefined();
    expect(errorText(err)).toMatch(TOPIC_DENIED);
  });

  it('a consumer service reads its topic in its group (SCRAM-SHA-256 login)', async () => {
    await produce(kafkaAs('writer'), 'orders.placed');
    // The __consumer_offsets partition of a brand-new group may still be loading on a fresh broker.
    let value: string | undefined;
    for (let attempt = 0; value === undefined; attempt++) {
      try {
        value = await consumeOne(kafkaAs('reader', 'scram-sha-256'), 'orders.placed', 'reader-group', 8);
      } catch (e) {
        if (attempt >= 5 || !/COORDINATOR_LOAD_IN_PROGRESS|coordinator is loading/.test(errorText(e))) throw e;
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
    expect(value).toBe('hello orders.placed');
  });

  it('a consumer service cannot produce to the topic it consumes', async () => {
    const err = await produce(kafkaAs('reader', 'scram-sha-256'), 'orders.placed').then(() => undefined, (e: unknown) => e);
    expect(err).toBeDefined();
    expect(errorText(err)).toMatch(TOPIC_DENIED);
  });

  it('a consumer service is denied a group it was not given', async () => {
    clientLog.length = 0;
    const err = await consumeOne(kafkaAs('reader', 'scram-sha-256'), 'orders.placed', 'someone-elses-group').then(() => undefined, (e: unknown) => e);
    expect(err).toBeDefined();
    expect([errorText(err), ...clientLog].join('\n')).toMatch(GROUP_DENIED);
  });

  it('a consumer service is denied a topic it was not given', async () => {
    const err = await consumeOne(kafkaAs('reader', 'scram-sha-256'), 'orders.audit', 'reader-group').then(() => undefined, (e: unknown) => e);
    expect(err).toBeDefined();
    expect(errorText(err)).toMatch(TOPIC_DENIED);
  });

  it('a user with credentials but no ACLs is denied everywhere', async () => {
    const nobody = kafkaAs('nobody');
    for (const topic of ['orders.placed', 'orders.audit', 'payments.secret']) {
      const err = await produce(nobody, topic).then(() => undefined, (e: unknown) => e);
      expect(errorText(err), `produce ${topic}`).toMatch(TOPIC_DENIED);
    }
    clientLog.length = 0;
    const err = await consumeOne(nobody, 'orders.placed', 'reader-group').then(() => undefined, (e: unknown) => e);
    expect(err).toBeDefined();
    expect([errorText(err), ...clientLog].join('\n')).toMatch(new RegExp(`${TOPIC_DENIED.source}|${GROUP_DENIED.source}`));
  });

  it('a wrong password does not log in', async () => {
    const bad = new Kafka({ clientId: 'it-bad', brokers: tc.connection.bootstrapServers, sasl: { mechanism: 'scram-sha-512', username: 'writer', password: 'wrong' }, logLevel: logLevel.NOTHING, retry: { retries: 0 } });
    const err = await produce(bad, 'orders.placed').then(() => undefined, (e: unknown) => e);
    expect(errorText(err)).toMatch(/SASL|authentication/i);
  });
});

describe('validate --bootstrap-servers: plan-time safety against the live cluster', () => {
  it('a partition decrease and a retention cut against the deployed topics are reported', async () => {
    const { writeFileSync } = await import('node:fs');
    const changed = SPEC.replace('orders.audit: { partitions: 2, retention: 7d }', 'orders.audit: { partitions: 1, retention: 1d }');
    expect(changed).not.toBe(SPEC);
    writeFileSync(project.file, changed);
    const lines: string[] = [];
    const io: Io = { stdout: (s) => lines.push(s), stderr: () => undefined, progress: () => undefined, color: false, isTty: false, stdinIsTty: false, paint: (_c, s) => s };
    const saved = process.env.KAFKAFORM_SASL_PASSWORD;
    process.env.KAFKAFORM_SASL_PASSWORD = tc.cluster.sasl!.password;
    try {
      const code = await validateCommand.run!({
        args: { file: project.file, format: 'json', 'bootstrap-servers': tc.connection.bootstrapServers.join(','), 'sasl-username': 'admin' },
        positionals: [],
        io,
      });
      const out = JSON.parse(lines.join('\n')) as { diagnostics: Array<{ severity: string; code: string; path: string; message: string; line: number }> };
      expect(code).toBe(1);
      expect(out.diagnostics.map((d) => [d.severity, d.code, d.path])).toEqual([
        ['error', 'partition-decrease', 'topics.orders.audit.partitions'],
        ['warning', 'retention-cut', 'topics.orders.audit.retention'],
      ]);
      expect(out.diagnostics[0]!.line).toBe(6);
      expect(JSON.stringify(out)).not.toContain(tc.cluster.sasl!.password);
    } finally {
      if (saved === undefined) delete process.env.KAFKAFORM_SASL_PASSWORD;
      else process.env.KAFKAFORM_SASL_PASSWORD = saved;
      writeFileSync(project.file, SPEC);
    }
  });
});
