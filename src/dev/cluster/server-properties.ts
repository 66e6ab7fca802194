/**
 * Pure rendering of what a dev cluster node runs with: its server.properties (one combined
 * broker+controller per node, KRaft, static quorum), its log4j configuration (log4j2 XML for
 * Kafka 4, log4j 1 properties for 3.x) and the JVM arguments. No I/O: lifecycle writes the files.
 */
import { join } from 'node:path';
import { kafkaMajor } from '../kafka-dist.js';
import { configFile, nodeDir, tlsPath, type DevCluster, type DevClusterBroker, type DevClusterState } from './state-file.js';

export const LOCALHOST = '127.0.0.1';
/** The CN of the broker certificate: the principal of inter-broker traffic over TLS without SASL. */
export const TLS_BROKER_CN = 'kafkaform-dev-broker';
/** The CN of the dev client certificate. */
export const TLS_CLIENT_CN = 'kafkaform-dev-client';

/** The security protocol of the client listener. */
export function clientProtocol(state: Pick<DevCluster, 'sasl' | 'tls'>): string {
  if (state.tls) return state.sasl ? 'SASL_SSL' : 'SSL';
  return state.sasl ? 'SASL_PLAINTEXT' : 'PLAINTEXT';
}

/** Java properties escaping for values kafkaform writes (paths, JAAS lines). */
export function escapeProperty(value: string): string {
  return value.replace(/\\/g, '\\\\');
}

/** The JAAS line of a SCRAM login. */
export function scramJaasConfig(username: string, password: string): string {
  return `org.apache.kafka.common.security.scram.ScramLoginModule required username="${username}" password="${password}";`;
}

/** server.properties for one combined broker+controller node. */
export function renderServerProperties(state: DevClusterState, broker: DevClusterBroker): string {
  const n = state.brokers.length;
  const rf = Math.min(n, 3);
  const minIsr = Math.min(2, rf);
  const dir = nodeDir(state.dataDir, broker.nodeId);
  const lines: Array<[string, string | number]> = [
    ['process.roles', 'broker,controller'],
    ['node.id', broker.nodeId],
    // A static quorum: every node lists all voters. It formats without --standalone/--initial-controllers
    // and behaves the same on 3.9 and 4.x (KIP-853 dynamic quorums are not needed for a fixed local cluster).
    ['controller.quorum.voters', state.brokers.map((b) => `${b.nodeId}@${LOCALHOST}:${b.controllerPort}`).join(',')],
    ['listeners', `CLIENT://${LOCALHOST}:${broker.port},CONTROLLER://${LOCALHOST}:${broker.controllerPort}`],
    ['advertised.listeners', `CLIENT://${LOCALHOST}:${broker.port}`],
    ['controller.listener.names', 'CONTROLLER'],
    ['inter.broker.listener.name', 'CLIENT'],
    ['listener.security.protocol.map', `CLIENT:${clientProtocol(state)},CONTROLLER:PLAINTEXT`],
    ['log.dirs', join(dir, 'data')],
    ['authorizer.class.name', 'org.apache.kafka.metadata.authorizer.StandardAuthorizer'],
    // ANONYMOUS is what the PLAINTEXT controller listener sees: brokers registering and heartbeating and
    // controllers replicating the metadata log. SCRAM cannot protect that listener in KRaft (the credentials
    // live in the very metadata log it serves), so ANONYMOUS must be a super user in both modes. Without SASL
    // every client is ANONYMOUS as well, so an admin can always deploy; with SASL the client listener only
    // admits authenticated users, and inter-broker traffic (replication) authenticates as admin over SCRAM.
    // With TLS and no SASL, a client presenting a certificate is named by it (see the mapping rule below):
    // the brokers themselves (inter-broker traffic on CLIENT) and the dev client certificate are super users.
    ['super.users', [...(state.sasl ? ['User:admin'] : []), 'User:ANONYMOUS', ...(state.tls && !state.sasl ? [`User:${TLS_BROKER_CN}`, `User:${TLS_CLIENT_CN}`] : [])].join(';')],
    ['num.partitions', 1],
    ['default.replication.factor', rf],
    ['min.insync.replicas', 1],
    ['auto.create.topics.enable', 'false'],
    ['offsets.topic.replication.factor', rf],
    ['offsets.topic.num.partitions', 10],
    ['transaction.state.log.replication.factor', rf],
    ['transaction.state.log.min.isr', minIsr],
    ['transaction.state.log.num.partitions', 10],
    ['group.initial.rebalance.delay.ms', 0],
    // Small thread pools and buffers: several brokers share a 2-core machine.
    ['num.network.threads', 2],
    ['num.io.threads', 4],
    ['background.threads', 4],
    ['num.recovery.threads.per.data.dir', 1],
    ['num.replica.fetchers', 1],
    ['log.cleaner.dedupe.buffer.size', 16 * 1024 * 1024],
  ];
  if (kafkaMajor(state.kafkaVersion) >= 4) {
    lines.push(['share.coordinator.state.topic.replication.factor', rf], ['share.coordinator.state.topic.min.isr', minIsr]);
  }
  if (state.tls) {
    // PEM files straight from openssl (KIP-651, Kafka 2.7+): no JKS/PKCS12 conversion and no store passwords.
    // The keystore file holds the unencrypted PKCS#8 key followed by the certificate chain.
    lines.push(
      ['ssl.keystore.type', 'PEM'],
      ['ssl.keystore.location', tlsPath(state.dataDir, 'broker-keystore.pem')],
      ['ssl.truststore.type', 'PEM'],
      ['ssl.truststore.location', state.tls.caFile],
      // 'requested': clients without a certificate connect too (server-auth only) and are ANONYMOUS
      // (or their SASL user); clients with one must present a certificate the CA signed.
      ['ssl.client.auth', 'requested'],
      ['ssl.principal.mapping.rules', 'RULE:^CN=([^,]+)$/$1/,DEFAULT'],
    );
  }
  if (state.sasl) {
    const jaas = scramJaasConfig(state.sasl.username, state.sasl.password);
    lines.push(
      ['sasl.enabled.mechanisms', 'SCRAM-SHA-512,SCRAM-SHA-256'],
      ['sasl.mechanism.inter.broker.protocol', 'SCRAM-SHA-512'],
      ['listener.name.client.scram-sha-512.sasl.jaas.config', jaas],
      ['listener.name.client.scram-sha-256.sasl.jaas.config', jaas],
    );
  }
  return `# Written by kafkaform for dev cluster '${state.name}'; rewritten on every start.\n${lines
    .map(([k, v]) => `${k}=${escapeProperty(String(v))}`)
    .join('\n')}\n`;
}

