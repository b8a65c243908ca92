import { streamTypeOf } from '@csp/domain';
import { randomUUID } from 'node:crypto';
import { Caller, startTestApp, TestApp } from '../support/app';
import {
  adminAgent,
  eventStore,
  expectProblem,
  OFFERS,
  placeOrderOk,
  registerCustomer,
  softwareIdOf,
} from './e2e-helpers';

/**
 * Issue 12 item 7: a support request names only the caller's own customer (tenant GUID or domain) and an order
 * (or subscription, i.e. software item) of that customer. Every other variant is 404, and writes nothing.
 */
describe('support requests name only the caller’s own customers and orders', () => {
  let t: TestApp;
  let partner: Caller;
  let other: Caller;
  const own = { id: '', domain: '', orderId: '' };
  const sibling = { id: '', orderId: '' };
  const foreign = { id: '', domain: '', orderId: '' };

  beforeAll(async () => {
    t = await startTestApp();
    partner = adminAgent();
    other = adminAgent();
    const c = await registerCustomer(t, partner, 'PL');
    Object.assign(own, { id: c.id, domain: c.body.domain });
    own.orderId = (await placeOrderOk(t, partner, own.id, [{ offerId: OFFERS.perpetual }])).id;
    sibling.id = (await registerCustomer(t, partner, 'PL')).id;
    sibling.orderId = (await placeOrderOk(t, partner, sibling.id, [{ offerId: OFFERS.perpetual }])).id;
    const f = await registerCustomer(t, other, 'PL');
    Object.assign(foreign, { id: f.id, domain: f.body.domain });
    foreign.orderId = (await placeOrderOk(t, other, foreign.id, [{ offerId: OFFERS.perpetual }])).id;
  });
  afterAll(async () => {
    await t?.close();
  });

  const body = (customerTenantIdOrDomain: string, orderIdOrSubscriptionId: string) => ({
    problemType: 'CSP Purchase/Refund on behalf of customers',
    impact: 'moderate',
    title: 'Refund past the window',
    description: {
      customerTenantIdOrDomain,
      orderIdOrSubscriptionId,
      refundReason: 'Wrong edition, noticed on day 31.',
      amountRequested: { amount: '10.00', currencyCode: 'PLN' },
    },
    contact: { name: 'Anna Kowalska', email: 'anna@partner.example', phone: '+48 22 123 45 67' },
  });

  const supportStreams = async (): Promise<number> => {
    let n = 0;
    let after = 0;
    for (;;) {
      const batch = await eventStore(t).readAll({ after, maxCount: 1000 });
      n += batch.events.filter((e) => streamTypeOf(e.streamId) === 'supportRequest').length;
      if (batch.events.length === 0 || batch.isEnd) return n;
      after = batch.lastPosition;
    }
  };

  it.each<[string, () => [string, string], string]>([
    ['another partner’s customer by tenant GUID', () => [foreign.id, foreign.orderId], 'customer_not_found'],
    [
      'another partner’s customer by GUID in upper case',
      () => [foreign.id.toUpperCase(), foreign.orderId],
      'customer_not_found',
    ],
    ['another partner’s customer by domain', () => [foreign.domain, foreign.orderId], 'customer_not_found'],
    [
      'another partner’s customer by domain in upper case',
      () => [foreign.domain.toUpperCase(), foreign.orderId],
      'customer_not_found',
    ],
    ['another partner’s customer with an own order', () => [foreign.id, own.orderId], 'customer_not_found'],
    ['another partner’s tenant id', () => [other.tenantId, foreign.orderId], 'customer_not_found'],
    ['the caller’s own partner tenant id', () => [partner.tenantId, own.orderId], 'customer_not_found'],
    ['a tenant GUID nobody registered', () => [randomUUID(), own.orderId], 'customer_not_found'],
    [
      'a domain nobody registered',
      () => [`nobody-${randomUUID().slice(0, 8)}.example.com`, own.orderId],
      'customer_not_found',
    ],
    ['own customer, another partner’s order', () => [own.id, foreign.orderId], 'order_not_found'],
    ['own customer by domain, another partner’s order', () => [own.domain, foreign.orderId], 'order_not_found'],
    [
      'own customer, another partner’s subscription id',
      () => [own.id, softwareIdOf(foreign.orderId, 0)],
      'order_not_found',
    ],
    ['own customer, an order of another own customer', () => [own.id, sibling.orderId], 'order_not_found'],
    ['own customer, an order id that does not exist', () => [own.id, randomUUID()], 'order_not_found'],
    [
      'own customer, a subscription of an order that does not exist',
      () => [own.id, softwareIdOf(randomUUID(), 0)],
      'order_not_found',
    ],
    [
      'own customer, a line item the order does not have',
      () => [own.id, softwareIdOf(own.orderId, 7)],
      'order_not_found',
    ],
    ['own customer, an id that is no order id', () => [own.id, 'ORD-12345'], 'order_not_found'],
  ])('%s: 404, nothing written', async (_name, refs, code) => {
    const [customer, order] = refs();
    const before = await supportStreams();
    const res = await t.request('POST', '/v1/supportrequests', { as: partner, body: body(customer, order) });
    expectProblem(res, 404, code);
    // Nothing of the other tenant comes back that the caller did not send itself.
    const sent = `${customer} ${order}`.toLowerCase();
    for (const secret of [foreign.id, foreign.domain, foreign.orderId])
      if (!sent.includes(secret)) expect(res.text.toLowerCase()).not.toContain(secret);
    expect(await supportStreams()).toBe(before);
  });

  it('answers another partner’s customer exactly like one that does not exist', async () => {
    const [a, b] = await Promise.all([
      t.request('POST', '/v1/supportrequests', { as: partner, body: body(foreign.id, own.orderId) }),
      t.request('POST', '/v1/supportrequests', { as: partner, body: body(randomUUID(), own.orderId) }),
    ]);
    expect([a.status, a.body.code, a.body.title]).toEqual([b.status, b.body.code, b.body.title]);
  });

  it.each<[string, () => [string, string]]>([
    ['own customer by GUID and own order', () => [own.id, own.orderId]],
    ['own customer by GUID in upper case and own order', () => [own.id.toUpperCase(), own.orderId.toUpperCase()]],
    ['own customer by domain and own order', () => [own.domain, own.orderId]],
    [
      'own customer by domain in upper case and own subscription id',
      () => [own.domain.toUpperCase(), softwareIdOf(own.orderId, 0)],
    ],
  ])('%s: 201', async (_name, refs) => {
    const [customer, order] = refs();
    const res = await t.request('POST', '/v1/supportrequests', { as: partner, body: body(customer, order) });
    expect(res.status).toBe(201);
    expect(res.body.status).toBe('submitted');
  });

  it('the other partner files for its own customer (the checks are per caller, not global)', async () => {
    const res = await t.request('POST', '/v1/supportrequests', {
      as: other,
      body: body(foreign.domain, foreign.orderId),
    });
    expect(res.status).toBe(201);
  });
});
