import { randomUUID } from 'node:crypto';
import { Caller, newTenant, startTestApp, TestApp, TestResponse } from '../support/app';
import {
  ALL_ROLES,
  cancelBody,
  OFFERS,
  orderPath,
  placeOrderOk,
  registerCustomer,
  softwareIdOf,
  streamEvents,
  uniqueDomain,
} from './e2e-helpers';

/**
 * Every endpoint of issue 3 × every caller: each role of the owning partner, a partner user with no role, the
 * customer's own GlobalAdmin and a customer user without it, another partner's AdminAgent, another partner's
 * customer's GlobalAdmin, and no token. Expected statuses: DOMAIN.md's role table as `ACCESS` implements it
 * (404 for another tenant's ids, 403 for a known user without the role, 401 without a token).
 */

type CallerName =
  | (typeof ALL_ROLES)[number]
  | 'partner user without roles'
  | 'customer GlobalAdmin'
  | 'customer user (BillingAdmin)'
  | 'foreign partner AdminAgent'
  | 'foreign customer GlobalAdmin'
  | 'no token';

const CALLERS: CallerName[] = [
  ...ALL_ROLES,
  'partner user without roles',
  'customer GlobalAdmin',
  'customer user (BillingAdmin)',
  'foreign partner AdminAgent',
  'foreign customer GlobalAdmin',
  'no token',
];

type Endpoint =
  | 'POST /v1/customers'
  | 'GET /v1/customers'
  | 'GET /v1/customers/{id}'
  | 'GET /v1/offers'
  | 'POST …/orders'
  | 'GET …/orders'
  | 'GET …/orders/{id}'
  | 'GET …/orders/{id}?asOf'
  | 'GET …/cancellationeligibility'
  | 'PATCH …/orders/{id}'
  | 'GET …/software'
  | 'POST …/software/{id}/key'
  | 'POST …/software/{id}/downloadlinks'
  | 'GET /v1/downloads/{token}'
  | 'POST /v1/supportrequests';

/** Partner roles with no business on these endpoints. */
const OTHER_PARTNER_ROLES: CallerName[] = [
  'AccountAdmin',
  'ReferralAdmin',
  'MarketingContentAdmin',
  'Auditor',
  'BillingAdmin',
  'partner user without roles',
];

/** Defaults per endpoint, then the cells that differ. */
function expected(endpoint: Endpoint, caller: CallerName): number {
  if (caller === 'no token') return endpoint === 'GET /v1/downloads/{token}' ? 200 : 401;
  // the signed link is the credential; the catalog is open to any authenticated caller
  if (endpoint === 'GET /v1/downloads/{token}' || endpoint === 'GET /v1/offers') return 200;
  if (OTHER_PARTNER_ROLES.includes(caller) || caller === 'customer user (BillingAdmin)') return 403;

  switch (endpoint) {
    case 'POST /v1/customers':
      // partner AdminAgent or GlobalAdmin; a customer tenant's admin is not a partner
      return caller === 'AdminAgent' || caller === 'GlobalAdmin' || caller === 'foreign partner AdminAgent' ? 201 : 403;
    case 'GET /v1/customers':
      // a partner's own list (another partner's list is its own, empty here); a customer tenant's list is empty
      return 200;
    case 'GET /v1/customers/{id}':
    case 'GET …/orders':
    case 'GET …/orders/{id}':
    case 'GET …/orders/{id}?asOf':
    case 'GET …/cancellationeligibility':
      // ACCESS.readCustomer / readOrders: partner AdminAgent, GlobalAdmin; customer GlobalAdmin
      return caller.startsWith('foreign') ? 404 : 200;
    case 'POST …/orders':
      // ACCESS.placeOrder: partner AdminAgent, GlobalAdmin; no customer user
      if (caller.startsWith('foreign')) return 404;
      return caller === 'customer GlobalAdmin' ? 403 : 201;
    case 'PATCH …/orders/{id}':
      // ACCESS.cancel: partner AdminAgent only (the route refuses the other roles before any lookup)
      if (caller === 'AdminAgent') return 200;
      return caller === 'foreign partner AdminAgent' ? 404 : 403;
    case 'GET …/software':
    case 'POST …/software/{id}/key':
    case 'POST …/software/{id}/downloadlinks': {
      // ACCESS.software: partner AdminAgent; customer GlobalAdmin
      const ok = endpoint === 'POST …/software/{id}/downloadlinks' ? 201 : 200;
      if (caller.startsWith('foreign')) return 404;
      return caller === 'AdminAgent' || caller === 'customer GlobalAdmin' ? ok : 403;
    }
    case 'POST /v1/supportrequests':
      // partner AdminAgent only (any partner: the request is about its own customer)
      return caller === 'AdminAgent' || caller === 'foreign partner AdminAgent' ? 201 : 403;
  }
}

