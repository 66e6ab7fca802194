/** Load-test payloads from a .proto value schema: protobuf binary of the first message that decodes back, sized towards the target. */
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { generatePayload } from '../../src/schema/payload.js';
import { parseProtoSchema } from '../../src/schema/proto-model.js';

const REFUND = `syntax = "proto3";
package shop.v1;
message Refund {
  string id = 1;
  int64 amount_cents = 2;
  Reason reason = 3;
  repeated Line lines = 4;
  map<string, string> tags = 5;
  oneof to { string card = 6; string iban = 7; }
  bool partial = 8;
  message Line { string sku = 1; int32 qty = 2; }
}
enum Reason { REASON_UNKNOWN = 0; REASON_DAMAGED = 1; }
`;

describe('generatePayload (Protobuf)', () => {
  const type = protobuf.parse(REFUND, { keepCase: true }).root.lookupType('shop.v1.Refund');

  it('encodes the first message; the bytes decode to the value, one oneof branch set', () => {
    const p = generatePayload(parseProtoSchema(REFUND), 'protobuf', 1024, 5);
    const back = type.toObject(type.decode(p.buffer), { longs: Number, defaults: false });
    expect(type.verify(back)).toBeNull();
    expect(back).toMatchObject({ id: (p.value as { id: string }).id, lines: [expect.objectContaining({ sku: expect.any(String) })] });
    expect('iban' in back).toBe(false);
    expect(p.bytes).toBe(p.buffer.length);
  });

  for (const target of [200, 4096]) {
    it(`approaches ${target} bytes without going over`, () => {
      const p = generatePayload(REFUND, 'protobuf', target, 2);
      expect(p.bytes).toBeLessThanOrEqual(target);
      expect(p.bytes).toBeGreaterThanOrEqual(target * 0.9);
    });
  }

  it('refuses a file whose message uses an imported type, naming it', () => {
    const text = 'syntax = "proto3";\nimport "money.proto";\nmessage A { Money m = 1; }\n';
    expect(() => generatePayload(text, 'protobuf', 100)).toThrow(/cannot generate payloads from A: .*Money/);
  });
});
