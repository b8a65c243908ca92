import { streamIdOf } from '@csp/domain';
import { randomUUID } from 'node:crypto';
import { Caller, startTestApp, TestApp } from '../support/app';
import {
  adminAgent,
  expectProblem,
  fieldsOf,
  Json,
  OFFERS,
  orderPath,
  placeOrderOk,
  registerCustomer,
  sleep,
  streamEvents,
} from './e2e-helpers';

/**
 * An outsider's fit: a client written from shared API.md alone, and an integration that sends Partner Center's
 * own example bodies (learn.microsoft.com, "Create an order", "Cancel software purchases"), with only the ids and
 * offers swapped for this service's (an order id must be the path's; the catalog is ours).
 */
describe('Partner Center and API.md clients over HTTP', () => {
  let t: TestApp;
  let partner: Caller;
  let us: { id: string };

  beforeAll(async () => {
    t = await startTestApp();
    partner = adminAgent();
    us = await registerCustomer(t, partner, 'US');
  });
  afterAll(async () => {
    await t?.close();
  });

  const ordersOf = (customerId: string) => `/v1/customers/${customerId}/orders`;
  const eventTypes = async (orderId: string) =>
    (await streamEvents(t, streamIdOf('order', orderId))).map((e) => e.type);

  it('a client written from API.md alone cancels with {status: "cancelled"}', async () => {
    const placed = await t.request('POST', ordersOf(us.id), {
      as: partner,
      body: { lineItems: [{ lineItemNumber: 0, offerId: OFFERS.perpetual, quantity: 1 }] },
    });
    expect(placed.status).toBe(201);
    const res = await t.request('PATCH', orderPath(us.id, placed.body.id), {
      as: partner,
      body: { status: 'cancelled' },
    });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('cancelled');
    expect(res.body.cancellations).toHaveLength(1);
    const cancelled = (await streamEvents(t, streamIdOf('order', placed.body.id))).find(
      (e) => e.type === 'OrderCancelled',
    );
    expect(cancelled?.data).not.toHaveProperty('acknowledgedCancellationNotice');
  });

  it('takes the "Create an order" request example (PascalCase names) and answers with the Order resource', async () => {
    const body = {
      BillingCycle: 'one_time',
      CurrencyCode: 'USD',
      LineItems: [
        {
          LineItemNumber: 0,
          ProvisioningContext: {
            subscriptionId: '3D5ECED6-1151-44C7-AEE6-70A4BB725666',
            scope: 'shared',
            duration: '1Year',
          },
          OfferId: OFFERS.reservation,
          FriendlyName: 'A_sample_Azure_RI',
          Quantity: 1,
        },
      ],
    };
    const res = await t.request('POST', ordersOf(us.id), { as: partner, body });
    expect(res.status).toBe(201);
    expect(res.headers.get('etag')).toBe('"1"');
    const order: Json = res.body;
    const self = `/v1/customers/${us.id}/orders/${order.id}`;
    expect(order).toMatchObject({
      alternateId: order.id.replace(/-/g, ''),
      referenceCustomerId: us.id,
      billingCycle: 'one_time',
      currencyCode: 'USD',
      currencySymbol: '$',
      status: 'completed',
      transactionType: 'UserPurchase',
      attributes: { objectType: 'Order' },
      links: {
        self: { uri: self, method: 'GET', headers: [] },
        provisioningStatus: { uri: `${self}/provisioningstatus`, method: 'GET', headers: [] },
        patchOperation: { uri: self, method: 'PATCH', headers: [] },
      },
    });
    expect(order.lineItems[0]).toMatchObject({
      lineItemNumber: 0,
      offerId: OFFERS.reservation,
      friendlyName: 'A_sample_Azure_RI',
      quantity: 1,
      provisioningContext: body.LineItems[0].ProvisioningContext,
      attributes: { objectType: 'OrderLineItem' },
    });
    const got = await t.request('GET', self, { as: partner });
    expect(got.body).toEqual(order);
    expect(got.headers.get('etag')).toBe('"1"');
  });

  it('takes the attestation example (partner ids on record, billed monthly)', async () => {
    const res = await t.request('POST', ordersOf(us.id), {
      as: partner,
      body: {
        PartnerOnRecordAttestationAccepted: true,
        lineItems: [
          {
            offerId: OFFERS.reservation,
            quantity: 1,
            lineItemNumber: 0,
            PartnerIdOnRecord: '873452',
            AdditionalPartnerIdsOnRecord: ['4847383', '873452'],
          },
        ],
        billingCycle: 'monthly',
      },
    });
    expect(res.status).toBe(201);
    expect(res.body.billingCycle).toBe('monthly');
    expect(res.body.lineItems[0]).toMatchObject({
      partnerIdOnRecord: '873452',
      additionalPartnerIdsOnRecord: ['4847383', '873452'],
    });
    const placed = (await streamEvents(t, streamIdOf('order', res.body.id)))[0];
    expect(placed.data).toMatchObject({ billingCycle: 'monthly', partnerOnRecordAttestationAccepted: true });
  });

  it('takes null for an unset Partner Center field, as its SDK may send it', async () => {
    const res = await t.request('POST', ordersOf(us.id), {
      as: partner,
      body: {
        id: null,
        referenceCustomerId: null,
        billingCycle: null,
        currencyCode: null,
        lineItems: [
          { lineItemNumber: 0, offerId: OFFERS.perpetual, quantity: 1, termDuration: null, friendlyName: null },
        ],
      },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ billingCycle: 'one_time', referenceCustomerId: us.id });
  });

  it('takes the "Cancel software purchases" request example: one line cancelled, the order stays completed', async () => {
    const placed = await placeOrderOk(t, partner, us.id, [
      { offerId: OFFERS.sqlPerpetual },
      { offerId: OFFERS.perpetual },
    ]);
    const requestId = randomUUID();
    const correlationId = randomUUID();
    const res = await t.request('PATCH', orderPath(us.id, placed.id), {
      as: partner,
      headers: { accept: 'application/json', 'MS-RequestId': requestId, 'MS-CorrelationId': correlationId },
      body: {
        id: placed.id,
        status: 'cancelled',
        lineItems: [{ lineItemNumber: 0, offerId: OFFERS.sqlPerpetual }],
      },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('ms-requestid')).toBe(requestId);
    expect(res.headers.get('ms-correlationid')).toBe(correlationId);
    expect(res.headers.get('etag')).toBe('"2"');
    expect(res.body.status).toBe('completed');
    expect(res.body.lineItems.map((l: Json) => l.quantity)).toEqual([0, 1]);
    expect(res.body.attributes).toEqual({ objectType: 'Order' });
  });

  it('cancels the order it read when sent back whole, as Partner Center’s SDK does (Get, set status, Patch)', async () => {
    const placed = await placeOrderOk(t, partner, us.id, [
      { offerId: OFFERS.perpetual, quantity: 2 },
      { offerId: OFFERS.sqlPerpetual },
    ]);
    const path = orderPath(us.id, placed.id);
    const read: Json = (await t.request('GET', path, { as: partner })).body;

    const changed = await t.request('PATCH', path, {
      as: partner,
      body: { ...read, status: 'cancelled', currencyCode: 'EUR', lineItems: [read.lineItems[0]] },
    });
    expectProblem(changed, 400);
    expect(fieldsOf(changed)).toEqual(['currencyCode']);
    const partial = await t.request('PATCH', path, {
      as: partner,
      body: { ...read, status: 'cancelled', lineItems: [{ ...read.lineItems[0], quantity: 1 }] },
    });
    expectProblem(partial, 400);
    expect(fieldsOf(partial)).toEqual(['lineItems[0].quantity']);
    expect(await eventTypes(placed.id)).toEqual(['OrderPlaced']);

    const res = await t.request('PATCH', path, {
      as: partner,
      body: { ...read, status: 'cancelled', lineItems: [read.lineItems[0]] },
    });
    expect(res.status).toBe(200);
    expect(res.body.lineItems.map((l: Json) => l.cancelled)).toEqual([true, false]);
  });

  it('refuses Partner Center fields that contradict the path, the customer or the offer, naming each; writes nothing', async () => {
    const line = { lineItemNumber: 0, offerId: OFFERS.subscription1y, quantity: 1 };
    const cases: [Json, string][] = [
      [{ referenceCustomerId: randomUUID(), lineItems: [line] }, 'referenceCustomerId'],
      [{ currencyCode: 'EUR', lineItems: [line] }, 'currencyCode'],
      [{ billingCycle: 'monthly', lineItems: [line] }, 'billingCycle'],
      [{ billingCycle: 'weekly', lineItems: [line] }, 'billingCycle'],
      [{ lineItems: [{ ...line, termDuration: 'P3Y' }] }, 'lineItems[0].termDuration'],
      [{ lineItems: [{ ...line, provisioningContext: { scope: 1 } }] }, 'lineItems[0].provisioningContext.scope'],
      [{ lineItems: [{ ...line, PromotionId: 'x' }] }, 'lineItems[0].PromotionId'],
      [{ Client: {}, lineItems: [line] }, 'Client'],
    ];
    for (const [body, field] of cases) {
      const res = await t.request('POST', ordersOf(us.id), { as: partner, body });
      expectProblem(res, 400);
      expect(fieldsOf(res)).toEqual([field]);
    }
    const list = await t.request('GET', ordersOf(us.id), { as: partner });
    expect(list.body.items.every((o: Json) => o.lineItems[0].offerId !== OFFERS.subscription1y)).toBe(true);
  });

  it('refuses a cancel body naming another order or another offer, naming the field; writes nothing', async () => {
    const placed = await placeOrderOk(t, partner, us.id, [{ offerId: OFFERS.perpetual }]);
    const otherOrder = await t.request('PATCH', orderPath(us.id, placed.id), {
      as: partner,
      body: { id: randomUUID(), status: 'cancelled' },
    });
    expectProblem(otherOrder, 400);
    expect(fieldsOf(otherOrder)).toEqual(['id']);
    const otherOffer = await t.request('PATCH', orderPath(us.id, placed.id), {
      as: partner,
      body: { status: 'cancelled', lineItems: [{ lineItemNumber: 0, offerId: OFFERS.sqlPerpetual }] },
    });
    expectProblem(otherOffer, 400);
    expect(fieldsOf(otherOffer)).toEqual(['lineItems[0].offerId']);
    expect(await eventTypes(placed.id)).toEqual(['OrderPlaced']);
  });

  it('answers the provisioning status per line item, with the rules of GET order', async () => {
    const placed = await placeOrderOk(t, partner, us.id, [
      { offerId: OFFERS.perpetual },
      { offerId: OFFERS.sqlPerpetual },
    ]);
    const path = `${orderPath(us.id, placed.id)}/provisioningstatus`;
    const before = await t.request('GET', path, { as: partner });
    expect(before.status).toBe(200);
    expect(before.body).toMatchObject({ totalCount: 2, attributes: { objectType: 'Collection' } });
    expect(before.body.items.map((i: Json) => i.status)).toEqual(['fulfilled', 'fulfilled']);
    expect(before.body.items[0].attributes).toEqual({ objectType: 'OrderLineItemProvisioningStatus' });

    const cancelled = await t.request('PATCH', orderPath(us.id, placed.id), {
      as: partner,
      body: { status: 'cancelled', lineItems: [{ lineItemNumber: 1 }] },
    });
    expect(cancelled.status).toBe(200);
    const right = await t.request('GET', path, { as: partner });
    expect(right.body.items[0].status).toBe('fulfilled');
    expect(['cancellationPending', 'cancelled']).toContain(right.body.items[1].status);
    // The worker propagates the cancellation; then the line reads cancelled.
    let status = right.body.items[1].status;
    for (let i = 0; i < 100 && status !== 'cancelled'; i++) {
      await sleep(100);
      status = (await t.request('GET', path, { as: partner })).body.items[1].status;
    }
    expect(status).toBe('cancelled');

    // Whoever may read the order may read its provisioning status, and no one else.
    const callers: Caller[] = [
      { tenantId: partner.tenantId, roles: ['GlobalAdmin'] },
      { tenantId: partner.tenantId, roles: ['BillingAdmin'] },
      adminAgent(),
      { tenantId: us.id, roles: ['GlobalAdmin'] },
      { tenantId: us.id, roles: ['Auditor'] },
    ];
    const seen = new Set<number>();
    for (const as of callers) {
      const order = await t.request('GET', orderPath(us.id, placed.id), { as });
      const provisioning = await t.request('GET', path, { as });
      expect([as.roles, provisioning.status]).toEqual([as.roles, order.status]);
      seen.add(provisioning.status);
    }
    expect([...seen].sort()).toEqual([200, 403, 404]);
  });

  it('documents the provisioning status response in /docs-json', async () => {
    const doc = await t.request('GET', '/docs-json');
    const op = doc.body.paths['/v1/customers/{customerId}/orders/{orderId}/provisioningstatus'].get;
    expect(op.responses['200'].content['application/json'].schema.$ref).toMatch(/OrderProvisioningStatusCollection$/);
  });

  describe('ETag and If-Match', () => {
    it('a stale If-Match is 412 and writes nothing; a current one cancels; a replay answers the same ETag', async () => {
      const placed = await placeOrderOk(t, partner, us.id, [{ offerId: OFFERS.perpetual }]);
      const path = orderPath(us.id, placed.id);
      const got = await t.request('GET', path, { as: partner });
      expect(got.headers.get('etag')).toBe('"1"');

      const stale = await t.request('PATCH', path, {
        as: partner,
        headers: { 'if-match': '"0"' },
        body: { status: 'cancelled' },
      });
      expectProblem(stale, 412, 'precondition_failed');
      expect(await eventTypes(placed.id)).toEqual(['OrderPlaced']);

      const malformed = await t.request('PATCH', path, {
        as: partner,
        headers: { 'if-match': 'one' },
        body: { status: 'cancelled' },
      });
      expectProblem(malformed, 400);
      expect(fieldsOf(malformed)).toEqual(['If-Match']);

      const requestId = randomUUID();
      const patch = () =>
        t.request('PATCH', path, {
          as: partner,
          headers: { 'if-match': got.headers.get('etag') as string, 'MS-RequestId': requestId },
          body: { status: 'cancelled' },
        });
      const ok = await patch();
      expect(ok.status).toBe(200);
      expect(ok.headers.get('etag')).toBe('"2"');
      const replay = await patch();
      expect(replay.status).toBe(200);
      expect(replay.headers.get('etag')).toBe('"2"');
      expect(replay.body.id).toBe(placed.id);
      expect((await eventTypes(placed.id)).filter((e) => e === 'OrderCancelled')).toHaveLength(1);
    });

    it('without If-Match, PATCH behaves as before (no precondition)', async () => {
      const placed = await placeOrderOk(t, partner, us.id, [{ offerId: OFFERS.perpetual }]);
      const res = await t.request('PATCH', orderPath(us.id, placed.id), { as: partner, body: { status: 'cancelled' } });
      expect(res.status).toBe(200);
    });
  });
});

describe('a deployment that requires the cancellation notice (REQUIRE_CANCELLATION_ACK=true)', () => {
  let t: TestApp;
  let partner: Caller;
  let us: { id: string };

  beforeAll(async () => {
    t = await startTestApp({ env: { REQUIRE_CANCELLATION_ACK: 'true' } });
    partner = adminAgent();
    us = await registerCustomer(t, partner, 'US');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('refuses a cancel without it (422, one message, nothing written) and records it when given', async () => {
    const placed = await placeOrderOk(t, partner, us.id, [{ offerId: OFFERS.perpetual }]);
    const path = orderPath(us.id, placed.id);
    const missing = await t.request('PATCH', path, { as: partner, body: { status: 'cancelled' } });
    expectProblem(missing, 422, 'cancellation_notice_not_acknowledged');
    expect(missing.body.errors).toHaveLength(1);
    expect((await streamEvents(t, streamIdOf('order', placed.id))).map((e) => e.type)).toEqual(['OrderPlaced']);
    const ok = await t.request('PATCH', path, {
      as: partner,
      body: { status: 'cancelled', acknowledgedCancellationNotice: true },
    });
    expect(ok.status).toBe(200);
    const cancelled = (await streamEvents(t, streamIdOf('order', placed.id))).find((e) => e.type === 'OrderCancelled');
    expect(cancelled?.data).toMatchObject({ acknowledgedCancellationNotice: true });
  });
});
