/** The I/O edge of connectors: a ConnectPort for an environment's `connect` block, and the live read. */
import { dirname } from 'node:path';
import type { ResolvedSpec } from '../manifest/types.js';
import { resolveSecret } from '../secrets/resolve.js';
import { ConnectClient } from './connect-client.js';
import type { ConnectPort, LiveConnector } from './connect-port.js';

/** The worker URL: KAFKAFORM_CONNECT_URL, else connect.url; undefined when neither is set. */
export function connectUrl(spec: ResolvedSpec, env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env.KAFKAFORM_CONNECT_URL || spec.connect?.url;
}

/** A client for the environment's worker (password from KAFKAFORM_CONNECT_PASSWORD or connect.passwordFrom), or undefined without a URL. */
export function createConnectPort(spec: ResolvedSpec, env: NodeJS.ProcessEnv = process.env): ConnectPort | undefined {
  const url = connectUrl(spec, env);
  if (!url) return undefined;
  const username = env.KAFKAFORM_CONNECT_USERNAME || spec.connect?.username;
  const password = username ? env.KAFKAFORM_CONNECT_PASSWORD || (spec.connect?.passwordFrom ? resolveSecret(spec.connect.passwordFrom, 'connect.passwordFrom', dirname(spec.file), env) : undefined) : undefined;
  return new ConnectClient({ url, ...(username ? { username } : {}), ...(password ? { password } : {}) });
}

/** Every connector on the worker, with config, state and tasks. */
export function collectConnectors(port: ConnectPort): Promise<LiveConnector[]> {
  return port.connectors();
}
