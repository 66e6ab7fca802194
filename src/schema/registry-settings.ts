/**
 * Where the schema registry is: `schemaRegistry: { url, username, passwordFrom }` in topics.yaml
 * (top level, overridden per environment), then KAFKAFORM_SCHEMA_REGISTRY_URL / _USERNAME, then
 * command-line flags. ResolvedSpec does not carry it yet, so it is read from the raw document.
 */
import { dirname } from 'node:path';
import { resolveSecret } from '../secrets/resolve.js';
import { UserError } from '../errors.js';
import { SchemaRegistryClient } from './registry-client.js';

export interface RegistrySettings {
  url: string;
  username?: string;
  /** `env:NAME` / `file:PATH`; never the secret. */
  passwordFrom?: string;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);

/** Merges the document's settings for `environment` with the environment variables and flags. Pure. */
export function computeRegistrySettings(
  documentValue: unknown,
  environment: string,
  overrides: { url?: string; username?: string } = {},
  env: NodeJS.ProcessEnv = process.env,
): RegistrySettings | undefined {
  const doc = isObj(documentValue) ? documentValue : {};
  const top = isObj(doc.schemaRegistry) ? doc.schemaRegistry : {};
  const envs = isObj(doc.environments) ? doc.environments : {};
  const overlay = isObj(envs[environment]) && isObj((envs[environment] as Obj).schemaRegistry) ? ((envs[environment] as Obj).schemaRegistry as Obj) : {};
  const merged = { ...top, ...overlay };
  const url = overrides.url ?? str(env.KAFKAFORM_SCHEMA_REGISTRY_URL) ?? str(merged.url);
  if (!url) return undefined;
  const username = overrides.username ?? str(env.KAFKAFORM_SCHEMA_REGISTRY_USERNAME) ?? str(merged.username);
  return { url, ...(username ? { username } : {}), ...(str(merged.passwordFrom) ? { passwordFrom: str(merged.passwordFrom) } : {}) };
}

/** A client for the settings; the password comes from KAFKAFORM_SCHEMA_REGISTRY_PASSWORD or passwordFrom. */
export function createRegistryClient(settings: RegistrySettings, specFile: string, env: NodeJS.ProcessEnv = process.env): SchemaRegistryClient {
  if (!/^https?:\/\//.test(settings.url)) throw new UserError(`schema registry URL ${settings.url} must start with http:// or https://`);
  let password: string | undefined;
  if (settings.username) {
    password = str(env.KAFKAFORM_SCHEMA_REGISTRY_PASSWORD) ?? (settings.passwordFrom ? resolveSecret(settings.passwordFrom, 'schemaRegistry.passwordFrom', dirname(specFile), env) : undefined);
  }
  return new SchemaRegistryClient({ url: settings.url, username: settings.username, password });
}
