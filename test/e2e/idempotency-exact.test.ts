import { streamIdOf } from '@csp/domain';
import { randomUUID } from 'node:crypto';
import { LICENSING, LicensingPort } from '@csp/capabilities/software';
import { Caller, startTestApp, TestApp } from '../support/app';
import { testPool } from '../support/database';
import {
  adminAgent,
  cancelBody,
  expectProblem,
  Json,
  MAK_FORMAT,
  OFFERS,
  orderPath,
  placeOrderOk,
  readAllEvents,
  registerCustomer,
  softwareIdOf,
  streamEvents,
  WORKER_EVENT_TYPES,
} from './e2e-helpers';

/**
 * Issue 12, items 1, 3 and 9: a reused MS-RequestId never skips the decision, never serves a key without its
 * KeyRevealed, never collides with another caller's command, and never ends in a 500.
 */
describe('exact idempotency over HTTP', () => {
  let t: TestApp;
  let partner: Caller;
  let colleague: Caller;
  let customer: { id: string };
  let customerAdmin: Caller;

  beforeAll(async () => {
    t = await startTestApp();
    partner = adminAgent();
    colleague = { tenantId: partner.tenantId, roles: ['AdminAgent'], userId: 'colleague', upn: 'colleague@p.example' };
    customer = await registerCustomer(t, partner, 'PL');
    customerAdmin = { tenantId: customer.id, roles: ['GlobalAdmin'], userId: 'cust-admin', upn: 'admin@c.example' };
  });
  afterAll(async () => {
    await t?.close();
  });

  const keyPath = (orderId: string, line = 0) =>
    `/v1/customers/${customer.id}/software/${softwareIdOf(orderId, line)}/key`;
  const linkPath = (orderId: string, line = 0) =>
    `/v1/customers/${customer.id}/software/${softwareIdOf(orderId, line)}/downloadlinks`;
  const withId = (requestId: string) => ({ 'MS-RequestId': requestId });
  const reveal = (orderId: string, requestId: string, body: Json = { version: '2022' }, as = partner, line = 0) =>
    t.request('POST', keyPath(orderId, line), { as, body, headers: withId(requestId) });
  const ofType = async (orderId: string, type: string) =>
    (await streamEvents(t, streamIdOf('order', orderId))).filter((e) => e.type === type);
  const twoLineOrder = () =>
    placeOrderOk(t, partner, customer.id, [{ offerId: OFFERS.perpetual }, { offerId: OFFERS.sqlPerpetual }]);
  const auditOf = async (orderId: string, position: string | null) => {
    const res = await t.request('GET', `/v1/auditrecords?customerId=${customer.id}&minPosition=${position ?? 0}`, {
      as: { tenantId: partner.tenantId, roles: ['Auditor'] },
    });
    expect(res.status).toBe(200);
    return (res.body.items as Json[]).filter(
      (r) =>
        r.operationType === 'get_software_key' &&
        r.customizedData.some((d: Json) => d.key === 'OrderId' && d.value === orderId),
    );
  };

  describe('a key reveal always runs the decision and is always recorded', () => {
    it('a retry with the same id and body shows the key again and appends a second KeyRevealed, audited as a retry', async () => {
      const order = await twoLineOrder();
      const requestId = randomUUID();
      const first = await reveal(order.id, requestId);
      expect(first.status).toBe(200);
      const retry = await reveal(order.id, requestId);
      expect(retry.status).toBe(200);
      expect(retry.body.productKey).toBe(first.body.productKey);
      expect(retry.body.productKey).toMatch(MAK_FORMAT);
      const revealed = await ofType(order.id, 'KeyRevealed');
      expect(revealed).toHaveLength(2);
      expect(new Set(revealed.map((e) => e.eventId)).size).toBe(2);
      expect(revealed.map((e) => e.data.retry)).toEqual([undefined, true]);
      const audit = await auditOf(order.id, retry.headers.get('x-event-position'));
      expect(audit).toHaveLength(2);
      const retryFlags = audit.map((r) => r.customizedData.find((d: Json) => d.key === 'retry')?.value).sort();
      expect(retryFlags).toEqual(['true', undefined]);
    });

    it('the id of an earlier reveal on another line item is 422 request_id_reused naming the first use; nothing written', async () => {
      const order = await twoLineOrder();
      const requestId = randomUUID();
      expect((await reveal(order.id, requestId)).status).toBe(200);
      const other = await reveal(order.id, requestId, { version: '2022' }, partner, 1);
      expectProblem(other, 422, 'request_id_reused');
      expect(other.body.productKey).toBeUndefined();
      expect(other.body.firstUse).toMatchObject({
        method: 'POST',
        route: '/v1/customers/:customerId/software/:softwareId/key',
      });
      expect(Date.parse(other.body.firstUse.at)).not.toBeNaN();
      expect(other.body.detail).toContain('/v1/customers/:customerId/software/:softwareId/key');
      expect(await ofType(order.id, 'KeyRevealed')).toHaveLength(1);
    });

    it('the id of an earlier reveal with a version the offer does not have is 422; a fresh request is 400', async () => {
      const order = await twoLineOrder();
      const requestId = randomUUID();
      expect((await reveal(order.id, requestId)).status).toBe(200);
      const reused = await reveal(order.id, requestId, { version: '1999' });
      expectProblem(reused, 422, 'request_id_reused');
      expect(reused.body.productKey).toBeUndefined();
      expectProblem(await reveal(order.id, randomUUID(), { version: '1999' }), 400, 'unknown_version');
      expect(await ofType(order.id, 'KeyRevealed')).toHaveLength(1);
    });

    it('a reused id pointing at a missing line item is a 4xx, never a 500', async () => {
      const order = await twoLineOrder();
      const requestId = randomUUID();
      expect((await reveal(order.id, requestId)).status).toBe(200);
      expectProblem(await reveal(order.id, requestId, { version: '2022' }, partner, 7), 422, 'request_id_reused');
      const fresh = await reveal(order.id, randomUUID(), { version: '2022' }, partner, 7);
      expect(fresh.status).toBeGreaterThanOrEqual(400);
      expect(fresh.status).toBeLessThan(500);
      expect(await ofType(order.id, 'KeyRevealed')).toHaveLength(1);
    });

    it('after the order was cancelled a retried reveal is 410 revoked, as a fresh one; nothing written', async () => {
      const order = await twoLineOrder();
      const requestId = randomUUID();
      expect((await reveal(order.id, requestId)).status).toBe(200);
      const cancelled = await t.request('PATCH', orderPath(customer.id, order.id), { as: partner, body: cancelBody() });
      expect(cancelled.status).toBe(200);
      const retry = await reveal(order.id, requestId);
      expectProblem(retry, 410, 'revoked');
      expect(retry.body.productKey).toBeUndefined();
      expectProblem(await reveal(order.id, randomUUID()), 410, 'revoked');
      expect(await ofType(order.id, 'KeyRevealed')).toHaveLength(1);
    });

    it('a key the licensing vendor revoked is 410 revoked on the retry path too (not 500), and nothing is recorded', async () => {
      const order = await twoLineOrder();
      const requestId = randomUUID();
      expect((await reveal(order.id, requestId)).status).toBe(200);
      await t.app.get<LicensingPort>(LICENSING).revokeKeys({ orderId: order.id, lineItemNumbers: [0] });
      expectProblem(await reveal(order.id, requestId), 410, 'revoked');
      expectProblem(await reveal(order.id, randomUUID()), 410, 'revoked');
      expect(await ofType(order.id, 'KeyRevealed')).toHaveLength(1);
    });

    it('a download-link request reusing a key reveal’s id is 422 request_id_reused, not 500; nothing written', async () => {
      const order = await twoLineOrder();
      const requestId = randomUUID();
      expect((await reveal(order.id, requestId)).status).toBe(200);
      const link = await t.request('POST', linkPath(order.id), {
        as: partner,
        body: { version: '2022', language: 'en-US', bitness: 'x64' },
        headers: withId(requestId),
      });
      expectProblem(link, 422, 'request_id_reused');
      expect(link.body.firstUse).toMatchObject({ route: '/v1/customers/:customerId/software/:softwareId/key' });
      expect(await ofType(order.id, 'DownloadLinkIssued')).toHaveLength(0);
    });
  });

  describe('another caller’s request id never collides with yours', () => {
    it('a colleague cancelling with the request id of my reveal really cancels', async () => {
      const order = await twoLineOrder();
      const requestId = randomUUID();
      expect((await reveal(order.id, requestId)).status).toBe(200);
      const cancel = await t.request('PATCH', orderPath(customer.id, order.id), {
        as: colleague,
        body: cancelBody(),
        headers: withId(requestId),
      });
      expect(cancel.status).toBe(200);
      expect(cancel.body.status).toBe('cancelled');
      const cancelled = await ofType(order.id, 'OrderCancelled');
      expect(cancelled).toHaveLength(1);
      expect(cancelled[0]!.metadata).toMatchObject({ requestId, userId: 'colleague' });
      expectProblem(await reveal(order.id, randomUUID()), 410, 'revoked');
    });

    it('the customer’s own admin revealing with the partner’s request id gets the key and its own KeyRevealed', async () => {
      const order = await twoLineOrder();
      const requestId = randomUUID();
      expect((await reveal(order.id, requestId)).status).toBe(200);
      const own = await reveal(order.id, requestId, { version: '2022' }, customerAdmin);
      expect(own.status).toBe(200);
      const revealed = await ofType(order.id, 'KeyRevealed');
      expect(revealed.map((e) => e.metadata.tenantId)).toEqual([partner.tenantId, customer.id]);
      expect(revealed.every((e) => e.data.retry === undefined)).toBe(true);
    });

    it('a colleague revealing with my request id gets its own KeyRevealed', async () => {
      const order = await twoLineOrder();
      const requestId = randomUUID();
      expect((await reveal(order.id, requestId)).status).toBe(200);
      expect((await reveal(order.id, requestId, { version: '2022' }, colleague)).status).toBe(200);
      const revealed = await ofType(order.id, 'KeyRevealed');
      expect(revealed.map((e) => e.metadata.userId)).toEqual([partner.userId, 'colleague']);
    });

    it('my own cancellation with the request id of my reveal is 422 and cancels nothing', async () => {
      const order = await twoLineOrder();
      const requestId = randomUUID();
      expect((await reveal(order.id, requestId)).status).toBe(200);
      const cancel = await t.request('PATCH', orderPath(customer.id, order.id), {
        as: partner,
        body: cancelBody(),
        headers: withId(requestId),
      });
      expectProblem(cancel, 422, 'request_id_reused');
      expect(await ofType(order.id, 'OrderCancelled')).toHaveLength(0);
      expect((await reveal(order.id, randomUUID())).status).toBe(200);
    });

    it('the same id with the same body on another customer’s path is 422, not the first response', async () => {
      const other = await registerCustomer(t, partner, 'PL');
      const requestId = randomUUID();
      const body = { lineItems: [{ lineItemNumber: 0, offerId: OFFERS.perpetual, quantity: 1 }] };
      const first = await t.request('POST', `/v1/customers/${customer.id}/orders`, {
        as: partner,
        body,
        headers: withId(requestId),
      });
      expect(first.status).toBe(201);
      const before = (await readAllEvents(t)).filter((e) => !WORKER_EVENT_TYPES.has(e.type)).length;
      const second = await t.request('POST', `/v1/customers/${other.id}/orders`, {
        as: partner,
        body,
        headers: withId(requestId),
      });
      expectProblem(second, 422, 'request_id_reused');
      expect((await readAllEvents(t)).filter((e) => !WORKER_EVENT_TYPES.has(e.type)).length).toBe(before);
    });
  });
});

