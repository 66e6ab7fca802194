/**
 * The deploy edge: synthesize one environment's stack, terraform init/plan, refuse what the
 * policy forbids, ask (or --auto-approve), apply the saved plan. Returns what changed.
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { connectionVariables, resolveConnection, type ConnectionFlags, type ResolvedConnection } from '../cluster/connection.js';
import { computePlanChanges, type PlannedChange } from '../plan/terraform-plan.js';
import { resolveSecret } from '../secrets/resolve.js';
import type { ResolvedSpec } from '../spec/types.js';
import { synthStacks, userPasswordVariable } from '../synth/stack.js';
import { ensureToolchain, type Toolchain } from '../toolchain/provider.js';
import { UserError, noProgress, type Progress } from '../toolchain/paths.js';
import { terraformApply, terraformInit, terraformPlan, terraformShowJson } from './terraform-runner.js';

export interface DeployOptions {
  spec: ResolvedSpec;
  /** Where stacks are synthesized (default: cdktf.out next to topics.yaml). */
  outdir?: string;
  /** Where the local backend keeps state (default: next to topics.yaml). */
  stateDir?: string;
  connection?: ConnectionFlags;
  /** Apply without asking. */
  autoApprove?: boolean;
  /** Asked when not auto-approved; resolve true to apply. */
  confirm?: (changes: PlannedChange[]) => Promise<boolean>;
  /** Only plan, never apply. */
  planOnly?: boolean;
  env?: NodeJS.ProcessEnv;
  onProgress?: Progress;
  onTerraformOutput?: (line: string) => void;
}

export interface StackPlan {
  stackDir: string;
  planFile: string;
  hasChanges: boolean;
  changes: PlannedChange[];
  plan: unknown;
  connection: ResolvedConnection;
  toolchain: Toolchain;
  vars: Record<string, string>;
  secretVars: string[];
}

export interface DeployResult extends StackPlan {
  applied: boolean;
}

/** Changes the policy forbids: deleting or replacing a topic without policy.allowTopicDeletion. */
export function forbiddenChanges(spec: ResolvedSpec, changes: PlannedChange[]): PlannedChange[] {
  if (spec.policy.allowTopicDeletion) return [];
  return changes.filter((c) => c.resource === 'topic' && (c.action === 'delete' || c.action === 'replace'));
}

/** Synthesizes, inits and plans one environment; nothing is changed on the cluster. */
export async function planStack(opts: DeployOptions): Promise<StackPlan> {
  const progress = opts.onProgress ?? noProgress;
  const spec = opts.spec;
  const env = opts.env ?? process.env;
  const baseDir = dirname(spec.file);
  const outdir = resolve(opts.outdir ?? resolve(baseDir, 'cdktf.out'));
  const stateDir = resolve(opts.stateDir ?? baseDir);
  mkdirSync(stateDir, { recursive: true });

  progress('checking terraform and the Kafka provider');
  const toolchain = await ensureToolchain({ onProgress: progress });
  const connection = await resolveConnection(spec, opts.connection ?? {}, { env, startEmbedded: true, onProgress: progress });
  progress(`target: ${connection.connection.bootstrapServers.join(',')} (${connection.source === 'embedded' ? 'embedded local cluster' : connection.source})`);

  // Secrets are resolved now, at the last moment, and travel only as TF_VAR_* entries.
  const vars = connectionVariables(connection);
  const secretVars = ['sasl_password'];
  for (const user of spec.users) {
    const name = userPasswordVariable(user.name);
    vars[name] = resolveSecret(user.passwordFrom, `users.${user.name}.passwordFrom`, baseDir, env);
    secretVars.push(name);
  }

  progress(`synthesizing stack ${spec.environment}`);
  const dirs = synthStacks([spec], { outdir, stateDir, writeOnlySecrets: toolchain.terraform.supportsWriteOnly });
  const stackDir = dirs.get(spec.environment)!;
  const run = { vars, sensitiveVars: secretVars, onOutput: opts.onTerraformOutput };

  progress('terraform init');
  await terraformInit(stackDir, toolchain, run);
  progress('terraform plan');
  const { exitCode, planFile } = await terraformPlan(stackDir, toolchain, run);
  const plan = await terraformShowJson(stackDir, toolchain, planFile, run);
  const changes = computePlanChanges(plan);
  return { stackDir, planFile, hasChanges: exitCode === 2, changes, plan, connection, toolchain, vars, secretVars };
}

/** Plans, checks the policy, confirms, and applies the saved plan. */
export async function deployStack(opts: DeployOptions): Promise<DeployResult> {
  const progress = opts.onProgress ?? noProgress;
  const p = await planStack(opts);
  if (!p.hasChanges || opts.planOnly) return { ...p, applied: false };

  const forbidden = forbiddenChanges(opts.spec, p.changes);
  if (forbidden.length > 0) {
    throw new UserError(
      `refusing to ${forbidden.map((c) => `${c.action} topic ${c.name}`).join(', ')}: the topic's data would be lost`,
      'set policy.allowTopicDeletion: true to allow it, or restore the topic in topics.yaml (a partition decrease forces a replace: Kafka cannot remove partitions)',
    );
  }
  if (!opts.autoApprove) {
    if (!opts.confirm) throw new UserError('deploy needs confirmation', 'run it in a terminal to be asked, or pass --auto-approve (CI)');
    if (!(await opts.confirm(p.changes))) throw new UserError('deploy cancelled: nothing was changed', undefined, 1);
  }
  progress('terraform apply');
  await terraformApply(p.stackDir, p.toolchain, { planFile: p.planFile, vars: p.vars, sensitiveVars: p.secretVars, onOutput: opts.onTerraformOutput });
  return { ...p, applied: true };
}
