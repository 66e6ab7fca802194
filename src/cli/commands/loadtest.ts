import { writeFileSync } from 'node:fs';
import { resolveConnection } from '../../cluster/connection.js';
import { ensureDevCluster } from '../../dev/cluster/lifecycle.js';
import { baselineMismatches, computeBaselineComparison } from '../../loadtest/compare-baseline.js';
import { readLoadTestReport } from '../../loadtest/read-report.js';
import { renderReport, type ReportFormat } from '../../loadtest/render-report.js';
import type { LoadTestReport } from '../../loadtest/report-types.js';
import { runLoad, type LiveProgress } from '../../loadtest/runner.js';
import { attachSchemaPayloads } from '../../loadtest/schema-payloads.js';
import { computeWorkload, parseDurationFlag, parseRateFlag, parseSizeFlag, type Workload } from '../../loadtest/workload.js';
import { UserError } from '../../errors.js';
import { CONNECTION_OPTIONS, connectionFlags, EXIT, FILE_OPTION, oneOf, str, type Command, type CommandContext, type Io } from '../framework.js';
import { readValidSpec } from '../read-valid-spec.js';

const FORMATS = ['text', 'json', 'markdown', 'html'] as const;

function positiveInt(v: unknown, flag: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new UserError(`--${flag} must be an integer from 1 to 64`, `got ${JSON.stringify(v)}`);
  return n;
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
};

export const loadtestCommand: Command = {
  name: 'loadtest',
  summary: 'Load-test the cluster with real producers and consumers: throughput, latency (HDR), lag, loss and duplicates',
  usage: 'loadtest [-f topics.yaml] [--env NAME] [--topic T …] [--duration 30s] [--rate N|max] [--format text|json|markdown|html] [--out FILE]',
  description:
    'By default each topic is copied to a temporary topic kafkaform-loadtest.<topic>.<runid> (same partitions, RF and configs), loaded, and deleted at the end, so production topics never receive test records. ' +
    'Every record carries its producer, sequence and send time: the consumers prove that no acknowledged record was lost or duplicated. Exit code 1 when any was; ' +
    'with --baseline, exit code 2 when the run regressed against the earlier report (the comparison is in every format).',
  examples: [
    'kafkaform loadtest --env dev --duration 30s',
    'kafkaform loadtest --topic orders.placed --rate 5000 --message-bytes 1KiB --format html --out report.html',
    'kafkaform loadtest --rate max --duration 1m --format json --out loadtest.json',
    'kafkaform loadtest --rate max --duration 20s --baseline main-loadtest.json --format markdown --out pr-comment.md',
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
    return report.baseline?.regressed ? EXIT.changes : EXIT.ok;
  },
};
