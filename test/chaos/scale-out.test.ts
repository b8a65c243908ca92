import { randomUUID } from 'node:crypto';
import { openEventStore } from '@csp/event-sourcing';
import type { EventStoreHandle } from '@csp/event-store';
import { createTestDatabase, testPool, type TestDatabase } from '../support/database';
import { spawnApi, SHARED_SECRETS, tokenFor, type ServiceProcess } from '../support/service-processes';
import { spawnWorker, type WorkerProcess } from '../propagation/support/worker-process';
import { PERPETUAL_OFFER } from './chaos-helpers';

/** Tenants registered at start (PARTNER_TENANTS): one drives orders, the other spends its rate-limit budget. */
const ORDERING = randomUUID();
const NOISY = randomUUID();
const LIMIT = 400;
/** The fail-over target: the surviving worker has propagated everything within this of the SIGKILL. */
const FAIL_OVER_MS = 15_000;

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Drops what differs between two api processes by construction (their own base URL in links). */
const withoutLinks = (value: Json): Json =>
  JSON.parse(JSON.stringify(value, (key, v) => (key === 'links' || key === 'href' ? undefined : v)));

/**
 * Two api processes and two worker processes (each a real child process, as production runs them) on one fresh
 * database and the machine's Redis, with the default lock and stall timings. Orders and cancellations go through both
 * apis; one worker is slowed inside its propagation jobs (after the keys step) and is SIGKILLed while it holds some.
 * The other finishes all of them within 15 s, each exactly once; both apis then answer the same; and one tenant's
 * 600 requests through the two apis get one budget of 400.
 */
