import { randomUUID } from 'node:crypto';
import { randomMak } from '../support/product-keys';
import { Caller, newTenant, startTestApp, TestApp, TestResponse } from '../support/app';
import { DigestProducer } from '@csp/capabilities/audit-trail';
import { dropWarningsQueue } from '../kms-migration/kms-migration-helpers';
import {
  CALLERS,
  callerName,
  CallerSpec,
  expectedStatus,
  MATRIX,
  OPERATOR_ROUTES,
  operationOf,
  RouteSpec,
  Side,
} from './authorization-matrix';
import {
  cancelBody,
  eventStore,
  OFFERS,
  placeOrderOk,
  registerCustomer,
  softwareIdOf,
  uniqueDomain,
  WORKER_EVENT_TYPES,
} from './e2e-helpers';

/**
 * Every route × every role × own / foreign tenant (partner and customer), from the one declared MATRIX
 * (authorization-matrix.ts), through real HTTP. The fixtures belong to the own partner and its customer;
 * the foreign partner and the foreign customer have data of their own. A refused cell writes no event.
 */

interface HttpCall {
  method: string;
  path: string;
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
}

describe('authorization matrix (DOMAIN.md role table)', () => {
  let t: TestApp;
  const partnerTenant = newTenant();
  const foreignPartnerTenant = newTenant();
  const agent: Caller = { tenantId: partnerTenant, roles: ['AdminAgent'], userId: 'fixture-agent' };
  const foreignAgent: Caller = { tenantId: foreignPartnerTenant, roles: ['AdminAgent'], userId: 'foreign-agent' };
  let customerId: string;
  let foreignCustomerId: string;
  let orderId: string;
  let cancelOrderId: string;
  let groupId: string;
  let deployGroupId: string;
  let downloadPath: string;
  let auditEventId: string;
  let head = 0;
  let endpointId: string;
  let deletedEndpointId: string;
  let deliveryId: string | undefined;
  const WEBHOOK_URL = 'http://127.0.0.1:9/hooks';

  beforeAll(async () => {
    // Webhook fixtures deliver to 127.0.0.1:9 (refused at once): private networks allowed, as in the webhook suites.
    t = await startTestApp({
      env: {
        WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
        WEBHOOK_RETRY_SCHEDULE: '0',
        WEBHOOK_DISABLE_AFTER_FAILURES: '1000',
      },
    });
    customerId = (await registerCustomer(t, agent, 'PL')).id;
    foreignCustomerId = (await registerCustomer(t, foreignAgent, 'PL')).id;
    await placeOrderOk(t, foreignAgent, foreignCustomerId, [{ offerId: OFFERS.perpetual }]);
    orderId = (
      await placeOrderOk(t, agent, customerId, [{ offerId: OFFERS.perpetual }, { offerId: OFFERS.subscription1y }])
    ).id;
    cancelOrderId = (await placeOrderOk(t, agent, customerId, [{ offerId: OFFERS.perpetual }])).id;
    const link = await t.request(
      'POST',
      `/v1/customers/${customerId}/software/${softwareIdOf(orderId, 0)}/downloadlinks`,
      {
        as: agent,
        body: { version: '2022', language: 'en-US', bitness: 'x64' },
      },
    );
    expect(link.status).toBe(201);
    downloadPath = new URL(link.body.uri).pathname;
    const group = (name: string) =>
      t.request('POST', `/v1/customers/${customerId}/kmsmigration/devicegroups`, {
        as: agent,
        body: { name, deviceCount: 5, lastKmsActivationAt: '2026-10-01' },
      });
    groupId = (await group('Matrix reads')).body.id;
    deployGroupId = (await group('Matrix deployment')).body.id;
    expect([groupId, deployGroupId]).toEqual([expect.any(String), expect.any(String)]);
    const billing = { tenantId: partnerTenant, roles: ['BillingAdmin'] };
    const endpoint = async (): Promise<string> => {
      const res = await t.request('POST', '/v1/webhooks/endpoints', {
        as: billing,
        body: { url: WEBHOOK_URL, eventTypes: ['order.placed'] },
      });
      expect(res.status).toBe(201);
      return res.body.id;
    };
    endpointId = await endpoint();
    deletedEndpointId = await endpoint();
    await placeOrderOk(t, agent, customerId, [{ offerId: OFFERS.perpetual }]);
    for (let i = 0; i < 100 && !deliveryId; i++) {
      const res = await t.request('GET', '/v1/webhooks/deliveries', { as: billing });
      deliveryId = res.body.items[0]?.id;
      if (!deliveryId) await new Promise((r) => setTimeout(r, 100));
    }
    expect(deliveryId).toEqual(expect.any(String));
    // A closed month of each partner, to read; the matrix closes another one (each allowed caller once).
    for (const tenantId of [partnerTenant, foreignPartnerTenant]) {
      const closed = await t.request('POST', '/v1/credits/statements', {
        as: { tenantId, roles: ['BillingAdmin'] },
        body: { period: monthsAgo(1) },
      });
      expect(closed.status).toBe(201);
    }
    // Both partners' logs get a digest; the own log's first leaf is the event the inclusion proof asks for.
    await t.app.get(DigestProducer).runOnce();
    const auditor: Caller = { tenantId: partnerTenant, roles: ['Auditor'] };
    auditEventId = JSON.parse((await t.request('GET', '/v1/events/export?to=1', { as: auditor })).text).id;
  });
  afterAll(async () => {
    if (t) await dropWarningsQueue(t);
    await t?.close();
  });

  const monthsAgo = (n: number): string => {
    const now = new Date();
    return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - n, 1)).toISOString().slice(0, 7);
  };

  const tenantOf = (side: Side): string =>
    ({
      'own partner': partnerTenant,
      'own customer': customerId,
      'foreign partner': foreignPartnerTenant,
      'foreign customer': foreignCustomerId,
    })[side];

  const callerOf = (spec: CallerSpec): Caller | undefined =>
    spec === 'no token'
      ? undefined
      : {
          tenantId: tenantOf(spec.side),
          roles: spec.role === 'no role' ? [] : [spec.role],
          userId: `${spec.side} ${spec.role}`.replace(/ /g, '-'),
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

  /** The request of a route, with the fixtures' ids filled in. */
  const requestOf = (route: string): HttpCall => {
    const [method, template] = route.split(' ') as [string, string];
    const path = template
      .replace('{customerId}', customerId)
      .replace('{orderId}', route.startsWith('PATCH') ? cancelOrderId : orderId)
      .replace('{softwareId}', softwareIdOf(orderId, route.endsWith('/key') ? 0 : 1))
      .replace('{groupId}', route.endsWith('makdeployments') ? deployGroupId : groupId)
      .replace('{token}', downloadPath.split('/').pop()!)
      .replace('{auditEventId}', auditEventId)
      .replace('{now}', encodeURIComponent(new Date().toISOString()))
      .replace('{period}', new Date().toISOString().slice(0, 7))
      .replace('{closedPeriod}', monthsAgo(1))
      .replace('{endpointId}', endpointId)
      .replace('{deletedEndpointId}', deletedEndpointId)
      .replace('{deliveryId}', deliveryId ?? '')
      .replace('{offerId}', OFFERS.perpetual)
      .replace('{version}', '2022');
    if (route === 'POST /v1/customers')
      return { method, path, body: { companyName: 'Matrix', domain: uniqueDomain('matrix'), country: 'DE' } };
    if (route === 'POST /v1/supportrequests') return { method, path, body: supportBody() };
    if (route === 'POST /v1/credits/statements') return { method, path, body: { period: monthsAgo(2) } };
    if (route === 'POST /v1/webhooks/endpoints')
      return { method, path, body: { url: WEBHOOK_URL, eventTypes: ['credit.posted'] } };
    if (route.startsWith('PATCH /v1/webhooks/')) return { method, path, body: { description: 'Matrix' } };
    if (route.endsWith('/replay')) return { method, path, body: { fromPosition: 0 } };
    if (route.endsWith('/orders') && method === 'POST')
      return { method, path, body: { lineItems: [{ lineItemNumber: 0, offerId: OFFERS.perpetual, quantity: 1 }] } };
    if (method === 'PATCH') return { method, path, body: cancelBody() };
    if (route.endsWith('/key')) return { method, path, body: { version: '2022' } };
    if (route.endsWith('/downloadlinks'))
      return { method, path, body: { version: '2019', language: 'de-DE', bitness: 'x64' } };
    if (route.endsWith('/devicegroups') && method === 'POST')
      return {
        method,
        path,
        body: { name: `Group ${randomUUID()}`, deviceCount: 1, lastKmsActivationAt: '2026-10-01' },
      };
    if (route.endsWith('/import'))
      return {
        method,
        path,
        rawBody: `name,deviceCount,lastKmsActivationAt\nImported ${randomUUID()},3,2026-10-01\n`,
        headers: { 'content-type': 'text/csv' },
      };
    if (route.endsWith('/makdeployments')) return { method, path, body: { method: 'manual' } };
    if (route === 'POST /v1/keypool/imports')
      return {
        method,
        path,
        body: { keys: [{ offerId: OFFERS.perpetual, version: '2022', productKey: randomMak() }] },
      };
    if (route.endsWith('/lowwatermark')) return { method, path, body: { lowWatermark: 5 } };
    return { method, path };
  };

  /** Events appended since the last look, except the worker's own (propagation, reminders). */
  const newRequestEvents = async (): Promise<string[]> => {
    const types: string[] = [];
    for (;;) {
      const batch = await eventStore(t).readAll({ after: head, maxCount: 1000 });
      for (const e of batch.events) if (!WORKER_EVENT_TYPES.has(e.type)) types.push(`${e.streamId} ${e.type}`);
      if (batch.events.length === 0) break;
      head = batch.lastPosition;
      if (batch.isEnd) break;
    }
    return types;
  };

  const rows = MATRIX.flatMap((spec) =>
    CALLERS.map((caller) => [spec.route, callerName(caller), expectedStatus(spec, caller), spec, caller] as const),
  );

  it.each(rows)('%s as %s → %i', async (_route, _name, status, spec: RouteSpec, caller: CallerSpec) => {
    await newRequestEvents();
    const call = requestOf(spec.route);
    const res: TestResponse = await t.request(call.method, call.path, {
      as: callerOf(caller),
      body: call.body,
      rawBody: call.rawBody,
      headers: call.headers,
    });
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
    if (status >= 400) {
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(await newRequestEvents()).toEqual([]);
    }
  });

  // A refusal is decided before the body is read: a bad body gets 400 only from a caller allowed to send it.
  // Routes that take no body (a rotation, a retry) have no bad body to send.
  const BODYLESS = /\/(rotate|retry)$/;
  const writeRows = MATRIX.filter(
    (spec) => /^(POST|PATCH|PUT) /.test(spec.route) && !BODYLESS.test(spec.route),
  ).flatMap((spec) =>
    CALLERS.map((caller) => {
      const status = expectedStatus(spec, caller);
      const bad = spec.route.endsWith('/import') ? 415 : 400;
      // A support request names its customer in the body: with a bad body there is none to look up.
      const namedInBody = spec.route === 'POST /v1/supportrequests' && status === 404;
      return [spec.route, callerName(caller), status === spec.ok || namedInBody ? bad : status, spec, caller] as const;
    }),
  );

  it.each(writeRows)('%s with a bad body as %s → %i', async (_route, _name, status, spec, caller) => {
    await newRequestEvents();
    const call = requestOf(spec.route);
    const res = await t.request(call.method, call.path, { as: callerOf(caller), body: { unexpected: true } });
    expect(res.status).toBe(status);
    expect(await newRequestEvents()).toEqual([]);
  });

  it('covers every operation the service publishes (its OpenAPI document), the operator’s aside', async () => {
    const doc = await t.request('GET', '/docs-json');
    const published = Object.entries(doc.body.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`),
    );
    const declared = new Set([...MATRIX.map((spec) => operationOf(spec.route)), ...OPERATOR_ROUTES]);
    expect(published.filter((op) => !declared.has(op))).toEqual([]);
    // The document does not list itself.
    expect([...declared].filter((op) => !published.includes(op))).toEqual(['GET /docs-json']);
  });

  it('answers a foreign caller the same for another tenant’s customer as for one that does not exist', async () => {
    for (const as of [foreignAgent, { tenantId: foreignPartnerTenant, roles: ['Auditor'] }]) {
      const path = (id: string) => `/v1/customers/${id}/orders/${orderId}/events`;
      const [unknown, existing] = await Promise.all([
        t.request('GET', path(randomUUID()), { as }),
        t.request('GET', path(customerId), { as }),
      ]);
      expect({ status: existing.status, code: existing.body.code, title: existing.body.title }).toEqual({
        status: unknown.status,
        code: unknown.body.code,
        title: unknown.body.title,
      });
    }
  });
});
