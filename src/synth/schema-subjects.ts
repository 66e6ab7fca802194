/**
 * Schema subjects as Terraform resources of the cultureamp/schemaregistry provider, for teams
 * that apply subjects through Terraform. Hand-written bindings (provider-binding.ts): no generated
 * ones exist for this provider. Opt-in: `addSchemaSubjects` is only called when the caller asks
 * for it, because the provider must be obtainable from the Terraform registry or a mirror at
 * `terraform init`.
 * The registry password is a sensitive (and, with write-only secrets, ephemeral) variable.
 */
import type { Construct } from 'constructs';
import { TerraformVariable, type TerraformProvider } from './cdk.js';
import { providerBinding, resourceBinding, type ProviderRef } from './provider-binding.js';
import type { ResolvedSpec } from '../manifest/types.js';
import { computeDeclaredSubjects, readSpecSchemas } from '../registry/subjects.js';

export const SCHEMA_REGISTRY_TF_PROVIDER: ProviderRef = { name: 'schemaregistry', source: 'cultureamp/schemaregistry', version: '1.3.1' };

export interface SchemaRegistryProviderConfig {
  schemaRegistryUrl: string;
  username?: string;
  password?: string;
}

/** The `schemaregistry` provider block (required_providers gets source + version from the metadata). */
export const SchemaRegistryProvider = providerBinding<SchemaRegistryProviderConfig>(SCHEMA_REGISTRY_TF_PROVIDER, (c) => ({ schema_registry_url: c.schemaRegistryUrl, username: c.username, password: c.password }));
export type SchemaRegistryProvider = InstanceType<typeof SchemaRegistryProvider>;

export interface SchemaRegistrySchemaConfig {
  subject: string;
  schema: string;
  schemaType: 'AVRO' | 'JSON' | 'PROTOBUF';
  compatibilityLevel: string;
  provider: TerraformProvider;
}

/** One `schemaregistry_schema`: a subject, its schema and its compatibility level. */
export const SchemaRegistrySchema = resourceBinding<SchemaRegistrySchemaConfig>(SCHEMA_REGISTRY_TF_PROVIDER, 'schemaregistry_schema', (c) => ({ subject: c.subject, schema: c.schema, schema_type: c.schemaType, compatibility_level: c.compatibilityLevel }));
export type SchemaRegistrySchema = InstanceType<typeof SchemaRegistrySchema>;

export interface AddSchemaSubjectsOptions {
  /** Default of the `schema_registry_url` variable (override with TF_VAR_schema_registry_url). */
  registryUrl?: string;
  username?: string;
  /** Schema texts by the path written in topics.yaml (default: read from disk). */
  schemas?: ReadonlyMap<string, string>;
  /** Mark the password variable ephemeral (Terraform ≥ 1.10). */
  writeOnlySecrets?: boolean;
}

/** Terraform resource id for a subject (letters, digits, _ and -). */
export function subjectResourceId(subject: string): string {
  return `schema_${subject.replace(/[^A-Za-z0-9_-]/g, '_')}`;
}

/** Adds the provider, its variables and one `schemaregistry_schema` per declared subject to `stack`. */
export function addSchemaSubjects(stack: Construct, spec: ResolvedSpec, opts: AddSchemaSubjectsOptions = {}): SchemaRegistrySchema[] {
  const subjects = computeDeclaredSubjects(spec);
  if (subjects.length === 0) return [];
  const schemas = opts.schemas ?? readSpecSchemas(spec);
  const url = new TerraformVariable(stack, 'schema_registry_url', { type: 'string', description: `Schema registry of ${spec.cluster.name} (${spec.environment})`, ...(opts.registryUrl ? { default: opts.registryUrl } : {}) });
  const username = new TerraformVariable(stack, 'schema_registry_username', { type: 'string', description: 'Schema registry user (empty: no authentication)', default: opts.username ?? '' });
  const password = new TerraformVariable(stack, 'schema_registry_password', { type: 'string', description: 'Schema registry password (TF_VAR_schema_registry_password; kafkaform resolves it from passwordFrom)', default: '', sensitive: true, nullable: false });
  if (opts.writeOnlySecrets) password.addOverride('ephemeral', true);
  const orNull = (v: TerraformVariable) => `\${${v.fqn} == "" ? null : ${v.fqn}}`;
  const provider = new SchemaRegistryProvider(stack, 'schemaregistry', { schemaRegistryUrl: url.stringValue, username: orNull(username), password: orNull(password) });
  return subjects.map(
    (s) => new SchemaRegistrySchema(stack, subjectResourceId(s.subject), { subject: s.subject, schema: schemas.get(s.file) ?? '', schemaType: s.schemaType, compatibilityLevel: s.compatibility, provider }),
  );
}
