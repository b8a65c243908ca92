import fc from 'fast-check';
import { v5 as uuidv5 } from 'uuid';
import { deriveEventId, EVENT_ID_NAMESPACE } from './event-id';

describe('deriveEventId', () => {
  it('is a stable UUID v5 per request, stream and index', () => {
    const id = deriveEventId('req-1', 'order-1', 0);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(deriveEventId('req-1', 'order-1', 0)).toBe(id);
    expect(
      new Set([
        id,
        deriveEventId('req-1', 'order-1', 1),
        deriveEventId('req-2', 'order-1', 0),
        deriveEventId('req-1', 'order-2', 0),
      ]).size,
    ).toBe(4);
  });

  it('does not confuse concatenations', () => {
    expect(deriveEventId('a', 'bc', 1)).not.toBe(deriveEventId('ab', 'c', 1));
  });

  it("property: equals the uuid package's v5 of the same name (ids already stored keep matching retries)", () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.string(), fc.nat(4096), (requestId, streamId, index) => {
        expect(deriveEventId(requestId, streamId, index)).toBe(
          uuidv5(`${requestId}\u0000${streamId}\u0000${index}`, EVENT_ID_NAMESPACE),
        );
      }),
      { numRuns: 500 },
    );
  });
});
