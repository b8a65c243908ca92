import { streamIdOf } from '@csp/domain';
import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { IDEMPOTENCY_PURGE_JOB, IDEMPOTENCY_PURGE_QUEUE } from '@csp/capabilities/housekeeping';
import { IDEMPOTENT_REPLAY_HEADER, IdempotencyStore } from '@csp/platform';
import { QueueBackend } from '@csp/event-sourcing';
import { startTestApp, TestApp } from '../support/app';
import { testPool } from '../support/database';
import { adminAgent, eventStore, OFFERS, registerCustomer, sleep } from '../e2e/e2e-helpers';

/** Runs the purge as the scheduler does: a job on the worker's queue, awaited until it is done. */
async function runPurgeJob(t: TestApp): Promise<{ deleted: number }> {
  const queue = t.app.get(QueueBackend).queue(t.app.get<string>(IDEMPOTENCY_PURGE_QUEUE));
  const job = await queue.add(IDEMPOTENCY_PURGE_JOB, {});
  for (let i = 0; i < 200; i++) {
    const current = await queue.getJob(job.id!);
    const state = await current?.getState();
    if (state === 'completed') return current!.returnvalue as { deleted: number };
    if (state === 'failed') throw new Error(`purge job failed: ${current?.failedReason}`);
    await sleep(50);
  }
  throw new Error('purge job did not finish in 10 s');
}

/**
 * Idempotency records are kept IDEMPOTENCY_RETENTION_HOURS (default 24) and then purged by a scheduled
 * job of the worker, in batches: a retry after that is a new request.
 */
