import fc from 'fast-check';
import type { AuditEvent } from '../verification/canonical-event';

// Inputs for the specs of what is hashed: canonical JSON, canonical event lines, the producer's leaf bytes. Strings
// with escapes, control characters, non-ASCII, lone surrogates and astral characters, numbers of every size.
const awkward = fc.constantFrom(
  ...['', '"', '\\', '\u0000', '\u001f', '\u007f', '\u0080', '\u2028', '\ud800', '\udfff', '😀', 'é'],
);
export const awkwardText = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), awkward, fc.string({ unit: awkward }));

/** Any JSON value, or (`finite: false`) with NaN and the infinities, which canonical JSON refuses. */
export function jsonValue({ finite }: { finite: boolean }): fc.Arbitrary<unknown> {
  const number = finite ? fc.double({ noNaN: true, noDefaultInfinity: true }) : fc.double();
  return fc.letrec((tie) => ({
    value: fc.oneof(
      { depthSize: 'small' },
      awkwardText,
      number,
      fc.integer(),
      fc.boolean(),
      fc.constant(null),
      fc.array(tie('value')),
      fc.dictionary(awkwardText, tie('value')),
    ),
  })).value;
}

/** An event as the audit log hashes it, its data and metadata made of `json`. */
export const auditEvent = (json: fc.Arbitrary<unknown>): fc.Arbitrary<AuditEvent> =>
  fc.record({
    id: fc.uuid(),
    stream: awkwardText,
    streamPosition: fc.nat(),
    position: fc.nat({ max: Number.MAX_SAFE_INTEGER }),
    type: awkwardText,
    data: fc.dictionary(awkwardText, json),
    metadata: fc.dictionary(awkwardText, json),
    recordedAt: fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
  }) as fc.Arbitrary<AuditEvent>;
