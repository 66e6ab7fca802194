/**
 * The connector part of a plan (pure): creates, config updates, state changes and deletions, each
 * with a risk label. A connector on the worker that topics.yaml does not declare is deleted only
 * with policy.allowConnectorDeletion; otherwise it is left alone and the plan says so (without a
 * state file, kafkaform cannot tell a connector removed from topics.yaml from one added by hand).
 */
import type { Policy, ResolvedConnector } from '../manifest/types.js';
import type { LiveConnector } from './connect-port.js';
import { computeConfigDrift } from './compute-connector-drift.js';
import { liveStateOf } from './desired-config.js';

export type ConnectorAction = 'create' | 'update' | 'pause' | 'resume' | 'stop' | 'restart' | 'delete' | 'keep';
export type ConnectorRisk = 'safe' | 'risky' | 'destructive';

export interface ConnectorChange {
  name: string;
  action: ConnectorAction;
  risk: ConnectorRisk;
  reason: string;
  /** The config fields an update changes (`class`, `tasksMax`, `config.file`, …). */
  fields?: string[];
}

export interface ConnectorPlan {
  changes: ConnectorChange[];
  /** Changes applied (everything but `keep`). */
  hasChanges: boolean;
}

/** What deploy does to the worker so that it holds `declared`. */
export function computeConnectorPlan(declared: readonly ResolvedConnector[], live: readonly LiveConnector[], policy: Pick<Policy, 'allowConnectorDeletion'>): ConnectorPlan {
  const byName = new Map(live.map((c) => [c.name, c]));
  const changes: ConnectorChange[] = [];
  for (const d of declared) {
    const l = byName.get(d.name);
    const target = liveStateOf(d.state);
    if (!l) {
      changes.push({ name: d.name, action: 'create', risk: 'safe', reason: `new ${d.class}${d.state === 'running' ? '' : `, created ${d.state}`}` });
      continue;
    }
    const fields = computeConfigDrift(d, l).map((x) => x.field!);
    if (fields.length > 0) {
      const classChange = fields.includes('class');
      changes.push({
        name: d.name,
        action: 'update',
        risk: classChange ? 'risky' : 'safe',
        reason: classChange ? `the class changes (${l.config['connector.class']} → ${d.class}): a different connector takes over the name and its stored offsets` : `config changes: ${fields.join(', ')}`,
        fields,
      });
    }
    const failed = l.tasks.some((t) => t.state === 'FAILED') || l.state === 'FAILED';
    if (l.state === target && !failed) continue;
    if (target === 'PAUSED') changes.push({ name: d.name, action: 'pause', risk: 'risky', reason: `${l.state} → PAUSED: data stops flowing until it is resumed` });
    else if (target === 'STOPPED') changes.push({ name: d.name, action: 'stop', risk: 'risky', reason: `${l.state} → STOPPED: its tasks are shut down` });
    else if (l.state === 'PAUSED' || l.state === 'STOPPED') changes.push({ name: d.name, action: 'resume', risk: 'safe', reason: `${l.state} → RUNNING` });
    else changes.push({ name: d.name, action: 'restart', risk: 'safe', reason: `${l.state}${failed ? ' with failed tasks' : ''} → RUNNING: the connector and its failed tasks are restarted` });
  }
  const names = new Set(declared.map((d) => d.name));
  for (const l of live) {
    if (names.has(l.name)) continue;
    if (policy.allowConnectorDeletion) changes.push({ name: l.name, action: 'delete', risk: 'destructive', reason: 'not in topics.yaml: the connector is deleted (its offsets stay in the offsets topic)' });
    else changes.push({ name: l.name, action: 'keep', risk: 'safe', reason: 'not in topics.yaml; kept because policy.allowConnectorDeletion is false' });
  }
  return { changes, hasChanges: changes.some((c) => c.action !== 'keep') };
}
