/**
 * Writes topics.schema.json (the editor schema referenced by `# yaml-language-server: $schema=…`)
 * from buildJsonSchema(). Run: npx tsx scripts/write-schema.ts — a unit test keeps the committed copy current.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderJsonSchemaFile } from '../src/manifest/json-schema.js';

const target = join(import.meta.dirname, '..', 'topics.schema.json');
writeFileSync(target, renderJsonSchemaFile());
console.log(`wrote ${target}`);
