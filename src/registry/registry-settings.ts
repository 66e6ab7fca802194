/**
 * Where the schema registry is: the environment's resolved `schemaRegistry` (ResolvedSpec, merged
 * top level + overlay by normalisation), then KAFKAFORM_SCHEMA_REGISTRY_URL / _USERNAME, then
 * command-line flags; and a client for it.
 */
import { dirname } from 'node:path';
import type { ResolvedSpec, SchemaRegistrySpec } from '../manifest/types.js';
import { resolveSecret } from '../secrets/resolve.js';
import { UserError } from '../errors.js';
import { SchemaRegistryClient } from './registry-client.js';

export interface RegistrySettings {
  url: string;
  username?: string;
  /** `env:NAME` / `file:PATH`; never the secret. */
  passwordFrom?: string;
}

const str = (v: string | undefined) => (v !== undefined && v !== '' ? v : undefined);

/** Layers the environment variables and flags over the manifest's settings. Pure. */
export function computeRegistrySettings(
  declared: SchemaRegistrySpec | undefined,
  overrides: { url?: string; username?: string },
  env: NodeJS.ProcessEnv,
): RegistrySettings | undefined {
  const url = overrides.url ?? str(env.KAFKAFORM_SCHEMA_REGISTRY_URL) ?? str(declared?.url);
  if (!url) return undefined;
  const username = overrides.username ?? str(env.KAFKAFORM_SCHEMA_REGISTRY_USERNAME) ?? str(declared?.username);
  const passwordFrom = str(declared?.passwordFrom);
  return { url, ...(username ? { username } : {}), ...(passwordFrom ? { passwordFrom } : {}) };
}

/** The registry settings of a resolved spec, with this process's environment variables and the flags. */
export function readRegistrySettings(spec: ResolvedSpec, overrides: { url?: string; username?: string } = {}, env: NodeJS.ProcessEnv = process.env): RegistrySettings | undefined {
  return computeRegistrySettings(spec.schemaRegistry, overrides, env);
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
