/**
 * The deploy edge: read the live topics (partition decreases are refused before terraform runs),
 * synthesize one environment's stack, terraform init/plan, label the changes by risk, refuse what
 * the policy forbids, ask (or --auto-approve), apply the saved plan, then verify with a drift
 * check. Returns what changed.
 * Over 400 lines because deployStack's re-plans (after the admin creates, after a create that found
 * its topic there) call planStack and share its private synth cache: apart, the two files would
 * import each other.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { connectionVariables, resolveConnection, type ConnectionFlags, type EmbeddedClusterStarter, type ResolvedConnection } from '../cluster/connection.js';
import { computePlanChanges, type PlannedChange } from '../plan/terraform-plan.js';
import { computeAdoption, computeUnreadCreates, type Adoption } from '../plan/compute-adoption.js';
import { computePlanSkip, computeRefreshSkip, stateAddressesOf, type RefreshDecision, type TerraformStateJson } from '../plan/compute-refresh.js';
import { writeImportBlocks } from '../synth/import-blocks.js';
import { computePartitionDecreases, computePlan, type KafkaformPlan } from '../plan/risk.js';
import { computeTopicDefaults, type TopicDefaults, type TopicFacts } from '../safety/topic-facts.js';
import { collectDrift } from '../drift/collect-drift.js';
import { collectLiveState, platformaticPorts, type ClusterPortFactory } from '../cluster/collect.js';
import { summarizeDrift } from '../drift/render-drift.js';
import type { ClusterState, Connection } from '../cluster/port.js';
import { requireValidBackend, resolveBackend } from '../synth/backend.js';
import { resolveSecret } from '../secrets/resolve.js';
import type { ResolvedSpec } from '../manifest/types.js';
import { synthStacks, userPasswordVariable } from '../synth/stack.js';
import type { Toolchain } from '../toolchain/provider.js';
import { noProgress, type Progress } from '../progress.js';
import { TerraformError, UserError } from '../errors.js';
import { isStalePlanError, topicsThatAlreadyExist, isTransientProviderError, type RunOptions } from './terraform-runner.js';
import { realTerraform, type TerraformPort } from './terraform-port.js';
import { initStack } from './init-cache.js';
import { recoverInterruptedLocalState } from './state-recovery.js';
import { applyCreatesThroughAdmin, computePlannedCreates } from './admin-precreate.js';

/**
 * terraform's -parallelism for plan and apply. Terraform's default is 10; the provider's calls are
 * small admin requests that wait on the broker, so more of them at once fill the wait. Measured with
 * bench/deploy.bench.ts (100 topics + 300 ACLs, 2 cores, loaded): 56.6 s at 10, 27.7 s at 50; at
 * 1,000 topics + 3,000 ACLs on a quiet machine 78.5 s at 10, 74.2 s at 50, 71.3 s at 100 (terraform's
 * own CPU per resource bounds it there).
 */
export const DEFAULT_PARALLELISM = 50;

/** Checks after apply that the cluster matches the spec (default: kafkaform's drift check). */
export type VerifyDeploy = (spec: ResolvedSpec, connection: Connection) => Promise<{ inSync: boolean; summary: string }>;

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
  /** Shown the risk-labelled plan before anything is applied (deploy prints it with the plan renderer). */
  onPlan?: (plan: KafkaformPlan) => void;
  /** After apply: is the cluster in sync? Default: collectDrift. `false` skips the check. */
  verify?: VerifyDeploy | false;
  env?: NodeJS.ProcessEnv;
  onProgress?: Progress;
  onTerraformOutput?: (line: string) => void;
  /** Starts the embedded cluster when nothing names servers (the CLI injects src/dev's); without it, that is an error. */
  embedded?: EmbeddedClusterStarter;
  /** Where the ClusterPort of the live pre-check and the default post-apply check comes from (default: @platformatic/kafka). */
  ports?: ClusterPortFactory;
  /** terraform and its toolchain (default: the real binary). */
  terraform?: TerraformPort;
  /** How many resources terraform plans and applies at once (default DEFAULT_PARALLELISM). */
  parallelism?: number;
  /**
   * From how many planned topic + ACL creates deploy makes them through the admin API and lets
   * terraform import them (default ADMIN_CREATE_THRESHOLD; Infinity: always terraform's own creates).
   */
  adminCreateThreshold?: number;
}

