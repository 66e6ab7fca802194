/**
 * What `kafkaform init` scaffolds, as content (projen-style: pure values here, one writer in
 * write-files.ts). A GitOps repository a team starts from: topics.yaml checked against the
 * installed package's JSON Schema, an event schema, the CDKTF app on the library API, the
 * plan/deploy/drift workflows pinned to this version, and ignores for local state and output.
 */
import { renderDeployWorkflow, renderDriftWorkflow, renderPlanWorkflow } from './workflows.js';

export interface InitFile {
  /** Relative to the project directory, with '/' separators. */
  path: string;
  content: string;
  /** What the file is for, shown in the report of what init wrote. */
  purpose: string;
  /** Written only when the directory has none (never replaced, even with --force): package.json. */
  onlyIfMissing?: boolean;
}

export interface InitOptions {
  /** The project's name (the directory's name): cluster.name and package.json's name. */
  name: string;
  /** The kafkaform version that writes the files: the workflows and package.json pin it. */
  version: string;
}

/** Where topics.yaml's `$schema` points: the schema of the kafkaform installed in the project. */
export const INSTALLED_SCHEMA_PATH = './node_modules/kafkaform/topics.schema.json';

/** A name usable as cluster.name and npm package name: lowercase letters, digits and '-'. */
export function projectNameOf(dirName: string): string {
  const n = dirName
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return n.length > 0 ? n : 'kafka';
}

function topicsYaml(o: InitOptions): string {
  return `# yaml-language-server: $schema=${INSTALLED_SCHEMA_PATH}
# ${o.name}'s Kafka topics, ACLs and users as code (written by kafkaform init ${o.version}).
#   npx kafkaform validate                 check this file like a compiler
#   npx kafkaform plan --env dev           what deploy would change, labelled safe / risky / destructive
#   npx kafkaform deploy --env dev         apply it (dev: a local Kafka kafkaform starts itself)
version: 1

cluster:
  name: ${o.name}
  brokers: 3

defaults:
  partitions: 3
  replicationFactor: 3
  retention: 7d
  config:
    min.insync.replicas: 2

policy:
  # A plan that deletes a topic fails unless this is true.
  allowTopicDeletion: false

environments:
  dev:
    # No bootstrapServers: kafkaform starts and uses its embedded local cluster (or pass --bootstrap-servers).
    cluster: { bootstrapServers: [], brokers: 1 }
    defaults: { replicationFactor: 1, config: { min.insync.replicas: 1 } }
  prod:
    # In CI the KAFKAFORM_BOOTSTRAP_SERVERS repository variable overrides these.
    cluster: { bootstrapServers: [kafka-1:9092, kafka-2:9092, kafka-3:9092], brokers: 3 }

topics:
  # An example to rename or replace: the key is the topic name.
  orders.placed:
    description: An order was placed by a customer.
    retention: 7d
    schema:
      value: schemas/orders.placed.avsc
      compatibility: BACKWARD

services:
  # Least-privilege ACLs are derived from each service's role.
  order-service:
    principal: User:order-service
    produces: [orders.placed]
  billing:
    principal: User:billing
    consumes: [orders.placed]
`;
}

const ORDER_PLACED_SCHEMA = `{
  "type": "record",
  "name": "OrderPlaced",
  "namespace": "example.orders",
  "doc": "A customer placed an order.",
  "fields": [
    { "name": "orderId", "type": "string", "doc": "Order identifier." },
    { "name": "customerId", "type": "string", "doc": "Customer who placed the order." },
    { "name": "placedAt", "type": { "type": "long", "logicalType": "timestamp-millis" }, "doc": "When the order was placed." },
    { "name": "totalCents", "type": "long", "doc": "Order total in cents." }
  ]
}
`;

function cdktfJson(o: InitOptions): string {
  // tsx runs stacks/main.ts; kafkaform itself never needs it (`npx kafkaform synth` writes the same stacks).
  const app = { language: 'typescript', app: 'npx tsx stacks/main.ts', projectId: `kafkaform-${o.name}`, sendCrashReports: 'false', terraformProviders: [], terraformModules: [], context: {} };
  return `${JSON.stringify(app, null, 2)}\n`;
}

const STACKS_MAIN = `/**
 * The CDKTF app (cdktf.json runs it, e.g. \`npx cdktf synth\`): one Terraform stack per environment of
 * topics.yaml, the same ones \`npx kafkaform synth\` writes. To compose in code, see the kafkaform
 * README's library section (KafkaformStack, KafkaTopic.grantRead, …).
 */
import { synthFromFile } from 'kafkaform';

synthFromFile({
  file: process.env.KAFKAFORM_FILE ?? 'topics.yaml',
  outdir: process.env.CDKTF_OUTDIR ?? 'cdktf.out',
  environments: process.env.KAFKAFORM_ENV ? [process.env.KAFKAFORM_ENV] : undefined,
});
`;

const GITIGNORE = `node_modules/
# Synthesized Terraform (kafkaform synth / plan / deploy, cdktf synth)
cdktf.out/
# Local Terraform state of environments without a remote backend, and terraform's working files
*.tfstate
*.tfstate.*
.terraform/
# kafkaform's local working files; plan and drift reports the workflows write
.kafkaform/
plan.md
drift.md
`;

function packageJson(o: InitOptions): string {
  // "type": "module" lets tsx run stacks/main.ts's ESM import of kafkaform (an ESM-only package).
  const pkg = { name: o.name, private: true, type: 'module', scripts: { validate: 'kafkaform validate', plan: 'kafkaform plan', deploy: 'kafkaform deploy' }, dependencies: { kafkaform: o.version } };
  return `${JSON.stringify(pkg, null, 2)}\n`;
}

/** Every file init writes, in the order it reports them. */
export function renderInitFiles(o: InitOptions): InitFile[] {
  return [
    { path: 'topics.yaml', content: topicsYaml(o), purpose: 'topics, services and environments (its $schema is the installed package’s)' },
    { path: 'schemas/orders.placed.avsc', content: ORDER_PLACED_SCHEMA, purpose: 'the example topic’s Avro value schema' },
    { path: 'cdktf.json', content: cdktfJson(o), purpose: 'the CDKTF project (runs stacks/main.ts)' },
    { path: 'stacks/main.ts', content: STACKS_MAIN, purpose: 'the CDKTF app on the kafkaform library' },
    { path: '.github/workflows/kafkaform-plan.yml', content: renderPlanWorkflow(o.version), purpose: `pull requests: validate and plan, one PR comment (kafkaform ${o.version})` },
    { path: '.github/workflows/kafkaform-deploy.yml', content: renderDeployWorkflow(o.version), purpose: `main: deploy with --auto-approve (kafkaform ${o.version})` },
    { path: '.github/workflows/kafkaform-drift.yml', content: renderDriftWorkflow(o.version), purpose: `weekdays: drift check, an issue when the cluster drifted (kafkaform ${o.version})` },
    { path: '.gitignore', content: GITIGNORE, purpose: 'keeps state, cdktf.out and node_modules out of git' },
    { path: 'package.json', content: packageJson(o), purpose: `kafkaform ${o.version} as a dependency`, onlyIfMissing: true },
  ];
}
