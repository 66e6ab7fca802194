import { writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { resolveConnection, type ResolvedConnection } from '../../cluster/connection.js';
import { ensureDevCluster, requireRunningDevCluster } from '../../dev/cluster/lifecycle.js';
import { baselineMismatches, computeBaselineComparison } from '../../loadtest/compare-baseline.js';
import { readLoadTestReport } from '../../loadtest/read-report.js';
import { renderReport, type ReportFormat } from '../../loadtest/render-report.js';
import type { LoadTestReport } from '../../loadtest/report-types.js';
import { coordinateWorkers } from '../../loadtest/coordinate-workers.js';
import { defaultClusterPort, runLoad, type LiveProgress } from '../../loadtest/runner.js';
import { runWorker } from '../../loadtest/run-worker.js';
import { spawnLocalWorker } from '../../loadtest/spawn-worker.js';
import { attachSchemaPayloads } from '../../loadtest/schema-payloads.js';
import { computeWorkload, parseDurationFlag, parseRateFlag, parseSizeFlag, type Workload } from '../../loadtest/workload.js';
import { UserError } from '../../errors.js';
import { CONNECTION_OPTIONS, connectionFlags, EXIT, FILE_OPTION, oneOf, str, type Command, type CommandContext, type Io } from '../framework.js';
import { readValidSpec } from '../read-valid-spec.js';

const FORMATS = ['text', 'json', 'markdown', 'html'] as const;

function positiveInt(v: unknown, flag: string, min = 1): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > 64) throw new UserError(`--${flag} must be an integer from ${min} to 64`, `got ${JSON.stringify(v)}`);
  return n;
}

/** Seconds (`10`, `10s`) to milliseconds, for the worker bounds. */
function seconds(v: unknown, flag: string): number {
  const m = /^(\d+(?:\.\d+)?)s?$/.exec(String(v).trim());
  if (!m || Number(m[1]) <= 0) throw new UserError(`--${flag} must be a number of seconds`, `got ${JSON.stringify(v)}; e.g. --${flag} 10s`);
  return Math.round(Number(m[1]) * 1000);
}

/** The connection as KAFKAFORM_* variables for a local worker process (no secret on a command line). */
function workerEnv(rc: ResolvedConnection): Record<string, string> {
  const c = rc.connection;
  const env: Record<string, string> = { KAFKAFORM_BOOTSTRAP_SERVERS: c.bootstrapServers.join(',') };
  if (c.sasl) Object.assign(env, { KAFKAFORM_SASL_MECHANISM: c.sasl.mechanism, KAFKAFORM_SASL_USERNAME: c.sasl.username, KAFKAFORM_SASL_PASSWORD: c.sasl.password });
  if (c.tls?.enabled) {
    env.KAFKAFORM_TLS = 'true';
    if (!c.tls.rejectUnauthorized) env.KAFKAFORM_TLS_INSECURE = 'true';
    if (rc.tlsFiles?.caFile) env.KAFKAFORM_TLS_CA_FILE = rc.tlsFiles.caFile;
    if (rc.tlsFiles?.certFile) env.KAFKAFORM_TLS_CERT_FILE = rc.tlsFiles.certFile;
    if (rc.tlsFiles?.keyFile) env.KAFKAFORM_TLS_KEY_FILE = rc.tlsFiles.keyFile;
  }
  return env;
}

/** The live one-line status on a terminal; nothing at all when stderr is not a TTY. */
function liveLine(io: Io, quiet: boolean): ((p: LiveProgress) => void) | undefined {
  if (quiet || !process.stderr.isTTY) return undefined;
  return (p) => {
    const line = `${p.phase === 'draining' ? 'draining' : `${p.remainingSeconds}s left`} | target ${p.closedLoop ? 'max (closed loop)' : `${p.targetMessagesPerSecond} msg/s`} | acked ${p.acknowledgedPerSecond} msg/s | p99 ${p.publishP99Ms.toFixed(1)} ms | lag ${p.lag} | errors ${p.errors}`;
    process.stderr.write(`\r\u001b[2K${io.paint('2', line)}`);
  };
}

