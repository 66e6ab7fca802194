/**
 * Reads a stack's local-backend state file directly, in the shape `terraform show -json` prints, so a
 * plan need not start terraform (and the provider, for its schema) only to learn what the state holds.
 * Anything unusual (another backend, a workspace, modules, count/for_each instances, an unknown state
 * version, a file being written) returns undefined, and the caller asks terraform instead.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { TerraformStateJson } from '../plan/compute-refresh.js';

interface RawState {
  version?: number;
  outputs?: Record<string, { value: unknown; sensitive?: boolean }>;
  resources?: Array<{ mode?: string; type?: string; name?: string; module?: string; instances?: Array<{ index_key?: unknown; attributes?: Record<string, unknown> }> }>;
}

/** The path of the local state file a synthesized stack names, or undefined for any other backend. */
export function localStatePath(stackDir: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.TF_WORKSPACE && env.TF_WORKSPACE !== 'default') return undefined;
  try {
    const stack = JSON.parse(readFileSync(resolve(stackDir, 'cdk.tf.json'), 'utf8')) as { terraform?: { backend?: Record<string, { path?: string; workspace_dir?: string }> } };
    const backend = stack.terraform?.backend ?? {};
    const names = Object.keys(backend);
    if (names.length === 0) return resolve(stackDir, 'terraform.tfstate');
    if (names.length !== 1 || names[0] !== 'local') return undefined;
    return resolve(stackDir, backend.local?.path ?? 'terraform.tfstate');
  } catch {
    return undefined;
  }
}

/** The state of a local-backend stack as `terraform show -json` has it, or undefined when terraform must be asked. */
export function readLocalState(stackDir: string, env: NodeJS.ProcessEnv = process.env): TerraformStateJson | undefined {
  const file = localStatePath(stackDir, env);
  if (!file) return undefined;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    // No state yet: what `terraform show -json` prints then (no values).
    return (e as NodeJS.ErrnoException).code === 'ENOENT' ? {} : undefined;
  }
  let raw: RawState;
  try {
    raw = JSON.parse(text) as RawState;
  } catch {
    return undefined;
  }
  if (raw.version !== 4) return undefined;
  const resources: NonNullable<NonNullable<TerraformStateJson['values']>['root_module']>['resources'] = [];
  for (const r of raw.resources ?? []) {
    if (r.module !== undefined || (r.mode !== 'managed' && r.mode !== 'data') || !r.type || !r.name) return undefined;
    const instances = r.instances ?? [];
    if (instances.length === 0) continue;
    if (instances.length !== 1 || instances[0]!.index_key !== undefined) return undefined;
    const address = r.mode === 'data' ? `data.${r.type}.${r.name}` : `${r.type}.${r.name}`;
    resources.push({ address, type: r.type, mode: r.mode, values: instances[0]!.attributes ?? {} });
  }
  if (resources.length === 0 && Object.keys(raw.outputs ?? {}).length === 0) return {};
  return { values: { outputs: raw.outputs ?? {}, root_module: { resources } } };
}
