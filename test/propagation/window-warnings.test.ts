import { randomBytes } from 'node:crypto';
import { ControllableClock } from '@csp/event-sourcing';
import {
  createTestDatabase,
  eventsOf,
  eventually,
  Orders,
  OFFERS,
  startWorker,
  typesOf,
  type Worker,
} from './support/propagation-harness';
import type { TestDatabase } from '../support/database';

const H = 3_600_000;
const T0 = '2024-06-10T10:00:00.000Z';
const END = new Date(Date.parse(T0) + 30 * 24 * H);

// Delayed jobs warn 72 h and 24 h before the window closes, by the injected clock; the durable rows let the
// reconciler offer (promote) them when the clock says so, whatever the queue's own timers think.
describe('cancellation window-closing warnings', () => {
  let db: TestDatabase;
  let worker: Worker;
  let orders: Orders;
  const clock = new ControllableClock(T0);

  beforeAll(async () => {
    db = await createTestDatabase(`csp_prop_${randomBytes(2).toString('hex')}`);
    worker = await startWorker({ db, redisUrl: process.env.TEST_REDIS_URL, clock });
    orders = new Orders(worker.eventStore, clock);
  });
  afterAll(async () => {
    await worker?.close();
    await db?.drop();
  });

  const warningsOf = async (orderId: string) =>
    typesOf(await eventsOf(worker.eventStore, orderId), 'CancellationWindowClosing');
  const recorded = (orderId: string) =>
    eventually(async () => (await worker.store.windowWarningsOf(orderId)).length === 2, 10_000, 'reminders recorded');
  const settle = () => new Promise((r) => setTimeout(r, 400));

  it('at 72 h and 24 h before the end, not a millisecond earlier, each once, in the order history', async () => {
    clock.set(T0);
    const orderId = await orders.place([OFFERS.perpetual]);
    await recorded(orderId);
    expect((await worker.store.windowWarningsOf(orderId)).map((w) => [w.hoursBefore, w.dueAt])).toEqual([
      [72, new Date(END.getTime() - 72 * H).toISOString()],
      [24, new Date(END.getTime() - 24 * H).toISOString()],
    ]);
    // The delayed job waits for the real 27 days; nothing runs early.
    const delayed = await worker.queues.warnings.getJobCounts('delayed');
    expect(delayed.delayed).toBeGreaterThanOrEqual(2);

    clock.set(END.getTime() - 72 * H - 1);
    await worker.host.reconcileNow();
    await settle();
    expect(await warningsOf(orderId)).toEqual([]);

    clock.set(END.getTime() - 72 * H);
    await worker.host.reconcileNow();
    const [first] = await eventually(async () => {
      const w = await warningsOf(orderId);
      return w.length === 1 ? w : undefined;
    });
    expect(first.data).toEqual({
      orderId,
      customerId: expect.any(String),
      partnerTenantId: expect.any(String),
      windowEndsAt: END.toISOString(),
      hoursBefore: 72,
      lineItemNumbers: [0],
      warnedAt: new Date(END.getTime() - 72 * H).toISOString(),
    });

    clock.set(END.getTime() - 24 * H - 1);
    await worker.host.reconcileNow();
    await settle();
    expect(await warningsOf(orderId)).toHaveLength(1);

    clock.set(END.getTime() - 24 * H);
    await worker.host.reconcileNow();
    const both = await eventually(async () => {
      const w = await warningsOf(orderId);
      return w.length === 2 ? w : undefined;
    });
    expect(both.map((e) => e.data.hoursBefore)).toEqual([72, 24]);
    expect(both[1].data.warnedAt).toBe(new Date(END.getTime() - 24 * H).toISOString());

    await worker.host.reconcileNow();
    await settle();
    expect(await warningsOf(orderId)).toHaveLength(2);
    expect((await worker.store.windowWarningsOf(orderId)).map((w) => w.outcome)).toEqual(['warned', 'warned']);
  });

  it('none for a cancelled order', async () => {
    clock.set(T0);
    const orderId = await orders.place([OFFERS.perpetual]);
    await recorded(orderId);
    clock.advance({ days: 1 });
    await orders.cancel(orderId);
    await eventually(async () =>
      (await worker.store.windowWarningsOf(orderId)).every((w) => w.outcome === 'cancelled'),
    );
    for (const hours of [72, 24]) {
      clock.set(END.getTime() - hours * H);
      await worker.host.reconcileNow();
    }
    // Even a delayed job that fires anyway records nothing for a cancelled order.
    const jobs = await worker.queues.warnings.getJobs(['delayed']);
    const mine = jobs.filter((j) => j.data.orderId === orderId);
    expect(mine.length).toBe(2);
    for (const job of mine) await job.promote();
    await eventually(async () => {
      const counts = await Promise.all(mine.map(async (j) => (await worker.queues.warnings.getJob(j.id!))?.finishedOn));
      return counts.every(Boolean);
    });
    expect(await warningsOf(orderId)).toEqual([]);
  });

  it('none once the window has passed', async () => {
    clock.set(T0);
    const orderId = await orders.place([OFFERS.perpetual]);
    await recorded(orderId);
    clock.set(END);
    await worker.host.reconcileNow();
    await settle();
    expect(await warningsOf(orderId)).toEqual([]);
    expect((await worker.store.windowWarningsOf(orderId)).map((w) => w.outcome)).toEqual(['expired', 'expired']);
  });
});