/** Parses the flags and runs the workload; shared by `loadtest` and `capacity` (measuring on the spot). */
export async function runLoadtestFromArgs(args: CommandContext['args'], io: Io, overrides: { durationMs?: number; topics?: string[] } = {}): Promise<{ report: LoadTestReport; workload: Workload }> {
  const { spec } = readValidSpec({ args, io }, 'no load test was run');
  const topicFlag = args.topic;
  const workload = computeWorkload(spec, {
    topics: overrides.topics ?? (Array.isArray(topicFlag) ? topicFlag : typeof topicFlag === 'string' ? [topicFlag] : undefined),
    durationMs: overrides.durationMs ?? parseDurationFlag(str(args.duration) ?? '30s'),
    rate: args.rate !== undefined ? parseRateFlag(str(args.rate)!) : undefined,
    messageBytes: args['message-bytes'] !== undefined ? parseSizeFlag(str(args['message-bytes'])!) : undefined,
    producers: positiveInt(args.producers ?? '1', 'producers'),
    consumers: positiveInt(args.consumers ?? '1', 'consumers'),
    acks: oneOf(args.acks ?? 'all', ['all', '1'] as const, 'acks')!,
    compression: args.compression === undefined ? undefined : oneOf(args.compression, ['none', 'gzip', 'lz4', 'zstd'] as const, 'compression'),
    useExisting: args['use-existing'] === true,
    keepTopics: args['keep-topics'] === true,
    maxMessages: args['max-messages'] !== undefined ? positiveIntAny(args['max-messages'], 'max-messages') : undefined,
  });
  for (const t of workload.topics) if (t.compressionNote) io.progress(`${t.topic}: ${t.compressionNote}`);
  const payloadMode = oneOf(args.payload ?? 'schema', ['schema', 'synthetic'] as const, 'payload')!;
  if (payloadMode === 'schema') {
    const withSchema = attachSchemaPayloads(workload, spec);
    if (withSchema.length > 0) io.progress(`values generated from the value schema of ${withSchema.join(', ')}`);
  }
  const localWorkers = args.workers !== undefined ? positiveInt(args.workers, 'workers', 0) : 0;
  const remoteWorkers = args['remote-workers'] !== undefined ? positiveInt(args['remote-workers'], 'remote-workers', 0) : 0;
  const rc = await resolveConnection(spec, connectionFlags(args), { embedded: ensureDevCluster, onProgress: io.progress });
  io.progress(
    `load test ${workload.runId}: ${workload.topics.map((t) => `${t.loadTopic} @ ${workload.mode === 'max' ? 'max' : `${t.messagesPerSecond} msg/s`} × ${t.messageBytes} B`).join(', ')} for ${workload.durationMs / 1000}s on ${rc.connection.bootstrapServers.join(',')}`,
  );
  const controller = new AbortController();
  const onSigint = () => {
    io.progress('interrupted: stopping producers, draining and cleaning up (Ctrl-C again to force)');
    controller.abort();
    process.removeListener('SIGINT', onSigint);
  };
  process.on('SIGINT', onSigint);
  if (localWorkers + remoteWorkers > 0) {
    const connection = { ...rc.connection, clientId: `kafkaform-loadtest-${workload.runId}` };
    const port = defaultClusterPort(connection);
    try {
      const report = await coordinateWorkers({
        workload,
        connection,
        cluster: { name: spec.cluster.name, environment: spec.environment },
        clusterPort: port,
        localWorkers,
        remoteWorkers,
        controlTopic: str(args.control),
        heartbeatTimeoutMs: args['heartbeat-timeout'] !== undefined ? seconds(args['heartbeat-timeout'], 'heartbeat-timeout') : undefined,
        startWorker: (name, control) => {
          const h = spawnLocalWorker(name, control, { env: workerEnv(rc), onLine: (l) => io.progress(`[${name}] ${l.replace(/^\S*› /, '')}`) });
          io.progress(`started worker ${name} (pid ${h.pid})`);
          return h;
        },
        onLog: io.progress,
        signal: controller.signal,
      });
      return { report, workload };
    } finally {
      await port.close();
      process.removeListener('SIGINT', onSigint);
    }
  }
  const live = liveLine(io, args.quiet === true);
  try {
    const report = await runLoad({
      workload,
      connection: { ...rc.connection, clientId: `kafkaform-loadtest-${workload.runId}` },
      cluster: { name: spec.cluster.name, environment: spec.environment },
      onProgress: live,
      onLog: io.progress,
      signal: controller.signal,
    });
    return { report, workload };
  } finally {
    if (live) process.stderr.write('\r\u001b[2K');
    process.removeListener('SIGINT', onSigint);
  }
}

function positiveIntAny(v: unknown, flag: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new UserError(`--${flag} must be a positive integer`, `got ${JSON.stringify(v)}`);
  return n;
}

