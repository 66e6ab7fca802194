import { collectLiveState } from '../../cluster/collect.js';
import { DEFAULT_PARALLELISM, deployStack } from '../../deploy/deploy-stack.js';
import { ensureDevCluster } from '../../dev/cluster/lifecycle.js';
import { summarizeChanges } from '../../plan/terraform-plan.js';
import { renderPlanText } from '../../plan/render-plan.js';
import type { SpecDocument } from '../../manifest/document.js';
import { applySchemaSubjects, type ApplySchemaResult } from '../../registry/apply-subjects.js';
import { createRegistryClient, readRegistrySettings } from '../../registry/registry-settings.js';
import type { ResolvedSpec } from '../../manifest/types.js';
import { renderDiagnostic } from '../../manifest/diagnostics.js';
import { UserError } from '../../errors.js';
import { askYesNo, CONNECTION_OPTIONS, connectionFlags, EXIT, FILE_OPTION, str, table, type Command, type CommandContext, type Io } from '../framework.js';
import { readValidSpec } from '../read-valid-spec.js';
import { parseParallelism } from './plan.js';
import { deployConnectors, planConnectors } from '../../connect/deploy-connectors.js';
import { renderConnectorPlanText } from '../../connect/render-connector-plan.js';

export const deployCommand: Command = {
  name: 'deploy',
  summary: 'Plan and apply topics.yaml to a cluster with real terraform (the embedded local cluster when no servers are configured)',
  usage: 'deploy [-f topics.yaml] [--env NAME] [--bootstrap-servers …] [--auto-approve] [--no-verify] [--json]',
  description:
    'Synthesizes the environment\'s stack, runs terraform init/plan and shows the risk-labelled plan (as `kafkaform plan` does), refuses a partition decrease and topic deletion or replacement unless policy.allowTopicDeletion, ' +
    'asks for confirmation (or --auto-approve), applies the saved plan, then runs the drift check and fails if the cluster is not in sync.\n' +
    'Exit codes: 0 deployed (or nothing to do), 1 error (refused, cancelled, terraform failed, not in sync after apply).',
  examples: ['kafkaform deploy --env dev --auto-approve', 'KAFKAFORM_BOOTSTRAP_SERVERS=kafka:9092 kafkaform deploy --env prod'],
  options: {
    ...FILE_OPTION,
    ...CONNECTION_OPTIONS,
    'auto-approve': { type: 'boolean', description: 'Apply without asking (CI)' },
    'no-verify': { type: 'boolean', description: 'Skip the drift check after apply' },
    out: { type: 'string', short: 'o', value: 'DIR', description: 'Where to synthesize', default: 'cdktf.out' },
    'state-dir': { type: 'string', value: 'DIR', description: 'Directory of the local Terraform state (default: next to topics.yaml)' },
    'registry-url': { type: 'string', value: 'URL', description: 'Schema registry for the subjects (default: schemaRegistry.url, KAFKAFORM_SCHEMA_REGISTRY_URL)' },
    json: { type: 'boolean', description: 'Print the result as JSON' },
    parallelism: { type: 'string', value: 'N', description: 'Resources terraform plans and applies at once', default: String(DEFAULT_PARALLELISM) },
  },
  async run({ args, io }) {
    const { spec, document, file } = readValidSpec({ args, io }, 'nothing was deployed');
    const r = await deployStack({
      spec,
      outdir: str(args.out),
      stateDir: str(args['state-dir']),
      connection: connectionFlags(args),
      embedded: ensureDevCluster,
      autoApprove: args['auto-approve'] === true,
      parallelism: parseParallelism(args.parallelism),
      // The plan goes to stderr with --json so stdout stays one JSON document.
      onPlan: (plan) => (args.json ? io.stderr : io.stdout)(renderPlanText(plan, { paint: io.paint })),
      verify: args['no-verify'] === true ? false : undefined,
      confirm: io.stdinIsTty
        ? async (changes) => askYesNo(`Apply these ${changes.length} change(s) to ${spec.cluster.name} (${spec.environment})?`)
        : undefined,
      onProgress: io.progress,
    });
    const summary = summarizeChanges(r.changes);
    const schemas = await applySubjectsAfterDeploy(spec, document, args, io);
    const connectors = await applyConnectorsAfterDeploy(spec, args, io);
    // Read the cluster back: what is really there now (the same batched read as plan and drift).
    const live = await collectLiveState(r.connection.connection);
    const declared = new Set(spec.topics.map((t) => t.name));
    const topics = live.topics.filter((t) => declared.has(t.name));
    if (args.json) {
      io.stdout(
        JSON.stringify(
          {
            cluster: spec.cluster.name,
            environment: spec.environment,
            bootstrapServers: r.connection.connection.bootstrapServers,
            applied: r.applied,
            summary,
            risk: { destructive: r.kafkaformPlan.summary.destructive, risky: r.kafkaformPlan.summary.risky, safe: r.kafkaformPlan.summary.safe },
            changes: r.kafkaformPlan.changes,
            verification: r.verification,
            schemas: schemas && { registry: schemas.registry, registered: schemas.result.registered, compatibilitySet: schemas.result.compatibilitySet },
            connectors,
            live: { topics: topics.map((t) => ({ name: t.name, partitions: t.partitions, replicationFactor: t.replicationFactor, config: t.config })), acls: live.acls.length },
          },
          null,
          2,
        ),
      );
      return EXIT.ok;
    }
    if (r.verification) io.stdout(`${io.paint('32', '✓')} verified: ${r.verification.summary}`);
    if (connectors) io.stdout(`${io.paint('32', '✓')} connectors at ${connectors.url}: ${connectors.applied.length ? connectors.applied.join(', ') : 'no changes'}; as declared`);
    if (schemas) {
      const { registered, compatibilitySet } = schemas.result;
      io.stdout(`${io.paint('32', '✓')} schema subjects at ${schemas.registry}: ${registered.length} version(s) registered, ${compatibilitySet.length} compatibility level(s) set`);
    }
    io.stdout(
      r.applied
        ? `${io.paint('32', '✓')} applied to ${spec.cluster.name} (${spec.environment}) at ${r.connection.connection.bootstrapServers.join(',')}: ${summary.create} created, ${summary.update} updated, ${summary.replace} replaced, ${summary.delete} deleted`
        : `${io.paint('32', '✓')} ${spec.cluster.name} (${spec.environment}) at ${r.connection.connection.bootstrapServers.join(',')} already matches ${file}: no changes`,
    );
    io.stdout('');
    io.stdout(table(['topic', 'partitions', 'rf', 'configs set on the topic'], topics.map((t) => [t.name, String(t.partitions), String(t.replicationFactor), Object.entries(t.config).map(([k, v]) => `${k}=${v}`).join(' ')])));
    io.stdout(`\n${live.acls.length} ACL bindings on the cluster (${spec.acls.length} declared)`);
    return EXIT.ok;
  },
};

