/**
 * The manifest pipeline's entry points: readManifest (the I/O edge: reads topics.yaml and binds the
 * FileSource to the disk) and validateSpec (pure): YAML diagnostics, the JSON-Schema pass, then per
 * environment normalisation and every rule of rules/, all problems in one run.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { didYouMean, hasErrors, sortDiagnostics, type Diagnostic, type Report } from './diagnostics.js';
import { formatPath, readSpecDocument, type SpecDocument } from './document.js';
import type { FileSource } from './file-source.js';
import { normalizeEnvironment } from './normalize.js';
import { rules, type RuleContext } from './rules/index.js';
import { schemaFilesOf } from './schema-files.js';
import { validateShape } from './schema-pass.js';
import type { ResolvedSpec } from './types.js';
import { isObj, type WrittenManifest } from './written.js';
import { UserError } from '../errors.js';

export { DEFAULT_MAX_PARTITIONS } from './normalize.js';
export { DEFAULT_DLQ_RETENTION } from './normalize-topics.js';
export { mergeOverlay } from './written.js';

export const DEFAULT_ENVIRONMENT = 'default';

export interface ValidationResult {
  file: string;
  diagnostics: Diagnostic[];
  /** Environment names in file order (`default` when the file declares none). */
  environments: string[];
  /** One resolved spec per environment; present only when there are no errors. */
  specs: Map<string, ResolvedSpec>;
  /** The parsed document (for tools that need positions later). */
  document: SpecDocument;
}

export interface ValidateOptions {
  /** Restrict semantic checks and normalization to these environments. */
  environments?: string[];
  /** Where referenced schema files and `passwordFrom: file:` are looked up; without it, no file is checked. */
  files?: FileSource;
  /** Check no files even when `files` is given. */
  skipFileChecks?: boolean;
  /** Topic-config keys accepted beyond the catalogue, flavor and policy.extraConfigKeys (validate --live: the keys the broker reports). */
  acceptConfigKey?: (key: string) => boolean;
}

/** The FileSource of the disk (the only one outside tests). */
export const diskFiles: FileSource = {
  readText(path) {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return undefined;
    }
  },
  exists: (path) => existsSync(path),
  list(dir) {
    try {
      return readdirSync(dir);
    } catch {
      return undefined;
    }
  },
};

/** Reads topics.yaml and validates it, files from the disk. Throws UserError only when the file cannot be read. */
export function readManifest(file: string, opts: ValidateOptions = {}): ValidationResult {
  return validateSpec(readSpecDocument(resolve(file)), { files: diskFiles, ...opts });
}

/** Returns the spec of one environment, or throws a UserError listing what is wrong. */
export function requireEnvironment(result: ValidationResult, env?: string): ResolvedSpec {
  if (hasErrors(result.diagnostics)) {
    throw new UserError(`${result.file} is not valid: run \`kafkaform validate -f ${result.file}\` for the details`);
  }
  const name = env ?? (result.environments.includes('dev') ? 'dev' : result.environments[0]!);
  const spec = result.specs.get(name);
  if (!spec) {
    const s = didYouMean(name, result.environments);
    throw new UserError(
      `unknown environment "${name}"`,
      `environments in ${result.file}: ${result.environments.join(', ')}${s ? ` — did you mean "${s}"?` : ''}`,
    );
  }
  return spec;
}

/** Validates a parsed document; pure (files only through `opts.files`). Never throws for user mistakes. */
export function validateSpec(doc: SpecDocument, opts: ValidateOptions = {}): ValidationResult {
  const diagnostics: Diagnostic[] = [...doc.diagnostics];
  const specs = new Map<string, ResolvedSpec>();
  const root = (isObj(doc.value) ? doc.value : {}) as WrittenManifest;
  const envNames = isObj(root.environments) && Object.keys(root.environments).length > 0 ? Object.keys(root.environments) : [DEFAULT_ENVIRONMENT];
  const result: ValidationResult = { file: doc.file, diagnostics, environments: envNames, specs, document: doc };
  if (doc.value === undefined && diagnostics.length > 0) return finish(result);

  diagnostics.push(...validateShape(doc));
  if (!isObj(doc.value)) return finish(result);

  const files = opts.skipFileChecks ? undefined : opts.files;
  const schemas = schemaFilesOf(doc.file, files);
  const selected = opts.environments ?? envNames;
  // Environment-independent checks once; per-environment checks report each problem once.
  const reported = new Set<string>();
  for (const env of selected) {
    if (!envNames.includes(env)) continue;
    const before = diagnostics.length;
    const normalized = normalizeEnvironment(root, env, doc.file, schemas, opts.acceptConfigKey);
    const ctx = ruleContext(doc, root, normalized, files, schemas, diagnostics);
    for (const rule of rules) rule(ctx);
    // Drop exact duplicates found again in another environment.
    const fresh = diagnostics.splice(before);
    for (const d of fresh) {
      const key = `${d.line}:${d.column}:${d.code}:${d.message}`;
      if (reported.has(key)) continue;
      reported.add(key);
      diagnostics.push(envNames.length > 1 && isEnvSpecific(d) ? { ...d, message: `${d.message} (environment ${env})` } : d);
    }
    specs.set(env, normalized.spec);
  }
  if (hasErrors(diagnostics)) specs.clear();
  return finish(result);
}

function isEnvSpecific(d: Diagnostic): boolean {
  return ['replication-factor-range', 'min-insync-range', 'partitions-range', 'unknown-config', 'config-value'].includes(d.code);
}

function finish(r: ValidationResult): ValidationResult {
  sortDiagnostics(r.diagnostics);
  return r;
}

function ruleContext(
  doc: SpecDocument, written: WrittenManifest, normalized: RuleContext['normalized'], files: FileSource | undefined, schemas: RuleContext['schemas'], out: Diagnostic[],
): RuleContext {
  const report: Report = (severity, code, path, message, details = {}) => {
    const { key, ...rest } = details;
    const pos = doc.positionOf(path, { key });
    out.push({ severity, code, file: doc.file, line: pos.line, column: pos.column, path: formatPath(path), message, ...rest });
  };
  return {
    doc, written, normalized, files, schemas, report,
    error: (code, path, message, details) => report('error', code, path, message, details),
    warn: (code, path, message, details) => report('warning', code, path, message, details),
    push: (d) => out.push(d),
  };
}