describe('exact idempotency when the idempotency record is gone (purged)', () => {
  let t: TestApp;
  let partner: Caller;
  let customer: { id: string };
  beforeAll(async () => {
    t = await startTestApp();
    partner = adminAgent();
    customer = await registerCustomer(t, partner, 'PL');
  });
  afterAll(async () => {
    await t?.close();
  });
  const forget = async (requestId: string) => {
    const pool = testPool({ connectionString: t.db.url, max: 1 });
    try {
      await pool.query('DELETE FROM idempotency_records WHERE request_id = $1', [requestId]);
    } finally {
      await pool.end();
    }
  };

  it('the event history still refuses my reveal’s id on a cancellation (422) and cancels nothing', async () => {
    const order = await placeOrderOk(t, partner, customer.id, [{ offerId: OFFERS.perpetual }]);
    const requestId = randomUUID();
    const revealed = await t.request('POST', `/v1/customers/${customer.id}/software/${softwareIdOf(order.id, 0)}/key`, {
      as: partner,
      body: { version: '2022' },
      headers: { 'MS-RequestId': requestId },
    });
    expect(revealed.status).toBe(200);
    await forget(requestId);
    const cancel = await t.request('PATCH', orderPath(customer.id, order.id), {
      as: partner,
      body: cancelBody(),
      headers: { 'MS-RequestId': requestId },
    });
    expectProblem(cancel, 422, 'request_id_reused');
    expect(cancel.body.firstUse).toMatchObject({ command: 'RevealKey' });
    expect((await streamEvents(t, streamIdOf('order', order.id))).map((e) => e.type)).toEqual([
      'OrderPlaced',
      'KeyRevealed',
    ]);
  });

  it('a reveal retried after its record is gone is still decided, recorded and marked as a retry', async () => {
    const order = await placeOrderOk(t, partner, customer.id, [{ offerId: OFFERS.perpetual }]);
    const requestId = randomUUID();
    const send = () =>
      t.request('POST', `/v1/customers/${customer.id}/software/${softwareIdOf(order.id, 0)}/key`, {
        as: partner,
        body: { version: '2022' },
        headers: { 'MS-RequestId': requestId },
      });
    expect((await send()).status).toBe(200);
    await forget(requestId);
    expect((await send()).status).toBe(200);
    const revealed = (await streamEvents(t, streamIdOf('order', order.id))).filter((e) => e.type === 'KeyRevealed');
    expect(revealed.map((e) => e.data.retry)).toEqual([undefined, true]);
  });

  it('a cancellation retried after its record is gone answers the first result and is not cancelled twice', async () => {
    const order = await placeOrderOk(t, partner, customer.id, [{ offerId: OFFERS.perpetual }]);
    const requestId = randomUUID();
    const send = () =>
      t.request('PATCH', orderPath(customer.id, order.id), {
        as: partner,
        body: cancelBody(),
        headers: { 'MS-RequestId': requestId },
      });
    const first = await send();
    expect(first.status).toBe(200);
    await forget(requestId);
    const retry = await send();
    expect(retry.status).toBe(200);
    expect(retry.body.status).toBe('cancelled');
    expect(
      (await streamEvents(t, streamIdOf('order', order.id))).filter((e) => e.type === 'OrderCancelled'),
    ).toHaveLength(1);
  });
});