describe('idempotency retention', () => {
  let t: TestApp;
  let pool: Pool;
  const partner = adminAgent();
  let customerId: string;

  beforeAll(async () => {
    t = await startTestApp();
    pool = testPool({ connectionString: t.db.url, max: 4 });
    customerId = (await registerCustomer(t, partner, 'PL')).id;
  });
  afterAll(async () => {
    await pool?.end();
    await t?.close();
  });

  const placeOrder = (requestId: string) =>
    t.request('POST', `/v1/customers/${customerId}/orders`, {
      as: partner,
      headers: { 'MS-RequestId': requestId },
      body: { lineItems: [{ lineItemNumber: 0, offerId: OFFERS.perpetual, quantity: 1 }] },
    });
  const recordsOf = async (requestId: string): Promise<number> =>
    (await pool.query(`SELECT count(*)::int AS n FROM idempotency_records WHERE request_id = $1`, [requestId])).rows[0]
      .n;
  /** Time passing for one record: the database stamped created_at, so age it there. */
  const age = (requestId: string, hours: number) =>
    pool.query(
      `UPDATE idempotency_records SET created_at = created_at - make_interval(hours => $2) WHERE request_id = $1`,
      [requestId, hours],
    );

  it('the scheduled job purges records older than 24 hours and keeps younger ones; a retry after the purge is a new request', async () => {
    const old = randomUUID();
    const young = randomUUID();
    const first = await placeOrder(old);
    expect(first.status).toBe(201);
    // before the purge: a retry is answered from the record
    const replayed = await placeOrder(old);
    expect({ id: replayed.body.id, replay: replayed.headers.get(IDEMPOTENT_REPLAY_HEADER) }).toEqual({
      id: first.body.id,
      replay: 'true',
    });
    const youngFirst = await placeOrder(young);
    expect(youngFirst.status).toBe(201);
    expect(await recordsOf(old)).toBe(1);
    expect(await recordsOf(young)).toBe(1);

    await age(old, 25);
    await age(young, 23);
    const run = await runPurgeJob(t);
    expect(run.deleted).toEqual(expect.any(Number));
    expect(await recordsOf(old)).toBe(0);
    expect(await recordsOf(young)).toBe(1);

    // after the purge: no record answers it, the command runs again (and a new record is kept) ...
    const retryOld = await placeOrder(old);
    expect(retryOld.status).toBe(201);
    expect(retryOld.headers.get(IDEMPOTENT_REPLAY_HEADER)).toBeNull();
    expect(await recordsOf(old)).toBe(1);
    // ... and, its order id being derived from the request id, lands on the first order: never a twin
    expect(retryOld.body.id).toBe(first.body.id);
    const placed = (await eventStore(t).readStream(streamIdOf('order', first.body.id))).events.filter(
      (e) => e.type === 'OrderPlaced',
    );
    expect(placed).toHaveLength(1);
    // the younger one is still answered from its record
    const retryYoung = await placeOrder(young);
    expect(retryYoung.headers.get(IDEMPOTENT_REPLAY_HEADER)).toBe('true');
    expect(retryYoung.body.id).toBe(youngFirst.body.id);
  });

  it('the job is scheduled on the worker’s queue', async () => {
    const queue = t.app.get(QueueBackend).queue(t.app.get<string>(IDEMPOTENCY_PURGE_QUEUE));
    const schedulers = await queue.getJobSchedulers();
    expect(schedulers.map((s) => ({ key: s.key, every: Number(s.every) }))).toEqual([
      { key: 'idempotency-purge', every: 15 * 60_000 },
    ]);
  });

  it('purges in batches along the created_at index', async () => {
    // a table of its own: the scheduled purge of the app's table cannot change these counts
    const table = 'idempotency_batch_test';
    const store = new IdempotencyStore(pool, { table });
    await store.migrate();
    const ids = Array.from({ length: 7 }, () => randomUUID());
    for (const requestId of ids) {
      const started = await store.begin(
        { tenantId: partner.tenantId, userId: 'batch-user', requestId, operation: 'POST /batch' },
        'hash',
      );
      expect(started.outcome).toBe('started');
    }
    await pool.query(`UPDATE ${table} SET created_at = created_at - interval '30 hours'`);
    const young = randomUUID();
    await store.begin(
      { tenantId: partner.tenantId, userId: 'batch-user', requestId: young, operation: 'POST /batch' },
      'hash',
    );
    const left = async () => (await pool.query(`SELECT request_id FROM ${table}`)).rows.length;
    // one batch of three at most
    expect(await store.purgeOlderThan(24, { batchSize: 3, maxBatches: 1 })).toBe(3);
    expect(await left()).toBe(5);
    // batches of three until done: 3 + 1; the young one stays
    expect(await store.purgeOlderThan(24, { batchSize: 3 })).toBe(4);
    expect((await pool.query(`SELECT request_id FROM ${table}`)).rows.map((r) => r.request_id)).toEqual([young]);

    const { rows } = await pool.query(
      `SELECT indexdef FROM pg_indexes WHERE tablename = 'idempotency_records' AND indexdef LIKE '%(created_at)%'`,
    );
    expect(rows).toHaveLength(1);
  });
});

describe('idempotency retention with IDEMPOTENCY_RETENTION_HOURS=2', () => {
  let t: TestApp;
  let pool: Pool;
  beforeAll(async () => {
    t = await startTestApp({ env: { IDEMPOTENCY_RETENTION_HOURS: '2' } });
    pool = testPool({ connectionString: t.db.url, max: 2 });
  });
  afterAll(async () => {
    await pool?.end();
    await t?.close();
  });

  it('keeps a record 2 hours, not 24', async () => {
    const partner = adminAgent();
    const requestIds = [randomUUID(), randomUUID()];
    for (const requestId of requestIds) {
      const res = await t.request('POST', '/v1/customers', {
        as: partner,
        headers: { 'MS-RequestId': requestId },
        body: { companyName: 'Retention', domain: `retention-${requestId.slice(0, 8)}.example.com`, country: 'PL' },
      });
      expect(res.status).toBe(201);
    }
    await pool.query(
      `UPDATE idempotency_records SET created_at = created_at - interval '3 hours' WHERE request_id = $1`,
      [requestIds[0]],
    );
    await pool.query(
      `UPDATE idempotency_records SET created_at = created_at - interval '90 minutes' WHERE request_id = $1`,
      [requestIds[1]],
    );
    await runPurgeJob(t);
    const { rows } = await pool.query(`SELECT request_id FROM idempotency_records WHERE request_id = ANY($1::uuid[])`, [
      requestIds,
    ]);
    expect(rows.map((r) => r.request_id)).toEqual([requestIds[1]]);
  });
});
