import { randomBytes } from 'node:crypto';
import { ControllableClock } from '@csp/event-sourcing';
import type { CancellationPropagated } from '@csp/domain';
import { propagationJobId } from '@csp/capabilities/propagation';
import {
  createTestDatabase,
  eventsOf,
  Orders,
  OFFERS,
  propagated,
  startWorker,
  typesOf,
  type Worker,
} from './support/propagation-harness';
import type { TestDatabase } from '../support/database';

// The same code on both queue backends: BullMQ on Redis (production) and on PostgreSQL (embedded default).
describe.each([
  ['redis', process.env.TEST_REDIS_URL],
  ['postgres', undefined],
])('cancellation propagation on %s', (_kind, redisUrl) => {
  let db: TestDatabase;
  let worker: Worker;
  let orders: Orders;
  const clock = new ControllableClock('2024-06-10T10:00:00.000Z');

  beforeAll(async () => {
    db = await createTestDatabase(`csp_prop_${randomBytes(2).toString('hex')}`);
    worker = await startWorker({ db, redisUrl, clock });
    orders = new Orders(worker.eventStore, clock);
  });
  afterAll(async () => {
    await worker?.close();
    await db?.drop();
  });

  it('revokes keys and links, posts the credit once and appends CancellationPropagated with step times', async () => {
    const orderId = await orders.place([OFFERS.perpetual, OFFERS.subscription1y]);
    const linkId = await orders.issueLink(orderId, 0);
    clock.advance({ days: 2, hours: 5 });
    await orders.cancel(orderId);

    const event = (await propagated(worker.eventStore, orderId)) as unknown as { data: CancellationPropagated['data'] };
    expect(event.data).toMatchObject({
      orderId,
      cancelledAt: '2024-06-12T15:00:00.000Z',
      withinDeadline: true,
      keysRevokedAt: expect.any(String),
      linksRevokedAt: expect.any(String),
      creditPostedAt: expect.any(String),
    });
    const ledger = await worker.store.ledgerOf(orderId);
    expect(ledger).toEqual([
      expect.objectContaining({
        lineItemNumber: 0,
        basis: 'full',
        currencyCode: 'USD',
        period: '2024-06',
        taxInclusive: false,
      }),
      expect.objectContaining({ lineItemNumber: 1, basis: 'prorated', currencyCode: 'USD', period: '2024-06' }),
    ]);
    expect(ledger[0].amountMinor).toBeGreaterThan(0);
    await expect(worker.store.revokedLinksOf(orderId)).resolves.toEqual([linkId]);
    const row = (await worker.store.pending()).find((r) => r.orderId === orderId);
    expect(row).toBeUndefined();

    // The job exists once, under the id derived from the event id.
    const cancelled = typesOf(await eventsOf(worker.eventStore, orderId), 'OrderCancelled')[0];
    const job = await worker.queues.propagation.getJob(propagationJobId(cancelled.eventId));
    expect(job?.data).toEqual({ cancellationEventId: cancelled.eventId, orderId });
  });

  it('a reconcile after completion changes nothing: one event, one credit per line', async () => {
    const orderId = await orders.place([OFFERS.perpetual]);
    await orders.cancel(orderId);
    await propagated(worker.eventStore, orderId);
    const report = await worker.host.reconcileNow();
    expect(report.errors).toEqual([]);
    await new Promise((r) => setTimeout(r, 500));
    expect(typesOf(await eventsOf(worker.eventStore, orderId), 'CancellationPropagated')).toHaveLength(1);
    expect(await worker.store.ledgerOf(orderId)).toHaveLength(1);
  });
});
