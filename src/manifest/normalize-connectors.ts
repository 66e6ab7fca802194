/** `connect:` and `connectors:` from the written form to the resolved one (pure; the rules report what is wrong). */
import type { ConnectSpec, ConnectorState, ResolvedConnector } from './types.js';
import { isInt, isObj, isStr, mapping, type WrittenConnect, type WrittenConnector } from './written.js';

const STATES: readonly ConnectorState[] = ['running', 'paused', 'stopped'];

/** The merged `connect` block, when one is written. */
export function normalizeConnect(merged: unknown): ConnectSpec | undefined {
  if (!isObj(merged)) return undefined;
  const c = merged as Partial<WrittenConnect>;
  const str = (v: unknown) => (isStr(v) ? v : undefined);
  return { url: str(c.url), username: str(c.username), passwordFrom: str(c.passwordFrom) };
}

/** The declared connectors in file order; an entry without a class is left to the schema pass. */
export function normalizeConnectors(written: unknown): ResolvedConnector[] | undefined {
  if (!isObj(written)) return undefined;
  return Object.entries(written).flatMap(([name, raw]) => {
    const c = mapping<WrittenConnector>(raw);
    if (!isStr(c.class)) return [];
    const config = Object.fromEntries(
      Object.entries(mapping<Record<string, unknown>>(c.config)).flatMap(([k, v]) => (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? [[k, String(v)]] : [])),
    );
    const state = STATES.includes(c.state as ConnectorState) ? (c.state as ConnectorState) : 'running';
    return [{ name, class: c.class, tasksMax: isInt(c.tasksMax) ? c.tasksMax : 1, state, config }];
  });
}
