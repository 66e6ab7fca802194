/**
 * Deploy of connectors through the Connect REST API, after the Kafka resources: configs are put,
 * then states set (pause, stop, resume), then the result is read back until it matches (bounded).
 */
import type { ResolvedConnector } from '../manifest/types.js';
import { noProgress, type Progress } from '../progress.js';
import { sleep } from '../os/process.js';
import { UserError } from '../errors.js';
import type { ConnectPort } from './connect-port.js';
import { computeConnectorDrift, type ConnectorDriftItem } from './compute-connector-drift.js';
import type { ConnectorPlan } from './compute-connector-plan.js';
import { desiredConfig } from './desired-config.js';

export interface ApplyConnectorsResult {
  applied: string[];
  /** Connector drift left once the worker settled (empty when in sync). */
  remaining: ConnectorDriftItem[];
}

/** Applies a connector plan; a failure names what was already applied. */
export async function applyConnectorPlan(
  port: ConnectPort,
  declared: readonly ResolvedConnector[],
  plan: ConnectorPlan,
  opts: { onProgress?: Progress; settleTimeoutMs?: number } = {},
): Promise<ApplyConnectorsResult> {
  const progress = opts.onProgress ?? noProgress;
  const byName = new Map(declared.map((d) => [d.name, d]));
  const applied: string[] = [];
  for (const c of plan.changes) {
    if (c.action === 'keep') continue;
    const step = `${c.action} ${c.name}`;
    try {
      const d = byName.get(c.name);
      if (c.action === 'create' || c.action === 'update') await port.putConfig(c.name, desiredConfig(d!));
      else if (c.action === 'pause') await port.pause(c.name);
      else if (c.action === 'stop') await port.stop(c.name);
      else if (c.action === 'resume') await port.resume(c.name);
      else if (c.action === 'restart') await port.restart(c.name);
      else if (c.action === 'delete') await port.deleteConnector(c.name);
      // A new connector declared paused or stopped is put in that state right after it is created.
      if (c.action === 'create' && d && d.state !== 'running') await (d.state === 'paused' ? port.pause(c.name) : port.stop(c.name));
    } catch (e) {
      const done = applied.length ? `already applied: ${applied.join(', ')}` : 'nothing was applied to the worker';
      throw new UserError(`connector change "${step}" failed: ${(e as Error).message}`, `${done}; fix it and deploy again`);
    }
    applied.push(step);
    progress(`connector ${step}`);
  }
  const kept = new Set(plan.changes.filter((c) => c.action === 'keep').map((c) => c.name));
  const remaining = await settle(port, declared, kept, opts.settleTimeoutMs ?? 60_000);
  return { applied, remaining };
}

/** Reads the worker until its connectors match the declared ones (states settle asynchronously), bounded in time. */
async function settle(port: ConnectPort, declared: readonly ResolvedConnector[], kept: ReadonlySet<string>, timeoutMs: number): Promise<ConnectorDriftItem[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const live = await port.connectors();
    const drift = computeConnectorDrift(declared, live).filter((x) => !(x.kind === 'unmanaged' && kept.has(x.name)));
    if (drift.length === 0 || Date.now() >= deadline) return drift;
    await sleep(500);
  }
}
