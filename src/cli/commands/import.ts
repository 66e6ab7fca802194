import { existsSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { resolveConnection } from '../../cluster/connection.js';
import { requireRunningDevCluster } from '../../dev/cluster/lifecycle.js';
import { collectLiveState, DEFAULT_COLLECT_TIMEOUT_MS } from '../../cluster/collect.js';
import { computeImport } from '../../importer/compute-import.js';
import { importedSpecDocument } from '../../importer/imported-document.js';
import { readSchemaReference } from '../../init/schema-reference.js';
import { hasErrors, renderDiagnostic } from '../../manifest/diagnostics.js';
import { parseSpecDocument } from '../../manifest/document.js';
import { validateSpec } from '../../manifest/validate.js';
import { UserError } from '../../errors.js';
import { CONNECTION_OPTIONS, connectionFlags, EXIT, str, type Command } from '../framework.js';
import { parseTimeoutSeconds } from './drift.js';
import { ConnectClient } from '../../connect/connect-client.js';
import { computeConnectorImport } from '../../connect/import-connectors.js';

export const importCommand: Command = {
  name: 'import',
  summary: 'Write a topics.yaml from a live cluster: topics with their non-default configs, ACLs folded into services where exact, SCRAM users and quotas',
  usage: 'import [--bootstrap-servers …] [--env NAME] [-o topics.yaml] [--force]',
  description:
    'Topics starting with "_" are skipped. Configs are written with units (retention: 7d, 1MiB); a key outside kafkaform\'s catalogue that the broker reports set on a topic (a vendor\'s) ' +
    'is kept and accepted through cluster.flavor or policy.extraConfigKeys; replication throttles are left to the tools that own them. A principal whose ACLs contain exactly what a producer/consumer role derives becomes a service; ' +
    'every other binding is written to the raw acls list. SCRAM users are written with their mechanism (and iterations) and no passwordFrom: kafkaform never changes their passwords; ' +
    'user and client-id quotas are written with units (user + client-id quotas have no form in topics.yaml and are skipped). What the cluster did not let kafkaform read is named in the file and on stderr. ' +
    'The written file is validated before it is written; ' +
    '`kafkaform drift` on it reports in sync. Refuses to overwrite an existing file unless --force.',
  examples: ['kafkaform import --bootstrap-servers kafka:9092 -o topics.yaml', 'kafkaform import -b kafka:9092 --connect-url http://connect:8083 -o topics.yaml   # connectors too', 'kafkaform import -b localhost:9092 --env prod --name orders-platform -o prod.yaml --force'],
  options: {
    ...CONNECTION_OPTIONS,
    env: { type: 'string', short: 'e', value: 'NAME', description: 'Write the servers under environments.NAME (default: in the top-level cluster)' },
    output: { type: 'string', short: 'o', value: 'FILE', description: 'Where to write', default: 'topics.yaml' },
    force: { type: 'boolean', description: 'Overwrite the output file if it exists' },
    'connect-url': { type: 'string', value: 'URL', description: "Also import this Kafka Connect worker's connectors (also KAFKAFORM_CONNECT_URL)" },
    name: { type: 'string', value: 'NAME', description: 'cluster.name in the written file', default: 'imported' },
    'kafka-version': { type: 'string', value: 'VERSION', description: "Kafka version the configs are checked against ('3.9' or '4.x')", default: '4' },
    timeout: { type: 'string', value: 'SECONDS', description: 'Give up when the cluster cannot be read within this time', default: String(DEFAULT_COLLECT_TIMEOUT_MS / 1000) },
  },
  async run({ args, io }) {
    const out = resolve(str(args.output)!);
    if (existsSync(out) && args.force !== true) {
      throw new UserError(`${relative(process.cwd(), out) || out} already exists: nothing was written`, 'pass --force to overwrite it, or choose another file with -o');
    }
    if (!existsSync(dirname(out))) throw new UserError(`directory ${dirname(out)} does not exist`, 'create it first, or choose another -o');
    const env = str(args.env);
    const timeoutMs = parseTimeoutSeconds(args.timeout, DEFAULT_COLLECT_TIMEOUT_MS);
    const major = String(args['kafka-version'] ?? '4').startsWith('3') ? 3 : 4;
    // There is no topics.yaml to read yet: the flags (or the environment variables, or the embedded cluster) say where to connect.
    const target = { file: out, environment: env ?? 'default', cluster: { bootstrapServers: [], connection: {} } };
    const rc = await resolveConnection(target, connectionFlags(args), { embedded: requireRunningDevCluster, onProgress: io.progress });
    io.progress(`reading ${rc.connection.bootstrapServers.join(',')}`);
    const state = await collectLiveState(rc.connection, { timeoutMs });
    const r = computeImport(state, {
      clusterName: str(args.name) ?? 'imported',
      bootstrapServers: rc.connection.bootstrapServers,
      environment: env,
      kafkaMajor: major,
      // Point at a schema the directory can resolve (today's own, else the installed package's).
      schemaPath: readSchemaReference(dirname(out)),
    });
    let text = r.text;
    let value: Record<string, unknown> | undefined = r.document;
    const skipped = [...r.skipped];
    const connectUrl = str(args['connect-url']) ?? process.env.KAFKAFORM_CONNECT_URL;
    if (connectUrl) {
      io.progress(`reading the connectors of ${connectUrl}`);
      const c = computeConnectorImport(connectUrl, await new ConnectClient({ url: connectUrl }).connectors(), new Set(Object.keys((r.document.topics as object | undefined) ?? {})));
      text += c.text;
      // The connectors are appended as text: their part is parsed (it is small); if it did not parse cleanly, the whole text is checked.
      const part = c.text ? parseSpecDocument(c.text, out) : undefined;
      if (part && (part.diagnostics.length > 0 || !part.value || typeof part.value !== 'object')) value = undefined;
      else if (part && value) value = { ...value, ...(part.value as Record<string, unknown>) };
      skipped.push(...c.warnings);
    }
    // The file must pass validate: check it before it lands on disk. The check reads the structure the
    // text was rendered from (re-parsing 10,000 topics cost more than the fold); the text is parsed only for the positions of a diagnostic.
    const check = validateSpec(value ? importedSpecDocument(out, text, value) : parseSpecDocument(text, out));
    if (hasErrors(check.diagnostics)) {
      for (const d of check.diagnostics) io.stderr(renderDiagnostic(d, { color: false }));
      throw new UserError('the imported file would not be valid: nothing was written', 'this is a bug in kafkaform import; please report it with the diagnostics above');
    }
    writeFileSync(out, text);
    for (const s of skipped) io.stderr(`warning: skipped ${s}`);
    for (const n of r.notRead) io.stderr(`warning: not read: ${n}`);
    io.stdout(
      `${io.paint('32', '✓')} wrote ${relative(process.cwd(), out) || out}: ${r.counts.topics} topic(s), ${r.counts.aclBindings} ACL binding(s) as ${r.counts.services} service(s) and ${r.counts.rawAcls} raw acls entr${r.counts.rawAcls === 1 ? 'y' : 'ies'}, ` +
        `${r.counts.users} user(s), ${r.counts.quotas} quota(s)`,
    );
    if (r.kept.keys.length > 0) {
      const through = [r.kept.flavor ? `cluster.flavor: ${r.kept.flavor}` : '', r.kept.extraConfigKeys.length ? `policy.extraConfigKeys (${r.kept.extraConfigKeys.join(', ')})` : ''].filter(Boolean).join(' and ');
      io.stdout(`  kept ${r.kept.where.length} config value(s) outside kafkaform's catalogue that the broker reports set on their topics (${r.kept.keys.join(', ')}), accepted through ${through}`);
    }
    return EXIT.ok;
  },
};
