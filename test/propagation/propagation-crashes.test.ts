import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import IORedis from 'ioredis';
import { ControllableClock, openEventStore } from '@csp/event-sourcing';
import { type EventStoreHandle } from '@csp/event-store';
import { PropagationStore, RECONCILER_SCHEDULER_ID } from '@csp/capabilities/propagation';
import { Pool } from 'pg';
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
import { spawnWorker } from './support/worker-process';
import type { TestDatabase } from '../support/database';

const newDb = () => createTestDatabase(`csp_prop_${randomBytes(2).toString('hex')}`);

/** Each cancellation: one CancellationPropagated, one ledger row per line, nothing pending. */
async function expectPropagatedOnce(w: { eventStore: Worker['eventStore']; store: PropagationStore }, ids: string[]) {
  for (const orderId of ids) {
    await propagated(w.eventStore, orderId, 20_000);
    expect(typesOf(await eventsOf(w.eventStore, orderId), 'CancellationPropagated')).toHaveLength(1);
    expect(await w.store.ledgerOf(orderId)).toHaveLength(1);
  }
}

describe('two workers', () => {
  let db: TestDatabase;
  const workers: Worker[] = [];
  const clock = new ControllableClock('2024-06-10T10:00:00.000Z');

  beforeAll(async () => {
    db = await newDb();
    for (let i = 0; i < 2; i++) workers.push(await startWorker({ db, redisUrl: process.env.TEST_REDIS_URL, clock }));
  });
  afterAll(async () => {
    for (const w of workers) await w.close();
    await db?.drop();
  });

  it('propagate each cancellation exactly once, even with both reconcilers racing', async () => {
    const orders = new Orders(workers[0].eventStore, clock);
    const ids = await Promise.all(Array.from({ length: 12 }, () => orders.place([OFFERS.perpetual])));
    await Promise.all(ids.map((id) => orders.cancel(id)));
    await Promise.all([...workers, ...workers].map((w) => w.host.reconcileNow()));
    await expectPropagatedOnce(workers[0], ids);
    // One reactor is active at a time (advisory lock); the job ids keep the queue to one job per event.
    expect(workers.filter((w) => w.host.runtime.reactor.isActive)).toHaveLength(1);
  });
});

describe('FLUSHALL on Redis with cancellations in flight', () => {
  let db: TestDatabase;
  let redis: ChildProcess;
  let redisUrl: string;
  let worker: Worker;
  const clock = new ControllableClock('2024-06-10T10:00:00.000Z');

  beforeAll(async () => {
    db = await newDb();
    // A Redis of our own: FLUSHALL must not touch anyone else's data on the machine's Redis.
    const port = await freePort();
    redis = spawn('redis-server', ['--port', String(port), '--save', '', '--appendonly', 'no', '--daemonize', 'no'], {
      stdio: 'ignore',
    });
    redisUrl = `redis://127.0.0.1:${port}`;
    await eventually(async () => {
      const probe = new IORedis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 0 });
      probe.on('error', () => undefined);
      try {
        await probe.connect();
        return (await probe.ping()) === 'PONG';
      } finally {
        probe.disconnect();
      }
    });
    // Slow jobs, one at a time, so most cancellations are still queued when Redis forgets everything.
    worker = await startWorker({
      db,
      redisUrl,
      clock,
      options: { stepDelayMs: 700, concurrency: 1, reconcileEveryMs: 1000 },
    });
  });
  afterAll(async () => {
    await worker?.close();
    redis?.kill('SIGKILL');
    await db?.drop();
  });

  it('all propagate once the reconciler has run (its scheduler is re-created too)', async () => {
    const orders = new Orders(worker.eventStore, clock);
    const ids = await Promise.all(Array.from({ length: 4 }, () => orders.place([OFFERS.perpetual])));
    await Promise.all(ids.map((id) => orders.cancel(id)));
    await eventually(async () => (await worker.store.pending()).length === 4, 10_000, 'reactor recorded all');
    await eventually(async () => (await worker.queues.propagation.getJobCounts('waiting')).waiting >= 2);

    const admin = new IORedis(redisUrl);
    await admin.flushall();
    expect(await admin.dbsize()).toBe(0);
    await admin.quit();

    // Nobody calls the reconciler here: the watchdog re-creates its scheduler, whose job re-enqueues.
    await expectPropagatedOnce(worker, ids);
    expect(await worker.queues.maintenance.getJobScheduler(RECONCILER_SCHEDULER_ID)).toBeTruthy();
  });
});

describe('worker processes', () => {
  let db: TestDatabase;
  let handle: EventStoreHandle;
  let pool: Pool;
  let store: PropagationStore;
  let orders: Orders;
  const clock = new ControllableClock(new Date());
  const env = (): Record<string, string> => ({
    DATABASE_URL: db.url,
    REDIS_URL: process.env.TEST_REDIS_URL!,
    PROPAGATION_TEST_STEP_DELAY_MS: '3000',
    PROPAGATION_LOCK_MS: '2000',
    PROPAGATION_STALLED_CHECK_MS: '1000',
  });

  beforeAll(async () => {
    db = await newDb();
    handle = await openEventStore({ databaseUrl: db.url, dataDir: '/nonexistent' });
    pool = new Pool({ connectionString: db.url });
    store = new PropagationStore(pool);
    orders = new Orders(handle.store, clock);
  });
  afterAll(async () => {
    await pool?.end();
    await handle?.close();
    await db?.drop();
  });

  const cancelAndWaitMidJob = async (): Promise<string> => {
    const orderId = await orders.place([OFFERS.perpetual]);
    await orders.cancel(orderId);
    // Keys revoked, links and credit not yet: the job is in the middle of its steps.
    await eventually(
      async () => {
        const rows = await store.pending().catch(() => []);
        const row = rows.find((r) => r.orderId === orderId);
        return row?.keysRevokedAt && !row.creditPostedAt;
      },
      20_000,
      'job in the middle of its steps',
    );
    return orderId;
  };

  it('SIGKILL in the middle of a job: another worker completes it, the credit posted once', async () => {
    const a = spawnWorker(env());
    try {
      await a.ready;
      const orderId = await cancelAndWaitMidJob();
      const firstKeysRevokedAt = (await store.pending()).find((r) => r.orderId === orderId)!.keysRevokedAt;
      await a.kill('SIGKILL');
      expect(typesOf(await eventsOf(handle.store, orderId), 'CancellationPropagated')).toEqual([]);

      // A second worker (here in-process) takes the stalled job over once its lock expires.
      const b = await startWorker({ db, redisUrl: process.env.TEST_REDIS_URL, clock });
      try {
        const event = await propagated(handle.store, orderId, 20_000);
        expect(event.data).toMatchObject({ keysRevokedAt: firstKeysRevokedAt });
        expect(typesOf(await eventsOf(handle.store, orderId), 'CancellationPropagated')).toHaveLength(1);
        expect(await store.ledgerOf(orderId)).toHaveLength(1);
      } finally {
        await b.close();
      }
    } finally {
      await a.kill('SIGKILL');
    }
  });

  it('SIGTERM in the middle of a job: the worker finishes it before it exits', async () => {
    const w = spawnWorker(env());
    try {
      await w.ready;
      const orderId = await cancelAndWaitMidJob();
      const exit = await w.kill('SIGTERM');
      expect(exit.code === 0 || exit.signal === 'SIGTERM').toBe(true);
      expect(typesOf(await eventsOf(handle.store, orderId), 'CancellationPropagated')).toHaveLength(1);
      expect(await store.ledgerOf(orderId)).toHaveLength(1);
    } finally {
      await w.kill('SIGKILL');
    }
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
