import fc from 'fast-check';
import { v5 as uuidv5 } from 'uuid';
import { deriveEventId, EVENT_ID_NAMESPACE, EventIdScope, eventIdName } from './event-id';

const scope = (over: Partial<EventIdScope> = {}): EventIdScope => ({
  requestId: 'req-1',
  tenantId: 'tenant-1',
  userId: 'user-1',
  command: 'CancelOrder',
  ...over,
});

describe('deriveEventId', () => {
  it('is a stable UUID v5 per caller, request, command, stream and index', () => {
    const id = deriveEventId(scope(), 'order-1', 0);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(deriveEventId(scope(), 'order-1', 0)).toBe(id);
    expect(
      new Set([
        id,
        deriveEventId(scope(), 'order-1', 1),
        deriveEventId(scope({ requestId: 'req-2' }), 'order-1', 0),
        deriveEventId(scope(), 'order-2', 0),
        deriveEventId(scope({ tenantId: 'tenant-2' }), 'order-1', 0),
        deriveEventId(scope({ userId: 'user-2' }), 'order-1', 0),
        deriveEventId(scope({ command: 'RevealKey' }), 'order-1', 0),
      ]).size,
    ).toBe(7);
  });

  it('property: two different (caller, request, command, stream, index) never share a name, however the fields are cut', () => {
    const field = fc.string({ maxLength: 6, unit: fc.constantFrom('a', '"', '\\', ',', '\u0000', ':') });
    const arbitrary = fc.tuple(
      fc.record({ requestId: field, tenantId: field, userId: field, command: field }),
      field,
      fc.nat(3),
    );
    fc.assert(
      fc.property(arbitrary, arbitrary, ([s1, st1, i1], [s2, st2, i2]) => {
        const same =
          s1.requestId === s2.requestId &&
          s1.tenantId === s2.tenantId &&
          s1.userId === s2.userId &&
          s1.command === s2.command &&
          st1 === st2 &&
          i1 === i2;
        expect(eventIdName(s1, st1, i1) === eventIdName(s2, st2, i2)).toBe(same);
      }),
      { numRuns: 2000 },
    );
  });

  it("property: equals the uuid package's v5 of the same name", () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.string(), fc.nat(4096), (requestId, streamId, index) => {
        const s = scope({ requestId });
        expect(deriveEventId(s, streamId, index)).toBe(uuidv5(eventIdName(s, streamId, index), EVENT_ID_NAMESPACE));
      }),
      { numRuns: 500 },
    );
  });
});
