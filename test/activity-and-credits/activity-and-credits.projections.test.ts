import type { OrderEvent } from '@csp/domain';
import { ADMIN_AGENT, history, placeOrder } from '@csp/domain/testing/fixtures';
import { PostgresEventStore, type DomainEvent, type RecordedEvent } from '@csp/event-store';
import { AuditRecordsQuery } from '@csp/capabilities/activity';
import { ProjectionRunner, ShadowBuild, type Projection } from '@csp/event-sourcing';
import { auditRecordsProjection, creditLedgerProjection } from '../../apps/worker/src/projections';
import { CreditLedgerQuery } from '../../libs/capabilities/credits/projections/credit-ledger.query';
import { projectionSpec } from '@csp/event-sourcing/testing/projection-spec';
import { Pool } from 'pg';
import { createTestDatabase, type TestDatabase, testPool } from '../support/database';
import {
  at,
  cancelOrder,
  DAY,
  dumpTable,
  markPropagated,
  migrate,
  OFFERS,
  PARTNER_A,
  PARTNER_B,
  recorded,
  registerCustomer,
  T0,
  waitUntil,
  streamOfEvent,
} from '../projections/projections.fixtures';

const CUSTOMER_1 = 'c1000000-0000-4000-8000-000000000001';
const CUSTOMER_2 = 'c2000000-0000-4000-8000-000000000002';
const ORDER_1 = 'a1000000-0000-4000-8000-000000000001';
const ORDER_2 = 'a2000000-0000-4000-8000-000000000002';
const HOUR = 3_600_000;
const CREDIT_TABLES = ['rm_credit_changes', 'rm_credit_ledger', 'rm_credit_statements'];

/** Order 1 (PL, PLN): placed, key revealed, link issued, downloaded, cancelled, propagated. */
function order1(): OrderEvent[] {
  const place = placeOrder(
    'PL',
    [
      [OFFERS.wsStdPerpetual, 1],
      [OFFERS.wsStdP1Y, 2],
    ],
    ORDER_1,
  );
  place.data.customer = { ...place.data.customer, customerId: CUSTOMER_1, partnerTenantId: PARTNER_A };
  const user = { ...ADMIN_AGENT, tenantId: PARTNER_A };
  return history([
    [place, T0],
    [{ type: 'RevealKey', data: { lineItemNumber: 0, version: '2022', user, channel: 'partnerCenter' } }, at(T0, HOUR)],
    [
      {
        type: 'IssueDownloadLink',
        data: {
          lineItemNumber: 0,
          version: '2022',
          language: 'pl-PL',
          bitness: 'x64',
          linkId: 'f0000000-0000-4000-8000-000000000001',
          expiresAt: at(T0, 10 * DAY).toISOString(),
          maxDownloads: 50,
          user,
          channel: 'partnerCenter',
        },
      },
      at(T0, 2 * HOUR),
    ],
    [
      {
        type: 'RecordDownload',
        data: { linkId: 'f0000000-0000-4000-8000-000000000001', sha256: 'ab'.repeat(32), bytes: 1234 },
      },
      at(T0, 3 * HOUR),
    ],
    [cancelOrder(), at(T0, 2 * DAY)],
    [markPropagated, at(T0, 2 * DAY + 60_000)],
  ]);
}

const CUSTOMER_3 = 'c3000000-0000-4000-8000-000000000003';
const ORDER_3 = 'a3000000-0000-4000-8000-000000000003';

/** Order 3 (US, USD, partner A): cancelled, not propagated yet. */
function order3(): OrderEvent[] {
  const place = placeOrder('US', [[OFFERS.wsStdPerpetual, 2]], ORDER_3);
  place.data.customer = { ...place.data.customer, customerId: CUSTOMER_3, partnerTenantId: PARTNER_A };
  return history([
    [place, at(T0, 4 * DAY)],
    [cancelOrder(), at(T0, 5 * DAY)],
  ]);
}

