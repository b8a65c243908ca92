import { streamIdOf } from '@csp/domain';
import { PostgresEventStore, type RecordedEvent } from '@csp/event-store';
import { CheckpointWatcher, ProjectionRunner, type Projection } from '@csp/event-sourcing';
import { customersProjection } from '../../apps/worker/src/projections';
import { CustomersQuery } from '@csp/capabilities/customers';
import { Pool, type PoolClient } from 'pg';
import { createTestDatabase, type TestDatabase, testPool } from '../support/database';
import { OFFERS, PARTNER_A, T0, at, orderHistory, registerCustomer, waitUntil } from './projections.fixtures';

/**
 * A deliberately non-idempotent projection (it adds to a counter): only the runner's
 * rows-and-checkpoint transaction keeps it exact, so any double or lost delivery shows.
 */
const counting = (
  name: string,
  hooks: { beforeEach?: (event: RecordedEvent, client: PoolClient) => Promise<void> | void } = {},
): Projection => ({
  name,
  version: 1,
  eventTypes: [tickType(name)],
  async migrate(client) {
    await client.query(
      `CREATE TABLE IF NOT EXISTS tick_counts (projection text PRIMARY KEY, n bigint NOT NULL DEFAULT 0, seen bigint[] NOT NULL DEFAULT '{}')`,
    );
    await client.query(`INSERT INTO tick_counts (projection) VALUES ($1) ON CONFLICT DO NOTHING`, [name]);
  },
  async apply(client, events) {
    for (const event of events) {
      await hooks.beforeEach?.(event, client);
      await client.query(`UPDATE tick_counts SET n = n + 1, seen = seen || $2::bigint WHERE projection = $1`, [
        name,
        event.globalPosition,
      ]);
    }
  },
});

/** Each test counts its own event type (the store is shared by the tests). */
const tickType = (name: string): string => `Tick:${name}`;
const ticks = (name: string, n: number) => Array.from({ length: n }, (_, i) => ({ type: tickType(name), data: { i } }));