/**
 * Below this many creates terraform's own are about as fast as the second plan the admin path needs.
 * Measured with bench/deploy.bench.ts: see the README's benchmark section.
 */
export const ADMIN_CREATE_THRESHOLD = 50;

export interface StackPlan {
  stackDir: string;
  /** '' when terraform did not produce an applicable plan (see `applicable`). */
  planFile: string;
  hasChanges: boolean;
  changes: PlannedChange[];
  /** The risk-labelled plan value (what `kafkaform plan` renders). */
  kafkaformPlan: KafkaformPlan;
  /** False when the saved plan must not be applied (blocked before terraform, or planned without prevent_destroy to show what is forbidden). */
  applicable: boolean;
  /** Declared topics as the live cluster has them now. */
  live: TopicFacts[];
  /** What an unset config was taken to be (the broker's values when it could be read). */
  defaults: TopicDefaults;
  /** Declared resources that exist on the cluster but not in the state: imported by this plan. */
  adoption: Adoption;
  /** Whether terraform refreshed, and why (skipped only when the live read proves the state equal). */
  refresh?: RefreshDecision;
  /** Set when terraform plan did not run at all: the live read proves the state equal to the cluster, and the stack declares exactly the state (the reason says so). */
  terraformPlanSkipped?: RefreshDecision;
  plan: unknown;
  connection: ResolvedConnection;
  toolchain: Toolchain;
}

export interface DeployResult extends StackPlan {
  applied: boolean;
  /** The post-apply check, when it ran. */
  verification?: { inSync: boolean; summary: string };
}

/**
 * The resolved secrets a plan's terraform runs need (TF_VAR_* values), held beside the plan value
 * rather than in it: a StackPlan or DeployResult can be rendered or serialized without leaking them.
 */
const terraformRuns = new WeakMap<StackPlan, Pick<RunOptions, 'vars' | 'sensitiveVars'>>();

/** Stacks deployStack already synthesized for these very options (its second plan after the admin creates). */
const synthesized = new WeakMap<DeployOptions, { stackDir: string }>();

/** The variables (secrets included) to run terraform again on a plan's stack, e.g. a re-plan. */
export function terraformRunOptions(p: StackPlan): Pick<RunOptions, 'vars' | 'sensitiveVars'> {
  const run = terraformRuns.get(p);
  if (!run) throw new UserError('this plan was not made by planStack, so its terraform variables are unknown', 'plan it with planStack');
  return run;
}

/** Default post-apply check: kafkaform's drift check against the live cluster. */
export const verifyWithDrift = async (spec: ResolvedSpec, connection: Connection, ports?: ClusterPortFactory): Promise<{ inSync: boolean; summary: string }> => {
  const report = await collectDrift(spec, connection, { ports });
  return { inSync: report.inSync, summary: summarizeDrift(report) };
};

/**
 * Reads the cluster once (bounded in time): the declared topics that exist, the broker's defaults,
 * and what adoption compares with the state (topics, ACLs, and users and quotas when the adapter reads them).
 */
export async function readLiveTopics(spec: ResolvedSpec, connection: Connection, ports?: ClusterPortFactory): Promise<{ live: TopicFacts[]; defaults: TopicDefaults; cluster: ClusterState }> {
  const declared = new Set(spec.topics.map((t) => t.name));
  const state = await collectLiveState(connection, { ports });
  const live = state.topics
    .filter((t) => declared.has(t.name))
    .map((t) => ({ name: t.name, partitions: t.partitions, replicationFactor: t.replicationFactor, config: t.config }));
  return { live, defaults: computeTopicDefaults(state.brokerDefaults), cluster: state };
}

/** TF_VAR_* entries of the environment terraform would inherit, by variable name. */
const terraformEnvVars = (env: NodeJS.ProcessEnv): Record<string, string> =>
  Object.fromEntries(Object.entries(env).flatMap(([k, v]) => (k.startsWith('TF_VAR_') && v !== undefined ? [[k.slice(7), v]] : [])));