export const LOADTEST_OPTIONS: Command['options'] = {
  topic: { type: 'string', short: 't', multiple: true, value: 'TOPIC', description: 'Declared topic to load (repeatable; default: every topic with an `expected` block)' },
  duration: { type: 'string', short: 'd', value: 'DURATION', description: 'How long producers run (1s … 1h)', default: '30s' },
  rate: { type: 'string', short: 'r', value: 'N|max', description: "Messages/s per topic (default: expected.messagesPerSecond × peakFactor); 'max' searches the highest sustainable rate" },
  'message-bytes': { type: 'string', value: 'SIZE', description: 'Record value size (default: expected.messageBytes, else 1KiB)' },
  producers: { type: 'string', value: 'N', description: 'Producers per topic', default: '1' },
  consumers: { type: 'string', value: 'N', description: 'Consumers per topic (one consumer group per topic)', default: '1' },
  acks: { type: 'string', value: 'all|1', description: 'Producer acks; all uses the idempotent producer', default: 'all' },
  compression: { type: 'string', value: 'CODEC', description: "none | gzip | lz4 | zstd (zstd needs Node ≥ 22.15); default: each topic's own compression.type (zstd tested with lz4 on older Node)" },
  'max-messages': { type: 'string', value: 'N', description: 'Cap on messages per topic (default: rate × duration + 10 %)' },
  'use-existing': { type: 'boolean', description: 'Write to the declared topics themselves instead of temporary copies' },
  'keep-topics': { type: 'boolean', description: 'Do not delete the temporary kafkaform-loadtest.* topics' },
  payload: { type: 'string', value: 'KIND', description: 'schema: values generated from the topic\'s value schema (when it has one); synthetic: filler bytes', default: 'schema' },
  workers: { type: 'string', value: 'N', description: 'Spread the load over N local worker processes (kafkaform loadtest worker), divided by topic and partition' },
  'remote-workers': { type: 'string', value: 'N', description: 'Also wait for N workers started elsewhere with `kafkaform loadtest worker --control TOPIC`' },
  control: { type: 'string', value: 'TOPIC', description: 'The control topic workers meet on (default kafkaform-loadtest.control.<runid>; created and deleted by the run)' },
  'heartbeat-timeout': { type: 'string', value: 'SECONDS', description: 'A worker silent this long is reported lost (default 10s)' },
};

export const loadtestCommand: Command = {
  name: 'loadtest',
  summary: 'Load-test the cluster with real producers and consumers: throughput, latency (HDR), lag, loss and duplicates',
  usage: 'loadtest [-f topics.yaml] [--env NAME] [--topic T …] [--duration 30s] [--rate N|max] [--format text|json|markdown|html] [--out FILE]',
  description:
    'By default each topic is copied to a temporary topic kafkaform-loadtest.<topic>.<runid> (same partitions, RF and configs), loaded, and deleted at the end, so production topics never receive test records. ' +
    'Every record carries its producer, sequence and send time: the consumers prove that no acknowledged record was lost or duplicated. Exit code 1 when any was; ' +
    'with --workers/--remote-workers, the coordinator spreads the load over worker processes that meet on a control topic of the cluster, merges their ledgers and histograms, and exits 1 when a worker was lost (no heartbeat) or failed; ' +
    'with --baseline, exit code 2 when the run regressed against the earlier report (the comparison is in every format).',
  examples: [
    'kafkaform loadtest --env dev --duration 30s',
    'kafkaform loadtest --topic orders.placed --rate 5000 --message-bytes 1KiB --format html --out report.html',
    'kafkaform loadtest --rate max --duration 1m --format json --out loadtest.json',
    'kafkaform loadtest --rate max --duration 20s --baseline main-loadtest.json --format markdown --out pr-comment.md',
    'kafkaform loadtest --workers 4 --rate 200000 --duration 30s --format json --out loadtest.json',
    'kafkaform loadtest --remote-workers 2 --control lt-control --rate 100000   # then on two machines: kafkaform loadtest worker --control lt-control -b broker:9092',
  ],
  options: {
    ...FILE_OPTION,
    ...CONNECTION_OPTIONS,
    ...LOADTEST_OPTIONS,
    format: { type: 'string', value: 'FORMAT', description: 'text | json | markdown | html', default: 'text' },
    json: { type: 'boolean', description: 'Same as --format json' },
    out: { type: 'string', short: 'o', value: 'FILE', description: 'Write the report to FILE (a text summary still goes to stdout)' },
    baseline: { type: 'string', value: 'FILE', description: 'An earlier --format json report: exit 2 when throughput falls > 10 % or a latency percentile rises > 25 % (and 5 ms)' },
  },
  async run({ args, io }) {
    const format: ReportFormat = args.json ? 'json' : oneOf(args.format ?? 'text', FORMATS, 'format')!;
    const baselineFile = str(args.baseline);
    // Read before the run: a wrong path should not cost a whole load test.
    const baseline = baselineFile ? readLoadTestReport(baselineFile) : undefined;
    const { report } = await runLoadtestFromArgs(args, io);
    if (baseline) {
      for (const m of baselineMismatches(report, baseline)) io.progress(`baseline ${baselineFile} measured something else: ${m}`);
      report.baseline = computeBaselineComparison(report, baseline);
    }
    const rendered = renderReport(report, format);
    const out = str(args.out);
    if (out) {
      writeFileSync(out, rendered);
      io.progress(`report written to ${out}`);
      if (format !== 'text') io.stdout(renderReport(report, 'text'));
      else io.stdout(rendered);
    } else {
      io.stdout(rendered);
    }
    if (report.messages.lost > 0 || report.messages.duplicated > 0) return EXIT.error;
    if (report.workers?.some((w) => w.status !== 'finished')) return EXIT.error;
    return report.baseline?.regressed ? EXIT.changes : EXIT.ok;
  },
};