describe('authorization matrix', () => {
  let t: TestApp;
  const partnerTenant = newTenant();
  const foreignPartnerTenant = newTenant();
  let customerId: string;
  let foreignCustomerId: string;
  let orderId: string;
  let downloadUri: string;
  const agent: Caller = { tenantId: partnerTenant, roles: ['AdminAgent'], userId: 'owner-agent' };

  beforeAll(async () => {
    t = await startTestApp();
    customerId = (await registerCustomer(t, agent, 'PL')).id;
    foreignCustomerId = (await registerCustomer(t, { tenantId: foreignPartnerTenant, roles: ['AdminAgent'] }, 'PL')).id;
    orderId = (
      await placeOrderOk(t, agent, customerId, [{ offerId: OFFERS.perpetual }, { offerId: OFFERS.subscription1y }])
    ).id;
    const link = await t.request(
      'POST',
      `/v1/customers/${customerId}/software/${softwareIdOf(orderId, 0)}/downloadlinks`,
      {
        as: agent,
        body: { version: '2022', language: 'en-US', bitness: 'x64' },
      },
    );
    expect(link.status).toBe(201);
    downloadUri = new URL(link.body.uri).pathname;
  });
  afterAll(async () => {
    await t?.close();
  });

  const callerOf = (name: CallerName): Caller | undefined => {
    switch (name) {
      case 'no token':
        return undefined;
      case 'partner user without roles':
        return { tenantId: partnerTenant, roles: [], userId: 'no-roles' };
      case 'customer GlobalAdmin':
        return { tenantId: customerId, roles: ['GlobalAdmin'], userId: 'customer-admin' };
      case 'customer user (BillingAdmin)':
        return { tenantId: customerId, roles: ['BillingAdmin'], userId: 'customer-billing' };
      case 'foreign partner AdminAgent':
        return { tenantId: foreignPartnerTenant, roles: ['AdminAgent'], userId: 'foreign-agent' };
      case 'foreign customer GlobalAdmin':
        return { tenantId: foreignCustomerId, roles: ['GlobalAdmin'], userId: 'foreign-customer-admin' };
      default:
        return { tenantId: partnerTenant, roles: [name], userId: `partner-${name}` };
    }
  };

  const supportBody = () => ({
    problemType: 'CSP Purchase/Refund on behalf of customers',
    impact: 'minimal',
    title: 'Matrix',
    description: {
      customerTenantIdOrDomain: customerId,
      orderIdOrSubscriptionId: orderId,
      refundReason: 'Authorization matrix',
      amountRequested: { amount: '1.00', currencyCode: 'PLN' },
    },
    contact: { name: 'A', email: 'a@b.example', phone: '+48 600 000 000' },
  });

  const call = async (endpoint: Endpoint, as: Caller | undefined): Promise<TestResponse> => {
    const c = `/v1/customers/${customerId}`;
    switch (endpoint) {
      case 'POST /v1/customers':
        return t.request('POST', '/v1/customers', {
          as,
          body: { companyName: 'Matrix', domain: uniqueDomain('matrix'), country: 'DE' },
        });
      case 'GET /v1/customers':
        return t.request('GET', '/v1/customers', { as });
      case 'GET /v1/customers/{id}':
        return t.request('GET', c, { as });
      case 'GET /v1/offers':
        return t.request('GET', '/v1/offers?country=PL', { as });
      case 'POST …/orders':
        return t.request('POST', `${c}/orders`, {
          as,
          body: { lineItems: [{ lineItemNumber: 0, offerId: OFFERS.perpetual, quantity: 1 }] },
        });
      case 'GET …/orders':
        return t.request('GET', `${c}/orders`, { as });
      case 'GET …/orders/{id}':
        return t.request('GET', orderPath(customerId, orderId), { as });
      case 'GET …/orders/{id}?asOf':
        return t.request(
          'GET',
          `${orderPath(customerId, orderId)}?asOf=${encodeURIComponent(new Date().toISOString())}`,
          { as },
        );
      case 'GET …/cancellationeligibility':
        return t.request('GET', `${orderPath(customerId, orderId)}/cancellationeligibility`, { as });
      case 'PATCH …/orders/{id}': {
        // a fresh order each time: only one cancellation per order succeeds
        const fresh = await placeOrderOk(t, agent, customerId, [{ offerId: OFFERS.perpetual }]);
        const res = await t.request('PATCH', orderPath(customerId, fresh.id), { as, body: cancelBody() });
        const types = (await streamEvents(t, `order-${fresh.id}`)).map((e) => e.type);
        expect(types).toEqual(res.status === 200 ? ['OrderPlaced', 'OrderCancelled'] : ['OrderPlaced']);
        return res;
      }
      case 'GET …/software':
        return t.request('GET', `${c}/software`, { as });
      case 'POST …/software/{id}/key':
        return t.request('POST', `${c}/software/${softwareIdOf(orderId, 0)}/key`, { as, body: { version: '2022' } });
      case 'POST …/software/{id}/downloadlinks':
        return t.request('POST', `${c}/software/${softwareIdOf(orderId, 1)}/downloadlinks`, {
          as,
          body: { version: '2019', language: 'de-DE', bitness: 'x64' },
        });
      case 'GET /v1/downloads/{token}':
        return t.request('GET', downloadUri, { as });
      case 'POST /v1/supportrequests':
        return t.request('POST', '/v1/supportrequests', { as, body: supportBody() });
    }
  };

  const ENDPOINTS: Endpoint[] = [
    'POST /v1/customers',
    'GET /v1/customers',
    'GET /v1/customers/{id}',
    'GET /v1/offers',
    'POST …/orders',
    'GET …/orders',
    'GET …/orders/{id}',
    'GET …/orders/{id}?asOf',
    'GET …/cancellationeligibility',
    'PATCH …/orders/{id}',
    'GET …/software',
    'POST …/software/{id}/key',
    'POST …/software/{id}/downloadlinks',
    'GET /v1/downloads/{token}',
    'POST /v1/supportrequests',
  ];
  const rows = ENDPOINTS.flatMap((e) => CALLERS.map((c) => [e, c, expected(e, c)] as const));

  it.each(rows)('%s as %s → %i', async (endpoint, callerName, status) => {
    const res = await call(endpoint, callerOf(callerName));
    expect({ status: res.status, code: res.status >= 400 ? res.body?.code : undefined }).toEqual({
      status,
      code:
        status === 401
          ? expect.stringMatching(/unauthorized|token/)
          : status === 403
            ? 'forbidden'
            : status === 404
              ? expect.stringMatching(/not_found$/)
              : undefined,
    });
    if (status >= 400) expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });

  it('shows a customer tenant no other customer in the customer list', async () => {
    for (const as of [callerOf('customer GlobalAdmin'), callerOf('foreign customer GlobalAdmin')]) {
      const res = await t.request('GET', '/v1/customers', { as });
      expect(res.status).toBe(200);
      expect(res.body.items).toEqual([]);
    }
  });

  it('refuses a customer id as unknown whatever its form, before any role check leaks it', async () => {
    const foreign = callerOf('foreign partner AdminAgent');
    const unknown = await t.request('GET', `/v1/customers/${randomUUID()}`, { as: foreign });
    const existing = await t.request('GET', `/v1/customers/${customerId}`, { as: foreign });
    expect(unknown.status).toBe(404);
    expect(existing.status).toBe(404);
    expect(existing.body.code).toBe(unknown.body.code);
    expect(existing.body.title).toBe(unknown.body.title);
  });
});
