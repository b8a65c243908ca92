import fc from 'fast-check';
import { defaultDomainContext } from '../shared/default-data';
import { deciderSpec } from '../testing/decider-spec';
import { PARTNER } from '../testing/fixtures';
import { canonicalStatementContent, statementTotals, type StatementLine } from './statement';
import { statementDecider } from './statement.decide';
import type { CloseStatement } from './statement.events';

const line = (over: Partial<StatementLine> = {}): StatementLine => ({
  id: 'o1_0',
  customerId: 'c1',
  orderId: 'o1',
  lineItemNumber: 0,
  offerId: 'x:y:z',
  friendlyName: 'Windows Server',
  kind: 'perpetual',
  basis: 'full',
  creditMinor: 100_00,
  currencyCode: 'PLN',
  taxInclusive: false,
  cancelledAt: '2026-11-10T10:00:00.000Z',
  postedAt: '2026-11-10T10:00:05.000Z',
  originalPeriod: null,
  ...over,
});

const lineArb = fc.record({
  id: fc.uuid(),
  creditMinor: fc.integer({ min: 0, max: 10_000_000 }),
  currencyCode: fc.constantFrom('PLN', 'EUR', 'USD', 'AUD'),
});

describe('statement content', () => {
  it('given lines in two currencies, then totals per currency in code order', () => {
    expect(
      statementTotals([
        line({ id: 'a', creditMinor: 5 }),
        line({ id: 'b', currencyCode: 'EUR', creditMinor: 7 }),
        line({ id: 'c', creditMinor: 10 }),
      ]),
    ).toEqual([
      { currencyCode: 'EUR', amountMinor: 7, count: 1 },
      { currencyCode: 'PLN', amountMinor: 15, count: 2 },
    ]);
  });

  it('property: totals add up every line, per currency', () => {
    fc.assert(
      fc.property(fc.array(lineArb, { maxLength: 40 }), (parts) => {
        const lines = parts.map((p) => line(p));
        const totals = statementTotals(lines);
        expect(totals.reduce((n, t) => n + t.count, 0)).toBe(lines.length);
        expect(totals.reduce((n, t) => n + t.amountMinor, 0)).toBe(lines.reduce((n, l) => n + l.creditMinor, 0));
      }),
    );
  });

  it('property: the canonical content does not depend on the order of the lines, and changes with any amount', () => {
    fc.assert(
      fc.property(fc.uniqueArray(lineArb, { minLength: 1, maxLength: 20, selector: (l) => l.id }), (parts) => {
        const lines = parts.map((p) => line(p));
        const content = canonicalStatementContent(PARTNER, '2026-11', lines);
        expect(canonicalStatementContent(PARTNER, '2026-11', [...lines].reverse())).toBe(content);
        const changed = lines.map((l, i) => (i === 0 ? { ...l, creditMinor: l.creditMinor + 1 } : l));
        expect(canonicalStatementContent(PARTNER, '2026-11', changed)).not.toBe(content);
      }),
    );
  });
});

describe('CloseStatement', () => {
  const now = new Date('2026-12-07T12:00:00Z');
  const spec = deciderSpec(statementDecider, () => defaultDomainContext(now));
  const close = (period: unknown, lines: StatementLine[] = [line()]): CloseStatement => ({
    type: 'CloseStatement',
    data: { partnerTenantId: PARTNER, period, lines, sha256: 'ab'.repeat(32), closedBy: { userId: 'u', upn: 'b@x' } },
  });

  it('given an ended month, when closed, then StatementClosed with its lines, totals and digest', () =>
    spec
      .given([])
      .when(close('2026-11'))
      .thenMatches(([e]) => {
        expect(e.data).toMatchObject({
          period: '2026-11',
          lines: [line()],
          totals: [{ currencyCode: 'PLN', amountMinor: 100_00, count: 1 }],
          sha256: 'ab'.repeat(32),
          closedAt: now.toISOString(),
        });
      }));

  it('given a closed month, when closed again, then 409 statement_closed', () => {
    const [closed] = spec.given([]).when(close('2026-11')).events();
    spec
      .given([closed])
      .when(close('2026-11'))
      .thenThrows({ code: 'statement_closed', kind: 'conflict', field: 'period' });
  });

  it('given the current or a future month, then 422 period_not_ended', () => {
    spec.given([]).when(close('2026-12')).thenThrows({ code: 'period_not_ended', kind: 'unprocessable' });
    spec.given([]).when(close('2027-03')).thenThrows({ code: 'period_not_ended', kind: 'unprocessable' });
  });

  it('given no month, then 400 naming period', () =>
    spec.given([]).when(close('2026-13')).thenThrows({ code: 'invalid_period', kind: 'validation', field: 'period' }));
});
