import { randomBytes } from 'node:crypto';
import { ControllableClock } from '@csp/event-sourcing';
import { type LicensingPort } from '@csp/capabilities/software';
import { METRIC_NAMES, PropagationMetrics, propagationJobId } from '@csp/capabilities/propagation';
import {
  createTestDatabase,
  eventsOf,
  eventually,
  Orders,
  OFFERS,
  propagated,
  startWorker,
  typesOf,
  type Worker,
} from './support/propagation-harness';
import type { TestDatabase } from '../support/database';

/** A licensing port (a port, not our infrastructure) that fails until told otherwise. */
class FlakyLicensing implements LicensingPort {
  failing = true;
  calls = 0;
  readonly revoked = new Set<string>();
  async issueProductKey(): Promise<never> {
    throw new Error('not used');
  }
  async revokeKeys(r: { orderId: string; lineItemNumbers: readonly number[] }): Promise<void> {
    this.calls += 1;
    if (this.failing) throw new Error('licensing service unavailable');
    for (const n of r.lineItemNumbers) this.revoked.add(`${r.orderId}_${n}`);
  }
  async isRevoked(): Promise<boolean> {
    return false;
  }
}

describe('a licensing port that keeps failing', () => {
  let db: TestDatabase;
  let worker: Worker;
  let orders: Orders;
  const licensing = new FlakyLicensing();
  const clock = new ControllableClock('2024-06-10T10:00:00.000Z');

  beforeAll(async () => {
    db = await createTestDatabase(`csp_prop_${randomBytes(2).toString('hex')}`);
    worker = await startWorker({
      db,
      redisUrl: process.env.TEST_REDIS_URL,
      clock,
      licensing,
      options: { retry: { attempts: 3, backoffMs: 50 } },
    });
    orders = new Orders(worker.eventStore, clock);
  });
  afterAll(async () => {
    await worker?.close();
    await db?.drop();
  });

  it('retries with backoff, raises the overdue alert once at the deadline, then completes late', async () => {
    const orderId = await orders.place([OFFERS.perpetual]);
    await orders.cancel(orderId);
    const cancelled = typesOf(await eventsOf(worker.eventStore, orderId), 'OrderCancelled')[0];
    const jobId = propagationJobId(cancelled.eventId);

    // Three tries, backing off, then the job fails.
    const job = await eventually(async () => {
      const j = await worker.queues.propagation.getJob(jobId);
      return j && (await j.getState()) === 'failed' ? j : undefined;
    });
    expect(job.attemptsMade).toBe(3);
    expect(licensing.calls).toBe(3);
    expect((await worker.store.get(cancelled.eventId))?.failures).toBe(3);
    expect(await worker.store.ledgerOf(orderId)).toEqual([]);

    // Before the deadline the reconciler starts a fresh series, and raises no alert.
    clock.advance({ minutes: 14, seconds: 59 });
    const before = await worker.host.reconcileNow();
    expect(before).toMatchObject({ revived: 1, overdueAlerts: 0, errors: [] });
    await eventually(async () => licensing.calls >= 6 && (await worker.store.get(cancelled.eventId))!.failures >= 6);
    expect(typesOf(await eventsOf(worker.eventStore, orderId), 'CancellationPropagationOverdue')).toEqual([]);

    // At the deadline it is still on time; 1 ms later: the event (once), the gauge, the readiness detail.
    clock.advance({ seconds: 1 });
    expect((await worker.host.reconcileNow()).overdueAlerts).toBe(0);
    clock.advance(1);
    const at = await worker.host.reconcileNow();
    expect(at.overdueAlerts).toBe(1);
    const alerts = typesOf(await eventsOf(worker.eventStore, orderId), 'CancellationPropagationOverdue');
    expect(alerts).toHaveLength(1);
    expect(alerts[0].data).toMatchObject({ orderId, propagationDeadline: cancelled.data.propagationDeadline });
    expect((await worker.host.reconcileNow()).overdueAlerts).toBe(0);
    await expect(worker.store.counts(clock.now())).resolves.toMatchObject({ overdue: 1, pending: 1 });
    const metrics = await worker.app.get(PropagationMetrics, { strict: false }).metrics();
    expect(metrics).toMatch(new RegExp(`${METRIC_NAMES.overdue} 1`));
    expect(metrics).toMatch(new RegExp(`${METRIC_NAMES.failures}\\{step="keys"\\} [6-9]`));
    expect(metrics).toMatch(new RegExp(`${METRIC_NAMES.overdueAlerts} 1`));

    // The licensing service comes back: the next reconcile propagates it, late, exactly once.
    licensing.failing = false;
    await eventually(async () => {
      await worker.host.reconcileNow();
      return (await eventsOf(worker.eventStore, orderId)).some((e) => e.type === 'CancellationPropagated');
    });
    const done = await propagated(worker.eventStore, orderId);
    expect(done.data).toMatchObject({ withinDeadline: false });
    expect(licensing.revoked.has(`${orderId}_0`)).toBe(true);
    expect(await worker.store.ledgerOf(orderId)).toHaveLength(1);
    await expect(worker.store.counts(clock.now())).resolves.toMatchObject({ overdue: 0, pending: 0 });
  });
});
