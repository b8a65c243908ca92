import { formatMoney } from '@csp/domain';
import { projectionSpec } from '@csp/event-sourcing/testing/projection-spec';
import { softwareListProjection } from '../../apps/worker/src/projections';
import { SoftwareListQuery } from '@csp/capabilities/software';
import { createTestDatabase } from '../support/database';
import {
  DAY,
  OFFERS,
  PARTNER_A,
  T0,
  at,
  cancelOrder,
  markPropagated,
  orderHistory,
  recorded,
  registerCustomer,
} from './projections.fixtures';

const C1 = 'c1c1c1c1-0000-4000-8000-000000000001';
const C2 = 'c2c2c2c2-0000-4000-8000-000000000002';
const O1 = '01010101-0000-4000-8000-000000000001';
const O2 = '02020202-0000-4000-8000-000000000002';
const O3 = '03030303-0000-4000-8000-000000000003';

// O1: perpetual ×2, 1-year subscription, SUSE plan (no software); lines 0 and 1 cancelled, then propagated.
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
const o2 = orderHistory(O2, C1, 'US', [[OFFERS.sqlStdPerpetual, 1]], at(T0, DAY));
const o3 = orderHistory(O3, C2, 'US', [[OFFERS.wsDcP1Y, 3]], at(T0, DAY));
const customers = [
  registerCustomer(C1, PARTNER_A, 'Contoso', 'US', T0),
  registerCustomer(C2, PARTNER_A, 'Fabrikam', 'US', T0),
];

// Interleaved as a store would record them; the cancellation comes last.
const all = recorded([...customers, o1[0], o2[0], o3[0], o1[1], o1[2]]);
const upToCancellation = all.slice(0, all.length - 1);

describe('software list projection', () => {
  const spec = projectionSpec(softwareListProjection, { database: () => createTestDatabase('csp_rm_software') });

  it('lists one item per software line (perpetual and subscription only), active with keys', () =>
    spec.given(all.slice(0, 5)).thenMatches(async (pool) => {
      const page = await new SoftwareListQuery(pool).list(C1);
      expect(page.totalCount).toBe(3);
      expect(page.items.map((i) => [i.id, i.kind, i.status, i.keyAvailable])).toEqual([
        [`${O1}_0`, 'perpetual', 'active', true],
        [`${O1}_1`, 'softwareSubscription', 'active', true],
        [`${O2}_0`, 'perpetual', 'active', true],
      ]);
      const placed = o1[0];
      if (placed.type !== 'OrderPlaced') throw new Error('expected OrderPlaced');
      expect(page.items[0]).toEqual({
        id: `${O1}_0`,
        orderId: O1,
        lineItemNumber: 0,
        offerId: OFFERS.wsStdPerpetual,
        friendlyName: placed.data.lineItems[0].friendlyName,
        kind: 'perpetual',
        purchaseDate: T0.toISOString(),
        status: 'active',
        keyAvailable: true,
        versions: placed.data.lineItems[0].versions,
        languages: placed.data.lineItems[0].languages,
        bitness: placed.data.lineItems[0].bitness,
      });
      expect(JSON.stringify(page)).not.toMatch(/[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5}/);
      expect((await new SoftwareListQuery(pool).list(C2)).items).toHaveLength(1);
      expect(formatMoney(placed.data.total, placed.data.currencyCode).currencyCode).toBe('USD');
    }));

  it('OrderCancelled → cancellationPending without keys', () =>
    spec.given(upToCancellation).thenMatches(async (pool) => {
      const items = (await new SoftwareListQuery(pool).list(C1)).items;
      expect(items.map((i) => [i.id, i.status, i.keyAvailable])).toEqual([
        [`${O1}_0`, 'cancellationPending', false],
        [`${O1}_1`, 'cancellationPending', false],
        [`${O2}_0`, 'active', true],
      ]);
    }));

  it('CancellationPropagated (in a later batch) → cancelled; cancelled items stay listed', () =>
    spec
      .given(upToCancellation)
      .when(all.slice(-1))
      .thenMatches(async (pool) => {
        const query = new SoftwareListQuery(pool);
        const items = (await query.list(C1)).items;
        expect(items.map((i) => [i.id, i.status, i.keyAvailable])).toEqual([
          [`${O1}_0`, 'cancelled', false],
          [`${O1}_1`, 'cancelled', false],
          [`${O2}_0`, 'active', true],
        ]);
        expect(await query.get(C1, `${O1}_1`)).toMatchObject({ status: 'cancelled', keyAvailable: false });
        expect(await query.get(C2, `${O1}_1`)).toBeNull();
      }));

  it('replaying the same events (whole, twice, or one by one) gives identical tables: each line at its last change', () =>
    spec.given(all).thenMatches(async (pool) => {
      const rows = await pool.query('SELECT id, status, position FROM rm_software ORDER BY id');
      // Positions: customers 1-2, O1 placed 3, O2 4, O3 5, O1 cancelled 6, propagated 7.
      expect(
        rows.rows.map((r: { id: string; status: string; position: string }) => [r.id, r.status, Number(r.position)]),
      ).toEqual([
        [`${O1}_0`, 'cancelled', 7],
        [`${O1}_1`, 'cancelled', 7],
        [`${O2}_0`, 'active', 4],
        [`${O3}_0`, 'active', 5],
      ]);
    }));

  it('pages with an opaque continuation token', () =>
    spec.given(all).thenMatches(async (pool) => {
      const query = new SoftwareListQuery(pool);
      const first = await query.list(C1, { size: 2 });
      expect(first.items).toHaveLength(2);
      expect(first.totalCount).toBe(3);
      expect(first.continuationToken).toMatch(/^[A-Za-z0-9_-]+$/);
      const second = await query.list(C1, { size: 2, continuationToken: first.continuationToken ?? undefined });
      expect(second.items.map((i) => i.id)).toEqual([`${O2}_0`]);
      expect(second.continuationToken).toBeNull();
      expect(second.totalCount).toBe(3);
      // Page and total come in one statement: a customer without software still gets its count.
      expect(await query.list('c9c9c9c9-0000-4000-8000-000000000009')).toEqual({
        items: [],
        totalCount: 0,
        continuationToken: null,
      });
      await expect(query.list(C1, { continuationToken: 'bm90LWEtdG9rZW4' })).rejects.toMatchObject({
        code: 'invalid_continuation_token',
      });
    }));
});
