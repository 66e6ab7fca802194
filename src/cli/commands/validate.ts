import { relative } from 'node:path';
import { createConnectPort } from '../../connect/collect-connectors.js';
import { collectConnectorDiagnostics } from '../../connect/validate-connectors.js';
import { resolveConnection } from '../../cluster/connection.js';
import { requireRunningDevCluster } from '../../dev/cluster/lifecycle.js';
import { collectLiveState } from '../../cluster/collect.js';
import type { ClusterState } from '../../cluster/port.js';
import { compareSpecs, computeLiveBaseline, computeLiveConfigKeyDiagnostics } from '../../manifest/compare.js';
import type { ResolvedSpec } from '../../manifest/types.js';
import { collectSchemaChangeDiagnostics, validateSchemasAgainstRegistry } from '../../registry/schema-change-checks.js';
import { createRegistryClient, readRegistrySettings } from '../../registry/registry-settings.js';
import { collectRegistryState } from '../../registry/registry-state.js';
import { computeDeclaredSubjects, readSpecSchemas } from '../../registry/subjects.js';
import { hasErrors, renderDiagnostic, sortDiagnostics, summarizeDiagnostics, type Diagnostic } from '../../manifest/diagnostics.js';
import { parseSpecDocument } from '../../manifest/document.js';
import { readPreviousSpecText } from '../../manifest/previous.js';
import { diskFiles, readManifest, requireEnvironment, validateSpec, type ValidationResult } from '../../manifest/validate.js';
import { CONNECTION_OPTIONS, EXIT, FILE_OPTION, connectionFlags, oneOf, str, type Command } from '../framework.js';