/** Order 2 (JP, JPY, partner B): placed and cancelled at the end of a month, propagated in the next. */
function order2(): OrderEvent[] {
  const place = placeOrder('JP', [[OFFERS.sqlStdPerpetual, 3]], ORDER_2);
  place.data.customer = { ...place.data.customer, customerId: CUSTOMER_2, partnerTenantId: PARTNER_B };
  return history([
    [place, new Date('2024-03-31T20:00:00.000Z')],
    [cancelOrder(), new Date('2024-03-31T23:59:59.000Z')],
    [markPropagated, new Date('2024-04-01T00:00:30.000Z')],
  ]);
}

function allEvents(): DomainEvent[] {
  return [
    registerCustomer(CUSTOMER_1, PARTNER_A, 'Contoso, "Ltd"', 'PL', at(T0, -DAY)),
    registerCustomer(CUSTOMER_2, PARTNER_B, 'Fabrikam KK', 'JP', at(T0, -DAY)),
    registerCustomer(CUSTOMER_3, PARTNER_A, 'Northwind', 'US', at(T0, -DAY)),
    ...order1(),
    ...order2(),
    ...order3(),
  ];
}

describe('audit records projection', () => {
  const spec = projectionSpec(auditRecordsProjection, { database: () => createTestDatabase('csp_rs_audit') });
  const events = recorded(allEvents());

  it('one row per audited event, with the customer’s name, partner and upn; no product key', () =>
    spec.given(events).thenMatches(async (pool) => {
      const page = await new AuditRecordsQuery(pool).list({
        partnerId: PARTNER_A,
        from: at(T0, -DAY),
        to: at(T0, 60 * DAY),
        customerId: CUSTOMER_1,
      });
      expect(page.items.map((r) => r.operationType)).toEqual([
        'update_order',
        'download_software',
        'get_software_download_link',
        'get_software_key',
        'create_order',
      ]);
      expect(page.totalCount).toBe(5);
      for (const r of page.items) {
        expect(r).toMatchObject({
          partnerId: PARTNER_A,
          customerId: CUSTOMER_1,
          customerName: 'Contoso, "Ltd"',
          userPrincipalName: ADMIN_AGENT.upn,
          operationStatus: 'succeeded',
        });
      }
      const byType = Object.fromEntries(page.items.map((r) => [r.operationType, r]));
      const data = (type: string) => Object.fromEntries(byType[type].customizedData.map((d) => [d.key, d.value]));
      expect(byType.get_software_key.operationDate).toBe(at(T0, HOUR).toISOString());
      expect(data('get_software_key')).toMatchObject({
        OrderId: ORDER_1,
        LineItemNumber: '0',
        ProductVersion: '2022',
        KeyType: 'MAK',
      });
      expect(data('get_software_download_link')).toMatchObject({
        Language: 'pl-PL',
        Bitness: 'x64',
        MaxDownloads: '50',
      });
      expect(data('download_software')).toMatchObject({ LinkIssuedBy: ADMIN_AGENT.upn, Bytes: '1234' });
      expect(data('create_order')).toMatchObject({ OrderId: ORDER_1, LineItemCount: '2', CurrencyCode: 'PLN' });
      expect(JSON.stringify(page.items)).not.toMatch(/[A-Z0-9]{5}(-[A-Z0-9]{5}){4}|productKey/i);

      // Tenant isolation and filters.
      const b = await new AuditRecordsQuery(pool).list({
        partnerId: PARTNER_B,
        from: new Date('2024-03-01'),
        to: new Date('2024-05-01'),
      });
      expect(b.items.map((r) => [r.customerName, r.operationType])).toEqual([
        ['Fabrikam KK', 'update_order'],
        ['Fabrikam KK', 'create_order'],
      ]);
      const keysOnly = await new AuditRecordsQuery(pool).list({
        partnerId: PARTNER_A,
        from: at(T0, -DAY),
        to: at(T0, 60 * DAY),
        customerId: CUSTOMER_1,
        operationType: 'get_software_key',
      });
      expect(keysOnly.totalCount).toBe(1);
    }));

  it('per-day counts agree with the rows, also when batches are redelivered (nothing counted twice)', () =>
    spec.given(events).thenMatches(async (pool) => {
      const counts = await pool.query<{ partner_id: string; day: string; operation_type: string; n: string }>(
        `SELECT partner_id, day::text, operation_type, n FROM rm_audit_record_counts ORDER BY 1, 2, 3`,
      );
      const recount = await pool.query(
        `SELECT partner_id, (operation_date AT TIME ZONE 'UTC')::date::text AS day, operation_type, count(*)::text AS n
           FROM rm_audit_records GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
      );
      expect(counts.rows).toEqual(recount.rows);
      expect(recount.rows.length).toBeGreaterThan(0);
    }));

  it('audit records page by continuation token without gaps or repeats', () =>
    spec.given(events).thenMatches(async (pool) => {
      const query = new AuditRecordsQuery(pool);
      const filter = { partnerId: PARTNER_A, from: at(T0, -DAY), to: at(T0, 60 * DAY) };
      const seen: string[] = [];
      let token: string | undefined;
      do {
        const page = await query.list(filter, { size: 4, continuationToken: token });
        seen.push(...page.items.map((r) => r.id));
        token = page.continuationToken ?? undefined;
      } while (token);
      // Customer 1's five and customer 3's two.
      expect(seen).toHaveLength(7);
      expect(new Set(seen).size).toBe(7);
    }));
});

describe('credit ledger: the credits of GET /v1/credits', () => {
  const spec = projectionSpec(creditLedgerProjection, { database: () => createTestDatabase('csp_rs_credits') });

  it('a line per cancelled line item in the month of the cancellation, pending until propagated, JPY', () => {
    const events = recorded(allEvents());
    return spec.given(events).thenMatches(async (pool) => {
      const march = await new CreditLedgerQuery(pool).list({ partnerTenantId: PARTNER_A, period: '2024-03' });
      expect(march.items.map((l) => [l.orderId, l.lineItemNumber, l.basis, l.status, l.credit.currencyCode])).toEqual([
        [ORDER_1, 0, 'full', 'posted', 'PLN'],
        [ORDER_1, 1, 'prorated', 'posted', 'PLN'],
        [ORDER_3, 0, 'full', 'pending', 'USD'],
      ]);
      expect(march.items[0]).toMatchObject({
        period: '2024-03',
        taxInclusive: false,
        cancelledAt: at(T0, 2 * DAY).toISOString(),
      });
      expect(march.items[0].postedAt).toBe(at(T0, 2 * DAY + 60_000).toISOString());
      expect(march.items[2].postedAt).toBeNull();
      // Totals per currency, from the events' own credits.
      const cancelled = events
        .filter((e) => e.type === 'OrderCancelled')
        .map((e) => e.data as { currencyCode: string; totalCredit: number });
      const sum = (c: string) => cancelled.filter((d) => d.currencyCode === c).reduce((n, d) => n + d.totalCredit, 0);
      expect(march.totals).toEqual([
        { currencyCode: 'PLN', amount: (sum('PLN') / 100).toFixed(2) },
        { currencyCode: 'USD', amount: (sum('USD') / 100).toFixed(2) },
      ]);
      expect(march.totalCount).toBe(3);
      // Paged: the totals still cover every line.
      const first = await new CreditLedgerQuery(pool).list(
        { partnerTenantId: PARTNER_A, period: '2024-03' },
        { size: 1 },
      );
      expect(first.items).toHaveLength(1);
      expect(first.totals).toEqual(march.totals);
      const rest = await new CreditLedgerQuery(pool).list(
        { partnerTenantId: PARTNER_A, period: '2024-03' },
        { size: 5, continuationToken: first.continuationToken ?? undefined },
      );
      expect(rest.items.map((l) => l.id)).toEqual(march.items.slice(1).map((l) => l.id));
      // Filter by customer.
      const us = await new CreditLedgerQuery(pool).list({
        partnerTenantId: PARTNER_A,
        period: '2024-03',
        customerId: CUSTOMER_3,
      });
      expect(us.totals).toEqual([{ currencyCode: 'USD', amount: (sum('USD') / 100).toFixed(2) }]);
      // JPY has no minor digits; cancelled at 23:59:59Z on 31 March: March's credit, though posted in April.
      const jp = await new CreditLedgerQuery(pool).list({ partnerTenantId: PARTNER_B, period: '2024-03' });
      expect(jp.items).toEqual([
        expect.objectContaining({
          period: '2024-03',
          status: 'posted',
          credit: { amount: String(sum('JPY')), currencyCode: 'JPY' },
        }),
      ]);
      expect(jp.totals).toEqual([{ amount: String(sum('JPY')), currencyCode: 'JPY' }]);
      expect((await new CreditLedgerQuery(pool).list({ partnerTenantId: PARTNER_B, period: '2024-04' })).items).toEqual(
        [],
      );
    });
  });

  describe('CancellationPropagated posts the order’s pending lines, also when it arrives in a later batch', () => {
    const events = recorded(order1());
    const cut = events.findIndex((e) => e.type === 'CancellationPropagated');
    const statuses = async (pool: Pool): Promise<string[]> =>
      (await new CreditLedgerQuery(pool).list({ partnerTenantId: PARTNER_A, period: '2024-03' })).items.map(
        (l) => l.status,
      );

    it('pending before', () =>
      spec
        .given(events.slice(0, cut))
        .thenMatches(async (pool) => expect(await statuses(pool)).toEqual(['pending', 'pending'])));
    it('posted after', () =>
      spec
        .given(events.slice(0, cut))
        .when(events.slice(cut))
        .thenMatches(async (pool) => expect(await statuses(pool)).toEqual(['posted', 'posted'])));
  });
});

describe('read side projections rebuilt and resumed: audit records and credits', () => {
  let db: TestDatabase;
  let pool: Pool;

  beforeAll(async () => {
    db = await createTestDatabase('csp_rs_proj');
    pool = testPool({ connectionString: db.url, max: 10 });
    pool.on('error', () => undefined);
    for (const p of [auditRecordsProjection, creditLedgerProjection]) await migrate(pool, p);
  });
  afterAll(async () => {
    await pool.end();
    await db.drop();
  });

  const reset = async (): Promise<void> => {
    await pool.query(
      `TRUNCATE rm_audit_records, rm_audit_record_counts, rm_audit_customer_names, ${CREDIT_TABLES.join(', ')}`,
    );
  };

  describe('rebuilt from the store', () => {
    let store: PostgresEventStore;
    beforeAll(async () => {
      store = await PostgresEventStore.create({ connectionString: db.url, pollIntervalMs: 100 });
      for (const e of allEvents()) {
        await store.appendToStream(streamOfEvent(e), [e]);
      }
    });
    afterAll(async () => {
      await store.close();
    });

    const build = async (schema: string, concurrency?: number): Promise<Record<string, unknown[]>> => {
      const b = await ShadowBuild.create({
        pool,
        eventStore: store,
        projections: [auditRecordsProjection, creditLedgerProjection],
        schema,
        batchSize: 3,
        concurrency,
      });
      try {
        await b.catchUp();
        const out: Record<string, unknown[]> = {};
        for (const table of [...b.tables.values()].flat()) out[table] = await dumpTable(pool, `${schema}.${table}`);
        return out;
      } finally {
        b.release();
        await b.drop();
      }
    };

    it('replaying the same events twice gives identical tables', async () => {
      const first = await build('rs_replay_one');
      const second = await build('rs_replay_two');
      expect(Object.keys(first).sort()).toEqual([
        'rm_audit_customer_names',
        'rm_audit_record_counts',
        'rm_audit_records',
        ...CREDIT_TABLES,
      ]);
      expect(first.rm_audit_records).toHaveLength(9);
      expect(first.rm_credit_ledger).toHaveLength(4);
      expect(first.rm_credit_changes).toHaveLength(4 + 3);
      expect(second).toEqual(first);
    });

    it('builds the same tables on one connection or several', async () => {
      const one = await build('rs_replay_lanes_one', 1);
      expect(await build('rs_replay_lanes_three', 3)).toEqual(one);
    });

    it('a projection failing in a build fails catchUp, rolls back its batch and gives the connections back', async () => {
      const failing: Projection = {
        ...creditLedgerProjection,
        async apply(client, events: RecordedEvent[]) {
          if (events.some((e) => e.type === 'CancellationPropagated')) throw new Error('poison');
          await creditLedgerProjection.apply(client, events);
        },
      };
      const inUse = (): number => pool.totalCount - pool.idleCount;
      const inUseBefore = inUse();
      const b = await ShadowBuild.create({
        pool,
        eventStore: store,
        projections: [auditRecordsProjection, failing],
        schema: 'rs_replay_failing',
        batchSize: 4,
        concurrency: 2,
      });
      try {
        await expect(b.catchUp()).rejects.toThrow('poison');
        // Whatever the build committed is before the failing batch: no credit was posted.
        const posted = await pool.query(
          `SELECT count(*)::int AS n FROM rs_replay_failing.rm_credit_ledger WHERE status = 'posted'`,
        );
        expect(posted.rows[0].n).toBe(0);
      } finally {
        b.release();
        await b.drop();
      }
      expect(inUse()).toBe(inUseBefore);
    });

    it.each([
      ['credit-ledger', creditLedgerProjection, 'CancellationPropagated', CREDIT_TABLES],
      ['audit-records', auditRecordsProjection, 'SoftwareDownloaded', ['rm_audit_records', 'rm_audit_record_counts']],
    ] as const)(
      'a %s runner killed in the middle of a batch resumes without double counting',
      async (name, projection, killOn, tables) => {
        await reset();
        await pool.query(`DELETE FROM read_model_checkpoints WHERE projection = $1`, [name]).catch(() => undefined);
        const admin = testPool({ connectionString: db.url, max: 2 });
        let killed = false;
        // The real projection, whose connection is killed after it wrote part of a batch (before the commit).
        const killable: Projection = {
          ...projection,
          async apply(client, events: RecordedEvent[]) {
            await projection.apply(client, events.slice(0, 1));
            if (!killed && events.some((e) => e.type === killOn)) {
              killed = true;
              const pid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;
              await admin.query('SELECT pg_terminate_backend($1)', [pid]);
            }
            await projection.apply(client, events.slice(1));
          },
        };
        const options = {
          pool,
          eventStore: store,
          batchSize: 4,
          lockRetryMs: 100,
          failureRetryMs: 50,
          lostLockBackoffMs: 100,
        };
        const first = new ProjectionRunner({ ...options, projection: killable });
        first.start();
        await waitUntil(() => killed);
        await first.stop();
        const second = new ProjectionRunner({ ...options, projection });
        second.start();
        try {
          const head = await store.headPosition();
          expect(await second.waitForPosition(head, 10_000)).toBe(true);
        } finally {
          await second.stop();
          await admin.end();
        }
        expect(killed).toBe(true);
        // Exactly what a clean rebuild gives: nothing lost, nothing counted twice.
        const clean = await build(`rs_replay_clean_${name.replace('-', '_')}`);
        for (const table of tables) expect(await dumpTable(pool, table)).toEqual(clean[table]);
        if (name === 'credit-ledger') {
          const rows = await pool.query<{ id: string; status: string }>(
            'SELECT id, status FROM rm_credit_ledger ORDER BY id',
          );
          expect(rows.rows.map((r) => [r.id, r.status])).toEqual([
            [`${ORDER_1}_0`, 'posted'],
            [`${ORDER_1}_1`, 'posted'],
            [`${ORDER_2}_0`, 'posted'],
            [`${ORDER_3}_0`, 'pending'],
          ]);
        }
      },
    );
  });
});
