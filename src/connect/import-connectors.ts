/**
 * `import --connect-url`: the worker's connectors as topics.yaml's `connect:` and `connectors:`
 * (pure). A secret-looking key with a literal value is never written: it becomes a `${env:…}`
 * reference to fill in, and a connector naming a topic the file does not declare is skipped.
 */
import { stringify } from 'yaml';
import { connectorTopics, isLiteralSecret } from '../manifest/rules/connectors.js';
import type { ConnectorState } from '../manifest/types.js';
import type { LiveConnector } from './connect-port.js';
import { WORKER_ADDED_KEYS } from './desired-config.js';

export interface ImportedConnectors {
  /** YAML to append to an imported topics.yaml (empty when there is nothing to write). */
  text: string;
  imported: string[];
  warnings: string[];
}

const STATE: Record<string, ConnectorState> = { RUNNING: 'running', PAUSED: 'paused', STOPPED: 'stopped' };

/** The YAML of the worker's connectors whose topics are among `topics`. */
export function computeConnectorImport(url: string, live: readonly LiveConnector[], topics: ReadonlySet<string>): ImportedConnectors {
  const warnings: string[] = [];
  const connectors: Record<string, unknown> = {};
  for (const c of live) {
    const unknown = connectorTopics(c.config).filter((t) => !topics.has(t.topic));
    if (unknown.length > 0) {
      warnings.push(`connector ${c.name}: names topic(s) ${unknown.map((t) => t.topic).join(', ')} that the file does not declare; not imported`);
      continue;
    }
    const config: Record<string, string> = {};
    for (const [k, v] of Object.entries(c.config).sort(([a], [b]) => a.localeCompare(b))) {
      if (WORKER_ADDED_KEYS.has(k) || k === 'connector.class' || k === 'tasks.max') continue;
      if (isLiteralSecret(k, v)) {
        const ref = `\${env:${`${c.name}_${k}`.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}}`;
        warnings.push(`connector ${c.name}: ${k} holds a literal secret on the worker; written as ${ref} (the worker needs config.providers=env)`);
        config[k] = ref;
      } else config[k] = v;
    }
    const tasksMax = Number(c.config['tasks.max'] ?? '1');
    connectors[c.name] = {
      class: c.config['connector.class'] ?? '',
      tasksMax: Number.isInteger(tasksMax) && tasksMax >= 1 ? tasksMax : 1,
      state: STATE[c.state] ?? 'running',
      config,
    };
  }
  const imported = Object.keys(connectors);
  if (imported.length === 0) return { text: '', imported, warnings };
  return { text: `\n${stringify({ connect: { url }, connectors })}`, imported, warnings };
}
