import { relative, resolve } from 'node:path';
import { synthFromFile } from '../../synth/synth-file.js';
import { findTerraform } from '../../toolchain/terraform.js';
import { EXIT, FILE_OPTION, JSON_OPTION, str, type Command } from '../framework.js';

export const synthCommand: Command = {
  name: 'synth',
  summary: 'Synthesize Terraform JSON (one CDKTF stack per environment) into cdktf.out',
  usage: 'synth [-f topics.yaml] [--env NAME] [--out DIR] [--json]',
  description: 'Secrets never appear in the output: they are sensitive Terraform variables (TF_VAR_*), filled in by `kafkaform deploy`.',
  examples: ['kafkaform synth', 'kafkaform synth --env prod --out build/cdktf.out'],
  options: {
    ...FILE_OPTION,
    out: { type: 'string', short: 'o', value: 'DIR', description: 'Output directory', default: 'cdktf.out' },
    ...JSON_OPTION,
  },
  async run({ args, io }) {
    const env = str(args.env);
    const outdir = resolve(str(args.out)!);
    let writeOnly = true;
    try {
      writeOnly = (await findTerraform()).supportsWriteOnly;
    } catch {
      // No terraform here: synth still works; assume a current Terraform at deploy time.
    }
    const { stackDirs } = synthFromFile({ file: str(args.file)!, outdir, environments: env ? [env] : undefined, writeOnlySecrets: writeOnly });
    const stacks = [...stackDirs.entries()].map(([e, d]) => ({ environment: e, file: relative(process.cwd(), resolve(d, 'cdk.tf.json')) }));
    if (args.json) io.stdout(JSON.stringify({ outdir: relative(process.cwd(), outdir), stacks }, null, 2));
    else for (const s of stacks) io.stdout(`${io.paint('32', '✓')} ${s.environment}: ${s.file}`);
    return EXIT.ok;
  },
};
