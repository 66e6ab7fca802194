/**
 * Schema subjects as Terraform resources of the cultureamp/schemaregistry provider, for teams
 * that apply subjects through Terraform. Generic constructs (no generated bindings exist for this
 * provider). Opt-in: `addSchemaSubjects` is only called when the caller asks for it, because the
 * provider must be obtainable from the Terraform registry or a mirror at `terraform init`.
 * The registry password is a sensitive (and, with write-only secrets, ephemeral) variable.
 */
import { TerraformProvider, TerraformResource, TerraformVariable, type TerraformProviderGeneratorMetadata } from './cdk.js';
import type { Construct } from 'constructs';
import type { ResolvedSpec } from '../manifest/types.js';
import { computeDeclaredSubjects, readSpecSchemas } from '../schema/subjects.js';

export const SCHEMA_REGISTRY_TF_PROVIDER = { source: 'cultureamp/schemaregistry', version: '1.3.1' } as const;

const metadata: TerraformProviderGeneratorMetadata = { providerName: 'schemaregistry', providerVersion: SCHEMA_REGISTRY_TF_PROVIDER.version, providerVersionConstraint: SCHEMA_REGISTRY_TF_PROVIDER.version };

export interface SchemaRegistryProviderConfig {
  schemaRegistryUrl: string;
  username?: string;
  password?: string;
}

/** The `schemaregistry` provider block (required_providers gets source + version from the metadata). */
export class SchemaRegistryProvider extends TerraformProvider {
  constructor(
    scope: Construct,
    id: string,
    private readonly config: SchemaRegistryProviderConfig,
  ) {
    super(scope, id, { terraformResourceType: 'schemaregistry', terraformGeneratorMetadata: metadata, terraformProviderSource: SCHEMA_REGISTRY_TF_PROVIDER.source });
  }

  protected override synthesizeAttributes(): Record<string, unknown> {
    return { schema_registry_url: this.config.schemaRegistryUrl, username: this.config.username, password: this.config.password };
  }
}

export interface SchemaRegistrySchemaConfig {
  subject: string;
  schema: string;
  schemaType: 'AVRO' | 'JSON' | 'PROTOBUF';
  compatibilityLevel: string;
  provider: TerraformProvider;
}

/** One `schemaregistry_schema`: a subject, its schema and its compatibility level. */
export class SchemaRegistrySchema extends TerraformResource {
  constructor(
    scope: Construct,
    id: string,
    private readonly config: SchemaRegistrySchemaConfig,
  ) {
    super(scope, id, { terraformResourceType: 'schemaregistry_schema', terraformGeneratorMetadata: metadata, provider: config.provider });
  }

  protected override synthesizeAttributes(): Record<string, unknown> {
    return { subject: this.config.subject, schema: this.config.schema, schema_type: this.config.schemaType, compatibility_level: this.config.compatibilityLevel };
  }
}

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
