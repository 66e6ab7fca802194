/** Where a topics.yaml written into a directory should point its `$schema` (init writes one, import another). */
import { existsSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { INSTALLED_SCHEMA_PATH } from './templates.js';

/**
 * The schema a directory can actually resolve: its own topics.schema.json (the kafkaform
 * repository's layout), else the installed package's in the nearest node_modules (a monorepo's
 * is higher up), else the path `npm install kafkaform` will create.
 */
export function readSchemaReference(dir: string): string {
  if (existsSync(join(dir, 'topics.schema.json'))) return './topics.schema.json';
  for (let d = dir; ; d = dirname(d)) {
    const installed = join(d, 'node_modules', 'kafkaform', 'topics.schema.json');
    if (existsSync(installed)) {
      const rel = relative(dir, installed).split(sep).join('/');
      return rel.startsWith('.') ? rel : `./${rel}`;
    }
    if (dirname(d) === d) return INSTALLED_SCHEMA_PATH;
  }
}
