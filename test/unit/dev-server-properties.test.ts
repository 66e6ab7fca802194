import { describe, expect, it } from 'vitest';
import {
  clientProtocol,
  renderJvmArgs,
  renderNodeConfigFiles,
  renderServerProperties,
} from '../../src/dev/cluster/server-properties.js';
import type { DevClusterState } from '../../src/dev/cluster/state-file.js';

function state(opts: { brokers: 1 | 3; sasl?: boolean; tls?: boolean; kafkaVersion: string }): DevClusterState {
  const dataDir = '/cache/clusters/demo';
  const brokers = Array.from({ length: opts.brokers }, (_, i) => ({
    nodeId: i + 1,
    pid: 0,
    port: 29092 + i,
    controllerPort: 29192 + i,
    logFile: `${dataDir}/node-${i + 1}/kafka.log`,
  }));
  return {
    stateVersion: 1,
    name: 'demo',
    dataDir,
    kafkaVersion: opts.kafkaVersion,
    bootstrapServers: brokers.map((b) => `127.0.0.1:${b.port}`),
    brokers,
    ...(opts.sasl ? { sasl: { mechanism: 'scram-sha512', username: 'admin', password: 'pw-123' } } : {}),
    ...(opts.tls ? { tls: { caFile: `${dataDir}/tls/ca.pem`, certFile: `${dataDir}/tls/client.pem`, keyFile: `${dataDir}/tls/client.key` } } : {}),
    clusterId: 'AAAAAAAAAAAAAAAAAAAAAA',
    libDir: '/cache/kafka/lib',
    heapMb: 512,
    createdAt: '2026-01-01T00:00:00.000Z',
    startedAt: '2026-01-01T00:00:00.000Z',
  };
}

/** server.properties as a key → value map. */
function props(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const i = line.indexOf('=');
    out[line.slice(0, i)] = line.slice(i + 1);
  }
  return out;
}

const CASES = [
  { title: '1 node, plaintext, Kafka 4', brokers: 1, kafkaVersion: '4.3.1' },
  { title: '3 nodes, SASL, Kafka 4', brokers: 3, sasl: true, kafkaVersion: '4.3.1' },
  { title: '1 node, TLS, Kafka 3', brokers: 1, tls: true, kafkaVersion: '3.9.1' },
  { title: '3 nodes, SASL and TLS, Kafka 3', brokers: 3, sasl: true, tls: true, kafkaVersion: '3.9.1' },
] as const;

describe('renderServerProperties', () => {
  it.each(CASES)('$title: every node\'s file as a snapshot', (c) => {
    const s = state(c);
    for (const b of s.brokers) expect(renderServerProperties(s, b)).toMatchSnapshot(`node ${b.nodeId}`);
  });

  it.each([
    { brokers: 1, rf: '1', minIsr: '1', voters: '1@127.0.0.1:29192' },
    { brokers: 3, rf: '3', minIsr: '2', voters: '1@127.0.0.1:29192,2@127.0.0.1:29193,3@127.0.0.1:29194' },
  ] as const)('$brokers node(s): replication $rf, transaction min ISR $minIsr, a static quorum of every node', ({ brokers, rf, minIsr, voters }) => {
    const s = state({ brokers, kafkaVersion: '4.3.1' });
    const p = props(renderServerProperties(s, s.brokers[brokers - 1]!));
    expect(p['controller.quorum.voters']).toBe(voters);
    expect(p['default.replication.factor']).toBe(rf);
    expect(p['offsets.topic.replication.factor']).toBe(rf);
    expect(p['transaction.state.log.min.isr']).toBe(minIsr);
    expect(p['node.id']).toBe(String(brokers));
    expect(p.listeners).toBe(`CLIENT://127.0.0.1:${29091 + brokers},CONTROLLER://127.0.0.1:${29191 + brokers}`);
    expect(p['auto.create.topics.enable']).toBe('false');
  });

  it.each([
    { sasl: false, tls: false, protocol: 'PLAINTEXT', superUsers: 'User:ANONYMOUS' },
    { sasl: true, tls: false, protocol: 'SASL_PLAINTEXT', superUsers: 'User:admin;User:ANONYMOUS' },
    { sasl: false, tls: true, protocol: 'SSL', superUsers: 'User:ANONYMOUS;User:kafkaform-dev-broker;User:kafkaform-dev-client' },
    { sasl: true, tls: true, protocol: 'SASL_SSL', superUsers: 'User:admin;User:ANONYMOUS' },
  ])('sasl=$sasl tls=$tls: client listener $protocol, super users $superUsers', ({ sasl, tls, protocol, superUsers }) => {
    const s = state({ brokers: 1, sasl, tls, kafkaVersion: '4.3.1' });
    const p = props(renderServerProperties(s, s.brokers[0]!));
    expect(clientProtocol(s)).toBe(protocol);
    expect(p['listener.security.protocol.map']).toBe(`CLIENT:${protocol},CONTROLLER:PLAINTEXT`);
    expect(p['super.users']).toBe(superUsers);
    expect('sasl.enabled.mechanisms' in p).toBe(sasl);
    expect('ssl.keystore.location' in p).toBe(tls);
  });

  it('puts the admin password only into the SCRAM JAAS lines', () => {
    const s = state({ brokers: 1, sasl: true, kafkaVersion: '4.3.1' });
    const lines = renderServerProperties(s, s.brokers[0]!).split('\n').filter((l) => l.includes('pw-123'));
    expect(lines.map((l) => l.slice(0, l.indexOf('=')))).toEqual([
      'listener.name.client.scram-sha-512.sasl.jaas.config',
      'listener.name.client.scram-sha-256.sasl.jaas.config',
    ]);
  });

  it.each([
    { kafkaVersion: '4.3.1', share: true },
    { kafkaVersion: '3.9.1', share: false },
  ])('Kafka $kafkaVersion: share-coordinator settings only from 4.0 ($share)', ({ kafkaVersion, share }) => {
    const s = state({ brokers: 3, kafkaVersion });
    const p = props(renderServerProperties(s, s.brokers[0]!));
    expect(p['share.coordinator.state.topic.replication.factor']).toBe(share ? '3' : undefined);
  });

  it('escapes backslashes in values', () => {
    const s = { ...state({ brokers: 1, kafkaVersion: '4.3.1' }), dataDir: 'C:\\data' };
    expect(props(renderServerProperties(s, s.brokers[0]!))['log.dirs']).toBe('C:\\\\data/node-1/data');
  });
});

