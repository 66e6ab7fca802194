import { relative } from 'node:path';
import { hasErrors, renderDiagnostic, summarizeDiagnostics } from '../../spec/diagnostics.js';
import { loadSpec } from '../../spec/validate.js';
import { EXIT, FILE_OPTION, oneOf, str, type Command } from '../framework.js';

export const validateCommand: Command = {
  name: 'validate',
  summary: 'Check topics.yaml like a compiler: every problem, with file:line:column, what is allowed and a hint',
  usage: 'validate [-f topics.yaml] [--env NAME] [--format text|json]',
  description: 'Exit codes: 0 valid (warnings allowed), 1 invalid.',
  examples: ['kafkaform validate', 'kafkaform validate -f platform/topics.yaml --format json'],
  options: {
    ...FILE_OPTION,
    format: { type: 'string', value: 'FORMAT', description: 'text | json', default: 'text' },
    json: { type: 'boolean', description: 'Same as --format json' },
  },
  async run({ args, io }) {
    const file = str(args.file)!;
    const format = args.json ? 'json' : oneOf(args.format, ['text', 'json'] as const, 'format');
    const env = str(args.env);
    const result = loadSpec(file, { environments: env ? [env] : undefined });
    if (env && !result.environments.includes(env)) {
      result.diagnostics.push({
        severity: 'error', code: 'unknown-environment', file: result.file, line: 1, column: 1, path: 'environments',
        message: `unknown environment "${env}"`, allowed: result.environments.join(', '),
      });
    }
    const shown = result.diagnostics.map((d) => ({ ...d, file: relative(process.cwd(), d.file) || d.file }));
    const valid = !hasErrors(result.diagnostics);
    if (format === 'json') {
      io.stdout(JSON.stringify({ file: relative(process.cwd(), result.file), valid, environments: result.environments, diagnostics: shown }, null, 2));
    } else {
      for (const d of shown) io.stdout(renderDiagnostic(d, { color: io.color }));
      if (valid) {
        const counts = [...result.specs.values()].map((s) => `${s.environment}: ${s.topics.length} topics, ${s.acls.length} ACLs, ${s.users.length} users, ${s.quotas.length} quotas`);
        io.stdout(`${io.paint('32', '✓')} ${relative(process.cwd(), result.file)} is valid (${summarizeDiagnostics(result.diagnostics)})${counts.length ? `\n  ${counts.join('\n  ')}` : ''}`);
      } else {
        io.stdout(`${io.paint('31', '✗')} ${relative(process.cwd(), result.file)}: ${summarizeDiagnostics(result.diagnostics)}`);
      }
    }
    return valid ? EXIT.ok : EXIT.error;
  },
};