export const loadtestWorkerCommand: Command = {
  name: 'worker',
  summary: 'Join a multi-worker load test through its control topic and drive a share of it (on any machine that reaches the cluster)',
  usage: 'loadtest worker --control TOPIC [--name NAME] [--bootstrap-servers HOST:PORT,…] [--json]',
  description:
    'A plain process that anything can start (a shell, systemd, a Kubernetes Job). It waits on the control topic for the coordinator ' +
    '(`kafkaform loadtest --remote-workers N --control TOPIC`), runs its share of the workload, sends a heartbeat every second and returns its ' +
    'ledgers and HDR histograms. It needs no topics.yaml: the coordinator sends the workload. Exit code 0 when its result was delivered, 1 otherwise.',
  examples: ['kafkaform loadtest worker --control lt-control --bootstrap-servers broker-1:9092,broker-2:9092', 'KAFKAFORM_SASL_PASSWORD=… kafkaform loadtest worker --control lt-control -b broker:9093 --sasl-username loadtest --tls'],
  options: {
    ...CONNECTION_OPTIONS,
    control: { type: 'string', value: 'TOPIC', description: 'The control topic the coordinator named (required)' },
    name: { type: 'string', value: 'NAME', description: 'Unique among the run\'s workers (default host-pid)' },
    'join-timeout': { type: 'string', value: 'SECONDS', description: 'How long to wait for the control topic and the start (default 120s)' },
    json: { type: 'boolean', description: 'Print the outcome as JSON' },
  },
  async run({ args, io }) {
    const control = str(args.control);
    if (!control) throw new UserError('--control TOPIC is required', 'the coordinator prints it: kafkaform loadtest --remote-workers N --control TOPIC');
    const target = { file: `${process.cwd()}/worker`, environment: 'worker', cluster: { bootstrapServers: [], connection: {} } };
    const rc = await resolveConnection(target, connectionFlags(args), { embedded: requireRunningDevCluster, onProgress: io.progress });
    const name = str(args.name) ?? `${hostname()}-${process.pid}`;
    const controller = new AbortController();
    const onSigint = () => controller.abort();
    process.once('SIGINT', onSigint);
    try {
      io.progress(`worker ${name}: joining ${control} on ${rc.connection.bootstrapServers.join(',')}`);
      const outcome = await runWorker({
        connection: { ...rc.connection, clientId: `kafkaform-loadtest-worker-${name}` },
        control,
        name,
        onLog: io.progress,
        signal: controller.signal,
        joinTimeoutMs: args['join-timeout'] !== undefined ? seconds(args['join-timeout'], 'join-timeout') : undefined,
      });
      io.stdout(args.json ? JSON.stringify(outcome) : `worker ${outcome.name}: run ${outcome.runId} ${outcome.status}`);
      return outcome.status === 'finished' ? EXIT.ok : EXIT.error;
    } finally {
      process.removeListener('SIGINT', onSigint);
    }
  },
};

loadtestCommand.subcommands = [loadtestWorkerCommand];
