import { findPolicy } from '../policies/policies';
import { defaultDomainData } from '../shared/default-data';
import { at, DAY, OFFERS, ORDER, placedEvents, T0 } from '../testing/fixtures';
import { ADMIN_AGENT } from '../testing/fixtures';
import { cancellationEligibility } from './cancellation-eligibility';
import type { OrderEvent } from './order.events';
import { evolveOrder, initialOrderState, type PlacedOrderState } from './order.state';

const S = 1000;
const stateOf = (events: OrderEvent[]) => events.reduce(evolveOrder, initialOrderState()) as PlacedOrderState;
const book = () => defaultDomainData().policies;

describe('cancellationEligibility', () => {
  const order = () =>
    stateOf(
      placedEvents('PL', [
        [OFFERS.wsStdPerpetual, 1],
        [OFFERS.wsStdP1Y, 1],
        [OFFERS.susePlan, 1],
      ]),
    );

  it('at the purchase instant: eligible, 30 days remaining, expected credits per line', () => {
    const e = cancellationEligibility(order(), T0, book());
    expect(e).toMatchObject({
      orderId: ORDER,
      isEligible: true,
      daysRemaining: 30,
      windowEndsAt: at(T0, 30 * DAY).toISOString(),
      windowPassed: false,
      reason: 'eligible',
      currencyCode: 'PLN',
      taxInclusive: false,
      policyVersion: '2024-01',
    });
    expect(e.lineItems).toEqual([
      expect.objectContaining({
        lineItemNumber: 0,
        isEligible: true,
        expectedCredit: { amount: '4276.00', currencyCode: 'PLN' },
        basis: 'full',
      }),
      // 154000 × 364/365 = 153578.08… → 153578
      expect.objectContaining({
        lineItemNumber: 1,
        isEligible: true,
        expectedCreditMinor: 153578,
        basis: 'prorated',
        daysUsed: 1,
        termDays: 365,
      }),
      expect.objectContaining({
        lineItemNumber: 2,
        isEligible: false,
        reason: 'not_cancellable',
        expectedCreditMinor: 0,
      }),
    ]);
    expect(e.expectedTotalCreditMinor).toBe(427600 + 153578);
  });

  it('29 d 23:59:59 in: 1 day remaining', () => {
    expect(cancellationEligibility(order(), at(T0, 30 * DAY - S), book())).toMatchObject({
      isEligible: true,
      daysRemaining: 1,
    });
  });

  it('exactly 30 days in: window passed, 0 days remaining', () => {
    const e = cancellationEligibility(order(), at(T0, 30 * DAY), book());
    expect(e).toMatchObject({ isEligible: false, daysRemaining: 0, windowPassed: true, reason: 'window_passed' });
    expect(e.lineItems.every((l) => !l.isEligible)).toBe(true);
  });

  it('an order of plans only is not cancellable', () => {
    const s = stateOf(
      placedEvents('US', [
        [OFFERS.rhelPlan, 1],
        [OFFERS.reservationP1Y, 1],
      ]),
    );
    expect(cancellationEligibility(s, T0, book())).toMatchObject({
      isEligible: false,
      reason: 'not_cancellable',
      daysRemaining: 0,
    });
  });

  it('after a cancellation: already cancelled', () => {
    const placed = placedEvents('US', [
      [OFFERS.wsStdPerpetual, 1],
      [OFFERS.sqlStdPerpetual, 1],
    ]);
    const cancelled: OrderEvent[] = [
      ...placed,
      {
        type: 'OrderCancelled',
        data: {
          orderId: ORDER,
          customerId: 'c',
          partnerTenantId: 'p',
          lineItems: [],
          currencyCode: 'USD',
          taxInclusive: false,
          totalCredit: 0,
          earlyTerminationFee: 0,
          cancelledAt: at(T0, DAY).toISOString(),
          propagationDeadline: at(T0, DAY).toISOString(),
          statusAfter: 'completed',
          windowEndsAt: at(T0, 30 * DAY).toISOString(),
          policyVersion: '2024-01',
          requestedBy: ADMIN_AGENT,
          revokedLinkIds: [],
        },
      },
    ];
    expect(cancellationEligibility(stateOf(cancelled), at(T0, 2 * DAY), book())).toMatchObject({
      isEligible: false,
      reason: 'already_cancelled',
      daysRemaining: 0,
    });
  });

  it('accepts a Policy as well as the PolicyBook', () => {
    expect(cancellationEligibility(order(), T0, findPolicy(book(), '2024-01')).daysRemaining).toBe(30);
    expect(cancellationEligibility(order(), T0, findPolicy(book(), '2019')).daysRemaining).toBe(60);
  });
});
