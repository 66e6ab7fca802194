/**
 * One CDKTF stack per environment. Connection settings and secrets are Terraform variables
 * (secrets sensitive, fed by TF_VAR_* at deploy time), so cdk.tf.json never holds a secret and
 * the same synthesized stack can target the embedded cluster or a real one.
 */
import { relative, resolve, join } from 'node:path';
import type { Construct } from 'constructs';
import { App, LocalBackend, PgBackend, S3Backend, GcsBackend, RemoteBackend, TerraformStack, TerraformVariable, TerraformOutput } from './cdk.js';
import type { S3BackendConfig, GcsBackendConfig, RemoteBackendConfig } from './cdk.js';
import { KafkaProvider } from './kafka-bindings.js';
import { pgBackendConfig } from './backend.js';
import type { ResolvedSpec } from '../manifest/types.js';
import { aclAddress, KafkaAcl, KafkaQuota, KafkaScramUser, KafkaTopic, quotaAddress, topicAddress, userAddress } from './constructs.js';
import { addSchemaSubjects } from './schema-subjects.js';
import { ignoreTopicConfigKeys } from './ignored-config-keys.js';
import { ignoredConfigKeys } from '../manifest/topic-configs.js';

export interface StackOptions {
  /** Directory of the Terraform state for the local backend (default: the spec's directory). */
  stateDir: string;
  /** Directory the app synthesizes into (needed to make the state path relative). */
  outdir: string;
  /** Use write-only password attributes (Terraform ≥ 1.11). */
  writeOnlySecrets: boolean;
}

/** Name of the Terraform variable holding a user's password. */
export function userPasswordVariable(user: string): string {
  return `user_password_${user.replace(/[^A-Za-z0-9_]/g, '_')}`;
}

/** Props of {@link KafkaformStack}: one environment of a resolved manifest (`readManifest(...).specs.get(env)`). */
export interface KafkaformStackProps extends StackOptions {
  spec: ResolvedSpec;
}

/** Everything one environment of topics.yaml declares: provider, topics, ACLs, users, quotas (and subjects when managed with Terraform). */
export class KafkaformStack extends TerraformStack {
  constructor(scope: Construct, id: string, props: KafkaformStackProps) {
    super(scope, id);
    const { spec } = props;
    const opts: StackOptions = props;
    this.configureBackend(spec, opts);

    const conn = spec.cluster.connection;
    const v = (name: string, type: string, description: string, dflt: unknown, sensitive = false) =>
      new TerraformVariable(this, name, { type, description, default: dflt, sensitive, nullable: false });
    const bootstrap = new TerraformVariable(this, 'bootstrap_servers', {
      type: 'list(string)',
      description: `Bootstrap servers of ${spec.cluster.name} (${spec.environment})`,
      ...(spec.cluster.bootstrapServers.length > 0 ? { default: spec.cluster.bootstrapServers } : {}),
    });
    const tlsEnabled = v('tls_enabled', 'bool', 'Connect with TLS', conn.tls?.enabled ?? false);
    const skipVerify = v('skip_tls_verify', 'bool', 'Skip TLS certificate verification (insecure)', conn.tls?.insecureSkipVerify ?? false);
    const caFile = v('ca_cert_file', 'string', 'CA certificate file', conn.tls?.caFile ?? '');
    const certFile = v('client_cert_file', 'string', 'Client certificate file (mutual TLS)', conn.tls?.certFile ?? '');
    const keyFile = v('client_key_file', 'string', 'Client key file (mutual TLS)', conn.tls?.keyFile ?? '');
    const saslMechanism = v('sasl_mechanism', 'string', 'SASL mechanism', conn.sasl?.mechanism ?? 'scram-sha512');
    const saslUsername = v('sasl_username', 'string', 'SASL username (empty: no SASL)', conn.sasl?.username ?? '');
    const saslPassword = v('sasl_password', 'string', 'SASL password (set TF_VAR_sasl_password; kafkaform resolves it from passwordFrom)', '', true);
    // Ephemeral (Terraform ≥ 1.10): the value is kept out of saved plan files and state.
    const ephemeral = (x: TerraformVariable) => {
      if (opts.writeOnlySecrets) x.addOverride('ephemeral', true);
    };
    ephemeral(saslPassword);
    const orNull = (x: TerraformVariable) => `\${${x.fqn} == "" ? null : ${x.fqn}}`;

    const provider = new KafkaProvider(this, 'kafka', {
      bootstrapServers: bootstrap.listValue,
      tlsEnabled: tlsEnabled.booleanValue,
      skipTlsVerify: skipVerify.booleanValue,
      caCertFile: orNull(caFile),
      clientCertFile: orNull(certFile),
      clientKeyFile: orNull(keyFile),
      saslMechanism: saslMechanism.stringValue,
      saslUsername: saslUsername.stringValue,
      saslPassword: saslPassword.stringValue,
      kafkaVersion: spec.cluster.kafkaMajor === 3 ? '3.9.0' : undefined,
    });

    const preventDestroy = !spec.policy.allowTopicDeletion;
    for (const topic of spec.topics) new KafkaTopic(this, topicAddress(topic.name), { ...topic, preventDestroy, provider });
    for (const acl of spec.acls) new KafkaAcl(this, aclAddress(acl), { ...acl, provider });
    for (const user of spec.users.filter((u) => u.passwordFrom !== undefined)) {
      const pw = new TerraformVariable(this, userPasswordVariable(user.name), {
        type: 'string',
        description: `Password of SCRAM user ${user.name} (from ${user.passwordFrom})`,
        sensitive: true,
        nullable: false,
      });
      ephemeral(pw);
      const version = new TerraformVariable(this, `${userPasswordVariable(user.name)}_version`, {
        type: 'string',
        description: `Bump to rotate ${user.name}'s password`,
        default: String(user.passwordVersion ?? 1),
      });
      new KafkaScramUser(this, userAddress(user.name), {
        user,
        passwordExpression: pw.stringValue,
        writeOnly: opts.writeOnlySecrets,
        passwordVersion: version.stringValue,
        provider,
      });
    }
    for (const quota of spec.quotas) new KafkaQuota(this, quotaAddress(quota), { ...quota, provider });
    ignoreTopicConfigKeys(this, ignoredConfigKeys(spec.policy));
    if (spec.schemaRegistry?.manageWith === 'terraform') {
      addSchemaSubjects(this, spec, { registryUrl: spec.schemaRegistry.url, username: spec.schemaRegistry.username, writeOnlySecrets: opts.writeOnlySecrets });
    }

    new TerraformOutput(this, 'topics', { value: spec.topics.map((t) => t.name) });
    new TerraformOutput(this, 'acl_count', { value: spec.acls.length });
  }

