import { randomUUID } from 'node:crypto';
import { newTenant, startTestApp, TestApp } from '../support/app';
import {
  adminAgent,
  expectProblem,
  fieldsOf,
  formatMinor,
  offer,
  OFFERS,
  placeOrder,
  registerCustomer,
  uniqueDomain,
  Json,
} from './e2e-helpers';

describe('customers and offers over HTTP', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  describe('POST /v1/customers', () => {
    it('a customer unknown a moment ago is found once registered (only registered customers are remembered)', async () => {
      const partner = adminAgent();
      const tenantId = randomUUID();
      const before = await placeOrder(t, partner, tenantId, [{ offerId: OFFERS.perpetual }]);
      expect(before.status).toBe(404);
      const registered = await t.request('POST', '/v1/customers', {
        as: partner,
        body: { companyName: 'Late Ltd', domain: uniqueDomain('late'), country: 'PL', tenantId },
      });
      expect(registered.status).toBe(201);
      const after = await placeOrder(t, partner, tenantId, [{ offerId: OFFERS.perpetual }]);
      expect(after.status).toBe(201);
      // Another partner still cannot reach it, remembered or not.
      expect((await placeOrder(t, adminAgent(), tenantId, [{ offerId: OFFERS.perpetual }])).status).toBe(404);
    });

    it('registers a customer with the given tenant id and the market of its country', async () => {
      const partner = adminAgent();
      const tenantId = randomUUID();
      const domain = uniqueDomain('fabrikam');
      const res = await t.request('POST', '/v1/customers', {
        as: partner,
        body: { companyName: 'Fabrikam sp. z o.o.', domain, country: 'PL', tenantId },
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        id: tenantId,
        companyName: 'Fabrikam sp. z o.o.',
        domain,
        country: 'PL',
        currencyCode: 'PLN',
        taxInclusivePricing: false,
      });
      expect(res.headers.get('location')).toBe(`/v1/customers/${tenantId}`);
      expect(Number(res.headers.get('x-event-position'))).toBeGreaterThan(0);
    });

    it('gives a new GUID when no tenant id is sent', async () => {
      const res = await t.request('POST', '/v1/customers', {
        as: adminAgent(),
        body: { companyName: 'Northwind', domain: uniqueDomain('northwind'), country: 'US' },
      });
      expect(res.status).toBe(201);
      expect(res.body.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect(res.body).toMatchObject({ currencyCode: 'USD', taxInclusivePricing: false });
    });

    it('lets a partner GlobalAdmin register too', async () => {
      const res = await t.request('POST', '/v1/customers', {
        as: { tenantId: newTenant(), roles: ['GlobalAdmin'] },
        body: { companyName: 'Tailspin', domain: uniqueDomain('tailspin'), country: 'DE' },
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ country: 'DE', currencyCode: 'EUR' });
    });

    it.each([
      ['AU', 'AUD', true],
      ['BR', 'BRL', true],
      ['JP', 'JPY', false],
      ['GB', 'GBP', false],
      ['DE', 'EUR', false],
      ['AX', 'EUR', false],
      ['BQ', 'USD', false],
    ])('country %s prices in %s, tax-inclusive %s', async (country, currencyCode, taxInclusive) => {
      const c = await registerCustomer(t, adminAgent(), country);
      expect(c).toMatchObject({ country, currencyCode, taxInclusivePricing: taxInclusive });
    });

    it('names every bad field: unknown country and bad domain', async () => {
      const res = await t.request('POST', '/v1/customers', {
        as: adminAgent(),
        body: { companyName: 'Bad', domain: 'not a domain', country: 'ZZ' },
      });
      expectProblem(res, 400);
      expect(fieldsOf(res)).toEqual(expect.arrayContaining(['country', 'domain']));
      for (const e of res.body.errors) expect(typeof e.message).toBe('string');
    });

    it('names every bad value of one request: empty name, bad domain, malformed country', async () => {
      const res = await t.request('POST', '/v1/customers', {
        as: adminAgent(),
        body: { companyName: '', domain: 'x', country: 'POL' },
      });
      expectProblem(res, 400);
      expect(new Set(fieldsOf(res))).toEqual(new Set(['companyName', 'domain', 'country']));
      const long = await t.request('POST', '/v1/customers', {
        as: adminAgent(),
        body: { companyName: 'x'.repeat(201), domain: uniqueDomain(), country: 'ZZ' },
      });
      expectProblem(long, 400);
      expect(new Set(fieldsOf(long))).toEqual(new Set(['companyName', 'country']));
    });

    it('refuses an unknown country with unknown_country', async () => {
      const res = await t.request('POST', '/v1/customers', {
        as: adminAgent(),
        body: { companyName: 'Bad', domain: uniqueDomain(), country: 'QQ' },
      });
      expectProblem(res, 400, 'unknown_country');
      expect(fieldsOf(res)).toEqual(['country']);
    });

    it('names unknown fields and wrong types', async () => {
      const res = await t.request('POST', '/v1/customers', {
        as: adminAgent(),
        body: { companyName: 42, domain: ['x'], country: 'PL', tenantId: 'not-a-guid', isVip: true },
      });
      expectProblem(res, 400);
      expect(fieldsOf(res)).toEqual(expect.arrayContaining(['companyName', 'domain', 'tenantId', 'isVip']));
    });

    it('names missing fields', async () => {
      const res = await t.request('POST', '/v1/customers', { as: adminAgent(), body: {} });
      expectProblem(res, 400);
      expect(fieldsOf(res)).toEqual(expect.arrayContaining(['companyName', 'domain', 'country']));
    });

    it('answers 409 domain_taken for a domain already registered, whatever its case and whoever asks', async () => {
      const domain = uniqueDomain('litware');
      const first = await t.request('POST', '/v1/customers', {
        as: adminAgent(),
        body: { companyName: 'Litware', domain, country: 'PL' },
      });
      expect(first.status).toBe(201);
      const same = await t.request('POST', '/v1/customers', {
        as: adminAgent(),
        body: { companyName: 'Litware again', domain, country: 'PL' },
      });
      expectProblem(same, 409, 'domain_taken');
      const upper = await t.request('POST', '/v1/customers', {
        as: adminAgent(),
        body: { companyName: 'Litware upper', domain: domain.toUpperCase(), country: 'DE' },
      });
      expectProblem(upper, 409, 'domain_taken');
    });

    it('refuses the calling partner’s own tenant as the customer’s tenant id (a partner tenant is never a customer)', async () => {
      const partner = adminAgent();
      const res = await t.request('POST', '/v1/customers', {
        as: partner,
        body: { companyName: 'Self', domain: uniqueDomain('self'), country: 'PL', tenantId: partner.tenantId },
      });
      expectProblem(res, 409, 'tenant_is_partner');
      expect(fieldsOf(res)).toEqual(['tenantId']);
    });

    it('refuses a customer tenant’s own GlobalAdmin (403): only partners register customers', async () => {
      const c = await registerCustomer(t, adminAgent(), 'PL');
      const res = await t.request('POST', '/v1/customers', {
        as: { tenantId: c.id, roles: ['GlobalAdmin'] },
        body: { companyName: 'Sub', domain: uniqueDomain('sub'), country: 'PL' },
      });
      expectProblem(res, 403, 'forbidden');
    });

    it('answers 409 when the tenant id is already a customer', async () => {
      const partner = adminAgent();
      const tenantId = randomUUID();
      const first = await t.request('POST', '/v1/customers', {
        as: partner,
        body: { companyName: 'A', domain: uniqueDomain(), country: 'PL', tenantId },
      });
      expect(first.status).toBe(201);
      const again = await t.request('POST', '/v1/customers', {
        as: partner,
        body: { companyName: 'B', domain: uniqueDomain(), country: 'PL', tenantId },
      });
      expectProblem(again, 409);
    });
  });

  describe('GET /v1/customers', () => {
    it('pages the partner’s own customers (size, continuationToken, links.next) and reads its own writes', async () => {
      const partner = adminAgent();
      const other = adminAgent();
      await registerCustomer(t, other, 'PL');
      const ids: string[] = [];
      let last = 0;
      for (let i = 0; i < 5; i++) {
        const c = await registerCustomer(t, partner, 'PL');
        ids.push(c.id);
        last = c.position;
      }
      const first = await t.request('GET', `/v1/customers?size=2&minPosition=${last}`, { as: partner });
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({ totalCount: 5, attributes: { objectType: 'Collection' } });
      expect(first.body.items).toHaveLength(2);
      expect(first.body.links.self.uri).toMatch(/^\/v1\/customers/);
      expect(first.body.links.next.uri).toMatch(/continuationToken=/);
      const seen: string[] = first.body.items.map((c: { id: string }) => c.id);
      let next: string | undefined = first.body.links.next.uri;
      let pages = 1;
      while (next) {
        const page = await t.request('GET', next, { as: partner });
        expect(page.status).toBe(200);
        expect(page.body.items.length).toBeLessThanOrEqual(2);
        seen.push(...page.body.items.map((c: { id: string }) => c.id));
        next = page.body.links.next?.uri;
        pages++;
        expect(pages).toBeLessThan(10);
      }
      expect(pages).toBe(3);
      expect([...seen].sort()).toEqual([...ids].sort());
    });

    it('sees a customer at once with minPosition from the X-Event-Position header', async () => {
      const partner = adminAgent();
      const c = await registerCustomer(t, partner, 'FR');
      const list = await t.request('GET', `/v1/customers?minPosition=${c.position}`, { as: partner });
      expect(list.status).toBe(200);
      expect(list.body.items.map((x: { id: string }) => x.id)).toContain(c.id);
      expect(list.body.items.find((x: { id: string }) => x.id === c.id)).toMatchObject({
        country: 'FR',
        currencyCode: 'EUR',
      });
    });

    it('refuses bad paging parameters with 400 naming them', async () => {
      const partner = adminAgent();
      for (const [q, field] of [
        ['size=0', 'size'],
        ['size=1001', 'size'],
        ['size=abc', 'size'],
        ['continuationToken=%24%24%24', 'continuationToken'],
        ['minPosition=-1', 'minPosition'],
        // A parameter given twice is refused, not read as either value.
        ['size=5&size=6', 'size'],
        ['minPosition=1&minPosition=2', 'minPosition'],
      ]) {
        const res = await t.request('GET', `/v1/customers?${q}`, { as: partner });
        expectProblem(res, 400);
        expect(fieldsOf(res)).toContain(field);
      }
    });
  });

  describe('GET /v1/customers/{id}', () => {
    it('returns the partner’s customer, and 404 to another partner or for an unknown id', async () => {
      const partner = adminAgent();
      const c = await registerCustomer(t, partner, 'AU');
      const got = await t.request('GET', `/v1/customers/${c.id}`, { as: partner });
      expect(got.status).toBe(200);
      expect(got.body).toMatchObject({ id: c.id, country: 'AU', currencyCode: 'AUD', taxInclusivePricing: true });

      const foreign = await t.request('GET', `/v1/customers/${c.id}`, { as: adminAgent() });
      expectProblem(foreign, 404, 'customer_not_found');
      const unknown = await t.request('GET', `/v1/customers/${randomUUID()}`, { as: partner });
      expectProblem(unknown, 404);
      const garbage = await t.request('GET', '/v1/customers/not-a-guid', { as: partner });
      expectProblem(garbage, 404);
    });

    it('refuses the customer’s own users its record and the customer list (DOMAIN.md: software only)', async () => {
      const c = await registerCustomer(t, adminAgent(), 'PL');
      const as = { tenantId: c.id, roles: ['GlobalAdmin'] };
      expectProblem(await t.request('GET', `/v1/customers/${c.id}`, { as }), 403, 'forbidden');
      expectProblem(await t.request('GET', '/v1/customers', { as }), 403, 'forbidden');
    });
  });

  describe('GET /v1/offers', () => {
    const get = (country: string) => t.request('GET', `/v1/offers?country=${country}`, { as: adminAgent() });
    const byId = (items: Array<{ id: string }>, id: string) => items.find((o) => o.id === id) as Json;

    it('lists the catalog in the market’s currency (PL: PLN, two decimals, tax-exclusive)', async () => {
      const res = await get('PL');
      expect(res.status).toBe(200);
      expect(res.body.attributes).toEqual({ objectType: 'Collection' });
      expect(res.body.totalCount).toBe(res.body.items.length);
      const p = byId(res.body.items, OFFERS.perpetual);
      expect(p).toMatchObject({
        id: OFFERS.perpetual,
        friendlyName: offer(OFFERS.perpetual).friendlyName,
        kind: 'perpetual',
        termDuration: null,
        unitPrice: { amount: formatMinor(offer(OFFERS.perpetual).prices.PLN, 2), currencyCode: 'PLN' },
        taxInclusive: false,
        cancellable: true,
        availableInMarket: true,
      });
      expect(p.versions).toEqual(offer(OFFERS.perpetual).media.map((m) => m.version));
      expect(p.languages).toEqual(expect.arrayContaining(['en-US', 'pl-PL']));
      expect(p.bitness).toEqual(['x64']);
      expect(byId(res.body.items, OFFERS.subscription1y)).toMatchObject({
        kind: 'softwareSubscription',
        termDuration: 'P1Y',
        cancellable: true,
      });
      expect(byId(res.body.items, OFFERS.suse)).toMatchObject({ kind: 'softwarePlan', cancellable: false });
      expect(byId(res.body.items, OFFERS.reservation)).toMatchObject({
        kind: 'azureReservation',
        cancellable: false,
        availableInMarket: true,
      });
      // every kind is present
      expect(new Set(res.body.items.map((o: { kind: string }) => o.kind))).toEqual(
        new Set(['perpetual', 'softwareSubscription', 'azureReservation', 'softwarePlan']),
      );
    });

    it('prices JPY without decimals', async () => {
      const res = await get('JP');
      expect(res.status).toBe(200);
      for (const o of res.body.items) {
        expect(o.unitPrice.currencyCode).toBe('JPY');
        expect(o.unitPrice.amount).toMatch(/^\d+$/);
      }
      expect(byId(res.body.items, OFFERS.perpetual).unitPrice.amount).toBe(String(offer(OFFERS.perpetual).prices.JPY));
    });

    it('marks AU and BR prices tax-inclusive, in AUD and BRL', async () => {
      const au = await get('AU');
      expect(au.status).toBe(200);
      expect(au.body.items.every((o: { taxInclusive: boolean }) => o.taxInclusive)).toBe(true);
      expect(byId(au.body.items, OFFERS.perpetual).unitPrice).toEqual({
        amount: formatMinor(offer(OFFERS.perpetual).prices.AUD, 2),
        currencyCode: 'AUD',
      });
      const br = await get('BR');
      expect(
        br.body.items.every(
          (o: { taxInclusive: boolean; unitPrice: { currencyCode: string } }) =>
            o.taxInclusive && o.unitPrice.currencyCode === 'BRL',
        ),
      ).toBe(true);
      const us = await get('US');
      expect(us.body.items.every((o: { taxInclusive: boolean }) => !o.taxInclusive)).toBe(true);
    });

    it.each(['AX', 'BQ', 'SJ', 'XK', 'CN'])(
      'shows the Azure reservation as not available in %s, other kinds available',
      async (country) => {
        const res = await get(country);
        expect(res.status).toBe(200);
        expect(byId(res.body.items, OFFERS.reservation).availableInMarket).toBe(false);
        expect(byId(res.body.items, OFFERS.perpetual).availableInMarket).toBe(true);
        expect(byId(res.body.items, OFFERS.subscription1y).availableInMarket).toBe(true);
      },
    );

    it.each([['ZZ'], ['POL'], ['1'], ['']])('refuses country=%s with 400 naming country', async (country) => {
      const res = await get(country);
      expectProblem(res, 400);
      expect(fieldsOf(res)).toContain('country');
    });

    it('refuses a missing country with 400', async () => {
      const res = await t.request('GET', '/v1/offers', { as: adminAgent() });
      expectProblem(res, 400);
      expect(fieldsOf(res)).toContain('country');
    });

    it('answers 401 without a token', async () => {
      expectProblem(await t.request('GET', '/v1/offers?country=PL'), 401);
    });
  });
});