const LOG4J2_XML = `<?xml version="1.0" encoding="UTF-8"?>
<Configuration status="warn">
  <Appenders>
    <Console name="STDOUT" target="SYSTEM_OUT">
      <PatternLayout pattern="[%d] %p %m (%c)%n"/>
    </Console>
  </Appenders>
  <Loggers>
    <Root level="INFO"><AppenderRef ref="STDOUT"/></Root>
    <Logger name="kafka.request.logger" level="WARN"/>
    <Logger name="state.change.logger" level="WARN"/>
    <Logger name="org.apache.kafka.storage.internals.log.LogCleaner" level="WARN"/>
  </Loggers>
</Configuration>
`;

const LOG4J1_PROPERTIES = `log4j.rootLogger=INFO, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.request.logger=WARN
log4j.logger.state.change.logger=WARN
`;

/** One file of a node's configuration; `secret` files (the admin password in a JAAS line) are written 0600. */
export interface NodeConfigFile {
  path: string;
  content: string;
  secret: boolean;
}

/**
 * Every configuration file of a node: server.properties, and the broker's and the tools' log
 * configurations for both Kafka majors (the tools only log warnings).
 */
export function renderNodeConfigFiles(state: DevClusterState, broker: DevClusterBroker): NodeConfigFile[] {
  const dir = nodeDir(state.dataDir, broker.nodeId);
  return [
    // Secret: with SASL the file holds the admin password (in the JAAS line).
    { path: configFile(state.dataDir, broker.nodeId), content: renderServerProperties(state, broker), secret: true },
    { path: join(dir, 'log4j2.xml'), content: LOG4J2_XML, secret: false },
    { path: join(dir, 'log4j.properties'), content: LOG4J1_PROPERTIES, secret: false },
    { path: join(dir, 'tools-log4j2.xml'), content: LOG4J2_XML.replace('<Root level="INFO">', '<Root level="WARN">'), secret: false },
    { path: join(dir, 'tools-log4j.properties'), content: LOG4J1_PROPERTIES.replace('rootLogger=INFO', 'rootLogger=WARN'), secret: false },
  ];
}

/** JVM arguments for a node (`tool`: a short-lived command-line tool that should only log warnings). */
export function renderJvmArgs(state: Pick<DevClusterState, 'dataDir' | 'kafkaVersion' | 'libDir'>, nodeId: number, heapMb: number, tool = false): string[] {
  const dir = nodeDir(state.dataDir, nodeId);
  const prefix = tool ? 'tools-' : '';
  return [
    `-Xmx${heapMb}m`,
    ...(tool ? [] : [`-Xms${heapMb}m`]),
    '-XX:+UseG1GC',
    '-XX:MaxGCPauseMillis=20',
    '-XX:InitiatingHeapOccupancyPercent=35',
    '-XX:+ExplicitGCInvokesConcurrent',
    '-Djava.awt.headless=true',
    `-Dkafka.logs.dir=${join(dir, 'logs')}`,
    kafkaMajor(state.kafkaVersion) >= 4
      ? `-Dlog4j2.configurationFile=${join(dir, `${prefix}log4j2.xml`)}`
      : `-Dlog4j.configuration=file:${join(dir, `${prefix}log4j.properties`)}`,
    '-cp',
    `${state.libDir}/*`,
  ];
}
