import { EVENT_STORE, EventStore } from '@csp/event-store';
import { startTestApp, TestApp } from '../support/app';
import { adminAgent, expectProblem, OFFERS, placeOrderOk, registerCustomer, softwareIdOf } from '../e2e/e2e-helpers';

const deep = (levels: number, leaf = '1'): string => '{"a":'.repeat(levels) + leaf + '}'.repeat(levels);
const deepArray = (levels: number): string => '['.repeat(levels) + ']'.repeat(levels);

// Deeply nested JSON bodies through the whole service: refused with 400 body_too_deep before anything parses,
// validates or hashes them (20,000 levels used to reach a 500), and nothing is written.
describe('JSON body depth limit', () => {
  let t: TestApp;
  const agent = adminAgent();
  let routes: Array<[string, string]>;

  beforeAll(async () => {
    t = await startTestApp();
    const customer = await registerCustomer(t, agent);
    const order = await placeOrderOk(t, agent, customer.id, [{ offerId: OFFERS.perpetual }]);
    const software = `/v1/customers/${customer.id}/software/${softwareIdOf(order.id, 0)}`;
    routes = [
      ['POST', '/v1/customers'],
      ['POST', `/v1/customers/${customer.id}/orders`],
      ['PATCH', `/v1/customers/${customer.id}/orders/${order.id}`],
      ['POST', `${software}/key`],
      ['POST', `${software}/downloadlinks`],
      ['POST', '/v1/supportrequests'],
    ];
  });
  afterAll(async () => {
    await t?.close();
  });

  it('answers 400 body_too_deep on every write route for 20,000 levels, and writes no event', async () => {
    const store = t.app.get<EventStore>(EVENT_STORE);
    const before = await store.headPosition();
    for (const [method, path] of routes) {
      for (const body of [
        `{"companyName":${deep(20_000)}}`,
        deepArray(20_000),
        `{"lineItems":${deepArray(33)}}`,
        // Unclosed: refused for its depth before the parser sees it is cut short.
        '['.repeat(100_000),
      ]) {
        const res = await t.request(method, path, {
          as: agent,
          rawBody: body,
          headers: { 'content-type': 'application/json' },
        });
        expect({ method, path, status: res.status, code: res.body?.code }).toEqual({
          method,
          path,
          status: 400,
          code: 'body_too_deep',
        });
        expectProblem(res, 400, 'body_too_deep');
        expect(res.body.detail).toMatch(/32/);
      }
    }
    expect(await store.headPosition()).toBe(before);
  });

  it('applies to application/*+json too', async () => {
    const res = await t.request('POST', '/v1/customers', {
      as: agent,
      rawBody: deepArray(1000),
      headers: { 'content-type': 'application/merge-patch+json' },
    });
    expectProblem(res, 400, 'body_too_deep');
  });

  it('lets a body at the limit through to validation (a field error, not body_too_deep)', async () => {
    const res = await t.request('POST', '/v1/customers', {
      as: agent,
      rawBody: `{"companyName":${deep(31)}}`,
      headers: { 'content-type': 'application/json' },
    });
    expectProblem(res, 400);
    expect(res.body.code).not.toBe('body_too_deep');
    // Brackets inside strings are not nesting: a valid registration full of them goes through.
    const ok = await t.request('POST', '/v1/customers', {
      as: agent,
      body: { companyName: `${'[{'.repeat(50)} Ltd`, domain: `brackets-${Date.now()}.example.com`, country: 'PL' },
    });
    expect(ok.status).toBe(201);
  });
});
