/** Schema references: each names a file of a known format that exists and parses (the registry would reject it otherwise). */
import { schemaFormatOf } from '../../schema/schema-file.js';
import { extname } from 'node:path';
import { isStr } from '../written.js';
import { writtenSchemaBlocks, type Rule } from './rule.js';

export const schemaRefsRule: Rule = (ctx) => {
  const { doc, schemas, error } = ctx;
  for (const { topic, schema: s } of writtenSchemaBlocks(ctx)) {
    const path = ['topics', topic, 'schema'];
    if (s.key === undefined && s.value === undefined) {
      error('schema-empty', path, 'schema names neither key nor value', {
        key: true,
        found: 'no key, no value',
        allowed: 'key: <file>, value: <file>, or both',
        hint: 'add value: schemas/<file>.avsc',
      });
    }
    for (const part of ['key', 'value'] as const) {
      const file = s[part];
      if (!isStr(file)) continue;
      const format = schemaFormatOf(file);
      if (!format) {
        const ext = extname(file).toLowerCase();
        error('schema-format', [...path, part], `unknown schema file type "${ext || file}"`, {
          found: file,
          hint: 'the file extension selects the format',
          allowed: '.avsc (Avro), .json (JSON Schema), .proto (Protobuf)',
        });
        continue;
      }
      const state = schemas?.(file, format);
      if (!state) continue;
      if (state.kind === 'missing') {
        error('schema-missing', [...path, part], `schema file ${file} does not exist`, {
          found: state.abs,
          allowed: 'an existing .avsc / .json / .proto file',
          hint: `paths are relative to ${doc.file}`,
        });
      } else if (!state.check.ok && state.check.problem === 'json') {
        error('schema-parse', [...path, part], `schema file ${file} is not valid JSON`, {
          found: state.check.message,
          hint: `${format === 'avro' ? 'Avro' : 'JSON'} schemas are JSON documents`,
        });
      } else if (!state.check.ok) {
        error('schema-parse', [...path, part], `schema file ${file} is not a valid ${format === 'avro' ? 'Avro schema' : format === 'json' ? 'JSON Schema' : 'Protobuf schema'}`, {
          found: state.check.message,
          hint: 'fix the schema file; the registry would reject it at deploy time',
        });
      }
    }
  }
};
