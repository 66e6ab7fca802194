import { resolveConnection } from '../../cluster/connection.js';
import { requireRunningDevCluster } from '../../dev/cluster/lifecycle.js';
import { collectHealthRead, collectHealthReport, DEFAULT_HEALTH_TIMEOUT_MS } from '../../health/collect-health.js';
import { renderHealthPrometheus } from '../../health/health-metrics.js';
import type { HealthState } from '../../health/health-report.js';
import { renderHealth } from '../../health/render-health.js';
import { CONNECTION_OPTIONS, connectionFlags, EXIT, FILE_OPTION, oneOf, type Command } from '../framework.js';
import { readValidSpec } from '../read-valid-spec.js';
import { parseTimeoutSeconds } from './drift.js';

export const healthCommand: Command = {
  name: 'health',
  summary: 'Consumer lag against each service\'s maxLag, offline and under-replicated partitions, missing brokers',
  usage: 'health [-f topics.yaml] [--env NAME] [--bootstrap-servers …] [--format text|json|markdown|prometheus] [--timeout SECONDS]',
  description:
    'One batched, read-only pass over the cluster: brokers online against cluster.brokers and the controller; partitions of the declared and managed topics ' +
    'that are offline, under-replicated or under min.insync.replicas; for each consuming service its group\'s state, members and lag per topic, in records ' +
    '(committed offset to log end; a partition without a committed offset counts from the log start and is named so) and in time (the age of the oldest ' +
    'unconsumed record), judged against its maxLag; consumer groups within policy.managedPrefixes that no service declares. ' +
    'Uses the embedded dev cluster only when it is already running.\n' +
    'Exit codes: 0 healthy, 2 unhealthy (a lag over its maxLag, a partition offline or under min ISR, brokers missing, no controller), 1 error (invalid spec, cluster unreachable within --timeout).',
  examples: [
    'kafkaform health --env prod',
    'kafkaform health --format json | jq \'.services[] | {name, group, lag}\'',
    'kafkaform health --format markdown > health.md',
    'kafkaform health --format prometheus | promtool check metrics',
  ],
  options: {
    ...FILE_OPTION,
    ...CONNECTION_OPTIONS,
    format: { type: 'string', value: 'FORMAT', description: 'text | json | markdown | prometheus', default: 'text' },
    json: { type: 'boolean', description: 'Same as --format json' },
    timeout: { type: 'string', value: 'SECONDS', description: 'Give up (exit 1) when the cluster cannot be read within this time', default: String(DEFAULT_HEALTH_TIMEOUT_MS / 1000) },
  },
  async run({ args, io }) {
    const format = args.json ? 'json' : (oneOf(args.format, ['text', 'json', 'markdown', 'prometheus'] as const, 'format') ?? 'text');
    const timeoutMs = parseTimeoutSeconds(args.timeout, DEFAULT_HEALTH_TIMEOUT_MS);
    const { spec } = readValidSpec({ args, io }, 'health needs a valid spec');
    const rc = await resolveConnection(spec, connectionFlags(args), { embedded: requireRunningDevCluster, onProgress: io.progress });
    io.progress(`reading ${rc.connection.bootstrapServers.join(',')} (${spec.cluster.name}, ${spec.environment})`);
    const readDone = (state: HealthState) => io.progress(`read ${state.partitions.length} partition(s) and ${state.groups.length} group(s) in ${(state.readDurationMs / 1000).toFixed(2)}s`);
    if (format === 'prometheus') {
      // The exposition carries the drift counts, so it needs drift's general read.
      const read = await collectHealthRead(spec, rc.connection, { timeoutMs });
      readDone(read.state);
      io.stdout(await renderHealthPrometheus(read, { up: true, lastSuccessMs: read.state.readAtMs, lastReadDurationMs: read.state.readDurationMs, failures: 0 }));
      return read.report.healthy ? EXIT.ok : EXIT.changes;
    }
    // The other formats show health alone: the lighter read of only what health judges.
    const { state, report } = await collectHealthReport(spec, rc.connection, { timeoutMs });
    readDone(state);
    io.stdout(renderHealth(report, format, io.paint));
    return report.healthy ? EXIT.ok : EXIT.changes;
  },
};