describe('scale-out: two apis, two workers, one truth', () => {
  let db: TestDatabase;
  let handle: EventStoreHandle;
  const pool = () => testPool({ connectionString: db.url, max: 2 });
  let sql: ReturnType<typeof pool>;
  const apis: ServiceProcess[] = [];
  let doomed: WorkerProcess;
  let survivor: WorkerProcess;

  beforeAll(async () => {
    db = await createTestDatabase('csp_scale');
    sql = pool();
    const env = {
      ...SHARED_SECRETS,
      DATABASE_URL: db.url,
      REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
      PARTNER_TENANTS: `${ORDERING}:Ordering partner,${NOISY}:Noisy partner`,
      RATE_LIMIT_PER_MINUTE: String(LIMIT),
    };
    // The doomed worker pauses a minute inside every propagation job it takes, after revoking the keys.
    doomed = spawnWorker({ ...env, PROPAGATION_TEST_STEP_DELAY_MS: '60000' });
    survivor = spawnWorker(env);
    const started = await Promise.allSettled([spawnApi(env), spawnApi(env), doomed.ready, survivor.ready]);
    // An api that started is stopped in afterAll even when the other did not.
    for (const s of started.slice(0, 2)) if (s.status === 'fulfilled') apis.push(s.value as ServiceProcess);
    const failed = started.find((s) => s.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
    handle = await openEventStore({ databaseUrl: db.url, dataDir: '/nonexistent' });
  }, 150_000);

  afterAll(async () => {
    await Promise.all([...apis.map((a) => a.stop()), survivor?.kill('SIGTERM'), doomed?.kill('SIGKILL')]);
    await handle?.close();
    await sql?.end();
    await db?.drop();
  }, 60_000);

  const call = async (api: ServiceProcess, token: string, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${api.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as Json) : undefined };
  };

  const propagationRows = async () =>
    (
      await sql.query<{ order_id: string; keys_revoked_at: Date | null; credit_posted_at: Date | null; done: boolean }>(
        `SELECT order_id, keys_revoked_at, credit_posted_at, propagated_at IS NOT NULL AS done
           FROM cancellation_propagations`,
      )
    ).rows;

  it('fails over within 15 s of a SIGKILL, propagates every cancellation once, converges, and shares one budget', async () => {
    const token = await tokenFor(ORDERING, ['AdminAgent', 'BillingAdmin']);
    const [a, b] = apis as [ServiceProcess, ServiceProcess];
    const customer = await call(a, token, 'POST', '/v1/customers', {
      companyName: 'Scale-out Co',
      domain: `scale-${randomUUID().slice(0, 8)}.example.com`,
      country: 'PL',
    });
    expect(customer.status).toBe(201);
    const ordersPath = `/v1/customers/${customer.body.id}/orders`;
    const orderIds: string[] = [];
    /** Places and cancels `n` orders, alternating the two apis (the cancel through the other one). */
    const placeAndCancel = async (n: number): Promise<void> => {
      await Promise.all(
        Array.from({ length: n }, async (_, i) => {
          const [placeVia, cancelVia] = i % 2 ? [a, b] : [b, a];
          const placed = await call(placeVia, token, 'POST', ordersPath, {
            lineItems: [{ lineItemNumber: 0, offerId: PERPETUAL_OFFER, quantity: 1 }],
          });
          expect(placed.status).toBe(201);
          orderIds.push(placed.body.id);
          const cancelled = await call(cancelVia, token, 'PATCH', `${ordersPath}/${placed.body.id}`, {
            status: 'cancelled',
            acknowledgedCancellationNotice: true,
          });
          expect(cancelled.status).toBe(200);
        }),
      );
    };

    // Until the doomed worker holds jobs in the middle of their steps (keys revoked, no credit yet) and everything
    // else has been propagated by the survivor. Jobs go to whichever worker asks first: a round may give it none.
    let held: string[] = [];
    for (let round = 0; round < 6 && held.length === 0; round++) {
      await placeAndCancel(8);
      held = await until('every cancellation propagated or held by the doomed worker', 30_000, async () => {
        const rows = await propagationRows();
        if (rows.length < orderIds.length) return undefined;
        const pending = rows.filter((r) => !r.done);
        if (!pending.every((r) => r.keys_revoked_at && !r.credit_posted_at)) return undefined;
        return pending.map((r) => r.order_id);
      });
    }
    expect(held.length).toBeGreaterThan(0);

    await doomed.kill('SIGKILL');
    const killedAt = Date.now();
    // Work keeps coming after the kill, through both apis (the reactor may have been the doomed worker's).
    await placeAndCancel(4);
    const failOverMs = await until('every cancellation propagated', 45_000, async () => {
      const rows = await propagationRows();
      return rows.length === orderIds.length && rows.every((r) => r.done) ? Date.now() - killedAt : undefined;
    });
    expect(failOverMs).toBeLessThanOrEqual(FAIL_OVER_MS);

    // Exactly once: one CancellationPropagated per order, one ledger line per cancelled line.
    for (const orderId of orderIds) {
      const stream = await handle.store.readStream(`order-${orderId}`);
      expect(stream.events.filter((e) => e.type === 'CancellationPropagated')).toHaveLength(1);
    }
    const ledger = await sql.query<{ order_id: string; n: number }>(
      'SELECT order_id, count(*)::int AS n FROM invoice_credit_ledger GROUP BY order_id',
    );
    expect(ledger.rows).toHaveLength(orderIds.length);
    expect(ledger.rows.every((r) => r.n === 1)).toBe(true);

    // The projections converge: both apis show every order propagated, and the same credits.
    const view = async (api: ServiceProcess) => {
      const orders = await call(api, token, 'GET', `${ordersPath}?size=100`);
      const periods = [...new Set<string>(orders.body.items.map((o: Json) => o.creationDate.slice(0, 7)))];
      const credits = await Promise.all(periods.map((p) => call(api, token, 'GET', `/v1/credits?period=${p}`)));
      return withoutLinks({ orders: orders.body.items, credits: credits.map((c) => c.body.items) });
    };
    const [seenByA, seenByB] = await until('both apis show every cancellation propagated', 30_000, async () => {
      const [va, vb] = await Promise.all([view(a), view(b)]);
      const complete = (v: Json) =>
        v.orders.length === orderIds.length &&
        v.orders.every((o: Json) => o.cancellations[0]?.status === 'propagated') &&
        v.credits.flat().length === orderIds.length;
      return complete(va) && complete(vb) ? [va, vb] : undefined;
    });
    expect(seenByB).toEqual(seenByA);

    // One budget across the two apis: 600 requests of one tenant, 400 allowed.
    const noisy = await tokenFor(NOISY);
    const statuses: number[] = [];
    const retryAfter: number[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        for (let i = next++; i < 600; i = next++) {
          const res = await call(i % 2 ? a : b, noisy, 'GET', '/v1/customers');
          statuses.push(res.status);
          if (res.status === 429) {
            expect(res.body.code).toBe('rate_limited');
            retryAfter.push(Number(res.headers.get('retry-after')));
          }
        }
      }),
    );
    expect(statuses.filter((s) => s === 200)).toHaveLength(LIMIT);
    expect(statuses.filter((s) => s === 429)).toHaveLength(600 - LIMIT);
    expect(retryAfter.every((s) => s >= 1 && s <= 60)).toBe(true);
  }, 150_000);
});
