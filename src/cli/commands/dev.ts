import { devClusterStatus, ensureDevCluster, stopDevCluster } from '../../dev/cluster/lifecycle.js';
import { resolveRef } from '../../dev/cluster/state-file.js';
import { startConnectWorker, stopConnectWorker } from '../../dev/connect-worker.js';
import { UserError } from '../../errors.js';
import { EXIT, groupCommand, JSON_OPTION, str, table, type Command, type OptionDef } from '../framework.js';

/** --name and --json: every dev subcommand takes them. */
const CLUSTER_OPTIONS: Record<string, OptionDef> = {
  name: { type: 'string', value: 'NAME', description: 'Cluster name', default: 'default' },
  ...JSON_OPTION,
};

const devUp: Command = {
  name: 'up',
  summary: 'Start the local KRaft cluster (real Apache Kafka from Maven Central jars) on loopback',
  usage: 'dev up [--brokers 1|3] [--sasl] [--tls] [--connect] [--kafka-version V] [--base-port N] [--json]',
  description: 'Waits until every broker answers and prints the bootstrap servers. Data and logs live in ~/.cache/kafkaform/clusters/<name>. Already running: prints it.',
  examples: ['kafkaform dev up', 'kafkaform dev up --brokers 3 --sasl', 'kafkaform dev up --tls --name tls --base-port 29192', 'kafkaform dev up --kafka-version 3.9.1', 'kafkaform dev up --connect   # also a Kafka Connect worker with the FileStream connectors'],
  options: {
    brokers: { type: 'string', value: '1|3', description: 'Number of brokers (default 1 for a new cluster; a running one keeps its own)' },
    sasl: { type: 'boolean', description: 'SASL/SCRAM-SHA-512 with an admin user (password kept in the cluster state file, never printed)' },
    tls: { type: 'boolean', description: 'TLS on the client listener: a self-signed CA, broker and client certificates are generated once (needs openssl)' },
    connect: { type: 'boolean', description: 'Also start a distributed Kafka Connect worker on loopback (FileStream connectors included; `dev down` stops it)' },
    'kafka-version': { type: 'string', value: 'V', description: 'Kafka version (also KAFKAFORM_KAFKA_VERSION)' },
    'base-port': { type: 'string', value: 'N', description: 'Client port of the first broker', default: '29092' },
    ...CLUSTER_OPTIONS,
  },
  async run({ args, io }) {
    const brokers = str(args.brokers);
    if (brokers !== undefined && brokers !== '1' && brokers !== '3') throw new UserError('--brokers must be 1 or 3', `got ${brokers}`);
    const basePort = Number(str(args['base-port']));
    if (!Number.isInteger(basePort) || basePort < 1024 || basePort > 65000) throw new UserError('--base-port must be a port number between 1024 and 65000');
    const c = await ensureDevCluster({
      name: str(args.name),
      brokers: brokers === undefined ? undefined : (Number(brokers) as 1 | 3),
      sasl: args.sasl === true ? true : undefined,
      tls: args.tls === true ? true : undefined,
      kafkaVersion: str(args['kafka-version']),
      basePort,
      onProgress: io.progress,
    });
    if (args.connect === true && c.tls) throw new UserError('--connect needs a dev cluster without --tls', 'start one with `kafkaform dev up --connect` or `--sasl --connect` under another --name');
    const worker = args.connect === true ? await startConnectWorker({ bootstrapServers: c.bootstrapServers, dataDir: c.dataDir, kafkaVersion: c.kafkaVersion, sasl: c.sasl, onProgress: io.progress }) : undefined;
    if (args.json) {
      io.stdout(JSON.stringify({ name: c.name, kafkaVersion: c.kafkaVersion, bootstrapServers: c.bootstrapServers, brokers: c.brokers, sasl: c.sasl ? { mechanism: c.sasl.mechanism, username: c.sasl.username } : undefined, tls: c.tls, dataDir: c.dataDir, connect: worker && { url: worker.url, pid: worker.pid, logFile: worker.logFile } }, null, 2));
    } else {
      io.stdout(`${io.paint('32', '✓')} Kafka ${c.kafkaVersion} (${c.brokers.length} broker${c.brokers.length > 1 ? 's' : ''}${c.sasl ? ', SASL/SCRAM' : ''}${c.tls ? ', TLS' : ''}) is up`);
      io.stdout(`  bootstrap servers: ${c.bootstrapServers.join(',')}`);
      if (c.sasl) io.stdout(`  admin user: ${c.sasl.username} (${c.sasl.mechanism}); password in ${c.dataDir}/cluster.json`);
      if (c.tls) {
        io.stdout(`  CA certificate: ${c.tls.caFile}  (connect with --tls --ca-file ${c.tls.caFile})`);
        io.stdout(`  client certificate for mutual TLS: --cert-file ${c.tls.certFile} --key-file ${c.tls.keyFile}`);
      }
      if (worker) io.stdout(`  Kafka Connect: ${worker.url} (pid ${worker.pid}; log ${worker.logFile})`);
      io.stdout(`  data and logs: ${c.dataDir}`);
    }
    return EXIT.ok;
  },
};

