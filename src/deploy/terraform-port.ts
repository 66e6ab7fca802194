/**
 * What deploy needs of terraform, as a port: the toolchain, init, the state, plan, show and apply. The real
 * one runs the binary through terraform-runner.ts; unit tests of planStack pass a scripted one.
 */
import type { Progress } from '../progress.js';
import { ensureToolchain, type Toolchain } from '../toolchain/provider.js';
import { readLocalState } from './local-state.js';
import { terraformApply, terraformInit, terraformPlan, terraformShowJson, type ApplyOptions, type PlanOptions, type PlanResult, type RunOptions } from './terraform-runner.js';

export interface TerraformPort {
  /** Finds (or installs) terraform and the Kafka provider. */
  toolchain(opts: { onProgress?: Progress; schemaRegistry?: boolean }): Promise<Toolchain>;
  init(dir: string, tc: Toolchain, opts: RunOptions): Promise<void>;
  /** Saves a plan file; exitCode 2 when there are changes. */
  plan(dir: string, tc: Toolchain, opts: PlanOptions): Promise<PlanResult>;
  /** The state as terraform's JSON (`terraform show -json`; no `values` without a state). */
  showState(dir: string, tc: Toolchain, opts: RunOptions): Promise<unknown>;
  /** The saved plan as terraform's JSON. */
  show(dir: string, tc: Toolchain, planFile: string, opts: RunOptions): Promise<unknown>;
  apply(dir: string, tc: Toolchain, opts: ApplyOptions): Promise<void>;
}

/** The real terraform binary. */
export const realTerraform: TerraformPort = {
  toolchain: (opts) => ensureToolchain(opts),
  init: (dir, tc, opts) => terraformInit(dir, tc, opts),
  plan: (dir, tc, opts) => terraformPlan(dir, tc, opts),
  // A local state file is read directly (no terraform, no provider start); anything else asks terraform.
  showState: async (dir, tc, opts) => readLocalState(dir) ?? terraformShowJson(dir, tc, undefined, opts),
  show: (dir, tc, planFile, opts) => terraformShowJson(dir, tc, planFile, opts),
  apply: (dir, tc, opts) => terraformApply(dir, tc, opts),
};
