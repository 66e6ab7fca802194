/** .proto files as schemas: parsed with protobufjs into the model compatibility reads, and a file that does not parse reported at its topic with the line. */
import { describe, expect, it } from 'vitest';
import { parseProtoSchema } from '../../src/schema/proto-model.js';
import { checkCompatibility } from '../../src/schema/compatibility.js';
import { validateSchemaText } from '../../src/schema/schema-file.js';
import { specBuilder } from '../helpers/spec-builder.js';

const ORDER = `syntax = "proto3";
package shop.v1;
import "google/type/money.proto";
message Order {
  reserved 9, 11 to 13;
  reserved "legacy";
  string id = 1;
  repeated Line lines = 2;
  oneof payment { string card = 3; string iban = 4; }
  optional string note = 5;
  Status status = 6;
  map<string, int64> tags = 7;
  google.type.Money total = 8;
  message Line { string sku = 1; int32 qty = 2; }
}
enum Status { STATUS_UNKNOWN = 0; STATUS_PAID = 1; }
`;

describe('parseProtoSchema', () => {
  it('reads package, imports, nested messages, fields by number, oneofs, reserved and enums', () => {
    const m = parseProtoSchema(ORDER);
    expect(m).toMatchObject({ package: 'shop.v1', syntax: 'proto3', imports: ['google/type/money.proto'], firstMessage: 'shop.v1.Order' });
    expect([...m.messages.keys()]).toEqual(['shop.v1.Order', 'shop.v1.Order.Line']);
    const order = m.messages.get('shop.v1.Order')!;
    expect(order.reservedNumbers).toEqual([[9, 9], [11, 13]]);
    expect(order.reservedNames).toEqual(['legacy']);
    expect(order.fields.map((f) => [f.number, f.name, f.kind, f.type, f.label, f.oneof ?? null])).toEqual([
      [1, 'id', 'scalar', 'string', 'optional', null],
      [2, 'lines', 'message', 'shop.v1.Order.Line', 'repeated', null],
      [3, 'card', 'scalar', 'string', 'optional', 'payment'],
      [4, 'iban', 'scalar', 'string', 'optional', 'payment'],
      [5, 'note', 'scalar', 'string', 'optional', null],
      [6, 'status', 'enum', 'shop.v1.Status', 'optional', null],
      [7, 'tags', 'map', 'int64', 'optional', null],
      [8, 'total', 'unknown', 'google.type.Money', 'optional', null],
    ]);
    expect(m.enums.get('shop.v1.Status')!.values).toEqual({ STATUS_UNKNOWN: 0, STATUS_PAID: 1 });
  });

  it('gives the first message as the record name, and says where a file does not parse', () => {
    expect(validateSchemaText(ORDER, 'protobuf')).toMatchObject({ ok: true, recordName: 'shop.v1.Order' });
    expect(validateSchemaText('syntax = "proto3";\nmessage A {\n  strin x = 1\n}\n', 'protobuf')).toEqual({ ok: false, problem: 'schema', message: "illegal token '}', ';' expected (line 4)" });
    expect(validateSchemaText('syntax = "proto3";\nmessage A { string x = 1; int32 y = 1; }\n', 'protobuf')).toMatchObject({ ok: false, message: expect.stringContaining('duplicate id 1') });
  });

  it('reports a .proto that does not parse at the topic entry in validate', () => {
    const r = specBuilder().topic('orders', { schema: { value: 'schemas/order.proto' } }).withFile('schemas/order.proto', 'message {').validate();
    expect(r.diagnostics).toMatchObject([{ code: 'schema-parse', path: 'topics.orders.schema.value', message: 'schema file schemas/order.proto is not a valid Protobuf schema', found: expect.stringContaining('line 1') }]);
  });
});

describe('protobuf compatibility messages', () => {
  it('names the field, the change and the change type, from old to new under both directions', () => {
    const v1 = 'syntax = "proto3";\npackage p;\nmessage M { int32 n = 1; }\n';
    const v2 = 'syntax = "proto3";\npackage p;\nmessage M { string n = 1; }\n';
    expect(checkCompatibility('BACKWARD', v2, [v1], 'protobuf').messages).toEqual([
      'p.M.n = 1: field scalar kind changed (int32 → string) [FIELD_SCALAR_KIND_CHANGED] under BACKWARD: consumers on the new schema cannot read records written with v1',
    ]);
    // A message added: new readers are fine; old readers do not know it (the registry agrees: FORWARD breaks).
    const v3 = 'syntax = "proto3";\npackage p;\nmessage M { int32 n = 1; }\nmessage Extra { int32 x = 1; }\n';
    expect(checkCompatibility('BACKWARD', v3, [v1], 'protobuf').messages).toEqual([]);
    expect(checkCompatibility('FORWARD', v3, [v1], 'protobuf').messages).toEqual([
      'p.Extra: message added [MESSAGE_REMOVED, read by the old schema] under FORWARD: consumers still on v1 cannot read records written with the new schema',
    ]);
  });
});
