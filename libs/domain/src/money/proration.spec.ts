import fc from 'fast-check';
import { proratedCredit } from './proration';
import { lineCredit, termDays } from '../policies/policies';
import { currentPolicy } from '../policies/policies';
import { defaultDomainData } from '../shared/default-data';
import { sumMinor } from './money';

const policy = () => currentPolicy(defaultDomainData().policies);
const price = fc.integer({ min: 0, max: 2_000_000_000_000 });
const term = fc.integer({ min: 1, max: 1100 });
const kind = fc.constantFrom('perpetual' as const, 'softwareSubscription' as const);
const instant = fc.date({
  min: new Date('2020-01-01T00:00:00Z'),
  max: new Date('2030-12-31T23:59:59Z'),
  noInvalidDate: true,
});

describe('credit properties (fast-check)', () => {
  it('0 ≤ credit ≤ price', () => {
    fc.assert(
      fc.property(price, term, fc.integer({ min: -5, max: 1200 }), (p, t, d) => {
        const c = proratedCredit(p, t, d);
        expect(Number.isInteger(c)).toBe(true);
        expect(c).toBeGreaterThanOrEqual(0);
        expect(c).toBeLessThanOrEqual(p);
      }),
    );
  });

  it('is non-increasing in days used', () => {
    fc.assert(
      fc.property(price, term, fc.integer({ min: 0, max: 1100 }), fc.integer({ min: 0, max: 1100 }), (p, t, a, b) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        expect(proratedCredit(p, t, hi)).toBeLessThanOrEqual(proratedCredit(p, t, lo));
      }),
    );
  });

  it('is the full price with no day used and nothing once the term is used up', () => {
    fc.assert(
      fc.property(price, term, (p, t) => {
        expect(proratedCredit(p, t, 0)).toBe(p);
        expect(proratedCredit(p, t, t)).toBe(0);
      }),
    );
  });

  it('is within ½ minor unit of the exact rational', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e9 }), term, fc.integer({ min: 0, max: 1100 }), (p, t, d) => {
        const used = Math.min(d, t);
        const exact2 = 2 * p * (t - used); // compare 2·c·t with 2·p·(t − d) in integers
        const c = proratedCredit(p, t, d);
        expect(Math.abs(2 * c * t - exact2)).toBeLessThanOrEqual(t);
      }),
    );
  });

  it('perpetual lines get the full line total, whatever the day', () => {
    fc.assert(
      fc.property(price, instant, fc.integer({ min: 0, max: 29 * 86_400_000 }), (p, placedAt, elapsed) => {
        const c = lineCredit(
          policy(),
          { kind: 'perpetual', termDuration: null, lineTotal: p },
          placedAt,
          new Date(placedAt.getTime() + elapsed),
        );
        expect(c).toMatchObject({ credit: p, basis: 'full' });
      }),
    );
  });

  it('per-line credits sum to the order credit and never exceed the order total', () => {
    const line = fc.record({
      kind,
      termDuration: fc.constantFrom('P1Y' as const, 'P3Y' as const),
      lineTotal: fc.integer({ min: 0, max: 1e10 }),
    });
    fc.assert(
      fc.property(
        fc.array(line, { minLength: 1, maxLength: 20 }),
        instant,
        fc.integer({ min: 0, max: 30 * 86_400_000 - 1 }),
        (lines, placedAt, elapsed) => {
          const now = new Date(placedAt.getTime() + elapsed);
          const credits = lines.map(
            (l) =>
              lineCredit(
                policy(),
                { ...l, termDuration: l.kind === 'perpetual' ? null : l.termDuration },
                placedAt,
                now,
              ).credit,
          );
          const total = sumMinor(credits);
          expect(total).toBe(credits.reduce((a, b) => a + b, 0));
          expect(total).toBeLessThanOrEqual(sumMinor(lines.map((l) => l.lineTotal)));
          credits.forEach((c, i) => expect(c).toBeLessThanOrEqual(lines[i].lineTotal));
        },
      ),
    );
  });

  it('a subscription credit decreases (weakly) as the cancellation comes later', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1e10 }),
        instant,
        fc.nat(30 * 86_400_000),
        fc.nat(30 * 86_400_000),
        (p, placedAt, a, b) => {
          const [lo, hi] = a <= b ? [a, b] : [b, a];
          const l = { kind: 'softwareSubscription' as const, termDuration: 'P1Y' as const, lineTotal: p };
          const early = lineCredit(policy(), l, placedAt, new Date(placedAt.getTime() + lo)).credit;
          const late = lineCredit(policy(), l, placedAt, new Date(placedAt.getTime() + hi)).credit;
          expect(late).toBeLessThanOrEqual(early);
          expect(termDays('P1Y', placedAt)).toBeGreaterThanOrEqual(365);
        },
      ),
    );
  });
});
