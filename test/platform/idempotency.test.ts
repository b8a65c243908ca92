import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { createTestDatabase, TestDatabase, testPool } from '../support/database';
import { Module } from '@nestjs/common';
import {
  canonicalJson,
  createHttpApp,
  createPinoLogger,
  IdempotencyModule,
  IdempotencyStore,
  PlatformModule,
  sha256Hex,
} from '@csp/platform';
import {
  calls,
  createTestApp,
  OTHER_TENANT,
  TENANT,
  TestApp,
  TestController,
  token,
} from './support/platform-test-app';

const order = { lineItems: [{ lineItemNumber: 0, offerId: 'DG7GMGF0D7FV:0001:DG7GMGF0D1J0', quantity: 2 }] };

describe('idempotent commands (PostgreSQL)', () => {
  let db: TestDatabase;
  let pool: Pool;
  let t: TestApp;
  let auth: Record<string, string>;

  beforeAll(async () => {
    db = await createTestDatabase('csp_platform_idem');
    pool = testPool({ connectionString: db.url, max: 20 });
    t = await createTestApp({ pool });
    auth = { authorization: `Bearer ${await token()}` };
  });
  afterAll(async () => {
    await t?.app.close();
    await pool?.end();
    await db?.drop();
  });

  const placeOrder = (requestId: string | undefined, body: unknown = order, headers: Record<string, string> = auth) =>
    t.app.inject({
      method: 'POST',
      url: '/orders',
      headers: { ...headers, 'content-type': 'application/json', ...(requestId ? { 'MS-RequestId': requestId } : {}) },
      payload: JSON.stringify(body),
    });

  it('migrate() is idempotent, also when run concurrently', async () => {
    const store = new IdempotencyStore(pool);
    await Promise.all([store.migrate(), store.migrate(), store.migrate()]);
    const { rows } = await pool.query(
      `SELECT count(*)::int AS n FROM information_schema.tables WHERE table_name = 'idempotency_records'`,
    );
    expect(rows[0].n).toBe(1);
  });

  it('migrate() brings a table from before (one row per route) to one row per caller and request id', async () => {
    const table = 'idem_migrate_old';
    await pool.query(`CREATE TABLE ${table} (LIKE idempotency_records INCLUDING DEFAULTS)`);
    await pool.query(`ALTER TABLE ${table} ADD PRIMARY KEY (tenant_id, user_id, request_id, operation)`);
    const requestId = randomUUID();
    await pool.query(
      `INSERT INTO ${table} (tenant_id, user_id, request_id, operation, body_hash, state, created_at)
       VALUES ('t', 'u', $1, 'POST /a', 'h', 'completed', now() - interval '1 minute'),
              ('t', 'u', $1, 'PATCH /b', 'h', 'completed', now())`,
      [requestId],
    );
    const store = new IdempotencyStore(pool, { table });
    await store.migrate();
    const { rows } = await pool.query(`SELECT operation FROM ${table} WHERE request_id = $1`, [requestId]);
    expect(rows).toEqual([{ operation: 'POST /a' }]);
    expect(await store.begin({ tenantId: 't', userId: 'u', requestId, operation: 'PATCH /b' }, 'h')).toMatchObject({
      outcome: 'mismatch',
      firstUse: { operation: 'POST /a' },
    });
    await store.migrate();
  });

  it('a retry with the same MS-RequestId returns the first response and does not run the handler again', async () => {
    const requestId = randomUUID();
    const before = calls.placeOrder;
    const first = await placeOrder(requestId);
    expect(first.statusCode).toBe(201);
    expect(first.headers['x-idempotent-replay']).toBeUndefined();
    const retry = await placeOrder(requestId, {
      lineItems: [{ quantity: 2, offerId: order.lineItems[0]!.offerId, lineItemNumber: 0 }],
    });
    expect(retry.statusCode).toBe(201);
    expect(retry.headers['x-idempotent-replay']).toBe('true');
    expect(retry.headers.location).toBe(first.headers.location);
    expect(retry.headers['ms-requestid']).toBe(requestId);
    expect(retry.json()).toEqual(first.json());
    expect(calls.placeOrder).toBe(before + 1);
  });

  it('10 concurrent duplicates run the handler once and all get the first response', async () => {
    const requestId = randomUUID();
    const before = calls.placeOrder;
    const responses = await Promise.all(Array.from({ length: 10 }, () => placeOrder(requestId)));
    expect(calls.placeOrder).toBe(before + 1);
    for (const r of responses) expect(r.statusCode).toBe(201);
    const bodies = new Set(responses.map((r) => r.body));
    expect(bodies.size).toBe(1);
    expect(responses.filter((r) => r.headers['x-idempotent-replay'] === 'true')).toHaveLength(9);
  });

  it('the same MS-RequestId with a different body is 422 request_id_reused naming the first use', async () => {
    const requestId = randomUUID();
    expect((await placeOrder(requestId)).statusCode).toBe(201);
    const reused = await placeOrder(requestId, { lineItems: [{ ...order.lineItems[0], quantity: 3 }] });
    expect(reused.statusCode).toBe(422);
    expect(reused.headers['content-type']).toMatch(/problem\+json/);
    expect(reused.json()).toMatchObject({
      code: 'request_id_reused',
      firstUse: { method: 'POST', route: '/orders', at: expect.any(String) },
    });
  });

  it('the same MS-RequestId on another route is 422 request_id_reused, and the handler does not run', async () => {
    const requestId = randomUUID();
    expect((await placeOrder(requestId)).statusCode).toBe(201);
    const before = calls.cancel;
    const other = await t.app.inject({
      method: 'PATCH',
      url: '/orders/o-1',
      headers: { ...auth, 'content-type': 'application/json', 'MS-RequestId': requestId },
      payload: { status: 'cancelled' },
    });
    expect(other.statusCode).toBe(422);
    expect(other.json()).toMatchObject({ code: 'request_id_reused', firstUse: { method: 'POST', route: '/orders' } });
    expect(other.json().detail).toContain('POST /orders');
    expect(calls.cancel).toBe(before);
  });

  it('@Idempotent({ replay: false }): a retry runs again, told it is one; another body is still 422', async () => {
    const requestId = randomUUID();
    const send = (payload: unknown = {}) =>
      t.app.inject({
        method: 'POST',
        url: '/record',
        headers: { ...auth, 'content-type': 'application/json', 'MS-RequestId': requestId },
        payload: JSON.stringify(payload),
      });
    const before = calls.record;
    const first = await send();
    const retry = await send();
    expect([first.statusCode, retry.statusCode]).toEqual([201, 201]);
    expect([first.json().retry, retry.json().retry]).toEqual([false, true]);
    expect(retry.headers['x-idempotent-replay']).toBeUndefined();
    expect(calls.record).toBe(before + 2);
    expect((await send({ other: true })).statusCode).toBe(422);
    expect(calls.record).toBe(before + 2);
    const { rows } = await pool.query(
      `SELECT state, response_body::text AS b FROM idempotency_records WHERE request_id = $1`,
      [requestId],
    );
    expect(rows).toEqual([{ state: 'completed', b: 'null' }]);
  });

  it('keys are per caller: another tenant or user with the same MS-RequestId runs its own command', async () => {
    const requestId = randomUUID();
    const before = calls.placeOrder;
    await placeOrder(requestId);
    const otherTenant = await placeOrder(requestId, order, {
      authorization: `Bearer ${await token(['AdminAgent'], { tid: OTHER_TENANT })}`,
    });
    const otherUser = await placeOrder(requestId, order, {
      authorization: `Bearer ${await token(['AdminAgent'], { sub: 'user-2' })}`,
    });
    expect(otherTenant.headers['x-idempotent-replay']).toBeUndefined();
    expect(otherUser.headers['x-idempotent-replay']).toBeUndefined();
    expect(calls.placeOrder).toBe(before + 3);
  });

  it('without MS-RequestId every call runs', async () => {
    const before = calls.placeOrder;
    await placeOrder(undefined);
    await placeOrder(undefined);
    expect(calls.placeOrder).toBe(before + 2);
  });

  it('replays PATCH with its own status (200)', async () => {
    const requestId = randomUUID();
    const send = () =>
      t.app.inject({
        method: 'PATCH',
        url: '/orders/o-1',
        headers: { ...auth, 'content-type': 'application/json', 'MS-RequestId': requestId },
        payload: { status: 'cancelled' },
      });
    const first = await send();
    const second = await send();
    expect(first.statusCode).toBe(200);
    expect(second.statusCode).toBe(200);
    expect(second.headers['x-idempotent-replay']).toBe('true');
    expect(second.json()).toEqual(first.json());
  });

  it('a failed command is not remembered: the retry runs again', async () => {
    const requestId = randomUUID();
    const before = calls.fail;
    const send = () => t.app.inject({ method: 'POST', url: '/fails', headers: { ...auth, 'MS-RequestId': requestId } });
    expect((await send()).statusCode).toBe(409);
    expect((await send()).statusCode).toBe(409);
    expect(calls.fail).toBe(before + 2);
  });

  it('validation failures do not claim the key', async () => {
    const requestId = randomUUID();
    expect((await placeOrder(requestId, { lineItems: [] })).statusCode).toBe(400);
    const { rows } = await pool.query(`SELECT count(*)::int AS n FROM idempotency_records WHERE request_id = $1`, [
      requestId,
    ]);
    expect(rows[0].n).toBe(0);
    expect((await placeOrder(requestId)).statusCode).toBe(201);
  });

  it('never stores a product key', async () => {
    const requestId = randomUUID();
    const res = await t.app.inject({ method: 'POST', url: '/reveal', headers: { ...auth, 'MS-RequestId': requestId } });
    expect(res.statusCode).toBe(201);
    const { rows } = await pool.query(
      `SELECT response_body::text AS b FROM idempotency_records WHERE request_id = $1`,
      [requestId],
    );
    expect(rows.map((r) => r.b).join('')).not.toContain('ABCDE');
  });

  it('a concurrent duplicate that waits too long gets 409 request_in_progress with Retry-After: 1', async () => {
    const store = new IdempotencyStore(pool);
    const key = { tenantId: 't', userId: 'u', requestId: randomUUID(), operation: 'POST /x' };
    expect(await store.begin(key, 'h')).toEqual({ outcome: 'started' });
    expect(await store.begin(key, 'h')).toEqual({ outcome: 'in_progress' });
    expect(await store.begin(key, 'other')).toMatchObject({ outcome: 'mismatch', firstUse: { operation: 'POST /x' } });
    expect(await store.begin({ ...key, operation: 'PATCH /x' }, 'h')).toMatchObject({ outcome: 'mismatch' });
    await store.complete(key, { status: 201, body: { a: 1 }, headers: { location: '/x/1' } });
    expect(await store.begin(key, 'h')).toEqual({
      outcome: 'replay',
      response: { status: 201, body: { a: 1 }, headers: { location: '/x/1' } },
    });

    // Through HTTP: the row of a first attempt still running elsewhere, and an app that waits only 200 ms.
    const requestId = randomUUID();
    const firstAttempt = { tenantId: TENANT, userId: 'user-1', requestId, operation: 'POST /orders' };
    expect(await store.begin(firstAttempt, sha256Hex(`POST /orders\n${canonicalJson(order)}`))).toEqual({
      outcome: 'started',
    });
    @Module({
      imports: [PlatformModule.forRoot(t.config), IdempotencyModule.forRoot({ pool, waitMs: 200 })],
      controllers: [TestController],
    })
    class ShortWaitModule {}
    const shortApp = await createHttpApp(ShortWaitModule, t.config, {
      swagger: false,
      logRequests: false,
      logger: createPinoLogger({ level: 'silent' }),
    });
    await shortApp.init();
    try {
      const res = await shortApp.inject({
        method: 'POST',
        url: '/orders',
        headers: { ...auth, 'content-type': 'application/json', 'MS-RequestId': requestId },
        payload: JSON.stringify(order),
      });
      expect(res.statusCode).toBe(409);
      expect(res.json().code).toBe('request_in_progress');
      expect(res.headers['retry-after']).toBe('1');
    } finally {
      await shortApp.close();
    }
  });

  it('takes over an in-progress row left by a crashed process once it is stale', async () => {
    const store = new IdempotencyStore(pool, { staleAfterMs: 50 });
    const key = { tenantId: 't', userId: 'u', requestId: randomUUID(), operation: 'POST /y' };
    expect((await store.begin(key, 'h')).outcome).toBe('started');
    await new Promise((r) => setTimeout(r, 120));
    expect((await store.begin(key, 'h')).outcome).toBe('started');
    expect((await store.begin(key, 'h')).outcome).toBe('in_progress');
  });
});
