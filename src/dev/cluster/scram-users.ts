/**
 * SCRAM users on a `--sasl` dev cluster, created through Kafka's own ConfigCommand (kafkajs cannot
 * alter SCRAM credentials). Secrets reach the tool through 0600 files, never through argv.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../../errors.js';
import { joinTail, runCommandSettled } from '../../os/run-command.js';
import { assertJava } from '../kafka-dist.js';
import { escapeProperty, renderJvmArgs, scramJaasConfig } from './server-properties.js';
import { redact, requireState, writeSecretFile, type DevCluster } from './state-file.js';

/**
 * Creates (or resets) a SCRAM-SHA-512 + SCRAM-SHA-256 user on a `sasl` dev cluster. The user has
 * no ACLs, so it is denied everything.
 */
export async function createDevScramUser(cluster: DevCluster, username: string, password: string): Promise<void> {
  const state = requireState(cluster.dataDir);
  if (!state.sasl) {
    throw new UserError(`Dev cluster '${state.name}' has no SASL listener, so SCRAM users cannot log in to it.`, 'Start it with --sasl.');
  }
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(username)) throw new UserError(`Invalid SCRAM user name '${username}'.`, 'Use letters, digits, dot, dash or underscore.');
  if (password.length === 0 || /[,[\]\s"\\]/.test(password)) {
    throw new UserError(`The password for SCRAM user '${username}' is empty or contains one of , [ ] " \\ or whitespace.`);
  }
  const java = assertJava();
  const tmp = mkdtempSync(join(state.dataDir, '.scram-'));
  try {
    const commandConfig = join(tmp, 'admin.properties');
    const addConfig = join(tmp, 'add.properties');
    writeSecretFile(
      commandConfig,
      (state.tls
        ? `security.protocol=SASL_SSL\nssl.truststore.type=PEM\nssl.truststore.location=${escapeProperty(state.tls.caFile)}\n`
        : `security.protocol=SASL_PLAINTEXT\n`) +
        `sasl.mechanism=SCRAM-SHA-512\n` +
        `sasl.jaas.config=${scramJaasConfig(state.sasl.username, state.sasl.password)}\n`,
    );
    // One request per mechanism: ConfigCommand sends both as two alterations of the same user in one
    // request, which the broker rejects (DuplicateResourceException). The file form is `MECH=password=…`.
    for (const mechanism of ['SCRAM-SHA-512', 'SCRAM-SHA-256']) {
      writeSecretFile(addConfig, `${mechanism}=password=${password}\n`);
      const args = [
        ...renderJvmArgs(state, 1, 256, true),
        'kafka.admin.ConfigCommand',
        '--bootstrap-server',
        state.bootstrapServers.join(','),
        '--command-config',
        commandConfig,
        '--alter',
        '--entity-type',
        'users',
        '--entity-name',
        username,
        '--add-config-file',
        addConfig,
      ];
      const r = await runCommandSettled(java, args, { secrets: [state.sasl.password, password] });
      if (r.exitCode !== 0) {
        throw new UserError(`Creating ${mechanism} user '${username}' on dev cluster '${state.name}' failed (exit code ${r.exitCode}):\n${redact(state, joinTail(r.tail, 10))}`);
      }
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
