import fc from 'fast-check';
import {
  billingPeriodOf,
  hasPeriodEnded,
  nextPeriod,
  openPeriodFor,
  periodEnd,
  periodIndex,
  periodOfIndex,
} from './billing-period';

const periodArb = fc.integer({ min: 2000 * 12, max: 2200 * 12 }).map(periodOfIndex);

describe('billing periods', () => {
  it('given December, then the next period is January of the next year and it ends on 1 January UTC', () => {
    expect(nextPeriod('2026-12')).toBe('2027-01');
    expect(periodEnd('2026-12').toISOString()).toBe('2027-01-01T00:00:00.000Z');
    expect(billingPeriodOf('2026-11-30T23:59:59.999Z')).toBe('2026-11');
  });

  it('given an instant with a UTC offset, then its period is its calendar month in UTC (the one rule of credits and propagation)', () => {
    expect(billingPeriodOf('2026-12-01T00:30:00+01:00')).toBe('2026-11');
    expect(billingPeriodOf('2026-11-30T23:30:00-01:00')).toBe('2026-12');
    expect(billingPeriodOf(new Date(Date.UTC(2024, 1, 29, 12)))).toBe('2024-02');
  });

  it('given the clock, then a period has ended only from the first instant of the next month', () => {
    expect(hasPeriodEnded('2026-11', new Date('2026-11-30T23:59:59.999Z'))).toBe(false);
    expect(hasPeriodEnded('2026-11', new Date('2026-12-01T00:00:00.000Z'))).toBe(true);
    expect(hasPeriodEnded('2026-12', new Date('2026-12-07T12:00:00Z'))).toBe(false);
  });

  it('given closed periods, then a credit goes to the first open period at or after its own', () => {
    expect(openPeriodFor('2026-11', new Set())).toBe('2026-11');
    expect(openPeriodFor('2026-11', new Set(['2026-11']))).toBe('2026-12');
    expect(openPeriodFor('2026-11', new Set(['2026-11', '2026-12', '2027-02']))).toBe('2027-01');
  });

  it('property: index and text round-trip, the period of an instant contains it', () => {
    fc.assert(
      fc.property(periodArb, (p) => {
        expect(periodOfIndex(periodIndex(p))).toBe(p);
        expect(billingPeriodOf(new Date(periodEnd(p).getTime() - 1))).toBe(p);
        expect(billingPeriodOf(periodEnd(p))).toBe(nextPeriod(p));
      }),
    );
  });

  it('property: the open period is never closed, never earlier, and nothing between is open', () => {
    fc.assert(
      fc.property(periodArb, fc.array(fc.nat({ max: 24 })), (p, offsets) => {
        const closed = new Set(offsets.map((o) => periodOfIndex(periodIndex(p) + o)));
        const open = openPeriodFor(p, closed);
        expect(closed.has(open)).toBe(false);
        expect(periodIndex(open)).toBeGreaterThanOrEqual(periodIndex(p));
        for (let i = periodIndex(p); i < periodIndex(open); i++) expect(closed.has(periodOfIndex(i))).toBe(true);
      }),
    );
  });
});
