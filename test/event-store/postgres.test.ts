import { Client } from 'pg';
import { EventStoreUnavailableError, PostgresEventStore, type RecordedEvent } from '../../libs/event-store/src';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { describeEventStoreContract, ev, eventually } from './event-store.contract';

describeEventStoreContract('PostgreSQL', async () => {
  const db = await createTestDatabase('es_contract');
  const store = await PostgresEventStore.create({ connectionString: db.url });
  return {
    store,
    cleanup: async () => {
      await store.close();
      await db.drop();
    },
  };
});

describe('PostgreSQL event store specifics', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  const clients: Client[] = [];

  beforeAll(async () => {
    db = await createTestDatabase('es_pg');
    store = await PostgresEventStore.create({ connectionString: db.url, schema: 'events' });
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
    await store?.close();
    await db?.drop();
  });
  const connect = async () => {
    const client = new Client({ connectionString: db.url });
    await client.connect();
    clients.push(client);
    return client;
  };

  it('migrate() is idempotent and safe to run from several processes at once', async () => {
    const others = Array.from(
      { length: 4 },
      () => new PostgresEventStore({ connectionString: db.url, schema: 'events' }),
    );
    await Promise.all(others.map((s) => s.migrate()));
    await Promise.all(others.map((s) => s.close()));
    const client = await connect();
    const tables = await client.query(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'events' ORDER BY 1`,
    );
    expect(tables.rows.map((r) => r.table_name)).toEqual(['es_events', 'es_streams']);
  });

  it('is gap-safe: an event committed after a later-numbered one is never skipped', async () => {
    // A transaction that has appended (holding the lower position) but not committed.
    const slow = await connect();
    await slow.query('BEGIN');
    await slow.query('SELECT pg_current_xact_id()'); // takes its transaction id (= position) now
    const fast = await store.appendToStream('order-gap-fast', [ev('Fast')]);

    const received: RecordedEvent[] = [];
    const sub = store.subscribe({
      streamPrefixes: ['order-gap-'],
      handler: async (events) => void received.push(...events),
    });
    await sub.caughtUp;

    const writer = new PostgresEventStore({ connectionString: db.url, schema: 'events' });
    // The slow transaction appends with the statement the store uses (one append per transaction).
    const slowAppend = slow.query(
      `WITH stream AS (INSERT INTO events.es_streams (stream_id, version) VALUES ('order-gap-slow', 1) RETURNING version)
       INSERT INTO events.es_events (global_position, stream_id, stream_position, event_id, type, data, metadata)
       SELECT (pg_current_xact_id()::text::bigint << 12), 'order-gap-slow', 1, gen_random_uuid(), 'Slow', '{}', '{}' FROM stream
       RETURNING global_position`,
    );
    const slowPosition = Number((await slowAppend).rows[0].global_position);
    expect(slowPosition).toBeLessThan(fast.lastGlobalPosition);

    // Neither readAll, nor headPosition, nor the follower may pass the open transaction.
    const early = await store.readAll({ streamPrefixes: ['order-gap-'] });
    expect(early.events.map((e) => e.type)).toEqual([]);
    expect(await store.headPosition()).toBeLessThan(slowPosition);
    await new Promise((r) => setTimeout(r, 1500)); // > the fallback poll
    expect(received).toEqual([]);

    await slow.query('COMMIT');
    await writer.appendToStream('order-gap-other', [ev('Wake')]); // any append wakes followers
    await eventually(() => expect(received.map((e) => e.type)).toEqual(['Slow', 'Fast', 'Wake']));
    const late = await store.readAll({ streamPrefixes: ['order-gap-'] });
    expect(late.events.map((e) => e.type)).toEqual(['Slow', 'Fast', 'Wake']);
    await sub.stop();
    await writer.close();
  });

  it('followers in another process wake on NOTIFY, and the LISTEN connection comes back after being killed', async () => {
    // Polling is off (1 h), so only notifications can wake this follower; appends come from another store.
    const follower = new PostgresEventStore({ connectionString: db.url, schema: 'events', pollIntervalMs: 3_600_000 });
    const writer = new PostgresEventStore({ connectionString: db.url, schema: 'events' });
    const received: string[] = [];
    const sub = follower.subscribe({
      streamPrefixes: ['order-listen-'],
      handler: async (events) => void received.push(...events.map((e) => e.type)),
    });
    await sub.caughtUp;
    await eventually(() => expect(follower.listening).toBe(true));
    await writer.appendToStream('order-listen-1', [ev('BeforeKill')]);
    await eventually(() => expect(received).toEqual(['BeforeKill']), 5000);

    const admin = await connect();
    const killed = await admin.query(
      `SELECT pg_terminate_backend(pid) AS ok, pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'es-listener' AND query ILIKE 'LISTEN%'`,
    );
    expect(killed.rows.length).toBeGreaterThanOrEqual(1);
    await eventually(async () => {
      const again = await admin.query(
        `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'es-listener' AND query ILIKE 'LISTEN%'`,
      );
      expect(again.rows.some((r) => !killed.rows.some((k) => k.pid === r.pid))).toBe(true);
      expect(follower.listening).toBe(true);
    });
    await writer.appendToStream('order-listen-1', [ev('AfterKill')]);
    await eventually(() => expect(received).toEqual(['BeforeKill', 'AfterKill']), 5000);
    await sub.stop();
    await Promise.all([follower.close(), writer.close()]);
  });

  it('reports an unreachable server as EventStoreUnavailableError', async () => {
    const down = new PostgresEventStore({ connectionString: 'postgres://postgres@127.0.0.1:1/none' });
    await expect(down.appendToStream('order-x', [ev('A')])).rejects.toBeInstanceOf(EventStoreUnavailableError);
    await expect(down.readAll()).rejects.toBeInstanceOf(EventStoreUnavailableError);
    await expect(down.ping()).rejects.toBeInstanceOf(EventStoreUnavailableError);
    await down.close();
  });

  it('refuses a second append in one database transaction', async () => {
    const client = await connect();
    await client.query('BEGIN');
    const sql = `WITH stream AS (INSERT INTO events.es_streams (stream_id, version) VALUES ($1, 1) RETURNING version)
       INSERT INTO events.es_events (global_position, stream_id, stream_position, event_id, type, data, metadata)
       SELECT (pg_current_xact_id()::text::bigint << 12), $1, 1, gen_random_uuid(), 'T', '{}', '{}' FROM stream`;
    await client.query(sql, ['order-two-1']);
    await expect(client.query(sql, ['order-two-2'])).rejects.toMatchObject({ code: '23505' });
    await client.query('ROLLBACK');
  });

  describe('shared reads', () => {
    let shared: PostgresEventStore;
    beforeAll(async () => {
      shared = await PostgresEventStore.create({ connectionString: db.url, schema: 'shared_reads' });
    });
    afterAll(async () => {
      await shared?.close();
    });
    const readsSent = () =>
      jest.spyOn(shared as unknown as { readAllNow: (o: unknown) => Promise<unknown> }, 'readAllNow');

    it('followers woken together share one read; plain reads are always fresh', async () => {
      await shared.appendToStream('order-shared-1', [ev('A'), ev('B')]);
      const follower = shared as unknown as { followerRead: (o: object) => Promise<unknown> };
      const spy = readsSent();
      try {
        const o = { after: 0, maxCount: 10 };
        const [a, b] = await Promise.all([follower.followerRead(o), follower.followerRead(o)]);
        expect(b).toBe(a);
        expect(spy).toHaveBeenCalledTimes(1);
        const [c, d] = await Promise.all([shared.readAll(o), shared.readAll(o)]);
        expect(d).not.toBe(c);
        expect(d).toEqual(c);
        expect(spy).toHaveBeenCalledTimes(3);
      } finally {
        spy.mockRestore();
      }
    });

    it.each(['es-notify', 'rm-projection'])(
      'does not hold events back behind a session named %s (it never appends)',
      async (name) => {
        const other = await connect();
        try {
          await other.query(`SET application_name = '${name}'`);
          await other.query('BEGIN');
          await other.query('SELECT pg_current_xact_id()');
          const before = await shared.headPosition();
          await shared.appendToStream(`order-not-held-${name}`, [ev('NotHeld')]);
          const read = await shared.readAll({ after: before });
          expect(read.events.map((e) => e.type)).toEqual(['NotHeld']);
          expect(read.heldBack).toBe(false);
        } finally {
          await other.query('ROLLBACK');
        }
      },
    );

    it('reports events held back behind an open transaction, and a follower gets them soon after it ends, unannounced', async () => {
      const slow = await PostgresEventStore.create({
        connectionString: db.url,
        schema: 'held_back',
        pollIntervalMs: 60_000, // the fallback poll cannot be what delivers the event
      });
      const blocker = await connect();
      try {
        const seen: string[] = [];
        const subscription = slow.subscribe({
          handler: async (events) => void seen.push(...events.map((e) => e.type)),
        });
        await subscription.caughtUp;
        // An older transaction holds an xid; the append after it commits with a larger one.
        await blocker.query('BEGIN');
        await blocker.query('SELECT pg_current_xact_id()');
        await slow.appendToStream('order-held-1', [ev('Held')]);
        const read = await slow.readAll({ after: 0 });
        expect(read.events.map((e) => e.type)).not.toContain('Held');
        expect(read.heldBack).toBe(true);
        expect(read.isEnd).toBe(true);
        await new Promise((r) => setTimeout(r, 200));
        expect(seen).toEqual([]);
        await blocker.query('COMMIT');
        await eventually(() => expect(seen).toEqual(['Held']), 5_000);
        const after = await slow.readAll({ after: 0 });
        expect(after.events.map((e) => e.type)).toEqual(['Held']);
        expect(after.heldBack).toBe(false);
        await subscription.stop();
      } finally {
        await blocker.query('ROLLBACK').catch(() => undefined);
        await slow.close();
      }
    });

    it('never hands out a batch read (ahead) before a later append: the append is in the next read', async () => {
      const before = await shared.headPosition();
      for (let i = 0; i < 5; i++) await shared.appendToStream(`order-ahead-${i}`, [ev('Ahead', { i })]);
      // A full batch: the store reads the next one ahead, which at that moment holds two events.
      const first = await shared.readAll({ after: before, maxCount: 3 });
      expect(first.isEnd).toBe(false);
      await shared.appendToStream('order-ahead-late', [ev('Late')]);
      const second = await shared.readAll({ after: first.lastPosition, maxCount: 3 });
      expect(second.events.map((e) => e.type)).toEqual(['Ahead', 'Ahead', 'Late']);
    });

    it('a read-ahead that failed is not handed out: the caller reads afresh', async () => {
      const before = await shared.headPosition();
      for (let i = 0; i < 4; i++) await shared.appendToStream(`order-fail-${i}`, [ev('F', { i })]);
      const target = shared as unknown as { readAllNow: (o: unknown) => Promise<unknown> };
      const original = target.readAllNow.bind(shared);
      const spy = readsSent()
        .mockImplementationOnce((o: unknown) => original(o)) // the caller's own read
        .mockImplementationOnce(() => Promise.reject(new Error('read-ahead failed'))); // the read ahead
      try {
        const first = await shared.readAll({ after: before, maxCount: 2 });
        const second = await shared.readAll({ after: first.lastPosition, maxCount: 2 });
        expect(second.events.map((e) => e.data)).toEqual([{ i: 2 }, { i: 3 }]);
        expect(spy.mock.calls.length).toBeGreaterThanOrEqual(3);
      } finally {
        spy.mockRestore();
      }
    });
  });
});