/**
 * With a schema registry configured (and schemaRegistry.manageWith: api, the default), deploy
 * registers changed subjects through the registry API after the Kafka resources: every
 * compatibility check runs first, and nothing is registered when one fails.
 */
async function applySubjectsAfterDeploy(spec: ResolvedSpec, document: SpecDocument, args: CommandContext['args'], io: Io): Promise<{ registry: string; result: ApplySchemaResult } | undefined> {
  if (spec.schemaRegistry?.manageWith === 'terraform') return undefined;
  const settings = readRegistrySettings(spec, { url: str(args['registry-url']) });
  if (!settings) return undefined;
  const client = createRegistryClient(settings, spec.file);
  const auto = args['auto-approve'] === true;
  const r = await applySchemaSubjects(spec, client, {
    document,
    onProgress: io.progress,
    confirm: auto ? undefined : async (plan) => (io.stdinIsTty ? askYesNo(`Register ${plan.length} schema subject change(s) at ${client.url}?`) : false),
  });
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) {
    for (const d of r.diagnostics) io.stderr(renderDiagnostic(d, { color: io.color }));
    throw new UserError(`schema subjects were not registered: ${errors.length} compatibility problem(s)`, 'the Kafka resources are deployed; fix the schemas (see above) and deploy again');
  }
  if (r.cancelled) throw new UserError('schema subject changes need confirmation: nothing was registered', 'run it in a terminal to be asked, or pass --auto-approve (CI)');
  return { registry: client.url, result: r };
}

/**
 * Connectors go after the Kafka resources (their topics must exist) and the subjects, through the
 * Connect REST API; the worker is then read back until it holds them as declared.
 */
async function applyConnectorsAfterDeploy(spec: ResolvedSpec, args: CommandContext['args'], io: Io): Promise<{ url: string; applied: string[] } | undefined> {
  const planned = await planConnectors(spec);
  if (!planned) return undefined;
  (args.json ? io.stderr : io.stdout)(renderConnectorPlanText(planned.plan, planned.port.url, io.paint));
  const r = await deployConnectors(spec, planned, {
    autoApprove: args['auto-approve'] === true,
    confirm: io.stdinIsTty ? async () => askYesNo(`Apply these connector change(s) at ${planned.port.url}?`) : undefined,
    onProgress: io.progress,
  });
  return { url: planned.port.url, applied: r.applied };
}
