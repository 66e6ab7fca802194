import type { KafkaformPlan } from '../plan/risk.js';

/** A plan's exit code (only the CLI turns results into exit codes), with `terraform plan -detailed-exitcode` semantics: 0 no changes, 2 changes, 1 error (blocked). */
export function planExitCode(plan: KafkaformPlan): 0 | 1 | 2 {
  if (plan.errors.length > 0 || plan.violations.length > 0) return 1;
  return plan.hasChanges ? 2 : 0;
}