/** The synthesized stack (cdk.tf.json) as JSON; undefined when it cannot be read. */
function readStackJson(stackDir: string): unknown {
  try {
    return JSON.parse(readFileSync(join(stackDir, 'cdk.tf.json'), 'utf8')) as unknown;
  } catch {
    return undefined;
  }
}

/** True when terraform refused because a prevent_destroy resource would be destroyed. */
function isPreventDestroyError(e: unknown): boolean {
  return e instanceof TerraformError && /prevent_destroy/.test(e.message);
}

/** Synthesizes, inits and plans one environment; nothing is changed on the cluster. */
export async function planStack(opts: DeployOptions): Promise<StackPlan> {
  const progress = opts.onProgress ?? noProgress;
  const spec = opts.spec;
  const env = opts.env ?? process.env;
  const terraform = opts.terraform ?? realTerraform;
  const baseDir = dirname(spec.file);
  const outdir = resolve(opts.outdir ?? resolve(baseDir, 'cdktf.out'));
  // KAFKAFORM_BACKEND / KAFKAFORM_BACKEND_CONFIG win over topics.yaml (CI keeps state elsewhere).
  const backend = resolveBackend(spec.backend, env);
  requireValidBackend(backend, { file: spec.file, line: 1, column: 1, path: env.KAFKAFORM_BACKEND ? 'KAFKAFORM_BACKEND' : 'backend' });
  const stackSpec: ResolvedSpec = { ...spec, backend };

  // The target first: a plan with no cluster named fails before any toolchain work.
  const connection = await resolveConnection(spec, opts.connection ?? {}, { env, embedded: opts.embedded, onProgress: progress });
  progress(`target: ${connection.connection.bootstrapServers.join(',')} (${connection.source === 'embedded' ? 'embedded local cluster' : connection.source})`);
  // The live read waits on the network: it runs while the toolchain is checked and the stack synthesized.
  progress('reading the declared topics on the cluster');
  const liveRead = readLiveTopics(spec, connection.connection, opts.ports);
  liveRead.catch(() => undefined); // awaited below; this only keeps an early failure elsewhere from leaving it unhandled
  progress('checking terraform and the Kafka provider');
  const registryViaTerraform = spec.schemaRegistry?.manageWith === 'terraform';
  const toolchain = await terraform.toolchain({ onProgress: progress, schemaRegistry: registryViaTerraform });
  const stateDir = resolve(opts.stateDir ?? computeStateDir(spec, connection, backend));
  mkdirSync(stateDir, { recursive: true });

  // Secrets are resolved now, at the last moment, and travel only as TF_VAR_* entries.
  const vars = connectionVariables(connection);
  const secretVars = ['sasl_password'];
  for (const user of spec.users) {
    if (user.passwordFrom === undefined) continue; // not managed by Terraform: its password is never set
    const name = userPasswordVariable(user.name);
    vars[name] = resolveSecret(user.passwordFrom, `users.${user.name}.passwordFrom`, baseDir, env);
    secretVars.push(name);
  }
  if (registryViaTerraform) {
    if (env.KAFKAFORM_SCHEMA_REGISTRY_URL) vars.schema_registry_url = env.KAFKAFORM_SCHEMA_REGISTRY_URL;
    const pw = env.KAFKAFORM_SCHEMA_REGISTRY_PASSWORD ?? (spec.schemaRegistry?.passwordFrom ? resolveSecret(spec.schemaRegistry.passwordFrom, 'schemaRegistry.passwordFrom', baseDir, env) : undefined);
    if (pw) {
      vars.schema_registry_password = pw;
      secretVars.push('schema_registry_password');
    }
  }

  const writeOnlySecrets = toolchain.terraform.supportsWriteOnly;
  let stackDir = synthesized.get(opts)?.stackDir;
  if (stackDir === undefined) {
    progress(`synthesizing stack ${spec.environment}`);
    stackDir = synthStacks([stackSpec], { outdir, stateDir, writeOnlySecrets }).get(spec.environment)!;
  }
  // Partition decreases are caught here, against the live cluster: terraform would plan a
  // replace, and prevent_destroy would then fail the plan with an error that does not say why.
  const { live, defaults, cluster } = await liveRead;
  const errors = computePartitionDecreases(spec, live);
  const secrets = { vars, sensitiveVars: secretVars };
  const run = { ...secrets, onOutput: opts.onTerraformOutput, parallelism: opts.parallelism ?? DEFAULT_PARALLELISM };
  const noAdoption: Adoption = { imports: [], adoptedQuotas: [] };
  const base = { stackDir, connection, toolchain, live, defaults, adoption: noAdoption };
  const planned = (p: StackPlan): StackPlan => (terraformRuns.set(p, secrets), p);
  if (errors.length > 0) {
    const kafkaformPlan = computePlan({ spec, changes: [], live, defaults, errors });
    return planned({ ...base, planFile: '', hasChanges: false, changes: [], plan: undefined, kafkaformPlan, applicable: false });
  }

  // A terraform killed while rewriting the local state leaves it empty or cut short (state-recovery.ts).
  const recovered = recoverInterruptedLocalState(stackDir);
  if (recovered) progress(recovered.message);
  progress('terraform init');
  if (!(await initStack(terraform, stackDir, toolchain, run))) progress('terraform init skipped: the stack is initialised for this configuration and toolchain');
  // Adoption: what exists on the cluster but not in the state is imported, never created (a lost
  // or emptied state recovers the same way).
  const state = (await terraform.showState(stackDir, toolchain, run)) as TerraformStateJson;
  const adoption = computeAdoption(spec, cluster, new Set(stateAddressesOf(state)));
  writeImportBlocks(stackDir, adoption.imports);
  if (adoption.imports.length + adoption.adoptedQuotas.length > 0) {
    progress(`adopting ${adoption.imports.length + adoption.adoptedQuotas.length} resource(s) that exist on the cluster but not in the Terraform state`);
  }
  // Refresh only when kafkaform's own read cannot prove the state equal to the cluster (and say which).
  const refresh = adoption.imports.length + adoption.adoptedQuotas.length > 0 ? { skip: false, reason: 'resources are being imported' } : computeRefreshSkip(state, cluster);
  if (refresh.skip) {
    // A no-change plan needs no terraform at all when, beyond the refresh proof, the stack declares
    // exactly what the state holds: terraform's plan would be empty.
    const skipped = computePlanSkip(readStackJson(stackDir), state, { ...terraformEnvVars(env), ...vars });
    if (skipped.skip) {
      progress(`terraform plan skipped: ${refresh.reason}, and ${skipped.reason}`);
      const kafkaformPlan = computePlan({ spec, changes: [], live, defaults, errors: [] });
      return planned({ ...base, adoption, refresh, terraformPlanSkipped: skipped, planFile: '', hasChanges: false, changes: [], plan: undefined, kafkaformPlan, applicable: true });
    }
    progress(`terraform plan needed (${skipped.reason})`);
  }
  progress(refresh.skip ? `terraform plan without refresh: ${refresh.reason}` : `terraform plan with refresh: ${refresh.reason}`);
  const planRun = { ...run, refresh: !refresh.skip };
  let saved: { exitCode: 0 | 2; planFile: string; dir: string; applicable: boolean };
  try {
    saved = { ...(await terraform.plan(stackDir, toolchain, planRun)), dir: stackDir, applicable: true };
  } catch (e) {
    if (!isPreventDestroyError(e)) throw e;
    // The real stack refuses to destroy topics. To show *what* it refuses (with everything else
    // in the plan), plan a copy without prevent_destroy into a separate directory; that plan is
    // never applied (policy violations block it).
    progress('the plan destroys a protected topic: planning an unguarded copy to show what');
    const shadowOut = resolve(outdir, '.kafkaform-plan-only');
    const shadow = synthStacks([{ ...stackSpec, policy: { ...stackSpec.policy, allowTopicDeletion: true } }], { outdir: shadowOut, stateDir, writeOnlySecrets });
    const shadowDir = shadow.get(spec.environment)!;
    writeImportBlocks(shadowDir, adoption.imports);
    await initStack(terraform, shadowDir, toolchain, run);
    saved = { ...(await terraform.plan(shadowDir, toolchain, planRun)), dir: shadowDir, applicable: false };
  }
  const plan = await terraform.show(saved.dir, toolchain, saved.planFile, run);
  const changes = computePlanChanges(plan, { adopted: new Set(adoption.adoptedQuotas), adoptedLive: adoption.adoptedQuotaLive });
  // Nothing the read could not see is ever planned as a create.
  const unread = computeUnreadCreates(changes, cluster);
  const kafkaformPlan = computePlan({ spec, changes, live, defaults, errors: unread });
  return planned({
    ...base,
    adoption,
    refresh,
    planFile: saved.planFile,
    hasChanges: saved.exitCode === 2,
    changes,
    plan,
    kafkaformPlan,
    applicable: saved.applicable && kafkaformPlan.violations.length === 0 && unread.length === 0,
  });
}

