import { deciderSpec } from '../testing/decider-spec';
import {
  ADMIN_AGENT,
  at,
  CUSTOMER,
  ctxAt,
  DAY,
  history,
  OFFERS,
  ORDER,
  PARTNER,
  placeOrder,
  T0,
} from '../testing/fixtures';
import type { CancelOrder, OrderCommand } from './order.commands';
import { openCancellationWindows, orderDecider } from './order.decide';
import type { OrderEvent } from './order.events';
import { evolveOrder, initialOrderState, type PlacedOrderState } from './order.state';

const S = 1000;
const MIN = 60 * S;
const H = 60 * MIN;
const specAt = (now: Date) => deciderSpec(orderDecider, () => ctxAt(now));
const cancel: CancelOrder = { type: 'CancelOrder', data: { acknowledgedNotice: true, requestedBy: ADMIN_AGENT } };
const placed = () => history([[placeOrder('US', [[OFFERS.wsStdPerpetual, 1]]), T0]]);
const cancelledAt = at(T0, H);
const cancelled = () =>
  history([
    [placeOrder('US', [[OFFERS.wsStdPerpetual, 1]]), T0],
    [cancel, cancelledAt],
  ]);
const stateOf = (events: OrderEvent[]) => events.reduce(evolveOrder, initialOrderState()) as PlacedOrderState;
const decideAt = (given: OrderEvent[], command: OrderCommand, now: Date) =>
  orderDecider.decide(command, stateOf(given), ctxAt(now));

describe('MarkCancellationPropagated with step times', () => {
  it('records when each step finished', () =>
    specAt(at(cancelledAt, 4 * S))
      .given(cancelled())
      .when({
        type: 'MarkCancellationPropagated',
        data: {
          keysRevokedAt: at(cancelledAt, S).toISOString(),
          linksRevokedAt: at(cancelledAt, 2 * S).toISOString(),
          creditPostedAt: at(cancelledAt, 3 * S).toISOString(),
        },
      })
      .then([
        {
          type: 'CancellationPropagated',
          data: {
            orderId: ORDER,
            customerId: CUSTOMER,
            cancelledAt: cancelledAt.toISOString(),
            propagatedAt: at(cancelledAt, 4 * S).toISOString(),
            withinDeadline: true,
            keysRevokedAt: at(cancelledAt, S).toISOString(),
            linksRevokedAt: at(cancelledAt, 2 * S).toISOString(),
            creditPostedAt: at(cancelledAt, 3 * S).toISOString(),
          },
        },
      ]));

  it('after the deadline it is recorded as late', () =>
    specAt(at(cancelledAt, 15 * MIN + 1))
      .given(cancelled())
      .when({ type: 'MarkCancellationPropagated', data: {} })
      .thenMatches((events) => expect(events[0]?.data).toMatchObject({ withinDeadline: false })));

  it('refuses a step time that is not an instant', () =>
    specAt(at(cancelledAt, S))
      .given(cancelled())
      .when({ type: 'MarkCancellationPropagated', data: { keysRevokedAt: 'yesterday' } })
      .thenThrows({ code: 'invalid_instant', field: 'keysRevokedAt' }));
});

describe('MarkCancellationOverdue', () => {
  const overdue: OrderCommand = { type: 'MarkCancellationOverdue', data: {} };

  it('nothing up to the deadline (a propagation then is still within it)', () =>
    specAt(at(cancelledAt, 15 * MIN))
      .given(cancelled())
      .when(overdue)
      .then([]));

  it('1 ms after the deadline, once', () => {
    const now = at(cancelledAt, 15 * MIN + 1);
    specAt(now)
      .given(cancelled())
      .when(overdue)
      .then([
        {
          type: 'CancellationPropagationOverdue',
          data: {
            orderId: ORDER,
            customerId: CUSTOMER,
            cancelledAt: cancelledAt.toISOString(),
            propagationDeadline: at(cancelledAt, 15 * MIN).toISOString(),
            detectedAt: now.toISOString(),
          },
        },
      ]);
    const after = [...cancelled(), ...decideAt(cancelled(), overdue, now)];
    expect(stateOf(after).cancellation?.overdueAt).toBe(now.toISOString());
    specAt(at(now, H)).given(after).when(overdue).then([]);
  });

  it('nothing once propagated', () => {
    const done = [
      ...cancelled(),
      ...decideAt(cancelled(), { type: 'MarkCancellationPropagated', data: {} }, cancelledAt),
    ];
    specAt(at(cancelledAt, H)).given(done).when(overdue).then([]);
  });

  it('a propagation after the alert is still recorded (late)', () => {
    const late = [...cancelled(), ...decideAt(cancelled(), overdue, at(cancelledAt, 16 * MIN))];
    specAt(at(cancelledAt, 17 * MIN))
      .given(late)
      .when({ type: 'MarkCancellationPropagated', data: {} })
      .thenMatches((events) => expect(events[0]).toMatchObject({ data: { withinDeadline: false } }));
  });

  it('needs a cancellation', () => specAt(T0).given(placed()).when(overdue).thenThrows({ code: 'not_cancelled' }));
});

describe('WarnCancellationWindowClosing', () => {
  const windowEndsAt = at(T0, 30 * DAY);
  const warn = (hoursBefore: number, end = windowEndsAt): OrderCommand => ({
    type: 'WarnCancellationWindowClosing',
    data: { windowEndsAt: end.toISOString(), hoursBefore },
  });

  it('knows the open windows of an order (one per distinct end)', () =>
    expect(openCancellationWindows(stateOf(placed()), ctxAt(T0))).toEqual([
      { windowEndsAt: windowEndsAt.toISOString(), lineItemNumbers: [0] },
    ]));

  it('warns 72 h before the end, not 1 ms earlier', () => {
    const due = at(windowEndsAt, -72 * H);
    specAt(at(due, -1)).given(placed()).when(warn(72)).then([]);
    specAt(due)
      .given(placed())
      .when(warn(72))
      .then([
        {
          type: 'CancellationWindowClosing',
          data: {
            orderId: ORDER,
            customerId: CUSTOMER,
            partnerTenantId: PARTNER,
            windowEndsAt: windowEndsAt.toISOString(),
            hoursBefore: 72,
            lineItemNumbers: [0],
            warnedAt: due.toISOString(),
          },
        },
      ]);
  });

  it('warns once per threshold', () => {
    const due = at(windowEndsAt, -24 * H);
    const warned = [...placed(), ...decideAt(placed(), warn(24), due)];
    specAt(at(due, H)).given(warned).when(warn(24)).then([]);
    specAt(at(due, H))
      .given(warned)
      .when(warn(72))
      .thenMatches((events) => expect(events).toHaveLength(1));
  });

  it('nothing once the window has passed', () => specAt(windowEndsAt).given(placed()).when(warn(24)).then([]));

  it('nothing once the order is cancelled', () =>
    specAt(at(windowEndsAt, -24 * H))
      .given(cancelled())
      .when(warn(24))
      .then([]));

  it('nothing for a window the order does not have', () =>
    specAt(at(windowEndsAt, -23 * H))
      .given(placed())
      .when(warn(24, at(windowEndsAt, H)))
      .then([]));

  it('nothing for an order without cancellable lines', () =>
    specAt(at(windowEndsAt, -24 * H))
      .given(history([[placeOrder('US', [[OFFERS.susePlan, 1]]), T0]]))
      .when(warn(24))
      .then([]));

  it('refuses other thresholds', () =>
    specAt(T0).given(placed()).when(warn(48)).thenThrows({ code: 'invalid_hours', field: 'hoursBefore' }));
});