describe('renderNodeConfigFiles', () => {
  it('writes server.properties as the one secret file, plus broker and tool log configurations', () => {
    const s = state({ brokers: 1, sasl: true, kafkaVersion: '4.3.1' });
    const files = renderNodeConfigFiles(s, s.brokers[0]!);
    expect(files.map((f) => [f.path, f.secret])).toEqual([
      ['/cache/clusters/demo/node-1/server.properties', true],
      ['/cache/clusters/demo/node-1/log4j2.xml', false],
      ['/cache/clusters/demo/node-1/log4j.properties', false],
      ['/cache/clusters/demo/node-1/tools-log4j2.xml', false],
      ['/cache/clusters/demo/node-1/tools-log4j.properties', false],
    ]);
    expect(files[1]!.content).toContain('<Root level="INFO">');
    expect(files[3]!.content).toContain('<Root level="WARN">');
    expect(files[2]!.content).toMatch(/^log4j\.rootLogger=INFO, stdout$/m);
    expect(files[4]!.content).toMatch(/^log4j\.rootLogger=WARN, stdout$/m);
    expect(files.slice(1).some((f) => f.content.includes('pw-123'))).toBe(false);
  });
});

describe('renderJvmArgs', () => {
  it.each([
    { kafkaVersion: '4.3.1', tool: false, expected: ['-Xmx512m', '-Xms512m', '-Dlog4j2.configurationFile=/cache/clusters/demo/node-2/log4j2.xml'] },
    { kafkaVersion: '4.3.1', tool: true, expected: ['-Xmx256m', '-Dlog4j2.configurationFile=/cache/clusters/demo/node-2/tools-log4j2.xml'] },
    { kafkaVersion: '3.9.1', tool: false, expected: ['-Xmx512m', '-Xms512m', '-Dlog4j.configuration=file:/cache/clusters/demo/node-2/log4j.properties'] },
    { kafkaVersion: '3.9.1', tool: true, expected: ['-Xmx256m', '-Dlog4j.configuration=file:/cache/clusters/demo/node-2/tools-log4j.properties'] },
  ])('Kafka $kafkaVersion, tool=$tool: heap and log configuration', ({ kafkaVersion, tool, expected }) => {
    const s = state({ brokers: 3, kafkaVersion });
    const args = renderJvmArgs(s, 2, tool ? 256 : 512, tool);
    expect(args).toEqual(expect.arrayContaining(expected));
    expect(args.includes('-Xms256m')).toBe(false);
    expect(args.slice(-2)).toEqual(['-cp', '/cache/kafka/lib/*']);
    expect(args).toContain('-Dkafka.logs.dir=/cache/clusters/demo/node-2/logs');
  });
});
