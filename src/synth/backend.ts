/**
 * Terraform state backends: which one a stack uses (topics.yaml `backend:`, per-environment
 * overlay, or the KAFKAFORM_BACKEND / KAFKAFORM_BACKEND_CONFIG environment variables). The pure check
 * of its settings is src/manifest/rules/backend.ts; synthesis itself happens in stack.ts (configureBackend),
 * with the pg settings from here.
 */
import type { PgBackendConfig } from './cdk.js';
import type { BackendSpec } from '../manifest/types.js';
import { BACKEND_TYPES, validateBackend, type BackendLocation } from '../manifest/rules/backend.js';
import { UserError } from '../errors.js';

/**
 * The backend from the environment, which wins over topics.yaml (CI keeps state elsewhere than a
 * developer does): KAFKAFORM_BACKEND=local|s3|gcs|remote, KAFKAFORM_BACKEND_CONFIG='{"bucket":…}'.
 * Undefined when KAFKAFORM_BACKEND is not set.
 */
export function readBackendFromEnv(env: NodeJS.ProcessEnv): BackendSpec | undefined {
  const type = env.KAFKAFORM_BACKEND?.trim();
  const raw = env.KAFKAFORM_BACKEND_CONFIG?.trim();
  if (!type) {
    if (raw) throw new UserError('KAFKAFORM_BACKEND_CONFIG is set but KAFKAFORM_BACKEND is not', `set KAFKAFORM_BACKEND to one of ${BACKEND_TYPES.join(', ')}`);
    return undefined;
  }
  if (!(BACKEND_TYPES as readonly string[]).includes(type)) {
    throw new UserError(`KAFKAFORM_BACKEND="${type}" is not a backend kafkaform supports`, `use one of ${BACKEND_TYPES.join(', ')}`);
  }
  let config: BackendSpec['config'] = {};
  if (raw) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch (e) {
      throw new UserError(`KAFKAFORM_BACKEND_CONFIG is not valid JSON: ${(e as Error).message}`, `e.g. KAFKAFORM_BACKEND_CONFIG='{"bucket":"my-tf-state","region":"eu-west-1"}'`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new UserError('KAFKAFORM_BACKEND_CONFIG must be a JSON object', `e.g. KAFKAFORM_BACKEND_CONFIG='{"bucket":"my-tf-state"}'`);
    }
    for (const [k, v] of Object.entries(parsed)) {
      if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') {
        throw new UserError(`KAFKAFORM_BACKEND_CONFIG.${k} must be a string, number or boolean`);
      }
    }
    config = parsed as BackendSpec['config'];
  }
  return { type: type as BackendSpec['type'], config };
}

/** The backend a stack uses: the environment's KAFKAFORM_BACKEND, else topics.yaml, else local. */
export function resolveBackend(specBackend: BackendSpec | undefined, env: NodeJS.ProcessEnv): BackendSpec | undefined {
  return readBackendFromEnv(env) ?? specBackend;
}

/** Throws a UserError listing every backend error (for commands that synthesize and run terraform). */
export function requireValidBackend(backend: BackendSpec | undefined, loc: BackendLocation): void {
  const errors = validateBackend(backend, loc).filter((d) => d.severity === 'error');
  if (errors.length === 0) return;
  throw new UserError(
    `invalid Terraform backend: ${errors.map((d) => `${d.path}: ${d.message}`).join('; ')}`,
    errors.map((d) => d.hint).filter(Boolean).join('; '),
  );
}

/**
 * The pg backend's settings for one environment. The connection string is left out on purpose:
 * it usually holds a password, and Terraform reads it from PG_CONN_STR itself, so it never reaches
 * topics.yaml, cdk.tf.json, a plan or kafkaform's output. Each environment keeps its state in its own
 * schema (`kafkaform_<environment>`, like the s3 key per environment) unless `schemaName` says otherwise.
 */
export function pgBackendConfig(environment: string, backend: BackendSpec): PgBackendConfig {
  const { schemaName, skipSchemaCreation, skipTableCreation, skipIndexCreation, ...rest } = backend.config;
  const flags = { skipSchemaCreation, skipTableCreation, skipIndexCreation };
  const out: Record<string, unknown> = { ...rest, schemaName: schemaName !== undefined ? String(schemaName) : pgSchemaName(environment) };
  // validate refuses a literal connection string; should one get here anyway, it is not written.
  delete out.connStr;
  delete out.conn_str;
  for (const [k, v] of Object.entries(flags)) if (v !== undefined) out[k] = v === true || v === 'true';
  return out as unknown as PgBackendConfig;
}

/** `kafkaform_<environment>` as a plain lower-case PostgreSQL identifier. */
export function pgSchemaName(environment: string): string {
  return `kafkaform_${environment.toLowerCase().replace(/[^a-z0-9_]/g, '_')}`.slice(0, 63);
}
