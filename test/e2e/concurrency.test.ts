import { streamIdOf } from '@csp/domain';
import { startTestApp, TestApp } from '../support/app';
import {
  adminAgent,
  cancelBody,
  MAK_FORMAT,
  OFFERS,
  orderPath,
  placeOrderOk,
  registerCustomer,
  softwareIdOf,
  streamEvents,
  uniqueDomain,
} from './e2e-helpers';

describe('concurrent requests', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('20 concurrent cancellations of one order: exactly one 200, nineteen 409, one OrderCancelled', async () => {
    const partner = adminAgent();
    const customer = await registerCustomer(t, partner, 'PL');
    const order = await placeOrderOk(t, partner, customer.id, [
      { offerId: OFFERS.perpetual },
      { offerId: OFFERS.subscription1y },
    ]);
    // distinct users of the partner, so no idempotency key is shared
    const tokens = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        t.token({ ...partner, userId: `agent-${i}`, upn: `agent${i}@partner.example` }),
      ),
    );
    const responses = await Promise.all(
      tokens.map((token) => t.request('PATCH', orderPath(customer.id, order.id), { token, body: cancelBody() })),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(19);
    for (const r of responses.filter((x) => x.status === 409)) {
      expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(['already_cancelled', 'concurrency_conflict']).toContain(r.body.code);
    }
    const events = await streamEvents(t, streamIdOf('order', order.id));
    expect(events.filter((e) => e.type === 'OrderCancelled')).toHaveLength(1);
    expect(events.map((e) => e.streamPosition)).toEqual(events.map((_, i) => i + 1));
    const winner = responses.find((r) => r.status === 200)!;
    expect(winner.body.status).toBe('cancelled');
    const got = await t.request('GET', orderPath(customer.id, order.id), { as: partner });
    expect(got.body.cancellations).toHaveLength(1);
  });

  it('racing reveals of one line (within the executor’s retry budget) all succeed, with one KeyRevealed each and the same key', async () => {
    const partner = adminAgent();
    const customer = await registerCustomer(t, partner, 'DE');
    const order = await placeOrderOk(t, partner, customer.id, [{ offerId: OFFERS.perpetual }]);
    const responses = await Promise.all(
      // the executor decides again after a version conflict, up to 5 attempts: 4 racers always fit
      Array.from({ length: 4 }, () =>
        t.request('POST', `/v1/customers/${customer.id}/software/${softwareIdOf(order.id, 0)}/key`, {
          as: partner,
          body: { version: '2022' },
        }),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(4).fill(200));
    expect(new Set(responses.map((r) => r.body.productKey)).size).toBe(1);
    expect(responses[0].body.productKey).toMatch(MAK_FORMAT);
    const events = await streamEvents(t, streamIdOf('order', order.id));
    expect(events.filter((e) => e.type === 'KeyRevealed')).toHaveLength(4);
  });

  it('racing registrations of one domain: exactly one 201, the rest 409 domain_taken', async () => {
    const domain = uniqueDomain('race');
    const responses = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        t.request('POST', '/v1/customers', {
          as: adminAgent(),
          body: { companyName: `Racer ${i}`, domain: i % 2 ? domain.toUpperCase() : domain, country: 'PL' },
        }),
      ),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(responses.filter((r) => r.status === 409).map((r) => r.body.code)).toEqual(Array(9).fill('domain_taken'));
  });
});
