import { formatMoney, type OrderCancelled, type OrderPlaced } from '@csp/domain';
import { projectionSpec } from '@csp/event-sourcing/testing/projection-spec';
import { orderViewsProjection } from '../../apps/worker/src/projections';
import { OrderViewsQuery } from '@csp/capabilities/orders';
import { createTestDatabase } from '../support/database';
import { DAY, OFFERS, T0, at, cancelOrder, markPropagated, orderHistory, recorded } from './projections.fixtures';

const C1 = 'c1c1c1c1-0000-4000-8000-000000000011';
const O1 = '01010101-0000-4000-8000-000000000011';
const O2 = '02020202-0000-4000-8000-000000000012';
const O3 = '03030303-0000-4000-8000-000000000013';

const o1 = orderHistory(
  O1,
  C1,
  'US',
  [
    [OFFERS.wsStdPerpetual, 2],
    [OFFERS.wsStdP1Y, 1],
    [OFFERS.susePlan, 1],
  ],
  T0,
  [
    [cancelOrder([0, 1]), at(T0, 2 * DAY)],
    [markPropagated, at(T0, 2 * DAY + 5 * 60_000)],
  ],
);
const o2 = orderHistory(O2, C1, 'JP', [[OFFERS.wsStdPerpetual, 1]], at(T0, DAY), [
  [cancelOrder(), at(T0, DAY + 3_600_000)],
]);
const o3 = orderHistory(O3, C1, 'US', [[OFFERS.sqlStdPerpetual, 1]], at(T0, 3 * DAY));
const all = recorded([o1[0], o2[0], o2[1], o1[1], o3[0], o1[2]]);

describe('order views projection', () => {
  const spec = projectionSpec(orderViewsProjection, { database: () => createTestDatabase('csp_rm_orders') });
  const placed = o1[0] as OrderPlaced;
  const cancelled = o1[1] as OrderCancelled;

  it('builds the order document from OrderPlaced', () =>
    spec.given(all.slice(0, 1)).thenMatches(async (pool) => {
      const view = await new OrderViewsQuery(pool).get(C1, O1);
      const d = placed.data;
      expect(view).toEqual({
        id: O1,
        customerId: C1,
        status: 'completed',
        creationDate: T0.toISOString(),
        currencyCode: 'USD',
        taxInclusive: false,
        total: formatMoney(d.total, 'USD'),
        lineItems: d.lineItems.map((l) => ({
          lineItemNumber: l.lineItemNumber,
          offerId: l.offerId,
          friendlyName: l.friendlyName,
          kind: l.kind,
          quantity: l.quantity,
          originalQuantity: l.quantity,
          unitPrice: formatMoney(l.unitPrice, 'USD'),
          termDuration: l.termDuration,
          cancelled: false,
          credit: null,
        })),
        cancellations: [],
        billingCycle: 'one_time',
      });
      expect(view?.total.amount).toMatch(/^\d+\.\d{2}$/);
    }));

  it('OrderCancelled zeroes the cancelled lines and adds a propagating cancellation', () =>
    spec.given(all.slice(0, 4)).thenMatches(async (pool) => {
      const view = await new OrderViewsQuery(pool).get(C1, O1);
      expect(view?.status).toBe('completed'); // the SUSE plan line stays
      expect(view?.lineItems.map((l) => [l.lineItemNumber, l.quantity, l.originalQuantity, l.cancelled])).toEqual([
        [0, 0, 2, true],
        [1, 0, 1, true],
        [2, 1, 1, false],
      ]);
      expect(view?.cancellations).toEqual([
        {
          requestedAt: cancelled.data.cancelledAt,
          propagationDeadline: cancelled.data.propagationDeadline,
          status: 'propagating',
          propagatedAt: null,
          credit: formatMoney(cancelled.data.totalCredit, 'USD'),
          lineItems: cancelled.data.lineItems.map((l) => ({
            lineItemNumber: l.lineItemNumber,
            offerId: l.offerId,
            quantity: l.quantity,
            credit: formatMoney(l.credit, 'USD'),
            basis: l.basis,
          })),
        },
      ]);
    }));

  it('CancellationPropagated (in a later batch) marks the cancellation propagated', () =>
    spec
      .given(all.slice(0, 4))
      .when(all.slice(4))
      .thenMatches(async (pool) => {
        const query = new OrderViewsQuery(pool);
        const view = await query.get(C1, O1);
        expect(view?.cancellations[0]).toMatchObject({
          status: 'propagated',
          propagatedAt: at(T0, 2 * DAY + 5 * 60_000).toISOString(),
        });
        const jpy = await query.get(C1, O2);
        expect(jpy).toMatchObject({
          status: 'cancelled',
          currencyCode: 'JPY',
          lineItems: [{ quantity: 0, cancelled: true }],
        });
        expect(jpy?.total.amount).toMatch(/^\d+$/); // JPY has no minor unit
      }));

  it('replaying the same events (twice, or one by one) gives identical tables: one row per order', () =>
    spec.given(all).thenMatches(async (pool) => {
      const rows = await pool.query('SELECT id, position FROM rm_order_views ORDER BY id');
      // Each order at the position of its last event.
      expect(rows.rows.map((r: { id: string; position: string }) => [r.id, Number(r.position)])).toEqual([
        [O1, 6],
        [O2, 3],
        [O3, 5],
      ]);
    }));

  it('lists a customer’s orders by creation date, paged', () =>
    spec.given(all).thenMatches(async (pool) => {
      const query = new OrderViewsQuery(pool);
      const first = await query.list(C1, { size: 2 });
      expect(first.items.map((o) => o.id)).toEqual([O1, O2]);
      expect(first.totalCount).toBe(3);
      const second = await query.list(C1, { size: 2, continuationToken: first.continuationToken ?? undefined });
      expect(second.items.map((o) => o.id)).toEqual([O3]);
      expect(second.continuationToken).toBeNull();
      expect(await query.get('another-customer', O1)).toBeNull();
      expect((await query.list('another-customer')).items).toEqual([]);
    }));
});
