import { randomBytes, randomUUID } from 'node:crypto';
import { ControllableClock, openEventStore } from '@csp/event-sourcing';
import { billingPeriodOf, defaultDomainData, streamIdOf } from '@csp/domain';
import { type EventStoreHandle, type RecordedEvent } from '@csp/event-store';
import {
  cancellationReactor,
  migratePropagation,
  migratePropagationTables,
  PropagationStore,
  type CancellationRef,
  type LedgerCredit,
  type PropagationQueues,
} from '@csp/capabilities/propagation';
import type { Pool } from 'pg';
import { createTestDatabase, eventsOf, Orders, OFFERS } from './support/propagation-harness';
import { testPool, type TestDatabase } from '../support/database';

const T0 = '2024-06-10T10:00:00.000Z';
const DAY = 86_400_000;

/** Queues that accept everything: these tests look at the rows, not at the jobs. */
const acceptingQueues = {
  enqueuePropagation: async () => 'added',
  enqueueWindowWarning: async () => 'added',
} as unknown as PropagationQueues;

describe('propagation writes in batches', () => {
  let db: TestDatabase;
  let handle: EventStoreHandle;
  let pool: Pool;
  let store: PropagationStore;
  const clock = new ControllableClock(T0);

  beforeAll(async () => {
    db = await createTestDatabase(`csp_prop_${randomBytes(2).toString('hex')}`);
    handle = await openEventStore({ databaseUrl: db.url, dataDir: '/nonexistent' });
    pool = testPool({ connectionString: db.url });
    store = new PropagationStore(pool);
    await migratePropagation(pool);
  });
  afterAll(async () => {
    await pool?.end();
    await handle?.close();
    await db?.drop();
  });

  describe('the reactor', () => {
    /** Applies batches of events with the reactor's tables in their own schema (unqualified names). */
    async function applyInSchema(schema: string, batches: RecordedEvent[][]): Promise<void> {
      const reactor = cancellationReactor({
        store,
        queues: acceptingQueues,
        clock: new ControllableClock(T0),
        policies: defaultDomainData().policies,
      });
      const client = await pool.connect();
      try {
        await client.query(`CREATE SCHEMA ${schema}`);
        await client.query(`SET search_path TO ${schema}`);
        await client.query('BEGIN');
        await migratePropagationTables(client);
        await client.query('COMMIT');
        for (const batch of batches) {
          await client.query('BEGIN');
          await reactor.apply(client, batch);
          await client.query('COMMIT');
        }
      } finally {
        await client.query('RESET search_path').catch(() => undefined);
        client.release();
      }
    }

    async function rowsOf(schema: string): Promise<unknown[]> {
      const propagations = await pool.query(
        `SELECT cancellation_event_id, order_id, stream_id, customer_id, cancelled_at, propagation_deadline,
                propagated_at, overdue_at FROM ${schema}.cancellation_propagations ORDER BY cancellation_event_id`,
      );
      const warnings = await pool.query(
        `SELECT * FROM ${schema}.cancellation_window_warnings ORDER BY order_id, hours_before`,
      );
      return [propagations.rows, warnings.rows];
    }

    it('one batch of interleaved orders leaves the rows that event-by-event application leaves', async () => {
      const orders = new Orders(handle.store, clock);
      clock.set(T0);
      const [a, b, c] = [await orders.place(), await orders.place(), await orders.place()];
      clock.set(Date.parse(T0) + DAY);
      await orders.cancel(a);
      await orders.cancel(c);
      clock.advance({ minutes: 1 });
      await orders.run(a, { type: 'MarkCancellationPropagated', data: {} });
      // b: warned 72 h before its window closes, then cancelled; c: past its propagation deadline.
      const end = Date.parse(T0) + 30 * DAY;
      clock.set(end - 72 * 3_600_000);
      await orders.run(b, {
        type: 'WarnCancellationWindowClosing',
        data: { windowEndsAt: new Date(end).toISOString(), hoursBefore: 72 },
      });
      await orders.run(c, { type: 'MarkCancellationOverdue', data: {} });
      clock.advance({ hours: 1 });
      await orders.cancel(b);

      const [ea, eb, ec] = [
        await eventsOf(handle.store, a),
        await eventsOf(handle.store, b),
        await eventsOf(handle.store, c),
      ];
      expect(ea.map((e) => e.type)).toEqual(['OrderPlaced', 'OrderCancelled', 'CancellationPropagated']);
      expect(eb.map((e) => e.type)).toEqual(['OrderPlaced', 'CancellationWindowClosing', 'OrderCancelled']);
      expect(ec.map((e) => e.type)).toEqual(['OrderPlaced', 'OrderCancelled', 'CancellationPropagationOverdue']);
      // Each order's events in order, the orders interleaved.
      const interleaved = [ea[0], eb[0], ec[0], ea[1], ec[1], ea[2], eb[1], ec[2], eb[2]];

      const one = `one_${randomBytes(3).toString('hex')}`;
      const each = `each_${randomBytes(3).toString('hex')}`;
      await applyInSchema(one, [interleaved]);
      await applyInSchema(
        each,
        interleaved.map((e) => [e]),
      );
      const [propagations, warnings] = (await rowsOf(one)) as [Record<string, unknown>[], Record<string, unknown>[]];
      expect(await rowsOf(each)).toEqual([propagations, warnings]);

      // And those rows are right: b's first reminder went out before its cancellation, the second never will.
      const outcome = (orderId: string) => warnings.filter((w) => w.order_id === orderId).map((w) => w.outcome);
      expect(outcome(a)).toEqual(['cancelled', 'cancelled']);
      expect(outcome(b)).toEqual(['cancelled', 'warned']); // 24 h, 72 h
      expect(outcome(c)).toEqual(['cancelled', 'cancelled']);
      const row = (orderId: string) => propagations.find((p) => p.order_id === orderId)!;
      expect(row(a).propagated_at).toEqual(new Date((ea[2].data as { propagatedAt: string }).propagatedAt));
      expect(row(b)).toMatchObject({ propagated_at: null, overdue_at: null });
      expect(row(c).overdue_at).toEqual(new Date((ec[2].data as { detectedAt: string }).detectedAt));
    });
  });

  describe('a job', () => {
    const refOf = (orderId: string): CancellationRef => ({
      cancellationEventId: randomUUID(),
      orderId,
      streamId: streamIdOf('order', orderId),
      customerId: 'customer-1',
      cancelledAt: '2024-06-11T10:00:00.000Z',
      propagationDeadline: '2024-06-11T10:15:00.000Z',
    });
    const creditOf = (orderId: string, lineItemNumber: number): LedgerCredit => ({
      orderId,
      lineItemNumber,
      customerId: 'customer-1',
      partnerTenantId: 'partner-1',
      offerId: OFFERS.perpetual,
      kind: 'perpetual',
      period: billingPeriodOf('2024-06-11T10:00:00.000Z'),
      amountMinor: 1000 + lineItemNumber,
      currencyCode: 'USD',
      basis: 'full',
      taxInclusive: false,
      cancelledAt: '2024-06-11T10:00:00.000Z',
    });

    it('records its cancellation once and reads back the steps already done, in one statement', async () => {
      const ref = refOf(randomUUID());
      const first = await store.recordAndGet(ref);
      expect(first).toMatchObject({ cancellationEventId: ref.cancellationEventId, keysRevokedAt: null, failures: 0 });
      const keysAt = await store.keysRevoked(ref.cancellationEventId, new Date('2024-06-11T10:00:01.000Z'));
      await expect(store.recordAndGet(ref)).resolves.toMatchObject({ keysRevokedAt: keysAt, creditPostedAt: null });
      await expect(
        pool.query('SELECT 1 FROM cancellation_propagations WHERE order_id = $1', [ref.orderId]),
      ).resolves.toMatchObject({ rowCount: 1 });
    });

    it('posts links and credits once, keeping the first instants on a retry', async () => {
      const ref = refOf(randomUUID());
      await store.recordAndGet(ref);
      const links = [{ linkId: randomUUID(), lineItemNumber: 0 }];
      const credits = [creditOf(ref.orderId, 0), creditOf(ref.orderId, 1)];
      const first = await store.linksAndCreditsPosted(ref, links, credits, new Date('2024-06-11T10:00:02.000Z'));
      expect(first).toEqual({
        linksRevokedAt: '2024-06-11T10:00:02.000Z',
        creditPostedAt: '2024-06-11T10:00:02.000Z',
      });
      const again = await store.linksAndCreditsPosted(ref, links, credits, new Date('2024-06-11T10:00:09.000Z'));
      expect(again).toEqual(first);
      const ledger = await store.ledgerOf(ref.orderId);
      expect(ledger.map((l) => [l.lineItemNumber, l.amountMinor, l.basis, l.period])).toEqual([
        [0, 1000, 'full', '2024-06'],
        [1, 1001, 'full', '2024-06'],
      ]);
      expect(ledger[0]).toEqual(credits[0]);
      await expect(store.revokedLinksOf(ref.orderId)).resolves.toEqual([links[0].linkId]);
    });

    it('writes nothing for a cancellation that is not recorded', async () => {
      const ref = refOf(randomUUID());
      await expect(
        store.linksAndCreditsPosted(
          ref,
          [{ linkId: randomUUID(), lineItemNumber: 0 }],
          [creditOf(ref.orderId, 0)],
          new Date(),
        ),
      ).rejects.toThrow(/is not recorded/);
      await expect(store.ledgerOf(ref.orderId)).resolves.toEqual([]);
      await expect(store.revokedLinksOf(ref.orderId)).resolves.toEqual([]);
    });
  });
});
