import fc from 'fast-check';
import { jsonDepthExceeds, MAX_JSON_DEPTH } from './json-depth';

/** The nesting depth of a parsed value, for the property (recursion is fine on generated values). */
const depthOf = (v: unknown): number =>
  v !== null && typeof v === 'object' ? 1 + Math.max(0, ...Object.values(v as object).map(depthOf)) : 0;
const nested = (n: number, open = '[', close = ']'): string => open.repeat(n) + close.repeat(n);

describe('jsonDepthExceeds', () => {
  it('given a body at the limit, accepts it; one deeper, refuses it', () => {
    expect(jsonDepthExceeds(nested(MAX_JSON_DEPTH))).toBe(false);
    expect(jsonDepthExceeds(nested(MAX_JSON_DEPTH + 1))).toBe(true);
    expect(jsonDepthExceeds('{"a":'.repeat(33) + '1' + '}'.repeat(33))).toBe(true);
    expect(jsonDepthExceeds('{"a":'.repeat(32) + '1' + '}'.repeat(32))).toBe(false);
  });

  it('given 20,000 levels (or an unclosed million), answers without overflowing the stack', () => {
    expect(jsonDepthExceeds(nested(20_000))).toBe(true);
    expect(jsonDepthExceeds('['.repeat(1_000_000))).toBe(true);
  });

  it('ignores brackets inside strings, escaped quotes included', () => {
    expect(jsonDepthExceeds(JSON.stringify({ s: '['.repeat(100) }))).toBe(false);
    expect(jsonDepthExceeds(JSON.stringify({ s: `\\"${'{'.repeat(100)}\\"` }))).toBe(false);
    expect(jsonDepthExceeds(`["\\\\", ${nested(40)}]`)).toBe(true);
  });

  it('agrees with the parsed depth for any JSON value, whatever the limit', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 12 }), fc.integer({ min: 0, max: 14 }), (value, max) => {
        expect(jsonDepthExceeds(JSON.stringify(value), max)).toBe(depthOf(value) > max);
      }),
    );
  });
});
