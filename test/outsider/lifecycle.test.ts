import { randomUUID } from 'node:crypto';
import createClient, { type Client } from 'openapi-fetch';
import { contractChecker } from './contract-validator';
import type { paths } from './generated/openapi';
import { ServiceProcess, startService } from './service-process';

/**
 * An outsider's first integration: a client generated from the committed openapi.json (openapi-typescript +
 * openapi-fetch), nothing of ours imported, the service started as its own process, only shared/API.md's
 * fields used, and every response checked against the document's schema.
 */
describe('outsider: the whole lifecycle through the generated client', () => {
  let service: ServiceProcess;
  let api: Client<paths>;
  let anonymous: Client<paths>;
  const checker = contractChecker();
  const partnerTenant = randomUUID();

  beforeAll(async () => {
    service = await startService({ partnerTenants: [partnerTenant] });
    const token = await service.token({
      tenant: partnerTenant,
      upn: 'integrator@partner.example',
      roles: ['AdminAgent', 'GlobalAdmin', 'Auditor', 'BillingAdmin'],
    });
    api = createClient<paths>({ baseUrl: service.baseUrl, headers: { Authorization: `Bearer ${token}` } });
    anonymous = createClient<paths>({ baseUrl: service.baseUrl });
    api.use(checker.middleware);
    anonymous.use(checker.middleware);
  }, 120_000);
  afterAll(() => service?.stop());
  afterEach(() => expect(checker.violations).toEqual([]));

  /** A JSON body (the list operations also offer text/csv, so the generated type is a union). */
  function json<T>(data: T | string | undefined): T {
    if (data === undefined || typeof data === 'string') throw new Error('expected a JSON body');
    return data;
  }

  /** Bounded polling for what the read models show a moment after a command. */
  async function eventually<T>(read: () => Promise<T | undefined>, what: string): Promise<T> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const value = await read();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`not within 20 s: ${what}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  let customerId: string;
  let offerId: string;
  let version: string;
  let language: string;
  let bitness: 'x64' | 'x86' | 'arm64';
  let orderId: string;
  let softwareId: string;

  it('registers a customer and finds a cancellable perpetual offer in its market', async () => {
    const created = await api.POST('/v1/customers', {
      body: { companyName: 'Outsider Ltd', domain: `outsider-${randomUUID().slice(0, 8)}.example.com`, country: 'PL' },
    });
    expect(created.response.status).toBe(201);
    customerId = created.data!.id;
    expect(created.data).toMatchObject({ country: 'PL', currencyCode: 'PLN' });

    const one = await api.GET('/v1/customers/{customerId}', { params: { path: { customerId } } });
    expect(one.data!.id).toBe(customerId);
    const list = await eventually(async () => {
      const r = await api.GET('/v1/customers');
      return r.data!.items.some((c) => c.id === customerId) ? r.data : undefined;
    }, 'the customer in the list');
    expect(list.attributes.objectType).toBe('Collection');

    const offers = await api.GET('/v1/offers', { params: { query: { country: 'PL' } } });
    const offer = offers.data!.items.find(
      (o) => o.kind === 'perpetual' && o.cancellable && o.availableInMarket && o.versions.length > 0,
    )!;
    expect(offer).toBeDefined();
    offerId = offer.id;
  });

  it('places an order and sees its software', async () => {
    const placed = await api.POST('/v1/customers/{customerId}/orders', {
      params: { path: { customerId } },
      body: { lineItems: [{ lineItemNumber: 0, offerId, quantity: 1 }] },
    });
    expect(placed.response.status).toBe(201);
    orderId = placed.data!.id;
    expect(placed.data).toMatchObject({ customerId, status: 'completed', currencyCode: 'PLN' });
    expect(placed.data!.lineItems).toMatchObject([{ lineItemNumber: 0, offerId, quantity: 1, cancelled: false }]);

    const got = await api.GET('/v1/customers/{customerId}/orders/{orderId}', {
      params: { path: { customerId, orderId } },
    });
    expect(got.data!.id).toBe(orderId);
    await eventually(async () => {
      const r = await api.GET('/v1/customers/{customerId}/orders', { params: { path: { customerId } } });
      return r.data!.items.some((o) => o.id === orderId) ? true : undefined;
    }, 'the order in the list');

    const software = await eventually(async () => {
      const r = await api.GET('/v1/customers/{customerId}/software', { params: { path: { customerId } } });
      return r.data!.items.find((s) => s.orderId === orderId);
    }, 'the software of the order');
    expect(software).toMatchObject({ lineItemNumber: 0, offerId, status: 'active', keyAvailable: true });
    softwareId = software.id;
    version = software.versions[0]!;
    language = software.languages[0]!;
    bitness = software.bitness[0]!;
  });

  it('reveals the MAK key, issues a download link and downloads the bits anonymously', async () => {
    const key = await api.POST('/v1/customers/{customerId}/software/{softwareId}/key', {
      params: { path: { customerId, softwareId } },
      body: { version },
    });
    expect(key.response.status).toBe(200);
    expect(key.data).toMatchObject({ keyType: 'MAK', version });
    expect(key.data!.productKey).toMatch(/^[A-Z0-9]{5}(-[A-Z0-9]{5}){4}$/);

    const link = await api.POST('/v1/customers/{customerId}/software/{softwareId}/downloadlinks', {
      params: { path: { customerId, softwareId } },
      body: { version, language, bitness },
    });
    expect(link.response.status).toBe(201);
    expect(link.data!.maxDownloads).toBeGreaterThan(0);
    const token = decodeURIComponent(new URL(link.data!.uri).pathname.split('/').pop()!);

    const bits = await anonymous.GET('/v1/downloads/{token}', {
      params: { path: { token } },
      parseAs: 'arrayBuffer',
    });
    expect(bits.response.status).toBe(200);
    expect((bits.data as ArrayBuffer).byteLength).toBeGreaterThan(0);
  });

  it('checks eligibility, cancels by PATCH as API.md gives it, and the key is then gone', async () => {
    const eligibility = await api.GET('/v1/customers/{customerId}/orders/{orderId}/cancellationeligibility', {
      params: { path: { customerId, orderId } },
    });
    expect(eligibility.data).toMatchObject({ orderId, isEligible: true });
    expect(eligibility.data!.lineItems).toMatchObject([{ lineItemNumber: 0, isEligible: true }]);

    const cancelled = await api.PATCH('/v1/customers/{customerId}/orders/{orderId}', {
      params: { path: { customerId, orderId } },
      // Only the contract's fields: API.md's `{ status: "cancelled", lineItems? }`.
      body: { status: 'cancelled', lineItems: [{ lineItemNumber: 0 }] },
    });
    expect(cancelled.response.status).toBe(200);
    expect(cancelled.data).toMatchObject({ id: orderId, status: 'cancelled' });
    expect(cancelled.data!.cancellations).toHaveLength(1);
    expect(['propagating', 'propagated']).toContain(cancelled.data!.cancellations[0]!.status);

    const key = await api.POST('/v1/customers/{customerId}/software/{softwareId}/key', {
      params: { path: { customerId, softwareId } },
      body: { version },
    });
    expect(key.response.status).toBe(410);
    expect(key.error).toMatchObject({ status: 410, code: 'revoked' });
  });

  it('reads the activity log, the order’s events, the event history and the credits', async () => {
    const wanted = [
      'create_order',
      'get_software_key',
      'get_software_download_link',
      'download_software',
      'update_order',
    ];
    const records = await eventually(async () => {
      const r = await api.GET('/v1/auditrecords', { params: { query: { customerId } } });
      const page = json(r.data);
      const types = new Set<string>(page.items.map((a) => a.operationType));
      return wanted.every((t) => types.has(t)) ? page : undefined;
    }, 'every operation in the activity log');
    expect(records.items.every((a) => a.customerId === customerId)).toBe(true);

    const history = await api.GET('/v1/customers/{customerId}/orders/{orderId}/events', {
      params: { path: { customerId, orderId } },
    });
    const types = history.data!.items.map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['OrderPlaced', 'OrderCancelled']));
    expect(JSON.stringify(history.data)).not.toMatch(/[A-Z0-9]{5}(-[A-Z0-9]{5}){4}/);

    const feed = await api.GET('/v1/events', { params: { query: { type: 'OrderCancelled' } } });
    expect(feed.data!.items.some((e) => (e.data as { orderId?: string }).orderId === orderId)).toBe(true);

    const period = new Date().toISOString().slice(0, 7);
    const credits = await eventually(async () => {
      const r = await api.GET('/v1/credits', { params: { query: { period, customerId } } });
      const page = json(r.data);
      return page.items.some((c) => c.orderId === orderId) ? page : undefined;
    }, 'the credit of the cancellation');
    expect(credits.items[0]).toMatchObject({ orderId, lineItemNumber: 0, basis: 'full' });
    expect(credits.totals).toEqual([expect.objectContaining({ currencyCode: 'PLN' })]);
  });

  it('checked every response against openapi.json', () => {
    expect(checker.checked.length).toBeGreaterThanOrEqual(18);
    expect(checker.violations).toEqual([]);
  });
});
