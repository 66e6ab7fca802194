/**
 * Terraform state backends: which one a stack uses (topics.yaml `backend:`, per-environment
 * overlay, or the KAFKAFORM_BACKEND / KAFKAFORM_BACKEND_CONFIG environment variables) and a pure
 * check of its settings. Synthesis itself happens in stack.ts (configureBackend).
 */
import { didYouMean, type Diagnostic } from '../manifest/diagnostics.js';
import type { BackendSpec } from '../manifest/types.js';
import { UserError } from '../errors.js';

export const BACKEND_TYPES = ['local', 's3', 'gcs', 'remote'] as const;

/** Settings that must be present, per backend type (cdktf's camelCase spelling). */
export const REQUIRED_BACKEND_KEYS: Record<BackendSpec['type'], readonly string[]> = {
  local: [],
  s3: ['bucket', 'region'],
  gcs: ['bucket'],
  remote: ['organization'],
};

/** Scalar settings kafkaform knows per type; others pass through to Terraform with a warning. */
export const KNOWN_BACKEND_KEYS: Record<BackendSpec['type'], readonly string[]> = {
  local: ['path', 'workspaceDir'],
  s3: [
    'bucket', 'key', 'region', 'encrypt', 'kmsKeyId', 'dynamodbTable', 'useLockfile', 'profile', 'roleArn', 'sessionName',
    'externalId', 'endpoint', 'forcePathStyle', 'usePathStyle', 'skipCredentialsValidation', 'skipMetadataApiCheck',
    'skipRegionValidation', 'skipRequestingAccountId', 'sharedCredentialsFile', 'workspaceKeyPrefix', 'acl', 'maxRetries',
    'insecure', 'customCaBundle', 'stsEndpoint', 'stsRegion', 'webIdentityTokenFile',
  ],
  gcs: ['bucket', 'prefix', 'credentials', 'impersonateServiceAccount', 'kmsEncryptionKey', 'storageCustomEndpoint'],
  // `workspace` / `workspacePrefix` are kafkaform's flat spelling of Terraform's `workspaces { name | prefix }` block.
  remote: ['organization', 'hostname', 'workspace', 'workspacePrefix'],
};

/**
 * Settings that hold secrets. topics.yaml is committed and synth output holds every value in plain
 * text, so these must come from the environment the way each backend documents it.
 */
const SECRET_KEYS: Record<string, string> = {
  accessKey: 'AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (or a profile / role)',
  secretKey: 'AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (or a profile / role)',
  token: 'TF_TOKEN_<hostname> (e.g. TF_TOKEN_app_terraform_io) for remote, AWS_SESSION_TOKEN for s3',
  sseCustomerKey: 'AWS_SSE_CUSTOMER_KEY',
  accessToken: 'GOOGLE_OAUTH_ACCESS_TOKEN',
  encryptionKey: 'GOOGLE_ENCRYPTION_KEY',
};

export interface BackendLocation {
  file: string;
  line: number;
  column: number;
  /** Dotted path of the backend block, e.g. `backend` or `environments.prod.backend`. */
  path?: string;
}

/**
 * Checks a resolved backend: required settings present, no secret in the file, unknown settings
 * flagged (with "did you mean"). Returns Diagnostic objects; never throws.
 */
export function validateBackend(backend: BackendSpec | undefined, loc: BackendLocation): Diagnostic[] {
  if (!backend) return [];
  const base = loc.path ?? 'backend';
  const at = { file: loc.file, line: loc.line, column: loc.column };
  const out: Diagnostic[] = [];
  if (!(BACKEND_TYPES as readonly string[]).includes(backend.type)) {
    out.push({
      ...at, severity: 'error', code: 'backend-type', path: `${base}.type`,
      message: `unknown backend type "${String(backend.type)}"`,
      found: String(backend.type), allowed: BACKEND_TYPES.join(' | '),
      hint: 'local keeps state in a file next to topics.yaml; use s3, gcs or remote (Terraform Cloud) for shared state in CI',
    });
    return out;
  }
  const config = backend.config ?? {};
  for (const key of REQUIRED_BACKEND_KEYS[backend.type]) {
    const v = config[key];
    if (v === undefined || v === '') {
      out.push({
        ...at, severity: 'error', code: 'backend-required', path: `${base}.config.${key}`,
        message: `the ${backend.type} backend needs \`${key}\``,
        found: Object.keys(config).length ? Object.keys(config).join(', ') : '(no settings)',
        allowed: `required for ${backend.type}: ${REQUIRED_BACKEND_KEYS[backend.type].join(', ')}`,
        hint: exampleFor(backend.type),
      });
    }
  }
  const known = KNOWN_BACKEND_KEYS[backend.type];
  for (const key of Object.keys(config).sort()) {
    if (key in SECRET_KEYS) {
      out.push({
        ...at, severity: 'error', code: 'backend-secret', path: `${base}.config.${key}`,
        message: `\`${key}\` is a secret and would be written in plain text into topics.yaml and the synthesized stack`,
        found: '(value hidden)',
        hint: `remove it and provide it through the environment: ${SECRET_KEYS[key]}`,
      });
      continue;
    }
    if (known.includes(key)) continue;
    const s = didYouMean(key, known);
    out.push({
      ...at, severity: 'warning', code: 'backend-unknown-key', path: `${base}.config.${key}`,
      message: `\`${key}\` is not a ${backend.type} backend setting kafkaform knows; it is passed to Terraform as is`,
      allowed: known.join(', '),
      hint: s ? `did you mean \`${s}\`?` : 'check the Terraform documentation of the backend (settings are written in camelCase)',
    });
  }
  return out;
}

function exampleFor(type: BackendSpec['type']): string {
  switch (type) {
    case 's3':
      return 'e.g. backend: { type: s3, config: { bucket: my-tf-state, region: eu-west-1 } }';
    case 'gcs':
      return 'e.g. backend: { type: gcs, config: { bucket: my-tf-state } }';
    case 'remote':
      return 'e.g. backend: { type: remote, config: { organization: my-org, workspace: kafka-prod } }';
    default:
      return '';
  }
}

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
