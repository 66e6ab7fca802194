import { appendFileSync, writeFileSync } from 'node:fs';
import { DEFAULT_PARALLELISM, planStack } from '../../deploy/deploy-stack.js';
import { requireRunningDevCluster } from '../../dev/cluster/lifecycle.js';
import { renderPlanJson, renderPlanMarkdown, renderPlanSummaryLine, renderPlanText } from '../../plan/render-plan.js';
import type { KafkaformPlan } from '../../plan/risk.js';
import { planExitCode } from '../plan-exit-code.js';
import { planConnectors } from '../../connect/deploy-connectors.js';
import { withConnectorPlan } from '../../connect/render-connector-plan.js';
import { UserError } from '../../errors.js';
import { CONNECTION_OPTIONS, connectionFlags, EXIT, FILE_OPTION, oneOf, str, type Command, type Io } from '../framework.js';
import { readValidSpec } from '../read-valid-spec.js';

export type PlanFormat = 'text' | 'json' | 'markdown';

/** Renders a plan in the requested format (colour only for text on a terminal). */
export function renderPlan(plan: KafkaformPlan, format: PlanFormat, io?: Pick<Io, 'paint'>): string {
  if (format === 'json') return renderPlanJson(plan);
  if (format === 'markdown') return renderPlanMarkdown(plan);
  return renderPlanText(plan, { paint: io?.paint });
}

/** The UserError for a blocked plan: names the change and the policy key (or the partition decrease). */
export function blockedPlanError(plan: KafkaformPlan): UserError | undefined {
  if (plan.errors.length > 0) {
    return new UserError(plan.errors.map((e) => e.message).join('; '), plan.errors.map((e) => e.hint).join('; '));
  }
  if (plan.violations.length > 0) {
    const v = plan.violations;
    return new UserError(
      `the plan would ${v.map((x) => x.change).join(', ')}, which ${v[0]!.policyKey} (false) does not allow: the topic's data would be lost`,
      `set ${v[0]!.policyKey}: true in topics.yaml to allow it, or restore the topic`,
    );
  }
  return undefined;
}

/** `--parallelism 25` → 25, or a UserError (1 to 256). */
export function parseParallelism(v: unknown): number {
  if (v === undefined) return DEFAULT_PARALLELISM;
  const n = Number(v);
  if (typeof v !== 'string' || !Number.isInteger(n) || n < 1 || n > 256) throw new UserError('--parallelism must be a whole number from 1 to 256', `got ${JSON.stringify(v)}`);
  return n;
}

export const planCommand: Command = {
  name: 'plan',
  summary: 'Show what deploy would change, per topic, ACL, user, quota, schema and connector, labelled safe / risky / destructive',
  usage: 'plan [-f topics.yaml] [--env NAME] [--format text|json|markdown] [--out FILE] [--step-summary]',
  description:
    'Runs the real terraform plan for the environment\'s stack (nothing is changed) and renders it as kafkaform resources. ' +
    'Partition decreases are found against the live cluster before terraform runs. ' +
    'With no servers named, the embedded cluster is used only when it is running (`kafkaform dev up`); plan never starts one. ' +
    'Markdown starts with a hidden marker (<!-- kafkaform-plan:ENV -->) so a workflow can update its own PR comment.\n' +
    'Exit codes (like terraform plan -detailed-exitcode): 0 no changes, 2 changes, 1 error — including a destructive change policy.allowTopicDeletion does not allow, and a partition decrease.',
  examples: [
    'kafkaform plan --env dev',
    'kafkaform plan --env prod --format markdown --out plan.md',
    'kafkaform plan --env prod --format markdown --step-summary   # also appends to $GITHUB_STEP_SUMMARY',
    'kafkaform plan --format json | jq \'.changes[] | select(.risk != "safe")\'',
  ],
  options: {
    ...FILE_OPTION,
    ...CONNECTION_OPTIONS,
    format: { type: 'string', value: 'FORMAT', description: 'text | json | markdown', default: 'text' },
    json: { type: 'boolean', description: 'Same as --format json' },
    out: { type: 'string', short: 'o', value: 'FILE', description: 'Write the rendered plan to FILE (stdout then gets the one-line summary)' },
    'step-summary': { type: 'boolean', description: 'Also append the Markdown plan to $GITHUB_STEP_SUMMARY (GitHub Actions)' },
    'synth-dir': { type: 'string', value: 'DIR', description: 'Where to synthesize', default: 'cdktf.out' },
    'state-dir': { type: 'string', value: 'DIR', description: 'Directory of the local Terraform state (default: next to topics.yaml)' },
    parallelism: { type: 'string', value: 'N', description: 'Resources terraform reads at once', default: String(DEFAULT_PARALLELISM) },
  },
  async run({ args, io }) {
    const format: PlanFormat = args.json ? 'json' : (oneOf(args.format, ['text', 'json', 'markdown'] as const, 'format') ?? 'text');
    const { spec } = readValidSpec({ args, io }, 'no plan');
    const p = await planStack({
      spec,
      outdir: str(args['synth-dir']),
      stateDir: str(args['state-dir']),
      connection: connectionFlags(args),
      embedded: requireRunningDevCluster,
      onProgress: io.progress,
      parallelism: parseParallelism(args.parallelism),
    });
    const plan = p.kafkaformPlan;
    // Connectors are planned against the worker's REST API (see src/connect/deploy-connectors.ts).
    const connectors = await planConnectors(spec);
    const out = str(args.out);
    if (out) {
      writeFileSync(out, withConnectorPlan(renderPlan(plan, format), connectors, format));
      io.stdout(renderPlanSummaryLine(plan));
    } else {
      io.stdout(withConnectorPlan(renderPlan(plan, format, io), connectors, format, io.paint));
    }
    if (args['step-summary']) {
      const target = process.env.GITHUB_STEP_SUMMARY;
      if (target) appendFileSync(target, withConnectorPlan(renderPlanMarkdown(plan), connectors, 'markdown'));
      else io.progress('--step-summary: GITHUB_STEP_SUMMARY is not set, nothing appended');
    }
    const code = planExitCode(plan);
    if (code === EXIT.error) throw blockedPlanError(plan)!;
    return code === EXIT.ok && connectors?.plan.hasChanges ? EXIT.changes : code;
  },
};
