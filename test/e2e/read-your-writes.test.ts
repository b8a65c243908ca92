import { startTestApp, TestApp } from '../support/app';
import { adminAgent, expectProblem, OFFERS, placeOrderOk, registerCustomer } from './e2e-helpers';

/**
 * Read-your-writes: a command answers with X-Event-Position; a list query given that minPosition waits until
 * its read model holds the write, and answers 503 with Retry-After (never stale data) when it cannot within
 * the bound.
 */
describe('read-your-writes', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('each list shows the caller’s own write when asked with the position the command returned', async () => {
    const partner = adminAgent();
    const customer = await registerCustomer(t, partner);
    expect(customer.position).toBeGreaterThan(0);
    const customers = await t.request('GET', `/v1/customers?minPosition=${customer.position}`, { as: partner });
    expect(customers.status).toBe(200);
    expect(customers.body.items.map((c: { id: string }) => c.id)).toContain(customer.id);

    const order = await placeOrderOk(t, partner, customer.id, [{ offerId: OFFERS.perpetual }]);
    const orders = await t.request('GET', `/v1/customers/${customer.id}/orders?minPosition=${order.position}`, {
      as: partner,
    });
    expect(orders.body.items.map((o: { id: string }) => o.id)).toEqual([order.id]);
    const software = await t.request('GET', `/v1/customers/${customer.id}/software?minPosition=${order.position}`, {
      as: partner,
    });
    expect(software.body.items).toHaveLength(1);
  });

  it('answers 503 with Retry-After when the read model cannot reach the position in time', async () => {
    const partner = adminAgent();
    const res = await t.request('GET', `/v1/customers?minPosition=999999999999999`, { as: partner });
    expectProblem(res, 503, 'read_model_behind');
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('refuses a minPosition that is not a position, naming the field', async () => {
    const res = await t.request('GET', `/v1/customers?minPosition=abc`, { as: adminAgent() });
    expectProblem(res, 400, 'invalid_min_position');
    expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(['minPosition']);
  });
});
