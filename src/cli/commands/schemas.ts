import { resolve } from 'node:path';
import { applySchemaSubjects, hasSchemaChanges, type SchemaChange } from '../../registry/apply-subjects.js';
import { computeDeclaredSubjects, readSpecSchemas } from '../../registry/subjects.js';
import { collectRegistryState, effectiveCompatibility } from '../../registry/registry-state.js';
import { createRegistryClient, readRegistrySettings } from '../../registry/registry-settings.js';
import { computeSchemaDrift } from '../../registry/schema-drift.js';
import { gitTopLevel } from '../../schema/history.js';
import { collectSchemaChangeDiagnostics, validateSchemasAgainstRegistry } from '../../registry/schema-change-checks.js';
import { hasErrors, renderDiagnostic, summarizeDiagnostics, type Diagnostic } from '../../manifest/diagnostics.js';
import type { ResolvedSpec } from '../../manifest/types.js';
import { UserError } from '../../errors.js';
import { readValidSpec } from '../read-valid-spec.js';
import { askYesNo, EXIT, FILE_OPTION, groupCommand, str, table, type Command, type CommandContext, type Io, type OptionDef } from '../framework.js';

const REGISTRY_OPTIONS: Record<string, OptionDef> = {
  'registry-url': { type: 'string', value: 'URL', description: 'Schema registry (default: schemaRegistry.url in topics.yaml, or KAFKAFORM_SCHEMA_REGISTRY_URL)' },
  'registry-username': { type: 'string', value: 'USER', description: 'Basic-auth user (password from schemaRegistry.passwordFrom or KAFKAFORM_SCHEMA_REGISTRY_PASSWORD)' },
  json: { type: 'boolean', description: 'Print the result as JSON' },
};

/** The valid `--env` spec (diagnostics printed, exit 1 otherwise) and its registry settings. */
function load(ctx: Pick<CommandContext, 'args' | 'io'>, notDone: string) {
  const { spec, document, file } = readValidSpec(ctx, notDone);
  const settings = readRegistrySettings(spec, { url: str(ctx.args['registry-url']), username: str(ctx.args['registry-username']) });
  return { file, spec, document, settings };
}

function requireRegistry(l: ReturnType<typeof load>) {
  if (!l.settings) {
    throw new UserError('no schema registry configured', 'set schemaRegistry.url in topics.yaml (or per environment), KAFKAFORM_SCHEMA_REGISTRY_URL, or pass --registry-url');
  }
  return createRegistryClient(l.settings, l.spec.file);
}

function printDiagnostics(io: Io, diags: Diagnostic[]): void {
  for (const d of diags) io.stderr(renderDiagnostic(d, { color: io.color }));
}

function renderPlan(plan: SchemaChange[], io: Io): string {
  const rows = plan
    .filter((c) => c.action !== 'none' || c.compatibility.set)
    .map((c) => {
      const what = c.action === 'create' ? io.paint('32', `+ register ${c.subject} (new subject) from ${c.file}`) : c.action === 'update' ? io.paint('33', `~ register ${c.subject} version ${c.registeredVersions + 1} from ${c.file}`) : `  ${c.subject}`;
      const level = !c.compatibility.set ? '' : c.compatibility.current === c.compatibility.desired ? `\n    compatibility: ${c.compatibility.desired} (set on the subject; the same as the registry default today)` : `\n    compatibility: ${c.compatibility.current} → ${c.compatibility.desired}`;
      return `${what}${level}`;
    });
  return rows.length > 0 ? rows.join('\n') : 'no schema changes';
}

