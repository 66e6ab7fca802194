/**
 * Kafka Connect on a real worker: a distributed worker (the Connect runtime from the Kafka jars,
 * the FileStream connectors from Maven Central) joins a real broker; a FileStreamSource connector
 * declared in topics.yaml is deployed by `kafkaform deploy` and its lines arrive in the declared
 * topic; pausing it, changing its config and adding a connector by hand are each found by drift;
 * deploy restores the declared state; `import --connect-url` reads them back; an unknown class fails
 * `validate --live` at its line.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKafka } from '../../src/cluster/kafkajs-adapter.js';
import { ConnectClient } from '../../src/connect/connect-client.js';
import { startConnectWorker, stopConnectWorker, type ConnectWorker } from '../../src/dev/connect-worker.js';
import { collectDrift } from '../../src/drift/collect-drift.js';
import { readManifest, requireEnvironment } from '../../src/manifest/validate.js';
import { waitUntil } from '../../src/os/process.js';
import { scratchProject, startTestCluster, type TestCluster } from './helpers.js';

const ROOT = join(import.meta.dirname, '..', '..');
const SOURCE = 'org.apache.kafka.connect.file.FileStreamSourceConnector';
const SINK = 'org.apache.kafka.connect.file.FileStreamSinkConnector';

let tc: TestCluster;
let worker: ConnectWorker;
let project: ReturnType<typeof scratchProject>;
let client: ConnectClient;
let servers: string;

function specText(url: string, input: string, connectorClass = SOURCE): string {
  return [
    'version: 1',
    'cluster: { name: lines, brokers: 1 }',
    'defaults: { partitions: 1, replicationFactor: 1 }',
    'policy: { allowConnectorDeletion: true }',
    'connect:',
    `  url: ${url}`,
    'topics:',
    '  connect.lines: {}',
    'connectors:',
    '  lines-source:',
    `    class: ${connectorClass}`,
    '    tasksMax: 1',
    '    state: running',
    '    config:',
    '      topic: connect.lines',
    `      file: ${input}`,
    '',
  ].join('\n');
}

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'kafkaform.js'), ...args], {
    cwd: project.dir,
    encoding: 'utf8',
    env: { ...process.env, KAFKAFORM_FROM_SOURCE: '1', NO_COLOR: '1' },
    timeout: 180_000,
  });
  // A failure's whole output, which an assertion message would truncate.
  if (r.status !== 0 && r.status !== 2) console.error(`[connect] kafkaform ${args.join(' ')} → ${r.status}\n${r.stdout}\n${r.stderr}`);
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

async function consumeValues(topic: string, count: number): Promise<string[]> {
  const consumer = createKafka(tc.connection, 'connect-it').consumer({ groupId: `g-${topic}-${Date.now()}`, heartbeatInterval: 1_000 });
  await consumer.connect();
  const values: string[] = [];
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`only ${values.length}/${count} records after 60 s: ${JSON.stringify(values)}`)), 60_000);
      consumer.on(consumer.events.CRASH, (e) => {
        if (!e.payload.restart) reject(new Error(String(e.payload.error)));
      });
      void consumer.run({
        eachMessage: async ({ message }) => {
          values.push(message.value?.toString() ?? '');
          if (values.length >= count) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return values;
}

const drift = async () => {
  const spec = requireEnvironment(readManifest(project.file));
  return collectDrift(spec, tc.connection, { connect: client });
};

beforeAll(async () => {
  tc = await startTestCluster();
  servers = tc.cluster.bootstrapServers.join(',');
  worker = await startConnectWorker({ bootstrapServers: tc.cluster.bootstrapServers, dataDir: tc.dataDir, kafkaVersion: tc.cluster.kafkaVersion, timeoutMs: 240_000 });
  console.error(`[connect] Kafka ${tc.cluster.kafkaVersion} at ${servers}; worker ${worker.url} (pid ${worker.pid})`);
  client = new ConnectClient({ url: worker.url });
  project = scratchProject('', { withSchemas: false });
  writeFileSync(join(project.dir, 'in.txt'), 'first line\nsecond line\nthird line\n');
  writeFileSync(project.file, specText(worker.url, join(project.dir, 'in.txt')));
}, 400_000);

afterAll(async () => {
  if (tc) await stopConnectWorker({ dataDir: tc.dataDir });
  await tc?.stop();
  project?.cleanup();
});

describe('connectors on a real Kafka Connect worker', () => {
  it('deploy creates the declared FileStreamSource connector and its lines arrive in the declared topic', async () => {
    const r = cli(['deploy', '--auto-approve', '--bootstrap-servers', servers]);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(r.stdout).toContain('+ connector lines-source  create  [safe]');
    expect(r.stdout).toContain('connectors at');
    expect(await consumeValues('connect.lines', 3)).toEqual(['first line', 'second line', 'third line']);
    const report = await drift();
    expect(report.drift).toEqual([]);
    expect(report.checked.connectors).toBe(1);
  }, 300_000);

  it('a pause, a changed config and a connector added by hand are each found by drift; deploy restores the declared state', async () => {
    await client.pause('lines-source');
    const live = (await client.connectors()).find((c) => c.name === 'lines-source')!;
    await client.putConfig('lines-source', { ...live.config, file: join(project.dir, 'other.txt') });
    await client.putConfig('by-hand', { 'connector.class': SINK, topics: 'connect.lines', file: join(project.dir, 'out.txt') });
    // A config PUT restarts the connector; the worker reports PAUSED again once it settles.
    expect(await waitUntil(async () => (await client.connectors()).find((c) => c.name === 'lines-source')?.state === 'PAUSED', 60_000, 500)).toBe(true);
    const found = (await drift()).drift.map((d) => `${d.name} ${d.kind}${d.field ? ` ${d.field}` : ''}`).sort();
    expect(found).toEqual(['by-hand unmanaged', 'lines-source changed config.file', 'lines-source changed state']);

    const text = cli(['drift', '--bootstrap-servers', servers]);
    expect(text.code, text.stderr).toBe(2);
    expect(text.stdout).toContain('connector lines-source  changed  state: expected RUNNING, actual PAUSED');

    const r = cli(['deploy', '--auto-approve', '--bootstrap-servers', servers]);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(r.stdout).toMatch(/~ connector lines-source {2}update {2}\[safe\]/);
    expect(r.stdout).toMatch(/~ connector lines-source {2}resume {2}\[safe\]/);
    expect(r.stdout).toMatch(/- connector by-hand {2}delete {2}\[destructive\]/);
    expect((await drift()).drift).toEqual([]);
  }, 300_000);

  it('import --connect-url writes the worker\'s connectors into a valid topics.yaml', () => {
    const out = join(project.dir, 'imported.yaml');
    const r = cli(['import', '--bootstrap-servers', servers, '--connect-url', worker.url, '-o', out]);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    const text = readFileSync(out, 'utf8');
    expect(text).toContain('lines-source:');
    expect(text).toContain(`class: ${SOURCE}`);
    expect(text).toContain('topic: connect.lines');
  }, 200_000);

  it('validate --live reports a class the worker lacks at its line', () => {
    const bad = join(project.dir, 'bad.yaml');
    writeFileSync(bad, specText(worker.url, join(project.dir, 'in.txt'), 'com.example.NoSuchConnector'));
    const r = cli(['validate', '--live', '-f', bad, '--bootstrap-servers', servers]);
    expect(r.code, r.stderr + r.stdout).toBe(1);
    expect(r.stdout).toMatch(/bad\.yaml:11:\d+.*connector-unknown-class|connector-unknown-class[\s\S]*bad\.yaml:11/);
    expect(r.stdout).toContain('has no connector class com.example.NoSuchConnector');
  }, 200_000);
});
