/** The ConnectPort over HTTP (fetch), with optional basic auth; every failure is a one-line ConnectError. */
import { UserError } from '../errors.js';
import type { ConnectConfigError, ConnectErrorCode, ConnectPlugin, ConnectPort, LiveConnector, LiveConnectorState } from './connect-port.js';

/** A Connect REST failure kafkaform can explain; a UserError, so the CLI prints it in one line. */
export class ConnectError extends UserError {
  constructor(
    readonly code: ConnectErrorCode,
    message: string,
    hint?: string,
  ) {
    super(message, hint);
  }
}

export interface ConnectClientOptions {
  url: string;
  username?: string;
  password?: string;
  timeoutMs?: number;
}

interface ExpandedEntry {
  info?: { config?: Record<string, string> };
  status?: { connector?: { state?: string }; tasks?: Array<{ id: number; state: string; trace?: string }> };
}

/** A ConnectPort talking to a real worker. */
export class ConnectClient implements ConnectPort {
  readonly url: string;
  readonly #auth: string | undefined;
  readonly #timeoutMs: number;

  constructor(opts: ConnectClientOptions) {
    this.url = opts.url.replace(/\/+$/, '');
    this.#auth = opts.username ? `Basic ${Buffer.from(`${opts.username}:${opts.password ?? ''}`).toString('base64')}` : undefined;
    this.#timeoutMs = opts.timeoutMs ?? 15_000;
  }

  async #call(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.#auth) headers.authorization = this.#auth;
    let res: Response;
    try {
      res = await fetch(`${this.url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(this.#timeoutMs) });
    } catch (e) {
      const cause = (e as { cause?: { code?: string } }).cause?.code ?? (e as Error).name;
      throw new ConnectError('unreachable', `the Kafka Connect worker at ${this.url} is unreachable (${cause})`, 'check connect.url, or start a local worker with `kafkaform dev up --connect`');
    }
    const text = await res.text();
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      json = text;
    }
    if (res.status === 401 || res.status === 403) {
      throw new ConnectError('unauthorized', `the Kafka Connect worker at ${this.url} refused ${method} ${path} (HTTP ${res.status})`, 'check connect.username and connect.passwordFrom');
    }
    return { status: res.status, json };
  }

  async #ok(method: string, path: string, body?: unknown): Promise<unknown> {
    const r = await this.#call(method, path, body);
    if (r.status >= 200 && r.status < 300) return r.json;
    const message = (r.json as { message?: string } | undefined)?.message ?? `HTTP ${r.status}`;
    if (r.status === 404) throw new ConnectError('not-found', `${method} ${path} at ${this.url}: ${message}`);
    throw new ConnectError('rejected', `the Kafka Connect worker at ${this.url} rejected ${method} ${path}: ${firstLine(message)}`);
  }

  async plugins(): Promise<ConnectPlugin[]> {
    return (await this.#ok('GET', '/connector-plugins')) as ConnectPlugin[];
  }

  async connectors(): Promise<LiveConnector[]> {
    const all = ((await this.#ok('GET', '/connectors?expand=info&expand=status')) ?? {}) as Record<string, ExpandedEntry>;
    return Object.entries(all)
      .map(([name, e]) => ({
        name,
        config: e.info?.config ?? {},
        state: (e.status?.connector?.state ?? 'UNASSIGNED') as LiveConnectorState,
        tasks: (e.status?.tasks ?? []).map((t) => ({ id: t.id, state: t.state as LiveConnectorState, ...(t.trace ? { trace: t.trace } : {}) })),
      }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  async putConfig(name: string, config: Record<string, string>): Promise<void> {
    await this.#ok('PUT', `/connectors/${encodeURIComponent(name)}/config`, config);
  }

  async deleteConnector(name: string): Promise<void> {
    await this.#ok('DELETE', `/connectors/${encodeURIComponent(name)}`);
  }

  async pause(name: string): Promise<void> {
    await this.#ok('PUT', `/connectors/${encodeURIComponent(name)}/pause`);
  }

  async resume(name: string): Promise<void> {
    await this.#ok('PUT', `/connectors/${encodeURIComponent(name)}/resume`);
  }

  async stop(name: string): Promise<void> {
    await this.#ok('PUT', `/connectors/${encodeURIComponent(name)}/stop`);
  }

  async restart(name: string): Promise<void> {
    await this.#ok('POST', `/connectors/${encodeURIComponent(name)}/restart?includeTasks=true&onlyFailed=true`);
  }

  async validate(connectorClass: string, config: Record<string, string>): Promise<ConnectConfigError[]> {
    const r = await this.#call('PUT', `/connector-plugins/${encodeURIComponent(connectorClass)}/config/validate`, { 'connector.class': connectorClass, ...config });
    if (r.status >= 400) {
      const message = (r.json as { message?: string } | undefined)?.message ?? `HTTP ${r.status}`;
      // The worker answers 400/404/500 "Failed to find any class that implements Connector and which name matches …".
      if (/failed to find any class|not found|No plugin|ClassNotFound/i.test(message)) {
        throw new ConnectError('unknown-class', `the Kafka Connect worker at ${this.url} has no connector class ${connectorClass}`, 'install the plugin on the worker (plugin.path), or fix the class name');
      }
      throw new ConnectError('rejected', `the Kafka Connect worker at ${this.url} could not validate ${connectorClass}: ${firstLine(message)}`);
    }
    const configs = ((r.json as { configs?: Array<{ value?: { name?: string; errors?: string[] } }> })?.configs ?? []);
    return configs.flatMap((c) => (c.value?.errors ?? []).map((message) => ({ key: c.value?.name ?? '', message })));
  }
}

function firstLine(s: string): string {
  return s.split('\n')[0]!.slice(0, 300);
}
