import type { Pool } from 'pg';
import { ControllableClock, DATABASE_POOL } from '@csp/event-sourcing';
import { newTenant, startTestApp, type Caller, type TestApp } from '../support/app';
import {
  adminAgent,
  cancelBody,
  expectProblem,
  fieldsOf,
  OFFERS,
  orderPath,
  placeOrderOk,
  readAllEvents,
  registerCustomer,
  sleep,
  type Json,
} from '../e2e/e2e-helpers';
import { WebhookReceiver, type Received } from './webhook-receiver';

/**
 * Issue 16's signed webhooks, end to end: the whole app (api + worker in one process, real PostgreSQL and Redis)
 * delivers to real HTTP receivers on 127.0.0.1 that verify every signature with the npm standardwebhooks library
 * and the secret they were shown. Fast retries (WEBHOOK_RETRY_SCHEDULE=0,300ms,600ms) and a short timeout keep it
 * quick; private networks are allowed for 127.0.0.1 (WEBHOOK_ALLOW_PRIVATE_NETWORKS).
 */
describe('signed webhooks', () => {
  let t: TestApp;
  const clock = new ControllableClock(new Date());
  const tenant = newTenant();
  const agent = adminAgent(tenant);
  const billing: Caller = { tenantId: tenant, roles: ['BillingAdmin'], userId: 'billing-1' };
  let customerId: string;
  const receivers: WebhookReceiver[] = [];

  beforeAll(async () => {
    t = await startTestApp({
      clock,
      env: {
        WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
        WEBHOOK_RETRY_SCHEDULE: '0,300ms,600ms',
        WEBHOOK_TIMEOUT_MS: '1000',
        WEBHOOK_RECONCILE_EVERY_MS: '500',
        WEBHOOK_DISABLE_AFTER_FAILURES: '2',
      },
    });
    customerId = (await registerCustomer(t, agent, 'PL')).id;
  }, 60_000);
  afterAll(async () => {
    await Promise.all(receivers.map((r) => r.stop()));
    await t?.close();
  });

  const receiver = async (): Promise<WebhookReceiver> => {
    const r = await new WebhookReceiver().start();
    receivers.push(r);
    return r;
  };

  /** A receiver with an endpoint of its own for these event types; the receiver knows the secret shown. */
  const endpointFor = async (eventTypes: string[] = ['order.placed']): Promise<{ r: WebhookReceiver; ep: Json }> => {
    const r = await receiver();
    const res = await t.request('POST', '/v1/webhooks/endpoints', { as: billing, body: { url: r.url, eventTypes } });
    expect(res.status).toBe(201);
    r.secrets = [res.body.secret];
    return { r, ep: { ...res.body, position: Number(res.headers.get('x-event-position')) } };
  };

  const until = async <T>(what: string, get: () => Promise<T> | T, ok: (v: T) => boolean, ms = 20_000): Promise<T> => {
    const end = Date.now() + ms;
    for (;;) {
      const v = await get();
      if (ok(v)) return v;
      if (Date.now() > end) throw new Error(`${what}: ${JSON.stringify(v)}`);
      await sleep(100);
    }
  };

  const deliveriesOf = async (endpointId: string): Promise<Json[]> =>
    (await t.request('GET', `/v1/webhooks/deliveries?endpointId=${endpointId}`, { as: billing })).body.items;
  const attemptsOf = async (deliveryId: string): Promise<Json[]> =>
    (await t.request('GET', `/v1/webhooks/deliveries/${deliveryId}/attempts`, { as: billing })).body.items;
  const placeOrder = () => placeOrderOk(t, agent, customerId, [{ offerId: OFFERS.perpetual }]);
  const settled = (endpointId: string, n = 1) =>
    until(
      'deliveries settled',
      () => deliveriesOf(endpointId),
      (ds) => ds.length >= n && ds.every((d) => d.status !== 'pending'),
    );

  it('registers: the secret once (whsec_, not in lists, events or at rest in clear); bad fields are 400s naming them', async () => {
    const { ep } = await endpointFor();
    expect(ep).toMatchObject({
      url: expect.stringMatching(/^http:\/\/127\.0\.0\.1/),
      eventTypes: ['order.placed'],
      disabled: false,
    });
    expect(ep.position).toBeGreaterThan(0);
    expect(ep.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(Buffer.from(ep.secret.slice(6), 'base64').length).toBeGreaterThanOrEqual(24);
    const one = await t.request('GET', `/v1/webhooks/endpoints/${ep.id}`, { as: billing });
    expect(one.status).toBe(200);
    expect(one.text).not.toContain(ep.secret);
    const list = await t.request('GET', `/v1/webhooks/endpoints?minPosition=${ep.position}`, { as: billing });
    expect(list.body.items.map((e: Json) => e.id)).toContain(ep.id);
    expect(list.text).not.toMatch(/whsec_/);
    const events = JSON.stringify(await readAllEvents(t));
    expect(events).toContain(ep.id);
    expect(events).not.toContain(ep.secret);
    expect(events).not.toContain(ep.secret.slice(6));
    const pool = t.app.get<Pool>(DATABASE_POOL);
    const rows = await pool.query('SELECT ciphertext FROM webhook_secrets WHERE endpoint_id = $1', [ep.id]);
    expect(rows.rows).toHaveLength(1);
    expect(rows.rows[0].ciphertext.toString('latin1')).not.toContain(ep.secret.slice(6, 20));

    const bad = await t.request('POST', '/v1/webhooks/endpoints', {
      as: billing,
      body: { url: 'ftp://x.example', eventTypes: ['order.placed', 'invoice.paid'] },
    });
    expectProblem(bad, 400);
    expect(fieldsOf(bad)).toEqual(['url', 'eventTypes']);
    expectProblem(
      await t.request('GET', '/v1/webhooks/endpoints/2b1f9a52-0000-4000-8000-000000000000', { as: billing }),
      404,
      'webhook_endpoint_not_found',
    );
    const other: Caller = { tenantId: newTenant(), roles: ['BillingAdmin'] };
    expectProblem(await t.request('GET', `/v1/webhooks/endpoints/${ep.id}`, { as: other }), 404);
    expectProblem(await t.request('POST', `/v1/webhooks/endpoints/${ep.id}/secret/rotate`, { as: other }), 404);
  });

  it('500, 500, 200: three attempts stored, one success, every request signed and verified, one webhook-id', async () => {
    const { r, ep } = await endpointFor();
    r.answer = (_req, n) => (n < 3 ? { status: 500, body: 'not yet' } : { status: 200 });
    const order = await placeOrder();
    const [d] = await settled(ep.id);
    expect(d).toMatchObject({ status: 'succeeded', attempts: 3, eventType: 'order.placed', lastStatusCode: 200 });
    expect(d.payload).toEqual({
      type: 'order.placed',
      timestamp: expect.any(String),
      data: { partnerId: tenant, customerId, orderId: order.id, position: order.position },
    });
    const got = r.of(d.id);
    expect(got).toHaveLength(3);
    expect(got.every((g) => g.verifiedWith[0])).toBe(true);
    expect(JSON.parse(got[0].body)).toEqual(d.payload);
    const attempts = await attemptsOf(d.id);
    expect(attempts.map((a) => [a.attempt, a.statusCode, a.responseBody])).toEqual([
      [1, 500, 'not yet'],
      [2, 500, 'not yet'],
      [3, 200, 'answered 200'],
    ]);
  });

  it('410 disables the endpoint (an event says why); nothing more is sent to it', async () => {
    const { r, ep } = await endpointFor();
    r.answer = () => ({ status: 410 });
    await placeOrder();
    const [d] = await settled(ep.id);
    expect(d).toMatchObject({ status: 'failed', attempts: 1, lastStatusCode: 410 });
    const endpoint = await until(
      'endpoint disabled',
      async () => (await t.request('GET', `/v1/webhooks/endpoints/${ep.id}`, { as: billing })).body,
      (e: Json) => e.disabled === true,
    );
    expect(endpoint.disabledReason).toBe('gone');
    const events = (await readAllEvents(t)).filter((e) => e.streamId === `webhook-endpoint-${ep.id}`);
    expect(events.map((e) => e.type)).toEqual(['WebhookEndpointRegistered', 'WebhookEndpointDisabled']);
    await placeOrder();
    await sleep(1000);
    expect(r.received).toHaveLength(1);
  });

  it('a receiver sleeping past the timeout is retried; the next attempt succeeds with the same webhook-id', async () => {
    const { r, ep } = await endpointFor();
    r.answer = (_req, n) => (n === 1 ? { status: 200, delayMs: 2500 } : { status: 200 });
    await placeOrder();
    const [d] = await settled(ep.id);
    expect(d).toMatchObject({ status: 'succeeded', attempts: 2 });
    const attempts = await attemptsOf(d.id);
    expect(attempts[0]).toMatchObject({ statusCode: null, error: expect.stringMatching(/timed out after 1000 ms/) });
    expect(attempts[1]).toMatchObject({ statusCode: 200 });
    expect(new Set(r.received.map((x) => x.id))).toEqual(new Set([d.id]));
  });

  it('honours Retry-After: the second attempt waits the 2 s asked, not the schedule’s 300 ms', async () => {
    const { r, ep } = await endpointFor();
    r.answer = (_req, n) => (n === 1 ? { status: 503, headers: { 'retry-after': '2' } } : { status: 200 });
    await placeOrder();
    const [d] = await settled(ep.id);
    expect(d.status).toBe('succeeded');
    const [first, second] = r.of(d.id);
    expect(second.at - first.at).toBeGreaterThanOrEqual(1900);
  });

  it('rotation: during the overlap both secrets verify (two signatures); after it only the new one', async () => {
    const { r, ep } = await endpointFor();
    const old = ep.secret;
    const rotated = await t.request('POST', `/v1/webhooks/endpoints/${ep.id}/secret/rotate`, { as: billing });
    expect(rotated.status).toBe(200);
    expect(rotated.body).toMatchObject({ secret: expect.stringMatching(/^whsec_/), secretVersion: 2 });
    expect(rotated.body.secret).not.toBe(old);
    expect(Date.parse(rotated.body.previousSecretExpiresAt) - clock.now().getTime()).toBe(24 * 3_600_000);
    r.secrets = [old, rotated.body.secret];
    await until(
      'dispatcher saw the rotation',
      () => deliveriesOf(ep.id),
      () => true,
    );
    await sleep(300);
    await placeOrder();
    let [d] = await settled(ep.id);
    const during = r.of(d.id)[0];
    expect(during.signature.split(' ')).toHaveLength(2);
    expect(during.verifiedWith).toEqual([true, true]);

    clock.advance({ hours: 25 });
    await placeOrder();
    await settled(ep.id, 2);
    [d] = await deliveriesOf(ep.id);
    const after = r.of(d.id)[0];
    expect(after.signature.split(' ')).toHaveLength(1);
    expect(after.verifiedWith).toEqual([false, true]);
    clock.set(new Date());
  });

  it('credit.posted after a cancellation, with the credit and its period; replay resends with the same ids', async () => {
    const { r, ep } = await endpointFor(['credit.posted', 'order.cancelled']);
    const order = await placeOrderOk(t, agent, customerId, [
      { offerId: OFFERS.perpetual },
      { offerId: OFFERS.sqlPerpetual },
    ]);
    const cancel = await t.request('PATCH', orderPath(customerId, order.id), { as: agent, body: cancelBody() });
    expect(cancel.status).toBe(200);
    const ds = await until(
      'cancelled and two credits delivered',
      () => deliveriesOf(ep.id),
      (all) => all.length === 3 && all.every((x) => x.status === 'succeeded'),
    );
    const credits = ds.filter((x) => x.eventType === 'credit.posted').map((x) => x.payload.data);
    expect(credits.map((c) => c.lineItemNumber).sort()).toEqual([0, 1]);
    expect(credits[0]).toMatchObject({
      orderId: order.id,
      credit: { amount: expect.any(String), currencyCode: 'PLN' },
      period: clock.now().toISOString().slice(0, 7),
    });
    expect(r.received.every((x: Received) => x.verifiedWith[0])).toBe(true);
    // Paged one at a time (the two credits share their event's position): the whole list, in its order, once.
    const paged: string[] = [];
    for (let next = `/v1/webhooks/deliveries?endpointId=${ep.id}&size=1`; next;) {
      const page = await t.request('GET', next, { as: billing });
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(1);
      paged.push(...page.body.items.map((x: Json) => x.id));
      next = page.body.links.next?.uri;
    }
    expect(paged).toEqual(ds.map((x) => x.id));

    const replay = await t.request('POST', `/v1/webhooks/endpoints/${ep.id}/replay`, {
      as: billing,
      body: { fromPosition: order.position },
    });
    expect(replay.status).toBe(202);
    expect(replay.body).toEqual({ queued: 3 });
    await until(
      'replayed',
      () => r.received.length,
      (n) => n === 6,
    );
    const ids = ds.map((x) => x.id).sort();
    expect([...new Set(r.received.map((x) => x.id))].sort()).toEqual(ids);
    for (const id of ids) expect(await attemptsOf(id)).toHaveLength(2);

    const retry = await t.request('POST', `/v1/webhooks/deliveries/${ids[0]}/retry`, { as: billing });
    expect(retry.status).toBe(202);
    await until(
      'retried',
      () => r.of(ids[0]).length,
      (n) => n === 3,
    );
    expectProblem(
      await t.request('POST', '/v1/webhooks/endpoints/' + ep.id + '/replay', { as: billing, body: {} }),
      400,
    );
    const other: Caller = { tenantId: newTenant(), roles: ['BillingAdmin'] };
    expectProblem(await t.request('POST', `/v1/webhooks/deliveries/${ids[0]}/retry`, { as: other }), 404);
    expectProblem(await t.request('GET', `/v1/webhooks/deliveries/${ids[0]}/attempts`, { as: other }), 404);
  });

  it('after the last attempt the delivery fails; N failed deliveries in a row disable the endpoint', async () => {
    const { r, ep } = await endpointFor();
    r.answer = () => ({ status: 500 });
    await placeOrder();
    await placeOrder();
    const ds = await settled(ep.id, 2);
    expect(ds.map((d) => [d.status, d.attempts])).toEqual([
      ['failed', 3],
      ['failed', 3],
    ]);
    const endpoint = await until(
      'disabled',
      async () => (await t.request('GET', `/v1/webhooks/endpoints/${ep.id}`, { as: billing })).body,
      (e: Json) => e.disabled === true,
    );
    expect(endpoint.disabledReason).toBe('failing');
    const failed = await t.request(
      'GET',
      `/v1/webhooks/deliveries?status=failed&eventType=order.placed&endpointId=${ep.id}`,
      {
        as: billing,
      },
    );
    expect(failed.body.items).toHaveLength(2);
    const badFilter = await t.request('GET', '/v1/webhooks/deliveries?status=lost', { as: billing });
    expectProblem(badFilter, 400, 'invalid_status');
    // Enabling it again and patching: the changes are events; DELETE stops everything.
    const patched = await t.request('PATCH', `/v1/webhooks/endpoints/${ep.id}`, {
      as: billing,
      body: { disabled: false, eventTypes: ['order.placed', 'order.cancelled'] },
    });
    expect(patched.body).toMatchObject({ disabled: false, eventTypes: ['order.placed', 'order.cancelled'] });
    expect((await t.request('DELETE', `/v1/webhooks/endpoints/${ep.id}`, { as: billing })).status).toBe(204);
    expectProblem(await t.request('GET', `/v1/webhooks/endpoints/${ep.id}`, { as: billing }), 404);
  });

  it('serves its metrics on /metrics: deliveries by outcome, attempt latency, oldest pending per endpoint', async () => {
    const res = await t.request('GET', '/metrics');
    expect(res.text).toMatch(/csp_webhook_deliveries_total\{outcome="succeeded"\} \d+/);
    expect(res.text).toContain('csp_webhook_attempt_duration_seconds_bucket');
    expect(res.text).toContain('csp_webhook_oldest_pending_age_seconds');
    expect(res.text).toMatch(/csp_webhook_endpoints_disabled_total\{reason="gone"\} 1/);
  });
});
