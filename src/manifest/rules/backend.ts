/**
 * The Terraform state backend rule: a pure check of a resolved backend's settings (required keys,
 * no secrets in the committed file, unknown keys flagged). Which backend a stack uses at run time
 * (environment variables) is decided in src/synth/backend.ts.
 */
import { didYouMean, type Diagnostic } from '../diagnostics.js';
import type { BackendSpec } from '../types.js';
import { formatPath, type PathSegment } from '../document.js';
import type { Rule } from './rule.js';

export const BACKEND_TYPES = ['local', 's3', 'gcs', 'remote', 'pg'] as const;

/** Settings that must be present, per backend type (cdktf's camelCase spelling). */
export const REQUIRED_BACKEND_KEYS: Record<BackendSpec['type'], readonly string[]> = {
  local: [],
  s3: ['bucket', 'region'],
  gcs: ['bucket'],
  remote: ['organization'],
  pg: [],
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
  // The connection string is never here: Terraform reads PG_CONN_STR (see SECRET_KEYS).
  pg: ['schemaName', 'skipSchemaCreation', 'skipTableCreation', 'skipIndexCreation'],
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
  // A pg connection string usually carries the password.
  connStr: 'PG_CONN_STR (e.g. postgres://user:password@host/db), which the pg backend reads itself',
  conn_str: 'PG_CONN_STR (e.g. postgres://user:password@host/db), which the pg backend reads itself',
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
      hint: 'local keeps state in a file next to topics.yaml; use s3, gcs, remote (Terraform Cloud) or pg (PostgreSQL) for shared state in CI',
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
    case 'pg':
      return 'e.g. backend: { type: pg } with PG_CONN_STR=postgres://user:password@host/db in the environment';
    default:
      return '';
  }
}

/** The backend rule: a top-level backend is checked once per environment; identical diagnostics are merged by the caller. */
export const backendRule: Rule = ({ doc, normalized, push }) => {
  const { spec, layers } = normalized;
  // An unknown type is the schema pass's (not-allowed-value): saying it twice would not help.
  if (!spec.backend || !(BACKEND_TYPES as readonly string[]).includes(spec.backend.type)) return;
  const path: PathSegment[] = layers.overlay.backend !== undefined ? [...layers.overlayPath, 'backend'] : ['backend'];
  const pos = doc.positionOf(path);
  for (const d of validateBackend(spec.backend, { file: doc.file, line: pos.line, column: pos.column, path: formatPath(path) })) push(d);
};
