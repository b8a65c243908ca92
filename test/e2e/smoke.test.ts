import { newTenant, startTestApp, TestApp } from '../support/app';

describe('smoke', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    const s = Date.now();
    await t?.close();
    console.log('close took', Date.now() - s);
  });

  it('registers a customer and places an order', async () => {
    const partner = { tenantId: newTenant(), roles: ['AdminAgent'] };
    const ready = await t.request('GET', '/health/ready');
    expect(ready.status).toBe(200);
    const c = await t.request('POST', '/v1/customers', { as: partner, body: { companyName: 'Contoso', domain: 'contoso.example', country: 'PL' } });
    expect(c.status).toBe(201);
    const offers = await t.request('GET', '/v1/offers?country=PL', { as: partner });
    expect(offers.status).toBe(200);
    const perpetual = offers.body.items.find((o: { kind: string }) => o.kind === 'perpetual');
    const o = await t.request('POST', `/v1/customers/${c.body.id}/orders`, { as: partner, body: { lineItems: [{ lineItemNumber: 0, offerId: perpetual.id, quantity: 2 }] } });
    expect(o.status).toBe(201);
    const sw = await t.request('GET', `/v1/customers/${c.body.id}/software?minPosition=${o.headers.get('x-event-position')}`, { as: partner });
    expect(sw.status).toBe(200);
    expect(sw.body.items).toHaveLength(1);
    const key = await t.request('POST', `/v1/customers/${c.body.id}/software/${sw.body.items[0].id}/key`, { as: partner, body: { version: sw.body.items[0].versions[0] } });
    expect(key.status).toBe(200);
    const link = await t.request('POST', `/v1/customers/${c.body.id}/software/${sw.body.items[0].id}/downloadlinks`, { as: partner, body: { version: sw.body.items[0].versions[0], language: sw.body.items[0].languages[0], bitness: 'x64' } });
    expect(link.status).toBe(201);
    const dl = await t.request('GET', new URL(link.body.uri).pathname);
    expect(dl.status).toBe(200);
    const cancel = await t.request('PATCH', `/v1/customers/${c.body.id}/orders/${o.body.id}`, { as: partner, body: { status: 'cancelled', acknowledgedCancellationNotice: true } });
    expect(cancel.status).toBe(200);
    const key2 = await t.request('POST', `/v1/customers/${c.body.id}/software/${sw.body.items[0].id}/key`, { as: partner, body: { version: sw.body.items[0].versions[0] } });
    expect(key2.status).toBe(410);
  });
});
