/**
 * The commands kafkaform has, each loaded only when it runs: `kafkaform validate` never loads cdktf,
 * kafkajs or the load-test clients. The root help needs only names and summaries, kept here; a unit
 * test checks that each summary equals its command module's own.
 */
import type { Command } from './framework.js';

export interface CommandEntry {
  name: string;
  summary: string;
  load: () => Promise<Command>;
}

export const COMMAND_REGISTRY: readonly CommandEntry[] = [
  {
    name: 'init',
    summary: 'Scaffold a GitOps repository: topics.yaml, schemas/, the CDKTF app, plan/deploy/drift workflows pinned to this version',
    load: async () => (await import('./commands/init.js')).initCommand,
  },
  {
    name: 'validate',
    summary: 'Check topics.yaml like a compiler: every problem, with file:line:column, what is allowed and a hint',
    load: async () => (await import('./commands/validate.js')).validateCommand,
  },
  {
    name: 'synth',
    summary: 'Synthesize Terraform JSON (one CDKTF stack per environment) into cdktf.out',
    load: async () => (await import('./commands/synth.js')).synthCommand,
  },
  {
    name: 'plan',
    summary: 'Show what deploy would change, per topic, ACL, user, quota, schema and connector, labelled safe / risky / destructive',
    load: async () => (await import('./commands/plan.js')).planCommand,
  },
  {
    name: 'deploy',
    summary: 'Plan and apply topics.yaml to a cluster with real terraform (the embedded local cluster when no servers are configured)',
    load: async () => (await import('./commands/deploy.js')).deployCommand,
  },
  {
    name: 'dev',
    summary: 'The local Kafka cluster kafkaform runs for development and tests (up, status, down)',
    load: async () => (await import('./commands/dev.js')).devCommand,
  },
  {
    name: 'setup',
    summary: 'Fetch and build everything kafkaform runs: Kafka jars, the Kafka Terraform provider, the terraform check',
    load: async () => (await import('./commands/setup.js')).setupCommand,
  },
  {
    name: 'drift',
    summary: 'Compare topics.yaml with the live cluster: missing, changed and unmanaged topics, ACLs, SCRAM users, quotas and connectors',
    load: async () => (await import('./commands/drift.js')).driftCommand,
  },
  {
    name: 'import',
    summary: 'Write a topics.yaml from a live cluster: topics with their non-default configs, ACLs folded into services where exact, SCRAM users and quotas',
    load: async () => (await import('./commands/import.js')).importCommand,
  },
  {
    name: 'loadtest',
    summary: 'Load-test the cluster with real producers and consumers: throughput, latency (HDR), lag, loss and duplicates',
    load: async () => (await import('./commands/loadtest.js')).loadtestCommand,
  },
  {
    name: 'capacity',
    summary: 'Plan partitions, brokers and storage from the expected load and measured per-partition throughput',
    load: async () => (await import('./commands/capacity.js')).capacityCommand,
  },
  {
    name: 'schemas',
    summary: 'Event schemas as registry subjects: check compatibility, apply through the registry API, show status',
    load: async () => (await import('./commands/schemas.js')).schemasCommand,
  },
  {
    name: 'health',
    summary: 'Consumer lag against each service\'s maxLag, offline and under-replicated partitions, missing brokers',
    load: async () => (await import('./commands/health.js')).healthCommand,
  },
  {
    name: 'exporter',
    summary: 'Serve Prometheus metrics of health, lag budgets and drift (kafka_exporter names where they exist)',
    load: async () => (await import('./commands/exporter.js')).exporterCommand,
  },
];

/** Loads every command module (help tests, docs); the CLI itself loads one. */
export async function loadAllCommands(): Promise<Command[]> {
  return Promise.all(COMMAND_REGISTRY.map((e) => e.load()));
}
