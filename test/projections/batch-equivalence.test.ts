import type { OrderCancelled, OrderEvent } from '@csp/domain';
import { ADMIN_AGENT, history, placeOrder } from '@csp/domain/testing/fixtures';
import { PostgresEventStore, type DomainEvent, type RecordedEvent } from '@csp/event-store';
import { replayProjections } from '@csp/event-sourcing';
import { PROJECTIONS } from '../../apps/worker/src/projections';
import { Pool } from 'pg';
import { createTestDatabase, type TestDatabase, testPool } from '../support/database';
import {
  DAY,
  OFFERS,
  PARTNER_A,
  PARTNER_B,
  T0,
  applyInTransaction,
  at,
  cancelOrder,
  dumpTable,
  markPropagated,
  migrate,
  orderHistory,
  recorded,
  registerCustomer,
} from './projections.fixtures';

const C1 = 'c1c1c1c1-0000-4000-8000-00000000000a';
const C2 = 'c2c2c2c2-0000-4000-8000-00000000000b';
const O1 = '01010101-0000-4000-8000-00000000000a';
const O2 = '02020202-0000-4000-8000-00000000000b';
const O3 = '03030303-0000-4000-8000-00000000000c';
const G1 = '91919191-0000-4000-8000-00000000000a';
const G2 = '92929292-0000-4000-8000-00000000000b';
const G3 = '93939393-0000-4000-8000-00000000000c';
const HOUR = 3_600_000;
const user = { ...ADMIN_AGENT, tenantId: PARTNER_A };

// O1: three software lines, a key and a link, partly cancelled and propagated.
function order1(): OrderEvent[] {
  const place = placeOrder(
    'US',
    [
      [OFFERS.wsStdPerpetual, 2],
      [OFFERS.wsStdP1Y, 1],
      [OFFERS.sqlStdPerpetual, 1],
    ],
    O1,
  );
  place.data.customer = { ...place.data.customer, customerId: C1, partnerTenantId: PARTNER_A };
  return history([
    [place, T0],
    [{ type: 'RevealKey', data: { lineItemNumber: 0, version: '2022', user, channel: 'partnerCenter' } }, at(T0, HOUR)],
    [
      {
        type: 'IssueDownloadLink',
        data: {
          lineItemNumber: 2,
          version: '2022',
          language: 'en-US',
          bitness: 'x64',
          linkId: 'f0000000-0000-4000-8000-00000000000a',
          expiresAt: at(T0, 10 * DAY).toISOString(),
          maxDownloads: 50,
          user,
          channel: 'partnerCenter',
        },
      },
      at(T0, 2 * HOUR),
    ],
    [cancelOrder([0, 1]), at(T0, 2 * DAY)],
    [markPropagated, at(T0, 2 * DAY + HOUR)],
  ]);
}
const o1 = order1();
const o2 = orderHistory(
  O2,
  C2,
  'US',
  [
    [OFFERS.sqlStdPerpetual, 3],
    [OFFERS.wsStdPerpetual, 1],
    [OFFERS.wsStdP1Y, 1],
  ],
  at(T0, HOUR),
  [[cancelOrder(), at(T0, DAY)]],
);
const o3 = orderHistory(O3, C2, 'US', [[OFFERS.wsDcP1Y, 1]], at(T0, 2 * HOUR));

/**
 * O2 cancelled in two parts, each propagated (older histories have such orders): the credits of each part go
 * to the propagation of its own cancellation, also when all four events arrive in one batch.
 */
function splitCancellation(): DomainEvent[] {
  const cancelled = o2.find((e) => e.type === 'OrderCancelled') as OrderCancelled;
  const part = (lines: number[], cancelledAt: Date): OrderCancelled => ({
    ...cancelled,
    data: {
      ...cancelled.data,
      cancelledAt: cancelledAt.toISOString(),
      lineItems: cancelled.data.lineItems.filter((l) => lines.includes(l.lineItemNumber)),
    },
  });
  const propagated = (cancelledAt: Date, propagatedAt: Date): DomainEvent => ({
    type: 'CancellationPropagated',
    data: {
      orderId: O2,
      customerId: C2,
      cancelledAt: cancelledAt.toISOString(),
      propagatedAt: propagatedAt.toISOString(),
      withinDeadline: true,
    },
  });
  const first = at(T0, DAY);
  const second = at(T0, DAY + 2 * HOUR);
  return [
    part([0], first),
    propagated(first, at(first, 60_000)),
    part([1, 2], second),
    propagated(second, at(second, 60_000)),
  ];
}

