import { hasErrors, renderDiagnostic } from '../manifest/diagnostics.js';
import type { SpecDocument } from '../manifest/document.js';
import type { ResolvedSpec } from '../manifest/types.js';
import { readManifest, requireEnvironment } from '../manifest/validate.js';
import { UserError } from '../errors.js';
import { str, type CommandContext } from './framework.js';

/**
 * The preamble of every command that needs a valid topics.yaml: read `-f`, print every diagnostic to
 * stderr and exit 1 when there is an error (saying what was not done), else the `--env` environment
 * (with the document, for positioned diagnostics later, and the file name as given).
 */
export function readValidSpec(ctx: Pick<CommandContext, 'args' | 'io'>, notDone: string): { spec: ResolvedSpec; document: SpecDocument; file: string } {
  const file = str(ctx.args.file)!;
  const result = readManifest(file);
  if (hasErrors(result.diagnostics)) {
    for (const d of result.diagnostics) ctx.io.stderr(renderDiagnostic(d, { color: ctx.io.color }));
    throw new UserError(`${file} is not valid: ${notDone}`, `run \`kafkaform validate -f ${file}\` for every problem in one list`);
  }
  return { spec: requireEnvironment(result, str(ctx.args.env)), document: result.document, file };
}