/** Plans, checks the policy, confirms, and applies the saved plan. */
export async function deployStack(opts: DeployOptions): Promise<DeployResult> {
  const progress = opts.onProgress ?? noProgress;
  const p = await planStack(opts);
  opts.onPlan?.(p.kafkaformPlan);
  const { errors, violations } = p.kafkaformPlan;
  if (errors.length > 0) {
    throw new UserError(`nothing was deployed: ${errors.map((e) => e.message).join('; ')}`, errors.map((e) => e.hint).join('; '));
  }
  if (violations.length > 0) {
    throw new UserError(
      `refusing to ${violations.map((v) => v.change).join(', ')}: the topic's data would be lost (${violations[0]!.policyKey} is false); nothing was deployed`,
      `set ${violations[0]!.policyKey}: true to allow it, or restore the topic in topics.yaml`,
    );
  }
  if (!p.applicable) throw new UserError('the plan cannot be applied', 'run `kafkaform plan` to see why');
  if (!p.hasChanges || opts.planOnly) return { ...p, applied: false };
  if (!opts.autoApprove) {
    if (!opts.confirm) throw new UserError('deploy needs confirmation', 'run it in a terminal to be asked, or pass --auto-approve (CI)');
    if (!(await opts.confirm(p.changes))) throw new UserError('deploy cancelled: nothing was changed');
  }
  // Many creates: made through the admin API, then imported by a second plan (admin-precreate.ts says why).
  let toApply = p;
  const creates = computePlannedCreates(p.plan);
  if (creates.topics.length + creates.acls.length >= (opts.adminCreateThreshold ?? ADMIN_CREATE_THRESHOLD)) {
    progress(`creating ${creates.topics.length} topic(s) and ${creates.acls.length} ACL binding(s) through the admin API; terraform then imports them`);
    await applyCreatesThroughAdmin(creates, p.connection.connection, opts.ports ?? platformaticPorts, progress);
    toApply = await planAgain(opts, p, new Set([...creates.topics, ...creates.acls].map((c) => c.address)));
  }
  progress('terraform apply');
  await applyWithRetry(toApply, opts, progress);
  // The result shows the plan the user approved (its creates were made), with the stack that was applied.
  const result = { ...toApply, changes: p.changes, kafkaformPlan: p.kafkaformPlan };
  if (opts.verify === false) return { ...result, applied: true };
  progress('verifying: drift check against the cluster');
  const verification = await (opts.verify ?? ((spec, c) => verifyWithDrift(spec, c, opts.ports)))(opts.spec, p.connection.connection);
  if (!verification.inSync) {
    throw new UserError(
      `applied, but the cluster is not in sync with ${opts.spec.file}: ${verification.summary}`,
      'run `kafkaform drift` to see the differences (another process may be changing the cluster, or a setting is not applied by the provider)',
    );
  }
  return { ...result, applied: true, verification };
}

