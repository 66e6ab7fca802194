/** policy.requireSchemaDocs: every field of a referenced Avro / JSON schema says what it means. */
import { isObj, isStr } from '../written.js';
import { schemaFormatOf } from '../../schema/schema-file.js';
import { writtenSchemaBlocks, type Rule } from './rule.js';

type Obj = Record<string, unknown>;

/** Dotted names of the fields (Avro) or properties (JSON Schema) without documentation. */
function undocumented(schema: unknown, format: 'avro' | 'json'): string[] {
  const missing: string[] = [];
  const walkAvro = (s: unknown, prefix: string) => {
    if (!isObj(s) || s.type !== 'record' || !Array.isArray(s.fields)) return;
    for (const f of s.fields as Obj[]) {
      const name = `${prefix}${String(f.name)}`;
      if (!isStr(f.doc) || f.doc.trim() === '') missing.push(name);
      walkAvro(f.type, `${name}.`);
      if (Array.isArray(f.type)) for (const t of f.type) walkAvro(t, `${name}.`);
    }
  };
  const walkJson = (s: unknown, prefix: string) => {
    if (!isObj(s) || !isObj(s.properties)) return;
    for (const [k, v] of Object.entries(s.properties)) {
      if (!isObj(v) || !isStr(v.description)) missing.push(`${prefix}${k}`);
      walkJson(v, `${prefix}${k}.`);
    }
  };
  if (format === 'avro') walkAvro(schema, '');
  else walkJson(schema, '');
  return missing;
}

export const schemaDocsRule: Rule = (ctx) => {
  const { normalized, schemas, error } = ctx;
  if (!normalized.spec.policy.requireSchemaDocs || !schemas) return;
  for (const { topic, schema: s } of writtenSchemaBlocks(ctx)) {
    for (const part of ['key', 'value'] as const) {
      const file = s[part];
      const format = isStr(file) ? schemaFormatOf(file) : undefined;
      if (!isStr(file) || (format !== 'avro' && format !== 'json')) continue;
      const state = schemas(file, format);
      if (state.kind !== 'checked' || !state.check.ok) continue;
      const missing = undocumented(state.check.parsed, format);
      if (missing.length === 0) continue;
      error('schema-docs', ['topics', topic, 'schema', part], `${file}: ${missing.length} field(s) without documentation: ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''}`, {
        hint: format === 'avro' ? 'add "doc" to each field (policy.requireSchemaDocs)' : 'add "description" to each property (policy.requireSchemaDocs)',
      });
    }
  }
};
