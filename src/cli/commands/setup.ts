import { ensureKafkaJars } from '../../dev/kafka-dist.js';
import { ensureToolchain } from '../../toolchain/provider.js';
import { EXIT, JSON_OPTION, str, type Command } from '../framework.js';

export const setupCommand: Command = {
  name: 'setup',
  summary: 'Fetch and build everything kafkaform runs: Kafka jars, the Kafka Terraform provider, the terraform check',
  usage: 'setup [--kafka-version VERSION] [--json]',
  description: 'Cached and idempotent: a second run only checks. The cache lives in ~/.cache/kafkaform (KAFKAFORM_CACHE_DIR).',
  examples: ['kafkaform setup', 'kafkaform setup --kafka-version 3.9.1'],
  options: {
    'kafka-version': { type: 'string', value: 'VERSION', description: 'Kafka version for the local cluster (also KAFKAFORM_KAFKA_VERSION)' },
    ...JSON_OPTION,
  },
  async run({ args, io }) {
    const t0 = Date.now();
    const jars = await ensureKafkaJars({ version: str(args['kafka-version']), onProgress: io.progress });
    const tc = await ensureToolchain({ onProgress: io.progress });
    const result = {
      kafka: { version: jars.version, libDir: jars.libDir },
      terraform: { path: tc.terraform.path, version: tc.terraform.version },
      providerSource: tc.providerSource,
      providers: tc.providers.map((p) => ({ source: `${p.namespace}/${p.type}`, version: p.version, binary: p.binary })),
      cliConfigFile: tc.cliConfigFile,
      seconds: Math.round((Date.now() - t0) / 100) / 10,
    };
    if (args.json) io.stdout(JSON.stringify(result, null, 2));
    else {
      io.stdout(`${io.paint('32', '✓')} Kafka ${jars.version} jars: ${jars.libDir}`);
      io.stdout(`${io.paint('32', '✓')} ${tc.terraform.flavor} ${tc.terraform.version}: ${tc.terraform.path}`);
      for (const p of result.providers) io.stdout(`${io.paint('32', '✓')} provider ${p.source} ${p.version}: ${p.binary}`);
      if (tc.cliConfigFile) io.stdout(`  terraform CLI config: ${tc.cliConfigFile} (set TF_CLI_CONFIG_FILE to it to run cdktf/terraform by hand)`);
      io.stdout(`  done in ${result.seconds}s`);
    }
    return EXIT.ok;
  },
};
