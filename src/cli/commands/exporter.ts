import { resolveConnection } from '../../cluster/connection.js';
import { requireRunningDevCluster } from '../../dev/cluster/lifecycle.js';
import { UserError } from '../../errors.js';
import { collectHealthRead } from '../../health/collect-health.js';
import { HealthExporter } from '../../health/serve-exporter.js';
import { Duration } from '../../model/units.js';
import { CONNECTION_OPTIONS, connectionFlags, EXIT, FILE_OPTION, str, type Command } from '../framework.js';
import { readValidSpec } from '../read-valid-spec.js';
import { parseTimeoutSeconds } from './drift.js';

/** `127.0.0.1:9308` → host and port, or a UserError. */
export function parseListen(v: string): { host: string; port: number } {
  const m = /^(\[[^\]]+\]|[^:]+):(\d{1,5})$/.exec(v.trim());
  const port = m ? Number(m[2]) : Number.NaN;
  if (!m || port > 65535) throw new UserError(`--listen must be HOST:PORT`, `got ${JSON.stringify(v)}; e.g. --listen 127.0.0.1:9308 (port 0 picks a free one)`);
  return { host: (m[1] as string).replace(/^\[|\]$/g, ''), port };
}

/** `30s`, `1m` (at least 1s) → milliseconds, or a UserError. */
export function parseInterval(v: string): number {
  const d = Duration.tryParse(v);
  if (!d || d.isForever() || d.toMilliseconds() < 1000) throw new UserError('--interval must be a duration of at least 1s', `got ${JSON.stringify(v)}; e.g. --interval 30s`);
  return d.toMilliseconds();
}

export const exporterCommand: Command = {
  name: 'exporter',
  summary: 'Serve Prometheus metrics of health, lag budgets and drift (kafka_exporter names where they exist)',
  usage: 'exporter [-f topics.yaml] [--env NAME] [--bootstrap-servers …] [--listen 127.0.0.1:9308] [--interval 30s] [--timeout SECONDS]',
  description:
    'Serves /metrics: kafka_exporter\'s metrics (kafka_brokers, kafka_topic_partitions, kafka_topic_partition_*, kafka_consumergroup_lag, _lag_sum, _members, …) ' +
    'plus kafkaform_* (lag in seconds, lag budget per service, drift by resource and kind, kafkaform_up, the last successful read). ' +
    'The cluster is read once per --interval, never per scrape. When a read fails kafkaform_up is 0 and the exporter keeps serving. ' +
    'Stops on SIGTERM or SIGINT (exit 0). Exit 1 when it cannot start (invalid spec, --listen address in use).',
  examples: [
    'kafkaform exporter --env prod',
    'kafkaform exporter --listen 0.0.0.0:9308 --interval 1m',
    'curl -s 127.0.0.1:9308/metrics | grep kafka_consumergroup_lag_sum',
  ],
  options: {
    ...FILE_OPTION,
    ...CONNECTION_OPTIONS,
    listen: { type: 'string', value: 'HOST:PORT', description: 'Where to serve /metrics', default: '127.0.0.1:9308' },
    interval: { type: 'string', value: 'DURATION', description: 'How often the cluster is read', default: '30s' },
    timeout: { type: 'string', value: 'SECONDS', description: 'Bound of one read (a read that takes longer counts as failed)', default: '10' },
  },
  async run({ args, io }) {
    const { host, port } = parseListen(str(args.listen) ?? '127.0.0.1:9308');
    const intervalMs = parseInterval(str(args.interval) ?? '30s');
    const timeoutMs = parseTimeoutSeconds(args.timeout, 10_000);
    const { spec } = readValidSpec({ args, io }, 'the exporter needs a valid spec');
    const rc = await resolveConnection(spec, connectionFlags(args), { embedded: requireRunningDevCluster, onProgress: io.progress });
    let lastError = '';
    const exporter = new HealthExporter({
      read: () => collectHealthRead(spec, rc.connection, { timeoutMs }),
      intervalMs,
      host,
      port,
      onRead: (r) => {
        if (lastError) io.progress(`read ${rc.connection.bootstrapServers.join(',')} again (${r.state.readDurationMs} ms)`);
        lastError = '';
      },
      onReadError: (e) => {
        const msg = e instanceof Error ? e.message : String(e);
        if (msg !== lastError) io.stderr(`kafkaform exporter: read failed (kafkaform_up 0): ${msg}`);
        lastError = msg;
      },
    });
    let bound: { host: string; port: number };
    try {
      bound = await exporter.start();
    } catch (e) {
      await exporter.stop();
      throw new UserError(`cannot listen on ${host}:${port}: ${(e as Error).message}`, 'pick another --listen address (port 0 picks a free one)');
    }
    io.stdout(`kafkaform exporter serving http://${bound.host.includes(':') ? `[${bound.host}]` : bound.host}:${bound.port}/metrics (reading ${rc.connection.bootstrapServers.join(',')} every ${intervalMs / 1000}s)`);
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
    });
    io.progress('stopping the exporter');
    await exporter.stop();
    return EXIT.ok;
  },
};
