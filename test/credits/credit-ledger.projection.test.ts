import type { DomainEvent, RecordedEvent } from '@csp/event-store';
import { projectionSpec } from '@csp/event-sourcing/testing/projection-spec';
import type { Pool } from 'pg';
import { creditLedgerProjection } from '../../libs/capabilities/credits/ledger/credit-ledger.projection';
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
} from '../projections/projections.fixtures';

const C1 = 'c1c1c1c1-0000-4000-8000-0000000000c1';
const O1 = '01010101-0000-4000-8000-0000000000c1';
const O2 = '02020202-0000-4000-8000-0000000000c2';

// O1 cancelled and propagated (its credit posted) in March 2024; O2 cancelled in March, still pending.
const o1 = orderHistory(O1, C1, 'US', [[OFFERS.wsStdPerpetual, 1]], T0, [
  [cancelOrder(), at(T0, DAY)],
  [markPropagated, at(T0, DAY + 60_000)],
]);
const o2 = orderHistory(O2, C1, 'US', [[OFFERS.wsStdPerpetual, 2]], T0, [[cancelOrder(), at(T0, 2 * DAY)]]);
for (const e of [...o1, ...o2]) if ('partnerTenantId' in e.data) Object.assign(e.data, { partnerTenantId: PARTNER_A });
const history = recorded([...o1, ...o2]);

/** March closed with O1's posted line only. */
const marchClosed = (position: number): RecordedEvent[] => {
  const event: DomainEvent = {
    type: 'StatementClosed',
    data: {
      partnerTenantId: PARTNER_A,
      period: '2024-03',
      lines: [{ id: `${O1}_0` }],
      totals: [{ currencyCode: 'USD', amountMinor: 1, count: 1 }],
      sha256: 'ab'.repeat(32),
      closedAt: at(T0, 25 * DAY).toISOString(),
      closedBy: { userId: 'billing-1', upn: 'billing@partner.example' },
    },
  };
  return recorded([event], position);
};

const lines = async (pool: Pool) =>
  (
    await pool.query<{ id: string; status: string; period: string; original_period: string; statement: string | null }>(
      `SELECT id, status, period, original_period, statement_period AS statement FROM rm_credit_ledger ORDER BY id`,
    )
  ).rows;
const changes = async (pool: Pool) =>
  (
    await pool.query<{ credit_id: string; change: string }>(
      'SELECT credit_id, change FROM rm_credit_changes ORDER BY position, seq',
    )
  ).rows.map((r) => [r.credit_id, r.change]);

describe('credit ledger projection', () => {
  const spec = projectionSpec(creditLedgerProjection, { database: () => createTestDatabase('csp_credit_ledger') });

  it('a cancelled line is a pending credit of its month; the propagation posts it; each change is logged once', () =>
    spec.given(history).thenMatches(async (pool) => {
      expect(await lines(pool)).toEqual([
        { id: `${O1}_0`, status: 'posted', period: '2024-03', original_period: '2024-03', statement: null },
        { id: `${O2}_0`, status: 'pending', period: '2024-03', original_period: '2024-03', statement: null },
      ]);
      expect(await changes(pool)).toEqual([
        [`${O1}_0`, 'created'],
        [`${O1}_0`, 'posted'],
        [`${O2}_0`, 'created'],
      ]);
    }));

  it('closing a month keeps the lines it holds and moves the others to the next open month', () =>
    spec
      .given(history)
      .when(marchClosed(history.length + 1))
      .thenMatches(async (pool) => {
        expect(await lines(pool)).toEqual([
          { id: `${O1}_0`, status: 'posted', period: '2024-03', original_period: '2024-03', statement: '2024-03' },
          { id: `${O2}_0`, status: 'pending', period: '2024-04', original_period: '2024-03', statement: null },
        ]);
        expect((await changes(pool)).slice(-1)).toEqual([[`${O2}_0`, 'moved']]);
      }));
});
