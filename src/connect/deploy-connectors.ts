/**
 * Connectors in plan and deploy, through the Connect REST API and after the Kafka resources (a
 * connector's topics must exist first). The Mongey/kafka-connect provider v0.5.0 is not used for
 * them: it has no state field, so pause, stop and resume would need these REST calls anyway, and it
 * cannot create a connector paused.
 */
import type { ResolvedSpec } from '../manifest/types.js';
import { noProgress, type Progress } from '../progress.js';
import { UserError } from '../errors.js';
import { applyConnectorPlan, type ApplyConnectorsResult } from './apply-connectors.js';
import { createConnectPort } from './collect-connectors.js';
import { computeConnectorPlan, type ConnectorPlan } from './compute-connector-plan.js';
import type { ConnectPort } from './connect-port.js';

export interface PlannedConnectors {
  port: ConnectPort;
  plan: ConnectorPlan;
}

/** The connector plan of an environment, or undefined when it declares no connectors or names no worker. */
export async function planConnectors(spec: ResolvedSpec, opts: { port?: ConnectPort; env?: NodeJS.ProcessEnv } = {}): Promise<PlannedConnectors | undefined> {
  if (!spec.connectors) return undefined;
  const port = opts.port ?? createConnectPort(spec, opts.env);
  if (!port) return undefined;
  return { port, plan: computeConnectorPlan(spec.connectors, await port.connectors(), spec.policy) };
}

/** Applies a planned connector change set (asked for with `confirm` unless auto-approved) and checks the worker settled as declared. */
export async function deployConnectors(
  spec: ResolvedSpec,
  planned: PlannedConnectors,
  opts: { autoApprove?: boolean; confirm?: () => Promise<boolean>; onProgress?: Progress; settleTimeoutMs?: number },
): Promise<ApplyConnectorsResult> {
  const progress = opts.onProgress ?? noProgress;
  if (!planned.plan.hasChanges) return { applied: [], remaining: [] };
  if (!opts.autoApprove && !(opts.confirm && (await opts.confirm()))) {
    throw new UserError('connector changes need confirmation: nothing was applied to the worker', 'the Kafka resources are deployed; run it in a terminal to be asked, or pass --auto-approve (CI)');
  }
  const r = await applyConnectorPlan(planned.port, spec.connectors ?? [], planned.plan, { onProgress: progress, settleTimeoutMs: opts.settleTimeoutMs });
  if (r.remaining.length > 0) {
    const first = r.remaining.slice(0, 3).map((d) => `${d.name} ${d.kind}${d.field ? ` ${d.field}: expected ${String(d.expected)}, actual ${String(d.actual)}` : ''}`);
    throw new UserError(`connectors at ${planned.port.url} are not as declared after deploy: ${first.join('; ')}`, `applied: ${r.applied.join(', ') || 'nothing'}; see \`kafkaform drift\``);
  }
  return r;
}