export const validateCommand: Command = {
  name: 'validate',
  summary: 'Check topics.yaml like a compiler: every problem, with file:line:column, what is allowed and a hint',
  usage: 'validate [-f topics.yaml] [--env NAME] [--against GIT-REF|FILE] [--live | -b HOST:PORT] [--format text|json]',
  description:
    'Exit codes: 0 valid (warnings allowed), 1 invalid.\n' +
    'With --against, also checks what changing from that version would do: a partition decrease or a topic deletion\n' +
    'without policy.allowTopicDeletion is an error; replication-factor changes, leaving compaction, retention cut by\n' +
    'more than half and partition increases on compacted topics are warnings.\n' +
    'With --live (or --bootstrap-servers), the same checks run against the topics on the live cluster, and every config key\n' +
    'is checked against the keys the broker reports for an existing topic (read-only DescribeConfigs): a key the broker does\n' +
    'not know is an error, one only the broker knows is accepted with a warning. With no topic on the cluster, the keys are\n' +
    'checked against the catalogue of cluster.flavor, and the output says so.',
  examples: ['kafkaform validate', 'kafkaform validate -f platform/topics.yaml --format json', 'kafkaform validate --against main', 'kafkaform validate --against HEAD~1 --env prod', 'kafkaform validate --env dev --bootstrap-servers 127.0.0.1:9092'],
  options: {
    ...FILE_OPTION,
    against: { type: 'string', value: 'REF|FILE', description: 'Compare with the previous version: a git ref (main, HEAD~1) or a file' },
    live: { type: 'boolean', description: 'Also compare with the live cluster of the environment (implied by --bootstrap-servers)' },
    ...CONNECTION_OPTIONS,
    format: { type: 'string', value: 'FORMAT', description: 'text | json', default: 'text' },
    json: { type: 'boolean', description: 'Same as --format json' },
  },
  async run({ args, io }) {
    const file = str(args.file)!;
    const format = args.json ? 'json' : oneOf(args.format, ['text', 'json'] as const, 'format');
    const env = str(args.env);
    const environments = env ? [env] : undefined;
    let result = readManifest(file, { environments });
    const flags = connectionFlags(args);
    const live = args.live === true || flags.bootstrapServers !== undefined;
    const knownEnv = !env || result.environments.includes(env);
    if (!knownEnv) {
      result.diagnostics.push({
        severity: 'error', code: 'unknown-environment', file: result.file, line: 1, column: 1, path: 'environments',
        message: `unknown environment "${env}"`, allowed: result.environments.join(', '),
      });
    }
    // --live: the broker is the catalogue of config keys. The file is first checked with every key accepted, so a key
    // only the broker knows does not stop the read; the keys are then judged against what the broker reports.
    let liveRead: { spec: ResolvedSpec; state: ClusterState; cluster: string } | undefined;
    if (live && knownEnv) {
      const lenient = validateSpec(result.document, { files: diskFiles, environments, acceptConfigKey: () => true });
      if (!hasErrors(lenient.diagnostics)) {
        const spec = requireEnvironment(lenient, env);
        io.progress(`reading the live cluster of ${spec.environment}`);
        const conn = await resolveConnection(spec, flags, { embedded: requireRunningDevCluster });
        const state = await collectLiveState(conn.connection, { topicConfigKeys: true });
        const cluster = conn.connection.bootstrapServers.join(',');
        liveRead = { spec, state, cluster };
        if (state.topicConfigKeys) {
          result = lenient;
          result.diagnostics.push(...computeLiveConfigKeyDiagnostics(result.document.value, spec, { ...state.topicConfigKeys, cluster }, { positionOf: result.document.positionOf }));
        } else {
          result.diagnostics.push({
            severity: 'warning', code: 'live-config-keys-unread', file: result.file, line: 1, column: 1, path: '',
            message: `the broker's topic-config keys were not read (${state.topicConfigKeysNotRead ?? 'no reason given'}): config keys were checked against kafkaform's catalogue for cluster.flavor ${spec.cluster.flavor ?? 'apache'} only`,
            hint: 'create any topic on the cluster (or grant DescribeConfigs on one) to check keys against the broker itself',
          });
        }
      }
    }
    const against = str(args.against);
    if (against !== undefined && !hasErrors(result.diagnostics)) {
      result.diagnostics.push(...computeAgainst(against, result));
      // Event schemas: compatibility with their previous versions in git, and with the registry when one is configured.
      // The file itself is valid here (checked above), so its environment's spec exists even if --against found errors.
      const spec = result.specs.get(env ?? (result.environments.includes('dev') ? 'dev' : result.environments[0]!));
      if (spec) result.diagnostics.push(...collectSchemaChangeDiagnostics(spec, { against, document: result.document }));
      const settings = spec && readRegistrySettings(spec);
      if (spec && settings) {
        io.progress(`reading registered schema versions from ${settings.url}`);
        const state = await collectRegistryState(createRegistryClient(settings, spec.file), computeDeclaredSubjects(spec).map((d) => d.subject));
        const seen = new Set(result.diagnostics.map((d) => `${d.path}|${d.message}`));
        for (const d of validateSchemasAgainstRegistry(spec, state, readSpecSchemas(spec), result.document)) if (!seen.has(`${d.path}|${d.message}`)) result.diagnostics.push(d);
      }
    }
    if (liveRead && !hasErrors(result.diagnostics)) {
      const { spec, state, cluster } = liveRead;
      result.diagnostics.push(
        ...compareSpecs(computeLiveBaseline(spec, state.topics), spec, { positionOf: result.document.positionOf, previousLabel: `the live cluster (${cluster})`, brokerDefaults: state.brokerDefaults }),
      );
      // Connectors: the worker's own validation of each declared config.
      const connect = spec.connectors?.length ? createConnectPort(spec) : undefined;
      if (connect) result.diagnostics.push(...(await collectConnectorDiagnostics(spec, connect, result.document)));
    }
    sortDiagnostics(result.diagnostics);
    const shown = result.diagnostics.map((d) => ({ ...d, file: relative(process.cwd(), d.file) || d.file }));
    const valid = !hasErrors(result.diagnostics);
    if (format === 'json') {
      io.stdout(JSON.stringify({ file: relative(process.cwd(), result.file), valid, environments: result.environments, diagnostics: shown }, null, 2));
    } else {
      for (const d of shown) io.stdout(renderDiagnostic(d, { color: io.color }));
      if (valid) {
        const counts = [...result.specs.values()].map((s) => `${s.environment}: ${s.topics.length} topics, ${s.acls.length} ACLs, ${s.users.length} users, ${s.quotas.length} quotas`);
        io.stdout(`${io.paint('32', '✓')} ${relative(process.cwd(), result.file)} is valid (${summarizeDiagnostics(result.diagnostics)})${counts.length ? `\n  ${counts.join('\n  ')}` : ''}`);
      } else {
        io.stdout(`${io.paint('31', '✗')} ${relative(process.cwd(), result.file)}: ${summarizeDiagnostics(result.diagnostics)}`);
      }
    }
    return valid ? EXIT.ok : EXIT.error;
  },
};

/** Plan-time safety against a previous version; an invalid previous version is a warning, not a blocker. */
function computeAgainst(against: string, result: ValidationResult): Diagnostic[] {
  const prev = readPreviousSpecText(against, result.file);
  const previous = validateSpec(parseSpecDocument(prev.text, prev.label), { skipFileChecks: true });
  if (hasErrors(previous.diagnostics)) {
    return [{
      severity: 'warning', code: 'against-invalid', file: result.file, line: 1, column: 1, path: '',
      message: `${prev.label} is not valid, so the changes since then were not checked`,
      hint: `run kafkaform validate on that version to see why`,
    }];
  }
  const out: Diagnostic[] = [];
  for (const [env, next] of result.specs) {
    const before = previous.specs.get(env) ?? (previous.specs.size === 1 && result.specs.size === 1 ? [...previous.specs.values()][0] : undefined);
    if (!before) continue;
    out.push(...compareSpecs(before, next, { positionOf: result.document.positionOf, previousLabel: prev.label }));
  }
  // The same change is usually found in every environment: report it once.
  const seen = new Set<string>();
  return out.filter((d) => {
    const key = `${d.code}|${d.path}|${d.message.replace(/ \(environment [^)]*\)$/, '')}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