/** Device groups: G1 warned then migrated, G2 warned twice, G3 only registered; some updates before G3 exists. */
function kms(): DomainEvent[] {
  const registered = (groupId: string, name: string): DomainEvent => ({
    type: 'DeviceGroupRegistered',
    data: {
      customerId: C1,
      partnerTenantId: PARTNER_A,
      groupId,
      name,
      deviceCount: 25,
      lastKmsActivationAt: T0.toISOString(),
      coveringOrderId: null,
      dueSoonFrom: at(T0, 150 * DAY).toISOString(),
      renewalDeadline: at(T0, 180 * DAY).toISOString(),
      registeredAt: T0.toISOString(),
      source: 'api',
      registeredBy: null,
      policyVersion: '2024-01',
    },
  });
  const warned = (type: string, groupId: string, days: number): DomainEvent => ({
    type,
    data: { customerId: C1, groupId, name: groupId, deviceCount: 25, warnedAt: at(T0, days * DAY).toISOString() },
  });
  const deployed = (groupId: string, days: number): DomainEvent => ({
    type: 'MakDeploymentRecorded',
    data: { customerId: C1, groupId, deployedAt: at(T0, days * DAY).toISOString(), method: 'manual' },
  });
  return [
    // An update of a group registered later in the same batch changes nothing, as one by one.
    warned('KmsRenewalDueSoonWarned', G3, 140),
    registered(G1, 'Finance'),
    registered(G2, 'Plant'),
    warned('KmsRenewalDueSoonWarned', G1, 150),
    warned('KmsRenewalDueSoonWarned', G2, 150),
    deployed(G1, 160),
    warned('KmsRenewalDueSoonWarned', G2, 165),
    warned('KmsRenewalOverdueWarned', G2, 181),
    registered(G3, 'Lab'),
    registered(G1, 'Finance again'),
    deployed(G1, 170),
    warned('KmsRenewalOverdueWarned', G1, 185),
  ];
}

const events: RecordedEvent[] = recorded([
  registerCustomer(C1, PARTNER_A, 'Contoso', 'US', T0),
  registerCustomer(C2, PARTNER_B, 'Fabrikam', 'US', T0),
  o1[0],
  o2[0],
  o3[0],
  // C1 renamed: the later registration wins in customers and in the activity log's names.
  registerCustomer(C1, PARTNER_A, 'Contoso Renamed', 'US', at(T0, HOUR)),
  ...o1.slice(1),
  ...splitCancellation(),
  ...kms(),
]);

/** Contiguous batches of `size` (what the runner and a replay deliver). */
const chunks = (size: number): RecordedEvent[][] => {
  const out: RecordedEvent[][] = [];
  for (let i = 0; i < events.length; i += size) out.push(events.slice(i, i + size));
  return out;
};

