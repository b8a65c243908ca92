import fc from 'fast-check';
import { AuditEvent, canonicalEventLine } from '../verification/canonical-event';
import { leafHash, toHex } from '../verification/merkle';
import { leafHashOfEvent } from './canonical-bytes';
import { auditEvent, jsonValue } from '../testing/canonical-json.arbitraries';

// The producer hashes bytes it writes itself; the export and the verifier hash the canonical line. They must be the
// same bytes for every event, whatever its strings (escapes, non-ASCII, surrogates) and numbers.
const event = auditEvent(jsonValue({ finite: true }));
const lineHash = (e: AuditEvent) => toHex(leafHash(Buffer.from(canonicalEventLine(e), 'utf8')));

describe('leafHashOfEvent', () => {
  it('hashes exactly the canonical line’s UTF-8 bytes', () => {
    fc.assert(
      fc.property(event, (e: AuditEvent) => expect(toHex(leafHashOfEvent(e))).toBe(lineHash(e))),
      { numRuns: 2000 },
    );
  });

  it('takes events larger than its buffer, and the next one still hashes right', () => {
    const big: AuditEvent = {
      id: 'b3a8f2a4-3c1e-4c55-9a5e-2f1e6b7c9a10',
      stream: 'order-1',
      streamPosition: 1,
      position: 2 ** 45,
      type: 'Big',
      data: { items: Array.from({ length: 20_000 }, (_, i) => ({ n: i, name: `item ${i} é` })) },
      metadata: {},
      recordedAt: new Date(0).toISOString(),
    };
    expect(toHex(leafHashOfEvent(big))).toBe(lineHash(big));
    const small = { ...big, data: { n: 1 } };
    expect(toHex(leafHashOfEvent(small))).toBe(lineHash(small));
  });

  it('refuses what canonical JSON refuses', () => {
    const e = { id: 'x', stream: 's', streamPosition: 1, position: 1, type: 't', metadata: {}, recordedAt: 'r' };
    expect(() => leafHashOfEvent({ ...e, data: { x: Number.NaN } })).toThrow(TypeError);
    expect(() => leafHashOfEvent({ ...e, data: { x: Number.POSITIVE_INFINITY } })).toThrow(TypeError);
  });
});
