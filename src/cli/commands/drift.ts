import { resolveConnection } from '../../cluster/connection.js';
import { requireRunningDevCluster } from '../../dev/cluster/lifecycle.js';
import { collectDrift, DEFAULT_DRIFT_TIMEOUT_MS } from '../../drift/collect-drift.js';
import { isPartialRead } from '../../drift/compute-drift.js';
import { renderDrift } from '../../drift/render-drift.js';
import { createRegistryClient, readRegistrySettings } from '../../registry/registry-settings.js';
import { createConnectPort } from '../../connect/collect-connectors.js';
import { UserError } from '../../errors.js';
import { CONNECTION_OPTIONS, connectionFlags, EXIT, FILE_OPTION, oneOf, str, type Command } from '../framework.js';
import { readValidSpec } from '../read-valid-spec.js';

/** `--timeout 30` (seconds) → milliseconds, or a UserError. */
export function parseTimeoutSeconds(v: unknown, dflt: number): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (typeof v !== 'string' || !Number.isFinite(n) || n <= 0) throw new UserError(`--timeout must be a positive number of seconds`, `got ${JSON.stringify(v)}`);
  return Math.round(n * 1000);
}

export const driftCommand: Command = {
  name: 'drift',
  summary: 'Compare topics.yaml with the live cluster: missing, changed and unmanaged topics, ACLs, SCRAM users, quotas and connectors',
  usage: 'drift [-f topics.yaml] [--env NAME] [--bootstrap-servers …] [--format text|json|markdown] [--allow-partial]',
  description:
    'Reads the cluster directly (a few batched admin requests; no Terraform state involved). Only configs set on a topic count, never broker defaults. ' +
    'Unmanaged topics and ACLs are reported inside policy.managedPrefixes only; topics starting with "_" never are. ' +
    'SCRAM users are compared by mechanism and iterations (Kafka never returns passwords), quotas limit by limit. ' +
    'A cluster kafkaform may not read fully (DescribeConfigs or DescribeUserScramCredentials refused, a broker without them) gives a partial report naming what was not read and why.\n' +
    'Exit codes: 0 in sync, 2 drift found, 1 error (invalid spec, cluster unreachable within --timeout, a partial read without --allow-partial).',
  examples: [
    'kafkaform drift --env dev',
    'kafkaform drift --env prod --format markdown > drift.md',
    'KAFKAFORM_BOOTSTRAP_SERVERS=kafka:9092 kafkaform drift --format json | jq .drift',
    'kafkaform drift --env prod --allow-partial   # a principal without DescribeConfigs on the cluster',
  ],
  options: {
    ...FILE_OPTION,
    ...CONNECTION_OPTIONS,
    format: { type: 'string', value: 'FORMAT', description: 'text | json | markdown', default: 'text' },
    json: { type: 'boolean', description: 'Same as --format json' },
    'allow-partial': { type: 'boolean', description: 'Exit 0/2 on drift of what could be read, even when some of the cluster could not be (see notChecked)' },
    'registry-url': { type: 'string', value: 'URL', description: 'Schema registry to compare subjects with (default: schemaRegistry.url, KAFKAFORM_SCHEMA_REGISTRY_URL)' },
    timeout: { type: 'string', value: 'SECONDS', description: 'Give up when the cluster cannot be read within this time', default: String(DEFAULT_DRIFT_TIMEOUT_MS / 1000) },
  },
  async run({ args, io }) {
    const format = args.json ? 'json' : (oneOf(args.format, ['text', 'json', 'markdown'] as const, 'format') ?? 'text');
    const timeoutMs = parseTimeoutSeconds(args.timeout, DEFAULT_DRIFT_TIMEOUT_MS);
    const { spec } = readValidSpec({ args, io }, 'drift needs a valid spec');
    const rc = await resolveConnection(spec, connectionFlags(args), { embedded: requireRunningDevCluster, onProgress: io.progress });
    io.progress(`reading ${rc.connection.bootstrapServers.join(',')} (${spec.cluster.name}, ${spec.environment})`);
    const started = Date.now();
    const registry = readRegistrySettings(spec, { url: str(args['registry-url']) });
    const connect = spec.connectors ? createConnectPort(spec) : undefined;
    const report = await collectDrift(spec, rc.connection, { timeoutMs, schemaRegistry: registry ? createRegistryClient(registry, spec.file) : undefined, connect });
    io.progress(`read ${report.checked.liveTopics} topic(s) and ${report.checked.liveAcls} ACL(s) in ${((Date.now() - started) / 1000).toFixed(2)}s`);
    io.stdout(renderDrift(report, format, io.paint));
    if (report.partial && args['allow-partial'] !== true) {
      io.stderr(`error: the cluster could not be read fully (${report.notChecked.filter(isPartialRead).map((n) => n.resource).join(', ')}): see "not checked" above`);
      io.stderr('hint: grant the principal Describe and DescribeConfigs on the cluster and topics, or pass --allow-partial to accept a partial report');
      return EXIT.error;
    }
    return report.inSync ? EXIT.ok : EXIT.changes;
  },
};