describe('projections: a batch gives the rows its events give one by one', () => {
  let db: TestDatabase;
  let pool: Pool;
  let tables: string[];

  beforeAll(async () => {
    db = await createTestDatabase('csp_rm_batches');
    pool = testPool({ connectionString: db.url, max: 4 });
    for (const projection of PROJECTIONS) await migrate(pool, projection);
    const listed = await pool.query<{ t: string }>(
      `SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' AND tablename LIKE 'rm\\_%' ORDER BY 1`,
    );
    tables = listed.rows.map((r) => r.t);
  });
  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });

  const run = async (batches: RecordedEvent[][]): Promise<Record<string, unknown[]>> => {
    await pool.query(`TRUNCATE ${tables.join(', ')}`);
    for (const batch of batches) {
      for (const projection of PROJECTIONS) {
        const mine = batch.filter((e) => projection.eventTypes.includes(e.type));
        if (mine.length > 0) await applyInTransaction(pool, projection, mine);
      }
    }
    const out: Record<string, unknown[]> = {};
    for (const table of tables) out[table] = await dumpTable(pool, table);
    return out;
  };

  let oneByOne: Record<string, unknown[]>;
  beforeAll(async () => {
    oneByOne = await run(chunks(1));
  });

  it('the history fills every read model, with the rows one-by-one application gives', () => {
    expect(oneByOne.rm_customers).toHaveLength(2);
    expect(oneByOne.rm_order_views).toHaveLength(3);
    expect(oneByOne.rm_software.length).toBeGreaterThanOrEqual(4);
    expect(oneByOne.rm_credit_ledger).toHaveLength(5);
    expect(oneByOne.rm_kms_device_groups).toHaveLength(3);
    const credits = (oneByOne.rm_credit_ledger as { id: string; status: string; position: number }[]).map((r) => [
      r.id,
      r.status,
    ]);
    expect(credits).toEqual([
      [`${O1}_0`, 'posted'],
      [`${O1}_1`, 'posted'],
      [`${O2}_0`, 'posted'],
      [`${O2}_1`, 'posted'],
      [`${O2}_2`, 'posted'],
    ]);
    const groups = Object.fromEntries(
      (oneByOne.rm_kms_device_groups as Record<string, unknown>[]).map((g) => [g.name, g]),
    );
    expect(groups.Finance).toMatchObject({ migrated_at: expect.any(String), due_soon_warned_at: expect.any(String) });
    expect(groups.Plant).toMatchObject({ migrated_at: null, overdue_warned_at: expect.any(String) });
    expect(groups.Lab).toMatchObject({ due_soon_warned_at: null });
    expect(oneByOne.rm_audit_customer_names).toContainEqual(
      expect.objectContaining({ company_name: 'Contoso Renamed' }),
    );
  });

  it.each([2, 3, 5, 1000])('in batches of %i', async (size) => {
    expect(await run(chunks(size))).toEqual(oneByOne);
  });

  it('redelivered: whole history again, overlapping batches, single events again', async () => {
    const whole = chunks(1000)[0];
    const redelivered = [whole, whole, events.slice(3, 17), ...chunks(4), ...chunks(1).reverse()];
    expect(await run(redelivered)).toEqual(oneByOne);
  });

  it('redelivered out of order: an old event next to a new one changes only what the new one changes', async () => {
    const firstDeployment = events.find((e) => e.type === 'MakDeploymentRecorded') as RecordedEvent;
    const last = events[events.length - 1];
    const before = events.slice(0, -1);
    const batches: RecordedEvent[][] = [];
    for (let i = 0; i < before.length; i += 3) batches.push(before.slice(i, i + 3));
    expect(await run([...batches, [firstDeployment, last]])).toEqual(oneByOne);
  });

  it('a replay (tables loaded before their keys, see MigrateOptions) gives the rows of the events applied one by one', async () => {
    const store = await PostgresEventStore.create({ connectionString: db.url, poolSize: 4 });
    try {
      for (const e of events) {
        await store.appendToStream(e.streamId, [{ type: e.type, data: e.data, metadata: e.metadata }], {
          expectedVersion: 'any',
        });
      }
      const stored = await store.readAll({ after: 0, maxCount: 1000 });
      expect(stored.events.map((e) => e.type)).toEqual(events.map((e) => e.type));
      const live = await run(stored.events.map((e) => [e]));
      await replayProjections({ pool, eventStore: store, projections: PROJECTIONS, batchSize: 7, liveWaitMs: 0 });
      const replayed: Record<string, unknown[]> = {};
      for (const table of tables) replayed[table] = await dumpTable(pool, table);
      expect(replayed).toEqual(live);
      const keys = await pool.query<{ t: string }>(
        `SELECT conrelid::regclass::text AS t FROM pg_constraint WHERE contype = 'p' AND conrelid = ANY($1::regclass[])`,
        [tables],
      );
      // Every table has its primary key again, the audit records' added after the load included.
      expect(keys.rows.map((r) => r.t).sort()).toEqual([...tables].sort());
    } finally {
      await store.close();
    }
  });
});