/**
 * Plans again with the same options, reusing the stack synthesized for the first plan (same process;
 * synth takes seconds at scale), and requires it to hold only what `approved` did, with `created`
 * imported (or updated) instead of created.
 */
async function planAgain(opts: DeployOptions, approved: StackPlan, created: ReadonlySet<string>, what?: string): Promise<StackPlan> {
  synthesized.set(opts, { stackDir: approved.stackDir });
  const again = await planStack(opts);
  requireApprovedRemainder(approved, again, created, what);
  return again;
}

/**
 * The plan made after the admin creates may only import what was created (and update it to the declared
 * values) and otherwise hold changes the user approved; a create of something just created, or anything
 * new, stops the deploy before terraform applies it.
 */
function requireApprovedRemainder(approved: StackPlan, again: StackPlan, created: ReadonlySet<string>, what = 'the topics and ACLs were created through the admin API'): void {
  const ok = new Set(approved.changes.map((c) => `${c.address}|${c.action}`));
  const unexpected = again.changes.filter((c) => (created.has(c.address) ? c.action !== 'import' && c.action !== 'update' : !ok.has(`${c.address}|${c.action}`)));
  const blocked = again.kafkaformPlan.errors.length + again.kafkaformPlan.violations.length > 0 || !again.applicable;
  if (unexpected.length > 0 || blocked) {
    throw new UserError(
      `${what}, but the plan to import them differs from the approved one (${unexpected.map((c) => `${c.action} ${c.resource} ${c.name}`).join(', ') || 'it is blocked'})`,
      'run kafkaform plan to review, then deploy again (what exists is adopted)',
    );
  }
}