const check: Command = {
  name: 'check',
  summary: 'Check changed schemas for compatibility against git history and/or the registry, before anything is applied',
  usage: 'schemas check [-f topics.yaml] [--env NAME] [--against REF] [--registry-url URL] [--json]',
  description:
    'Each schema file that differs from its previous version is checked under its topic\'s compatibility level (Confluent semantics: BACKWARD, FORWARD, FULL, *_TRANSITIVE, NONE): ' +
    'against the file\'s versions in git history up to --against (default HEAD, in a git checkout), and, when a registry is configured, against the registered versions.\n' +
    'Exit codes: 0 compatible, 1 a breaking change (or another error).',
  examples: ['kafkaform schemas check --against origin/main', 'kafkaform schemas check --registry-url http://127.0.0.1:8081'],
  options: { ...FILE_OPTION, ...REGISTRY_OPTIONS, against: { type: 'string', value: 'REF', description: 'Git ref holding the previous versions (default: HEAD when in a git checkout)' }, 'no-registry': { type: 'boolean', description: 'Skip the registry even if one is configured' } },
  async run({ args, io }) {
    const l = load({ args, io }, 'nothing checked');
    const diags: Diagnostic[] = [];
    const checked: string[] = [];
    const against = str(args.against) ?? (gitTopLevel(resolve(l.file, '..')) ? 'HEAD' : undefined);
    if (against) {
      io.progress(`comparing schemas with their versions in git up to ${against}`);
      diags.push(...collectSchemaChangeDiagnostics(l.spec, { against, document: l.document }));
      checked.push(`git ${against}`);
    }
    if (l.settings && args['no-registry'] !== true) {
      const client = requireRegistry(l);
      io.progress(`reading registered versions from ${client.url}`);
      const state = await collectRegistryState(client, computeDeclaredSubjects(l.spec).map((d) => d.subject));
      diags.push(...validateSchemasAgainstRegistry(l.spec, state, readSpecSchemas(l.spec), l.document));
      checked.push(`registry ${client.url}`);
    }
    if (checked.length === 0) throw new UserError('nothing to compare the schemas with', 'run inside a git checkout or pass --against REF, or configure a schema registry');
    const subjects = computeDeclaredSubjects(l.spec).length;
    // Git and the registry often hold the same previous version: say each break once.
    const seen = new Set<string>();
    const unique = diags.filter((d) => {
      const key = `${d.path}|${d.message.replace(/ cannot read records written with .*$/, '')}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    diags.splice(0, diags.length, ...unique);
    if (args.json) io.stdout(JSON.stringify({ compatible: !hasErrors(diags), checked, subjects, diagnostics: diags }, null, 2));
    else printDiagnostics(io, diags);
    if (hasErrors(diags)) {
      if (!args.json) io.stderr(`${summarizeDiagnostics(diags)}: a schema change breaks compatibility (checked against ${checked.join(' and ')})`);
      return EXIT.error;
    }
    if (!args.json) io.stdout(`${io.paint('32', '✓')} ${subjects} subject(s) compatible (checked against ${checked.join(' and ')})`);
    return EXIT.ok;
  },
};

const apply: Command = {
  name: 'apply',
  summary: 'Register changed schemas and compatibility levels through the registry API, after every compatibility check passed',
  usage: 'schemas apply [-f topics.yaml] [--env NAME] [--registry-url URL] [--auto-approve] [--dry-run] [--json]',
  description:
    'Reads every declared subject from the registry, checks each changed schema locally against all registered versions (under the level in topics.yaml) and with the registry\'s own ' +
    'POST /compatibility/subjects/{subject}/versions/latest, then asks for confirmation (or --auto-approve) and registers. Nothing is registered when any check fails.\n' +
    'Exit codes: 0 applied or nothing to do, 1 refused (incompatible), cancelled or failed; 2 changes pending with --dry-run.',
  examples: ['kafkaform schemas apply --env dev --auto-approve', 'kafkaform schemas apply --dry-run --json'],
  options: { ...FILE_OPTION, ...REGISTRY_OPTIONS, 'auto-approve': { type: 'boolean', description: 'Apply without asking (CI)' }, 'dry-run': { type: 'boolean', description: 'Plan and check only' } },
  async run({ args, io }) {
    const l = load({ args, io }, 'nothing registered');
    const client = requireRegistry(l);
    const autoApprove = args['auto-approve'] === true;
    const dryRun = args['dry-run'] === true;
    const out = args.json ? io.stderr : io.stdout;
    const r = await applySchemaSubjects(l.spec, client, {
      document: l.document,
      dryRun,
      onProgress: io.progress,
      confirm: async (plan) => {
        out(renderPlan(plan, io));
        if (autoApprove) return true;
        if (!io.stdinIsTty) throw new UserError('refusing to register schemas without confirmation', 'pass --auto-approve (CI) or run in a terminal');
        return askYesNo(`Register these changes in ${client.url}?`);
      },
    });
    for (const n of r.notes) io.progress(n);
    if (args.json) io.stdout(JSON.stringify({ registry: client.url, applied: r.applied, cancelled: r.cancelled, plan: r.plan, registered: r.registered, compatibilitySet: r.compatibilitySet, diagnostics: r.diagnostics, notes: r.notes }, null, 2));
    if (r.diagnostics.length > 0) {
      if (!args.json) printDiagnostics(io, r.diagnostics);
      throw new UserError(`${summarizeDiagnostics(r.diagnostics)}: nothing was registered in ${client.url}`, 'fix the schema, or change schema.compatibility deliberately');
    }
    if (dryRun) {
      if (!args.json) out(renderPlan(r.plan, io));
      return hasSchemaChanges(r.plan) ? EXIT.changes : EXIT.ok;
    }
    if (r.cancelled) throw new UserError('cancelled: nothing was registered');
    if (!args.json) {
      if (!hasSchemaChanges(r.plan)) io.stdout(`${io.paint('32', '✓')} ${client.url} already holds every subject of ${l.file}: no changes`);
      else io.stdout(`${io.paint('32', '✓')} registered ${r.registered.length} schema version(s), set ${r.compatibilitySet.length} compatibility level(s) in ${client.url}`);
    }
    return EXIT.ok;
  },
};

function statusRows(spec: ResolvedSpec, state: Awaited<ReturnType<typeof collectRegistryState>>, drift: ReturnType<typeof computeSchemaDrift>) {
  return computeDeclaredSubjects(spec).map((d) => {
    const st = state.subjects[d.subject];
    const latest = st?.versions.at(-1);
    const mine = drift.filter((x) => x.name === d.subject);
    return {
      subject: d.subject,
      file: d.file,
      versions: st?.versions.length ?? 0,
      latestVersion: latest?.version,
      latestId: latest?.id,
      compatibility: st && st.versions.length > 0 ? effectiveCompatibility(state, d.subject) : undefined,
      expectedCompatibility: d.compatibility,
      status: mine.length === 0 ? 'in sync' : mine.some((x) => x.kind === 'missing') ? 'missing' : mine.map((x) => `${x.field} differs`).join(', '),
    };
  });
}

const status: Command = {
  name: 'status',
  summary: 'List the declared subjects with their registered versions and compatibility levels, and whether they match topics.yaml',
  usage: 'schemas status [-f topics.yaml] [--env NAME] [--registry-url URL] [--json]',
  description: 'Exit codes: 0 every subject matches topics.yaml, 1 error, 2 a subject is missing or differs (drift).',
  examples: ['kafkaform schemas status', 'kafkaform schemas status --json'],
  options: { ...FILE_OPTION, ...REGISTRY_OPTIONS },
  async run({ args, io }) {
    const l = load({ args, io }, 'no status read');
    const client = requireRegistry(l);
    io.progress(`reading subjects from ${client.url}`);
    const state = await collectRegistryState(client, computeDeclaredSubjects(l.spec).map((d) => d.subject));
    const drift = computeSchemaDrift(l.spec, state, readSpecSchemas(l.spec));
    const rows = statusRows(l.spec, state, drift);
    if (args.json) io.stdout(JSON.stringify({ registry: client.url, globalCompatibility: state.globalCompatibility, subjects: rows, drift }, null, 2));
    else {
      io.stdout(table(['subject', 'versions', 'latest', 'compatibility', 'status'], rows.map((r) => [r.subject, String(r.versions), r.latestVersion !== undefined ? `v${r.latestVersion} (id ${r.latestId})` : '-', r.compatibility ?? '-', r.status])));
      for (const d of drift) io.stdout(`  ${d.message}`);
    }
    return drift.length > 0 ? EXIT.changes : EXIT.ok;
  },
};

export const schemasCommand: Command = groupCommand(
  'schemas',
  'Event schemas as registry subjects: check compatibility, apply through the registry API, show status',
  ['kafkaform schemas check --against main', 'kafkaform schemas apply --auto-approve', 'kafkaform schemas status'],
  [check, apply, status],
);