describe('projection runner', () => {
  let db: TestDatabase;
  let pool: Pool;
  let admin: Pool;
  let store: PostgresEventStore;
  const runners: ProjectionRunner[] = [];

  const runner = (projection: Projection, batchSize = 20): ProjectionRunner => {
    const r = new ProjectionRunner({
      pool,
      eventStore: store,
      projection,
      batchSize,
      lockRetryMs: 200,
      failureRetryMs: 100,
    });
    runners.push(r);
    r.start();
    return r;
  };
  const count = async (name: string): Promise<{ n: number; seen: number[] }> => {
    const r = await pool.query<{ n: string; seen: string[] }>('SELECT n, seen FROM tick_counts WHERE projection = $1', [
      name,
    ]);
    return { n: Number(r.rows[0]?.n ?? 0), seen: (r.rows[0]?.seen ?? []).map(Number) };
  };
  const positionsOf = async (streamId: string): Promise<number[]> =>
    (await store.readStream(streamId)).events.map((e) => e.globalPosition);
  const storedCheckpoint = async (name: string): Promise<number> => {
    const r = await pool.query<{ position: string }>(
      'SELECT position FROM read_model_checkpoints WHERE projection = $1',
      [name],
    );
    return Number(r.rows[0]?.position ?? 0);
  };

  beforeAll(async () => {
    db = await createTestDatabase('csp_rm_runner');
    pool = testPool({ connectionString: db.url, max: 20 });
    admin = testPool({ connectionString: db.url, max: 2 });
    pool.on('error', () => undefined);
    store = await PostgresEventStore.create({ connectionString: db.url, pollIntervalMs: 100 });
  });
  afterEach(async () => {
    await Promise.all(runners.splice(0).map((r) => r.stop()));
  });
  afterAll(async () => {
    await store.close();
    await pool.end();
    await admin.end();
    await db.drop();
  });

  it('applies appended events, advances past events of other types, and waitForPosition answers read-your-writes', async () => {
    const r = runner(customersProjection);
    const ids = ['c1', 'c2', 'c3'].map((s) => `${s}c1c1c1-0000-4000-8000-000000000000`.slice(0, 36));
    let last = 0;
    for (const [i, id] of ids.entries()) {
      const written = await store.appendToStream(
        streamIdOf('customer', id),
        [registerCustomer(id, PARTNER_A, `Contoso ${i}`, 'US', at(T0, i))],
        {
          expectedVersion: 'no_stream',
        },
      );
      last = written.lastGlobalPosition;
    }
    expect(await r.waitForPosition(last, 5000)).toBe(true);
    expect((await new CustomersQuery(pool).list(PARTNER_A)).totalCount).toBe(3);

    // Only events the projection ignores: the checkpoint still reaches them.
    const order = orderHistory('o1o1o1o1-0000-4000-8000-000000000000', ids[0], 'US', [[OFFERS.wsStdPerpetual, 1]], T0);
    const ignored = await store.appendToStream(streamIdOf('order', 'o1'), order, { expectedVersion: 'no_stream' });
    expect(await r.waitForPosition(ignored.lastGlobalPosition, 5000)).toBe(true);
    await waitUntil(async () => (await r.lag()) === 0);
    expect(await storedCheckpoint('customers')).toBe(ignored.lastGlobalPosition);

    // Another process (no runner) waits on the stored checkpoint, woken by NOTIFY.
    const watcher = new CheckpointWatcher(admin, { pollIntervalMs: 5000 });
    try {
      const pending = watcher.waitForPosition('customers', ignored.lastGlobalPosition + 1, 5000);
      const started = Date.now();
      const next = await store.appendToStream(streamIdOf('customer', 'c4'), [
        registerCustomer('c4', PARTNER_A, 'Late', 'US', T0),
      ]);
      expect(next.lastGlobalPosition).toBeGreaterThan(ignored.lastGlobalPosition);
      expect(await pending).toBe(true);
      expect(Date.now() - started).toBeLessThan(2000); // not the 5 s poll: the notification
      // Nothing comes: false after the timeout.
      const t0 = Date.now();
      expect(await watcher.waitForPosition('customers', next.lastGlobalPosition + 100, 300)).toBe(false);
      expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
      expect(await r.waitForPosition(next.lastGlobalPosition + 100, 200)).toBe(false);
    } finally {
      await watcher.close();
    }
    expect(await r.status()).toMatchObject({ name: 'customers', active: true, lag: 0 });
  });

  it('a batch failing midway rolls back with the checkpoint unchanged; a new runner resumes without double counting', async () => {
    const name = 'ticks-crash';
    const appended = await store.appendToStream('tick-crash', ticks(name, 50));
    const positions = await positionsOf('tick-crash');
    let failures = 0;
    // Fails on the 25th tick (second batch of 20), every time: a poison batch.
    const failing = runner(
      counting(name, {
        beforeEach: (event) => {
          if (event.globalPosition === positions[24]) {
            failures += 1;
            throw new Error('boom on the 25th event');
          }
        },
      }),
    );
    await waitUntil(() => failures >= 2);
    const stuckAt = await storedCheckpoint(name);
    expect(stuckAt).toBe(positions[19]); // the first batch of 20 committed, the second not
    const partial = await count(name);
    // Exactly the committed events, none of the rolled-back batch.
    expect(partial.seen.every((p) => p <= stuckAt)).toBe(true);
    expect(partial.n).toBe(partial.seen.length);
    expect((await failing.status()).lastError).toMatch(/boom/);
    await failing.stop();

    const healthy = runner(counting(name));
    expect(await healthy.waitForPosition(appended.lastGlobalPosition, 5000)).toBe(true);
    const done = await count(name);
    expect(done.n).toBe(50);
    expect(new Set(done.seen).size).toBe(50);
  });

  it('a runner whose connection is killed mid-batch loses that batch only; whoever takes over redoes it once', async () => {
    const name = 'ticks-kill';
    const appended = await store.appendToStream('tick-kill', ticks(name, 30));
    const positions = await positionsOf('tick-kill');
    let stalled = false;
    let stall: (() => void) | undefined;
    const stalling = new Promise<void>((resolve) => (stall = resolve));
    const victim = runner(
      counting(name, {
        beforeEach: async (event, client) => {
          if (event.globalPosition !== positions[25] || stalled) return;
          stalled = true;
          stall?.();
          // A slow apply, still talking to the database, until its connection dies.
          for (;;) {
            await new Promise((r) => setTimeout(r, 20));
            await client.query('SELECT 1');
          }
        },
      }),
    );
    await stalling;
    const standby = runner(counting(name));
    expect(await storedCheckpoint(name)).toBe(positions[19]);
    expect((await count(name)).n).toBe(20);
    const pid = victim.lockPid;
    expect(pid).not.toBeNull();
    await admin.query('SELECT pg_terminate_backend($1)', [pid]);
    // The standby or the victim itself (on a new connection) takes the lock and redoes the batch.
    expect(await standby.waitForPosition(appended.lastGlobalPosition, 10_000)).toBe(true);
    const { n, seen } = await count(name);
    expect(n).toBe(30);
    expect(seen).toEqual(positions);
    expect([victim.isActive, standby.isActive].filter(Boolean)).toHaveLength(1);
  });

  it('runs one instance at a time; a standby takes over when the holder’s lock connection is terminated', async () => {
    const name = 'ticks-pair';
    const a = runner(counting(name));
    const b = runner(counting(name));
    await waitUntil(() => a.isActive || b.isActive);
    await new Promise((r) => setTimeout(r, 600)); // several lock retries of the standby
    expect([a.isActive, b.isActive].filter(Boolean)).toHaveLength(1);
    const [holder, standby] = a.isActive ? [a, b] : [b, a];

    const one = await store.appendToStream('tick-pair', ticks(name, 30));
    expect(await standby.waitForPosition(one.lastGlobalPosition, 5000)).toBe(true);
    expect((await count(name)).n).toBe(30);

    await admin.query('SELECT pg_terminate_backend($1)', [holder.lockPid]);
    await waitUntil(() => standby.isActive, 5000);
    expect(holder.isActive).toBe(false);
    const two = await store.appendToStream('tick-pair', ticks(name, 30));
    expect(await holder.waitForPosition(two.lastGlobalPosition, 5000)).toBe(true);
    const { n, seen } = await count(name);
    expect(n).toBe(60);
    expect(new Set(seen).size).toBe(60);
    expect(holder.isActive).toBe(false); // the lock is taken: it stays on standby
  });

  it('stops gracefully: the in-flight batch is committed before stop() resolves', async () => {
    const name = 'ticks-stop';
    const appended = await store.appendToStream('tick-stop', ticks(name, 40));
    let inFlight: (() => void) | undefined;
    const started = new Promise<void>((resolve) => (inFlight = resolve));
    const r = runner(
      counting(name, {
        beforeEach: async () => {
          inFlight?.();
          await new Promise((res) => setTimeout(res, 10));
        },
      }),
      20,
    );
    await started;
    await r.stop();
    const checkpoint = await storedCheckpoint(name);
    const { n, seen } = await count(name);
    expect(checkpoint).toBe((await positionsOf('tick-stop'))[19]); // the in-flight first batch, complete
    expect(checkpoint).toBeLessThan(appended.lastGlobalPosition);
    expect(n).toBe(20);
    expect(seen.every((p) => p <= checkpoint)).toBe(true);
    expect(r.isActive).toBe(false);
  });
});