/**
 * Where the local backend keeps state. The embedded cluster outlives any one checkout (its data is in
 * the cache), so its state lives with the cluster, keyed by cluster name: every clone of a project sees
 * the same state, and `dev down --purge` removes both. Other clusters: next to topics.yaml.
 */
export function computeStateDir(spec: ResolvedSpec, connection: Pick<ResolvedConnection, 'source' | 'embedded'>, backend: ResolvedSpec['backend']): string {
  const local = !backend || (backend.type === 'local' && backend.config.path === undefined);
  if (local && connection.source === 'embedded' && connection.embedded) {
    return join(connection.embedded.dataDir, 'terraform-state', spec.cluster.name.replace(/[^A-Za-z0-9._-]/g, '_'));
  }
  return dirname(spec.file);
}

/**
 * Applies the saved plan. When the provider fails on its transient connection race
 * (isTransientProviderError), plans again and applies that plan only if every change in it was in
 * the plan already approved (the remainder of a partly applied plan); anything else is an error.
 * A topic create that finds the topic there (topicsThatAlreadyExist: it appeared after the live read)
 * is adopted instead: kafkaform plans again, which imports it, and applies that plan once, only if it
 * holds nothing but the approved changes, with those topics imported (or updated), not created.
 */
async function applyWithRetry(p: StackPlan, opts: DeployOptions, progress: Progress): Promise<void> {
  const terraform = opts.terraform ?? realTerraform;
  const run = { ...terraformRunOptions(p), onOutput: opts.onTerraformOutput, parallelism: opts.parallelism ?? DEFAULT_PARALLELISM };
  try {
    await terraform.apply(p.stackDir, p.toolchain, { planFile: p.planFile, ...run });
    return;
  } catch (e) {
    const existing = e instanceof TerraformError ? topicsThatAlreadyExist(e.outputTail) : [];
    if (existing.length > 0) {
      progress(`${existing.join(', ')} exists now (made after the live read, e.g. by an interrupted run): planning again to adopt it`);
      const adopting = await planAgain(opts, p, new Set(existing), 'a topic the plan was to create exists now');
      if (adopting.hasChanges) await terraform.apply(adopting.stackDir, adopting.toolchain, { planFile: adopting.planFile, ...run });
      return;
    }
    if (!(e instanceof TerraformError) || !(isTransientProviderError(e.outputTail) || isStalePlanError(e.outputTail))) throw e;
    progress(`${isStalePlanError(e.outputTail) ? 'another run changed the state since the plan' : 'transient provider connection error during apply'}: planning the remainder again`);
  }
  const again = await terraform.plan(p.stackDir, p.toolchain, run);
  if (again.exitCode === 0) return;
  const approved = new Set(p.changes.map((c) => `${c.address}|${c.action}`));
  const remaining = computePlanChanges(await terraform.show(p.stackDir, p.toolchain, again.planFile, run), { adopted: new Set(p.adoption.adoptedQuotas) });
  const unexpected = remaining.filter((c) => !approved.has(`${c.address}|${c.action}`));
  if (unexpected.length > 0) {
    throw new UserError(
      `apply was interrupted, and the plan for the rest now differs from the approved one (${unexpected.map((c) => `${c.action} ${c.resource} ${c.name}`).join(', ')})`,
      'run kafkaform plan to review, then deploy again',
    );
  }
  await terraform.apply(p.stackDir, p.toolchain, { planFile: again.planFile, ...run });
}
