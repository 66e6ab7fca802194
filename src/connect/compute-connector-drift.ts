/**
 * Connector drift (pure): declared connectors missing on the worker, connectors on the worker that
 * topics.yaml does not declare, config keys that differ (keys the worker adds itself, such as
 * `name`, never count), a state other than the declared one, and failed tasks with their trace.
 */
import type { ResolvedConnector } from '../manifest/types.js';
import type { LiveConnector } from './connect-port.js';
import { desiredConfig, liveStateOf, trimTrace, WORKER_ADDED_KEYS } from './desired-config.js';

export interface ConnectorDriftItem {
  resource: 'connector';
  name: string;
  kind: 'missing' | 'unmanaged' | 'changed';
  /** `class`, `tasksMax`, `config.<key>`, `state`, `task.<id>`. */
  field?: string;
  expected?: unknown;
  actual?: unknown;
}

/** Every difference between the declared connectors and the worker's. */
export function computeConnectorDrift(declared: readonly ResolvedConnector[], live: readonly LiveConnector[]): ConnectorDriftItem[] {
  const byName = new Map(live.map((c) => [c.name, c]));
  const out: ConnectorDriftItem[] = [];
  for (const d of declared) {
    const l = byName.get(d.name);
    if (!l) {
      out.push({ resource: 'connector', name: d.name, kind: 'missing' });
      continue;
    }
    out.push(...computeConfigDrift(d, l));
    const expectedState = liveStateOf(d.state);
    if (l.state !== expectedState) out.push({ resource: 'connector', name: d.name, kind: 'changed', field: 'state', expected: expectedState, actual: l.state });
    for (const t of l.tasks) {
      if (t.state === 'FAILED') out.push({ resource: 'connector', name: d.name, kind: 'changed', field: `task.${t.id}`, expected: expectedState, actual: t.trace ? `FAILED: ${trimTrace(t.trace)}` : 'FAILED' });
    }
  }
  const names = new Set(declared.map((d) => d.name));
  for (const l of live) if (!names.has(l.name)) out.push({ resource: 'connector', name: l.name, kind: 'unmanaged' });
  return out;
}

/** Config differences of one connector; class and tasks.max under their topics.yaml names. */
export function computeConfigDrift(d: ResolvedConnector, l: LiveConnector): ConnectorDriftItem[] {
  const want = desiredConfig(d);
  const out: ConnectorDriftItem[] = [];
  const field = (key: string) => (key === 'connector.class' ? 'class' : key === 'tasks.max' ? 'tasksMax' : `config.${key}`);
  for (const key of [...new Set([...Object.keys(want), ...Object.keys(l.config)])].sort()) {
    if (WORKER_ADDED_KEYS.has(key)) continue;
    const expected = want[key];
    const actual = l.config[key];
    if (expected === actual) continue;
    out.push({ resource: 'connector', name: d.name, kind: 'changed', field: field(key), expected: expected ?? null, actual: actual ?? null });
  }
  return out;
}
