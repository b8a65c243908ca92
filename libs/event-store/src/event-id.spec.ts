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

  it('pins the ids already stored: the same inputs give the same ids as every earlier release', () => {
    // Computed by the earlier hand-written SHA-1 derivation; a change here would re-append retried commands.
    const pinned: Array<[EventIdScope, string, number, string]> = [
      [scope(), 'order-1', 0, 'c81df38b-be88-5688-9e98-63cf6bad66dc'],
      [
        { requestId: '3f2b8c1e-5d4a-4e7b-9c0d-1a2b3c4d5e6f', tenantId: '-', userId: '-', command: 'DownloadSoftware' },
        'order-3f2b8c1e-5d4a-4e7b-9c0d-1a2b3c4d5e6f',
        2,
        'f37c2777-cdc6-5d98-8a27-1fe8d4e203b8',
      ],
      [
        { requestId: 'r', tenantId: 't', userId: 'Zoë 👩‍💻', command: 'RevealKey' },
        'order-x',
        1,
        '8ae093e6-67fe-5699-a29e-e0657632a941',
      ],
      [
        { requestId: '\ud800', tenantId: 't', userId: 'u', command: 'PlaceOrder' },
        'order-y',
        0,
        '75cd8461-6098-5bc7-b799-3ea7ebbf9264',
      ],
    ];
    for (const [s, streamId, index, id] of pinned) expect(deriveEventId(s, streamId, index)).toBe(id);
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
