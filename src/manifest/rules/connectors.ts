/**
 * Connectors, offline: the topics a connector names are declared, tasksMax is at least 1, a secret
 * is never written literally (only as a Connect config-provider reference such as `${env:VAR}`),
 * and connectors have a `connect` worker to go to.
 */
import { didYouMean } from '../diagnostics.js';
import type { PathSegment } from '../document.js';
import { isInt, isObj, isStr, mapping, type WrittenConnector } from '../written.js';
import type { Rule } from './rule.js';

/** Config keys whose value is a secret: a dotted/dashed segment naming a password, secret, token or key material. */
const SECRET_KEY = /(^|[._-])(password|passwd|secret|token|credentials?|api[._-]?key|access[._-]?key|secret[._-]?key|private[._-]?key)($|[._-])/i;

/** A whole value that is a config-provider reference: `${provider:[path:]key}`. */
const PROVIDER_REF = /^\$\{[A-Za-z0-9_.-]+:[^}]*\}$/;

/** True when `key` names a secret and `value` spells it out rather than referencing a config provider. */
export function isLiteralSecret(key: string, value: string): boolean {
  if (value === '' || PROVIDER_REF.test(value)) return false;
  if (SECRET_KEY.test(key)) return true;
  // A JAAS line carries its password inline: password="…" that is not a reference.
  return /jaas\.config$/i.test(key) && /password\s*=\s*"(?!\$\{[^}]+:[^}]*\}")[^"]*"/i.test(value);
}

/** The topics a connector config names: `topics` (comma-separated) and `topic`; `topics.regex` cannot be checked. */
export function connectorTopics(config: Record<string, unknown>): Array<{ key: string; topic: string }> {
  const out: Array<{ key: string; topic: string }> = [];
  for (const key of ['topics', 'topic']) {
    const v = config[key];
    if (!isStr(v)) continue;
    for (const t of v.split(',').map((s) => s.trim())) if (t !== '' && !t.startsWith('${')) out.push({ key, topic: t });
  }
  return out;
}

export const connectorsRule: Rule = ({ written, normalized, error, warn }) => {
  if (!isObj(written.connectors)) return;
  const declared = new Set(normalized.spec.topics.map((t) => t.name));
  const names = Object.keys(written.connectors);
  if (names.length > 0 && !normalized.spec.connect?.url) {
    warn('connector-no-connect', ['connectors'], `${names.length} connector(s) declared, but environment "${normalized.spec.environment}" names no Kafka Connect worker`, {
      found: 'no connect.url',
      allowed: 'connect: { url: http://host:8083 } at the top level or under the environment',
      hint: 'plan, deploy and drift skip the connectors of this environment until it has one',
    });
  }
  for (const name of names) {
    const c = mapping<WrittenConnector>(written.connectors[name]);
    const path: PathSegment[] = ['connectors', name];
    if (c.tasksMax !== undefined && isInt(c.tasksMax) && c.tasksMax < 1) {
      error('connector-tasks-max', [...path, 'tasksMax'], `connector "${name}" has tasksMax ${c.tasksMax}`, {
        found: String(c.tasksMax),
        allowed: 'an integer of at least 1',
        hint: 'tasksMax is the most tasks Connect may start for the connector; use 1 or more',
      });
    }
    const config = mapping<Record<string, unknown>>(c.config);
    for (const { key, topic } of connectorTopics(config)) {
      if (declared.has(topic)) continue;
      const near = didYouMean(topic, declared);
      error('connector-unknown-topic', [...path, 'config', key], `connector "${name}" names topic "${topic}", which topics.yaml does not declare`, {
        found: topic,
        allowed: 'a topic declared under topics:',
        hint: near ? `did you mean "${near}"?` : `declare ${topic} under topics:, so its partitions, retention and ACLs are managed too`,
      });
    }
    for (const [key, v] of Object.entries(config)) {
      if (!isStr(v) || !isLiteralSecret(key, v)) continue;
      error('connector-literal-secret', [...path, 'config', key], `connector "${name}" has a literal secret in ${key}`, {
        found: 'a literal value (not shown)',
        allowed: 'a config-provider reference: ${env:VAR}, ${file:/path/to/file.properties:key}',
        hint: 'topics.yaml is committed: keep the secret in the worker\'s environment or a file and reference it (the worker needs config.providers set)',
      });
    }
  }
};
