import canonicalize from 'canonicalize';
import fc from 'fast-check';
import { AuditEvent, canonicalEventLine, canonicalJson } from './canonical-event';
import { leafHash, leafHashOfText } from './merkle';
import { auditEvent, jsonValue } from '../testing/canonical-json.arbitraries';

// canonicalJson writes RFC 8785 by hand (the producer's hot path); every leaf ever hashed was the `canonicalize`
// package's bytes, so the two must agree on every JSON value, strings with escapes and surrogates included.
const json = jsonValue({ finite: false });

/** What a serialiser writes, or that it refused (NaN, Infinity). */
const outcome = (write: (v: unknown) => string | undefined, v: unknown): string | undefined => {
  try {
    return write(v);
  } catch {
    return 'refused';
  }
};

describe('canonicalJson (RFC 8785)', () => {
  it('writes exactly what the canonicalize package writes, for any JSON value', () => {
    fc.assert(
      fc.property(json, (v) => expect(outcome(canonicalJson, v)).toBe(outcome(canonicalize, v))),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(fc.jsonValue(), (v) => expect(canonicalJson(v)).toBe(canonicalize(v))),
      { numRuns: 2000 },
    );
  });

  it('sorts keys by UTF-16 code units and escapes as JSON.stringify does', () => {
    expect(canonicalJson({ b: 1, a: [true, null, 'x"\n'], '\u20ac': 1e21, é: -0, A: 1.5 })).toBe(
      '{"A":1.5,"a":[true,null,"x\\"\\n"],"b":1,"é":0,"€":1e+21}',
    );
  });

  it('refuses what is not JSON', () => {
    expect(() => canonicalJson(Number.NaN)).toThrow(TypeError);
    expect(() => canonicalJson({ a: [Number.POSITIVE_INFINITY] })).toThrow(TypeError);
    expect(canonicalJson({ at: new Date(0) })).toBe(canonicalize({ at: new Date(0) }));
    expect(() => canonicalJson(undefined)).toThrow(TypeError);
  });

  it('writes an event line as the package writes the event, and hashes its UTF-8 bytes as the verifier does', () => {
    const event = auditEvent(json);
    fc.assert(
      fc.property(event, (e: AuditEvent) => {
        const line = outcome(() => canonicalEventLine(e), e);
        expect(line).toBe(outcome(canonicalize, e));
        if (line !== 'refused' && line !== undefined)
          expect(leafHashOfText(line).equals(leafHash(Buffer.from(line, 'utf8')))).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });
});