const devStatus: Command = {
  name: 'status',
  summary: 'Show whether the local cluster runs: pids, ports, liveness',
  usage: 'dev status [--name NAME] [--json]',
  description: 'Exit codes: 0 running, 1 not running or partly down.',
  examples: ['kafkaform dev status', 'kafkaform dev status --json'],
  options: CLUSTER_OPTIONS,
  async run({ args, io }) {
    const s = await devClusterStatus({ name: str(args.name) });
    if (!s) {
      if (args.json) io.stdout(JSON.stringify({ name: str(args.name), running: false }, null, 2));
      else io.stdout(`no local cluster "${str(args.name)}" (start one with \`kafkaform dev up\`)`);
      return EXIT.error;
    }
    const up = s.brokers.every((b) => b.alive);
    if (args.json) io.stdout(JSON.stringify({ ...s, running: up }, null, 2));
    else {
      io.stdout(`${up ? io.paint('32', '✓ running') : io.paint('31', '✗ not fully running')}: Kafka ${s.kafkaVersion} at ${s.bootstrapServers.join(',')}`);
      io.stdout(table(['node', 'pid', 'port', 'controller', 'alive'], s.brokers.map((b) => [String(b.nodeId), String(b.pid), String(b.port), String(b.controllerPort), b.alive ? 'yes' : 'no'])));
    }
    return up ? EXIT.ok : EXIT.error;
  },
};

const devDown: Command = {
  name: 'down',
  summary: 'Stop exactly the processes `dev up` started (by pid); --purge also deletes data and logs',
  usage: 'dev down [--name NAME] [--purge] [--json]',
  examples: ['kafkaform dev down', 'kafkaform dev down --purge'],
  options: {
    ...CLUSTER_OPTIONS,
    purge: { type: 'boolean', description: 'Delete the cluster data directory too' },
  },
  async run({ args, io }) {
    // The Connect worker first: it is a client of the brokers, and --purge deletes its state file.
    const workerPid = await stopConnectWorker({ dataDir: resolveRef({ name: str(args.name) }).dataDir, onProgress: io.progress });
    const stopped = await stopDevCluster({ name: str(args.name), purge: args.purge === true, onProgress: io.progress });
    const r = workerPid === undefined ? stopped : { stopped: [workerPid, ...stopped.stopped] };
    if (args.json) io.stdout(JSON.stringify(r, null, 2));
    else io.stdout(r.stopped.length ? `${io.paint('32', '✓')} stopped pid ${r.stopped.join(', ')}${args.purge ? ' and deleted the data' : ''}` : `nothing was running${args.purge ? '; data deleted' : ''}`);
    return EXIT.ok;
  },
};

export const devCommand: Command = groupCommand(
  'dev',
  'The local Kafka cluster kafkaform runs for development and tests (up, status, down)',
  ['kafkaform dev up --brokers 3', 'kafkaform dev status', 'kafkaform dev down'],
  [devUp, devStatus, devDown],
);
