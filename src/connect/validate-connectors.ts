/**
 * `validate --live` for connectors: each declared config goes to the worker's own validation
 * (`PUT /connector-plugins/{class}/config/validate`); every error it returns is reported at the
 * key's line in topics.yaml, an unknown class at the `class` line.
 */
import type { Diagnostic } from '../manifest/diagnostics.js';
import { formatPath, type PathSegment, type SpecDocument } from '../manifest/document.js';
import type { ResolvedSpec } from '../manifest/types.js';
import { ConnectError } from './connect-client.js';
import type { ConnectPort } from './connect-port.js';
import { desiredConfig } from './desired-config.js';

/** The worker's verdict on every declared connector, as positioned diagnostics. */
export async function collectConnectorDiagnostics(spec: ResolvedSpec, port: ConnectPort, document: Pick<SpecDocument, 'positionOf' | 'file'>): Promise<Diagnostic[]> {
  const out: Diagnostic[] = [];
  const at = (path: PathSegment[]) => ({ file: document.file, ...document.positionOf(path), path: formatPath(path) });
  for (const c of spec.connectors ?? []) {
    const base: PathSegment[] = ['connectors', c.name];
    let errors: Awaited<ReturnType<ConnectPort['validate']>>;
    try {
      errors = await port.validate(c.class, { ...desiredConfig(c), name: c.name });
    } catch (e) {
      if (!(e instanceof ConnectError) || e.code !== 'unknown-class') throw e;
      out.push({
        severity: 'error', code: 'connector-unknown-class', ...at([...base, 'class']),
        message: `the Kafka Connect worker at ${port.url} has no connector class ${c.class}`,
        found: c.class, hint: 'install the plugin on the worker (plugin.path) or fix the class name; `GET /connector-plugins` lists what it has',
      });
      continue;
    }
    for (const err of errors) {
      const path: PathSegment[] = err.key === 'connector.class' ? [...base, 'class'] : err.key === 'tasks.max' ? [...base, 'tasksMax'] : err.key in c.config ? [...base, 'config', err.key] : [...base];
      out.push({
        severity: 'error', code: 'connector-config-rejected', ...at(path),
        message: `the Kafka Connect worker rejects ${err.key} of connector "${c.name}": ${err.message}`,
        hint: path.length === 2 ? `set ${err.key} under connectors.${c.name}.config` : 'fix the value; the worker\'s own validation is the judge',
      });
    }
  }
  return out;
}
