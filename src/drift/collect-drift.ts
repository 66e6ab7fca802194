/** The I/O edge of drift: read the live cluster (bounded in time) and compare it with the spec. */
import { KafkajsClusterPort } from '../cluster/kafkajs-adapter.js';
import { collectClusterState, type ClusterPort, type ClusterState, type Connection } from '../cluster/port.js';
import type { ResolvedSpec } from '../manifest/types.js';
import { UserError } from '../errors.js';
import { computeDrift, type DriftItem, type DriftReport } from './compute-drift.js';
import type { SchemaRegistryClient } from '../schema/registry-client.js';
import { collectRegistryState } from '../schema/registry-state.js';
import { computeSchemaDrift } from '../schema/schema-drift.js';
import { computeDeclaredSubjects, readSpecSchemas } from '../schema/subjects.js';

export const DEFAULT_DRIFT_TIMEOUT_MS = 30_000;

export interface CollectOptions {
  /** The whole read (connect + every request) must finish within this bound. */
  timeoutMs?: number;
  /** A port to read through (tests); default: kafkajs over `connection`. */
  port?: ClusterPort;
  /** When given, schema subjects are compared too (missing, latest version, compatibility level). */
  schemaRegistry?: SchemaRegistryClient;
}

/** Reads topics (with dynamic configs) and ACLs in a few batched requests, or fails with a clear UserError after timeoutMs. */
export async function collectLiveState(connection: Connection, opts: CollectOptions = {}): Promise<ClusterState> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_DRIFT_TIMEOUT_MS;
  // The connect timeout is bounded too, so kafkajs' own retries cannot outlive the overall bound.
  const port = opts.port ?? new KafkajsClusterPort({ ...connection, connectTimeoutMs: Math.min(connection.connectTimeoutMs ?? 10_000, timeoutMs), requestTimeoutMs: Math.min(connection.requestTimeoutMs ?? 30_000, timeoutMs) });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new UserError(
            `cannot read the cluster at ${connection.bootstrapServers.join(',')} within ${Math.round(timeoutMs / 1000)}s`,
            'check that the cluster is up and reachable (--bootstrap-servers / KAFKAFORM_BOOTSTRAP_SERVERS), or raise --timeout',
          ),
        ),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([collectClusterState(port), timeout]);
  } finally {
    clearTimeout(timer);
    await port.close().catch(() => undefined);
  }
}

/** Reads the cluster and computes the drift of one environment. */
export async function collectDrift(spec: ResolvedSpec, connection: Connection, opts: CollectOptions = {}): Promise<DriftReport> {
  const report = computeDrift(spec, await collectLiveState(connection, opts));
  if (!opts.schemaRegistry) return report;
  const subjects = computeDeclaredSubjects(spec).map((d) => d.subject);
  const registryState = await collectRegistryState(opts.schemaRegistry, subjects);
  const entries = computeSchemaDrift(spec, registryState, readSpecSchemas(spec)).map(
    (e): DriftItem => ({ resource: 'schema', name: e.name, kind: e.kind, ...(e.field ? { field: e.field } : {}), ...(e.expected !== undefined ? { expected: e.expected } : {}), ...(e.actual !== undefined ? { actual: e.actual } : {}) }),
  );
  return mergeSchemaDrift(report, entries, subjects.length);
}

/** Adds subject drift to a cluster drift report; schemas then count as checked. */
export function mergeSchemaDrift(report: DriftReport, entries: DriftItem[], subjects: number): DriftReport {
  const drift = [...report.drift, ...entries];
  return {
    ...report,
    inSync: drift.length === 0,
    checked: { ...report.checked, subjects },
    drift,
    notChecked: report.notChecked.filter((n) => n.resource !== 'schema'),
  };
}