  private configureBackend(spec: ResolvedSpec, opts: StackOptions): void {
    const b = spec.backend;
    if (!b || b.type === 'local') {
      const stackDir = join(resolve(opts.outdir), 'stacks', spec.environment);
      const path = b?.config.path !== undefined ? String(b.config.path) : join(resolve(opts.stateDir), `terraform.${spec.environment}.tfstate`);
      new LocalBackend(this, { path: relative(stackDir, resolve(path)) });
      return;
    }
    // Required fields (bucket, organization, …) are checked by validate; the config passes through as written.
    const cfg = b.config as Record<string, unknown>;
    if (b.type === 's3') new S3Backend(this, { key: `kafkaform/${spec.environment}.tfstate`, ...cfg } as unknown as S3BackendConfig);
    else if (b.type === 'gcs') new GcsBackend(this, { prefix: `kafkaform/${spec.environment}`, ...cfg } as unknown as GcsBackendConfig);
    else if (b.type === 'pg') new PgBackend(this, pgBackendConfig(spec.environment, b));
    else {
      // topics.yaml config is flat: `workspace` / `workspacePrefix` become Terraform's workspaces block.
      const { workspace, workspacePrefix, ...rest } = cfg;
      const workspaces = workspacePrefix !== undefined ? { prefix: String(workspacePrefix) } : { name: workspace !== undefined ? String(workspace) : `kafkaform-${spec.environment}` };
      new RemoteBackend(this, { ...rest, workspaces } as unknown as RemoteBackendConfig);
    }
  }
}

export interface SynthOptions {
  outdir: string;
  stateDir?: string;
  writeOnlySecrets?: boolean;
}

/** A CDKTF App configured as kafkaform synthesizes (logical ids as `kafkaform synth` writes them), for compositions in code. */
export function createKafkaformApp(opts: { outdir: string; writeOnlySecrets?: boolean }): App {
  // cdktn refuses write-only attributes unless the project targets Terraform ≥ 1.11; cdktf ignores the key.
  const targetVersions = (opts.writeOnlySecrets ?? true) ? { targetVersions: { terraform: '>=1.11.0' } } : {};
  return new App({ outdir: opts.outdir, skipValidation: false, context: { excludeStackIdFromLogicalIds: 'true', allowSepCharsInLogicalIds: 'true', ...targetVersions } });
}

/** Synthesizes one stack per spec into `outdir/stacks/<env>/cdk.tf.json`; returns the stack dirs. */
export function synthStacks(specs: ResolvedSpec[], opts: SynthOptions): Map<string, string> {
  const writeOnlySecrets = opts.writeOnlySecrets ?? true;
  const app = createKafkaformApp({ outdir: opts.outdir, writeOnlySecrets });
  const dirs = new Map<string, string>();
  for (const spec of specs) {
    new KafkaformStack(app, spec.environment, {
      spec,
      outdir: opts.outdir,
      stateDir: opts.stateDir ?? resolve(spec.file, '..'),
      writeOnlySecrets,
    });
    dirs.set(spec.environment, join(resolve(opts.outdir), 'stacks', spec.environment));
  }
  app.synth();
  return dirs;
}
