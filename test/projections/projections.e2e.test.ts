import { streamIdOf } from '@csp/domain';
import { PostgresEventStore } from '@csp/event-store';
import { CUSTOMERS_TABLE, CustomersQuery } from '@csp/capabilities/customers';
import { ORDER_VIEWS_TABLE, OrderViewsQuery } from '@csp/capabilities/orders';
import { PROJECTIONS, PROJECTION_NAMES } from '../../apps/worker/src/projections';
import { ProjectionRunnerGroup } from '@csp/event-sourcing';
import { SOFTWARE_LIST_TABLE, SoftwareListQuery } from '@csp/capabilities/software';
import { Pool } from 'pg';
import { createTestDatabase, type TestDatabase, testPool } from '../support/database';
import {
  DAY,
  OFFERS,
  PARTNER_A,
  T0,
  at,
  cancelOrder,
  dumpTable,
  markPropagated,
  orderHistory,
  registerCustomer,
  waitUntil,
} from './projections.fixtures';

const C1 = 'e1e1e1e1-0000-4000-8000-000000000001';
const O1 = 'e0e0e0e1-0000-4000-8000-000000000001';
const O2 = 'e0e0e0e2-0000-4000-8000-000000000002';

describe('projections over the PostgreSQL event store', () => {
  let db: TestDatabase;
  let pool: Pool;
  let store: PostgresEventStore;
  let group: ProjectionRunnerGroup;

  beforeAll(async () => {
    db = await createTestDatabase('csp_rm_e2e');
    pool = testPool({ connectionString: db.url, max: 20 });
    store = await PostgresEventStore.create({ connectionString: db.url, pollIntervalMs: 100 });
    group = new ProjectionRunnerGroup({
      pool,
      eventStore: store,
      projections: PROJECTIONS,
      batchSize: 3,
      lockRetryMs: 200,
      failureRetryMs: 100,
    });
    group.start();
  });
  afterAll(async () => {
    await group.stop();
    await store.close();
    await pool.end();
    await db.drop();
  });

  it('shows each write once its projection reached the written position, and a replay from zero rebuilds identical tables', async () => {
    await store.appendToStream(streamIdOf('customer', C1), [registerCustomer(C1, PARTNER_A, 'Contoso', 'US', T0)], {
      expectedVersion: 'no_stream',
    });
    const o1 = orderHistory(
      O1,
      C1,
      'US',
      [
        [OFFERS.wsStdPerpetual, 1],
        [OFFERS.wsStdP1Y, 2],
      ],
      T0,
      [[cancelOrder([1]), at(T0, DAY)]],
    );
    const placed = await store.appendToStream(streamIdOf('order', O1), [o1[0]], { expectedVersion: 'no_stream' });
    expect(await group.waitForPosition(PROJECTION_NAMES.softwareList, placed.lastGlobalPosition, 5000)).toBe(true);
    expect((await new SoftwareListQuery(pool).list(C1)).items.map((i) => i.status)).toEqual(['active', 'active']);

    const cancelled = await store.appendToStream(streamIdOf('order', O1), [o1[1]], { expectedVersion: 1 });
    expect(await group.waitForPosition(PROJECTION_NAMES.orderViews, cancelled.lastGlobalPosition, 5000)).toBe(true);
    expect((await new OrderViewsQuery(pool).get(C1, O1))?.cancellations.map((c) => c.status)).toEqual(['propagating']);
    expect(await group.waitForPosition(PROJECTION_NAMES.softwareList, cancelled.lastGlobalPosition, 5000)).toBe(true);
    expect((await new SoftwareListQuery(pool).list(C1)).items.map((i) => [i.status, i.keyAvailable])).toEqual([
      ['active', true],
      ['cancellationPending', false],
    ]);

    const propagated = history(O1, o1);
    const last = await store.appendToStream(streamIdOf('order', O1), propagated, { expectedVersion: 2 });
    const o2 = orderHistory(O2, C1, 'US', [[OFFERS.sqlStdPerpetual, 1]], at(T0, 2 * DAY));
    const end = await store.appendToStream(streamIdOf('order', O2), o2, { expectedVersion: 'no_stream' });
    expect(end.lastGlobalPosition).toBeGreaterThan(last.lastGlobalPosition);
    for (const p of PROJECTIONS) expect(await group.waitForPosition(p.name, end.lastGlobalPosition, 5000)).toBe(true);
    expect((await new SoftwareListQuery(pool).list(C1)).items.map((i) => i.status)).toEqual([
      'active',
      'cancelled',
      'active',
    ]);
    expect((await new CustomersQuery(pool).list(PARTNER_A)).totalCount).toBe(1);

    const tables = [CUSTOMERS_TABLE, ORDER_VIEWS_TABLE, SOFTWARE_LIST_TABLE];
    const before = await Promise.all(tables.map((t) => dumpTable(pool, t)));
    // Rebuild: empty tables, rewind every checkpoint. At their next batch (any event) the runners find the
    // checkpoint moved (fenced update), restart from it and redeliver everything.
    await pool.query(`TRUNCATE ${tables.join(', ')}`);
    await pool.query('UPDATE read_model_checkpoints SET position = 0');
    const noise = await store.appendToStream('noise-1', [{ type: 'Noise', data: {} }]);
    const stored = async () =>
      (await pool.query<{ position: string }>('SELECT position FROM read_model_checkpoints')).rows.map((r) =>
        Number(r.position),
      );
    await waitUntil(async () => (await stored()).every((p) => p === noise.lastGlobalPosition), 10_000);
    expect(await Promise.all(tables.map((t) => dumpTable(pool, t)))).toEqual(before);
    expect((await group.status()).map((s) => [s.name, s.active, s.lag])).toEqual(
      PROJECTIONS.map((p) => [p.name, true, 0]),
    );
  });
});

/** The propagation that follows o1's cancellation, decided by the domain. */
function history(orderId: string, earlier: ReturnType<typeof orderHistory>) {
  const all = orderHistory(
    orderId,
    C1,
    'US',
    [
      [OFFERS.wsStdPerpetual, 1],
      [OFFERS.wsStdP1Y, 2],
    ],
    T0,
    [
      [cancelOrder([1]), at(T0, DAY)],
      [markPropagated, at(T0, DAY + 60_000)],
    ],
  );
  expect(all.slice(0, earlier.length)).toEqual(earlier);
  return all.slice(earlier.length);
}
