/** The I/O edge of drift: read the live cluster (bounded in time) and the registry, and compare them with the spec. */
import { collectLiveState, DEFAULT_COLLECT_TIMEOUT_MS, type CollectOptions } from '../cluster/collect.js';
import type { Connection } from '../cluster/port.js';
import type { ResolvedSpec } from '../manifest/types.js';
import { computeDrift, type DriftItem, type DriftReport } from './compute-drift.js';
import type { SchemaRegistryClient } from '../registry/registry-client.js';
import { collectRegistryState } from '../registry/registry-state.js';
import { computeSchemaDrift } from '../registry/schema-drift.js';
import { computeDeclaredSubjects, readSpecSchemas } from '../registry/subjects.js';
import type { ConnectPort } from '../connect/connect-port.js';
import { computeConnectorDrift } from '../connect/compute-connector-drift.js';

export const DEFAULT_DRIFT_TIMEOUT_MS = DEFAULT_COLLECT_TIMEOUT_MS;

export interface CollectDriftOptions extends CollectOptions {
  /** When given, schema subjects are compared too (missing, latest version, compatibility level). */
  schemaRegistry?: SchemaRegistryClient;
  /** When given, the declared connectors are compared with this Kafka Connect worker's. */
  connect?: ConnectPort;
}

/** Reads the cluster and computes the drift of one environment. */
export async function collectDrift(spec: ResolvedSpec, connection: Connection, opts: CollectDriftOptions = {}): Promise<DriftReport> {
  const report = await withConnectorDrift(spec, computeDrift(spec, await collectLiveState(connection, opts)), opts.connect);
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

/** Adds the connector drift of the environment's worker (nothing without one). */
async function withConnectorDrift(spec: ResolvedSpec, report: DriftReport, connect: ConnectPort | undefined): Promise<DriftReport> {
  if (!connect) {
    const n = spec.connectors?.length ?? 0;
    return n === 0 ? report : { ...report, notChecked: [...report.notChecked, { resource: 'connector', reason: `no Kafka Connect worker named (connect.url or KAFKAFORM_CONNECT_URL); ${n} connector(s) declared` }] };
  }
  const drift = [...report.drift, ...computeConnectorDrift(spec.connectors ?? [], await connect.connectors())];
  return { ...report, inSync: drift.length === 0, checked: { ...report.checked, connectors: spec.connectors?.length ?? 0 }, drift };
}
