/** Validate topics.yaml and synthesize its stacks: shared by `kafkaform synth` and stacks/main.ts. */
import { hasErrors, renderDiagnostic } from '../manifest/diagnostics.js';
import { readManifest, type ValidationResult } from '../manifest/validate.js';
import { UserError } from '../errors.js';
import { synthStacks } from './stack.js';

export interface SynthFileOptions {
  file: string;
  outdir: string;
  environments?: string[];
  stateDir?: string;
  writeOnlySecrets?: boolean;
}

export interface SynthFileResult {
  validation: ValidationResult;
  stackDirs: Map<string, string>;
}

/** Throws a UserError (with every diagnostic in its message) when the spec is invalid. */
export function synthFromFile(opts: SynthFileOptions): SynthFileResult {
  const validation = readManifest(opts.file, { environments: opts.environments });
  if (hasErrors(validation.diagnostics)) {
    throw new UserError(validation.diagnostics.map((d) => renderDiagnostic(d)).join('\n'), `fix ${opts.file} (kafkaform validate shows the same list)`);
  }
  const envs = opts.environments ?? validation.environments;
  for (const e of envs) {
    if (!validation.specs.has(e)) throw new UserError(`unknown environment "${e}"`, `environments: ${validation.environments.join(', ')}`);
  }
  const specs = envs.map((e) => validation.specs.get(e)!);
  const stackDirs = synthStacks(specs, { outdir: opts.outdir, stateDir: opts.stateDir, writeOnlySecrets: opts.writeOnlySecrets });
  return { validation, stackDirs };
}
