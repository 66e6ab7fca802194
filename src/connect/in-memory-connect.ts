/**
 * An in-memory ConnectPort for unit tests: it stores configs like a worker (adding `name`),
 * keeps states, refuses classes it does not know with the worker's error, and can fail a task.
 */
import { ConnectError } from './connect-client.js';
import type { ConnectConfigError, ConnectPlugin, ConnectPort, LiveConnector, LiveConnectorState } from './connect-port.js';

export class InMemoryConnectPort implements ConnectPort {
  readonly url = 'memory://connect';
  readonly #connectors = new Map<string, LiveConnector>();
  /** Every call, for assertions (`pause orders`, `putConfig orders`, …). */
  readonly calls: string[] = [];

  constructor(readonly known: ConnectPlugin[] = [{ class: 'org.apache.kafka.connect.file.FileStreamSourceConnector', type: 'source' }, { class: 'org.apache.kafka.connect.file.FileStreamSinkConnector', type: 'sink' }]) {}

  async plugins(): Promise<ConnectPlugin[]> {
    return this.known;
  }

  async connectors(): Promise<LiveConnector[]> {
    return [...this.#connectors.values()].map((c) => structuredClone(c)).sort((a, b) => a.name.localeCompare(b.name));
  }

  async putConfig(name: string, config: Record<string, string>): Promise<void> {
    this.calls.push(`putConfig ${name}`);
    const cls = config['connector.class'];
    if (!cls || !this.known.some((p) => p.class === cls)) throw new ConnectError('rejected', `the Kafka Connect worker at ${this.url} rejected PUT /connectors/${name}/config: Failed to find any class that implements Connector and which name matches ${cls}`);
    const existing = this.#connectors.get(name);
    const tasks = Number(config['tasks.max'] ?? '1');
    this.#connectors.set(name, { name, config: { ...config, name }, state: existing?.state ?? 'RUNNING', tasks: Array.from({ length: tasks }, (_, id) => ({ id, state: existing?.state ?? 'RUNNING' })) });
  }

  async deleteConnector(name: string): Promise<void> {
    this.calls.push(`delete ${name}`);
    if (!this.#connectors.delete(name)) throw new ConnectError('not-found', `Connector ${name} not found`);
  }

  #setState(name: string, state: LiveConnectorState): void {
    const c = this.#connectors.get(name);
    if (!c) throw new ConnectError('not-found', `Connector ${name} not found`);
    c.state = state;
    c.tasks = state === 'STOPPED' ? [] : Array.from({ length: Number(c.config['tasks.max'] ?? '1') }, (_, id) => ({ id, state }));
  }

  async pause(name: string): Promise<void> {
    this.calls.push(`pause ${name}`);
    this.#setState(name, 'PAUSED');
  }

  async resume(name: string): Promise<void> {
    this.calls.push(`resume ${name}`);
    this.#setState(name, 'RUNNING');
  }

  async stop(name: string): Promise<void> {
    this.calls.push(`stop ${name}`);
    this.#setState(name, 'STOPPED');
  }

  async restart(name: string): Promise<void> {
    this.calls.push(`restart ${name}`);
    const c = this.#connectors.get(name);
    if (!c) throw new ConnectError('not-found', `Connector ${name} not found`);
    for (const t of c.tasks) if (t.state === 'FAILED') {
      t.state = 'RUNNING';
      delete t.trace;
    }
  }

  async validate(connectorClass: string, config: Record<string, string>): Promise<ConnectConfigError[]> {
    if (!this.known.some((p) => p.class === connectorClass)) throw new ConnectError('unknown-class', `the Kafka Connect worker at ${this.url} has no connector class ${connectorClass}`);
    return connectorClass.endsWith('FileStreamSinkConnector') && !config.topics && !config['topics.regex'] ? [{ key: 'topics', message: 'Must configure one of topics or topics.regex' }] : [];
  }

  /** Test hook: a task fails with a trace, as a worker reports it. */
  failTask(name: string, id: number, trace: string): void {
    const c = this.#connectors.get(name);
    const t = c?.tasks.find((x) => x.id === id);
    if (!t) throw new Error(`no task ${name}/${id}`);
    t.state = 'FAILED';
    t.trace = trace;
  }
}
