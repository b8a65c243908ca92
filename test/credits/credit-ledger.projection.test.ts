import type { DomainEvent, RecordedEvent } from '@csp/event-store';
import { migrateProjectionTables } from '@csp/event-sourcing';
import { projectionSpec } from '@csp/event-sourcing/testing/projection-spec';
import type { Pool } from 'pg';
import { PROJECTIONS } from '../../apps/worker/src/projections';
import { creditLedgerProjection } from '../../libs/capabilities/credits/projections/credit-ledger.projection';
import { CreditLedgerQuery } from '../../libs/capabilities/credits/projections/credit-ledger.query';
import { createTestDatabase, testPool, type TestDatabase } from '../support/database';
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

  it('GET /v1/credits groups by the month a credit is invoiced in: one moved by a close is listed in the next month', () =>
    spec
      .given(history)
      .when(marchClosed(history.length + 1))
      .thenMatches(async (pool) => {
        const query = new CreditLedgerQuery(pool);
        const listed = async (period: string) =>
          (await query.list({ partnerTenantId: PARTNER_A, period })).items.map((l) => [
            l.id,
            l.period,
            l.originalPeriod,
            l.statementPeriod,
          ]);
        // DOMAIN.md: a credit appears on the next monthly invoice; O2's March invoice was closed without it.
        expect(await listed('2024-03')).toEqual([[`${O1}_0`, '2024-03', '2024-03', '2024-03']]);
        expect(await listed('2024-04')).toEqual([[`${O2}_0`, '2024-04', '2024-03', null]]);
        const april = await query.list({ partnerTenantId: PARTNER_A, period: '2024-04' });
        expect(april.totals).toEqual([april.items[0].credit]);
        expect(april.totalCount).toBe(1);
      }));
});

describe('credit ledger on a database of the version before it fed every credits read', () => {
  let db: TestDatabase;
  let pool: Pool;
  beforeAll(async () => {
    db = await createTestDatabase('csp_credit_upgrade');
    pool = testPool({ connectionString: db.url, max: 2 });
  });
  afterAll(async () => {
    await pool.end();
    await db.drop();
  });

  it('the api’s start-up migration drops the former credits table and checkpoint, and keeps the ledger where it is', async () => {
    // What that version left: its credits projection (rm_credits, checkpoint `credits`) beside the ledger, whose
    // runner had reached position 7, and the ledger's former index.
    await migrateProjectionTables(pool, [creditLedgerProjection]);
    await pool.query(`DROP INDEX rm_credit_ledger_period_lines`);
    await pool.query(
      `CREATE INDEX rm_credit_ledger_partner_period ON rm_credit_ledger (partner_tenant_id, period, id)`,
    );
    await pool.query(`CREATE TABLE rm_credits (id text PRIMARY KEY, period text NOT NULL, position bigint NOT NULL)`);
    await pool.query(`INSERT INTO rm_credits VALUES ('o_0', '2024-03', 5)`);
    await pool.query(
      `INSERT INTO read_model_checkpoints (projection, position) VALUES ('credits', 7), ('credit-ledger', 7)`,
    );
    await pool.query(
      `INSERT INTO rm_credit_ledger VALUES ('o_0', $1, 'c', 'o', 0, 'offer', 'name', 'perpetual', 'full', 100, 'USD',
         false, '2024-03-02T10:00:00Z', '2024-03', '2024-03', 'pending', NULL, NULL, 5)`,
      [PARTNER_A],
    );

    await migrateProjectionTables(pool, PROJECTIONS);
    await migrateProjectionTables(pool, PROJECTIONS);

    const table = await pool.query<{ t: string | null }>(`SELECT to_regclass('rm_credits')::text AS t`);
    expect(table.rows[0].t).toBeNull();
    const checkpoints = await pool.query<{ projection: string; position: string }>(
      `SELECT projection, position FROM read_model_checkpoints ORDER BY projection`,
    );
    expect(checkpoints.rows).toEqual([{ projection: 'credit-ledger', position: '7' }]);
    const indexes = await pool.query<{ name: string }>(
      `SELECT indexname AS name FROM pg_indexes WHERE tablename = 'rm_credit_ledger' ORDER BY 1`,
    );
    expect(indexes.rows.map((r) => r.name)).toEqual([
      'rm_credit_ledger_order',
      'rm_credit_ledger_period_lines',
      'rm_credit_ledger_pkey',
    ]);
    const march = await new CreditLedgerQuery(pool).list({ partnerTenantId: PARTNER_A, period: '2024-03' });
    expect(march.items.map((l) => [l.id, l.status])).toEqual([['o_0', 'pending']]);
  });
});
