import { createHmac, randomUUID } from 'node:crypto';
import { Caller, startTestApp, TEST_SECRET, TestApp, TestResponse } from '../support/app';
import { testPool } from '../support/database';
import {
  adminAgent,
  cancelBody,
  expectProblem,
  fieldsOf,
  OFFERS,
  orderPath,
  placeOrderOk,
  readAllEvents,
  registerCustomer,
  softwareIdOf,
  uniqueDomain,
  WORKER_EVENT_TYPES,
} from './e2e-helpers';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const b64url = (v: unknown): string => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');
/** A JWT built by hand, so nothing of the service's own signing code is involved. */
function handmadeJwt(header: Record<string, unknown>, payload: Record<string, unknown>, secret?: string): string {
  const signingInput = `${b64url(header)}.${b64url(payload)}`;
  const signature = secret ? createHmac('sha256', secret).update(signingInput).digest('base64url') : '';
  return `${signingInput}.${signature}`;
}

describe('cross-cutting HTTP behaviour', () => {
  let t: TestApp;
  let partner: Caller;
  let customer: { id: string };
  beforeAll(async () => {
    t = await startTestApp();
    partner = adminAgent();
    customer = await registerCustomer(t, partner, 'PL');
  });
  afterAll(async () => {
    await t?.close();
  });

  describe('MS-RequestId and MS-CorrelationId', () => {
    const expectIds = (res: TestResponse, sent?: { requestId?: string; correlationId?: string }) => {
      const requestId = res.headers.get('ms-requestid');
      const correlationId = res.headers.get('ms-correlationid');
      expect(requestId).toMatch(GUID);
      expect(correlationId).toMatch(GUID);
      if (sent?.requestId) expect(requestId).toBe(sent.requestId);
      if (sent?.correlationId) expect(correlationId).toBe(sent.correlationId);
      return { requestId, correlationId };
    };

    it.each([
      ['a success', 'GET', '/v1/offers?country=PL', true],
      ['a 400', 'GET', '/v1/offers?country=ZZ', true],
      ['a 401', 'GET', '/v1/customers', false],
      ['an unknown route (404)', 'GET', '/v1/nothing-here', true],
      ['an unknown customer (404)', 'GET', `/v1/customers/${randomUUID()}`, true],
      ['an unknown download (404)', 'GET', '/v1/downloads/abc', false],
      ['a health probe', 'GET', '/health/live', false],
    ])('echoes the ids the caller sent on %s', async (_name, method, path, auth) => {
      const sent = { requestId: randomUUID(), correlationId: randomUUID() };
      const res = await t.request(method, path, {
        as: auth ? partner : undefined,
        headers: { 'MS-RequestId': sent.requestId, 'MS-CorrelationId': sent.correlationId },
      });
      expectIds(res, sent);
      if (res.status >= 400) {
        expect(res.body.requestId).toBe(sent.requestId);
        expect(res.body.correlationId).toBe(sent.correlationId);
      }
    });

    it('generates fresh ids when absent, on successes and errors', async () => {
      const a = expectIds(await t.request('GET', '/v1/offers?country=PL', { as: partner }));
      const b = expectIds(await t.request('GET', '/v1/offers?country=PL', { as: partner }));
      expect(a.requestId).not.toBe(b.requestId);
      expect(a.correlationId).not.toBe(b.correlationId);
      const err = await t.request('GET', '/v1/nothing-here');
      expectIds(err);
    });

    it('refuses an MS-RequestId that is not a GUID with 400, still echoing generated ids', async () => {
      const res = await t.request('GET', '/v1/offers?country=PL', {
        as: partner,
        headers: { 'MS-RequestId': 'retry-1' },
      });
      expectProblem(res, 400, 'invalid_header');
      expectIds(res);
      expect(fieldsOf(res)).toEqual(['MS-RequestId']);
    });
  });

  describe('idempotent retries (same MS-RequestId, same caller, same body)', () => {
    // what requests wrote (the in-process worker may append its own events, e.g. after a cancellation)
    const countEvents = async () => (await readAllEvents(t)).filter((e) => !WORKER_EVENT_TYPES.has(e.type)).length;
    const twice = async (method: string, path: string, body: unknown, as: Caller = partner) => {
      const requestId = randomUUID();
      const first = await t.request(method, path, { as, body, headers: { 'MS-RequestId': requestId } });
      const eventsAfterFirst = await countEvents();
      const second = await t.request(method, path, { as, body, headers: { 'MS-RequestId': requestId } });
      const eventsAfterSecond = await countEvents();
      const ofRequest = (await readAllEvents(t)).filter((e) => e.metadata.requestId === requestId);
      expect(ofRequest.length).toBeGreaterThan(0);
      expect(new Set(ofRequest.map((e) => e.eventId)).size).toBe(ofRequest.length);
      return { first, second, eventsAfterFirst, eventsAfterSecond, requestId };
    };

    it('register customer: the first response again, no second event', async () => {
      const before = await countEvents();
      const r = await twice('POST', '/v1/customers', {
        companyName: 'Retry Ltd',
        domain: uniqueDomain('retry'),
        country: 'PL',
      });
      expect(r.first.status).toBe(201);
      expect(r.eventsAfterFirst).toBeGreaterThan(before);
      expect(r.second.status).toBe(201);
      expect(r.second.body).toEqual(r.first.body);
      expect(r.second.headers.get('ms-requestid')).toBe(r.requestId);
      expect(r.eventsAfterSecond).toBe(r.eventsAfterFirst);
    });

    it('place order: the same order again, no second event', async () => {
      const r = await twice('POST', `/v1/customers/${customer.id}/orders`, {
        lineItems: [{ lineItemNumber: 0, offerId: OFFERS.perpetual, quantity: 1 }],
      });
      expect(r.first.status).toBe(201);
      expect(r.second.status).toBe(201);
      expect(r.second.body).toEqual(r.first.body);
      expect(r.second.headers.get('location')).toBe(r.first.headers.get('location'));
      expect(r.eventsAfterSecond).toBe(r.eventsAfterFirst);
      const list = await t.request(
        'GET',
        `/v1/customers/${customer.id}/orders?minPosition=${r.first.headers.get('x-event-position')}`,
        { as: partner },
      );
      expect(list.body.items.filter((o: { id: string }) => o.id === r.first.body.id)).toHaveLength(1);
    });

    it('place order retried after its idempotency record is lost: the event store recognises the retry', async () => {
      const requestId = randomUUID();
      const body = { lineItems: [{ lineItemNumber: 0, offerId: OFFERS.perpetual, quantity: 1 }] };
      const path = `/v1/customers/${customer.id}/orders`;
      const first = await t.request('POST', path, { as: partner, body, headers: { 'MS-RequestId': requestId } });
      expect(first.status).toBe(201);
      // The order id derives from the request id, so the retry lands on the stream that already exists.
      const pool = testPool({ connectionString: t.db.url, max: 1 });
      try {
        const forgotten = await pool.query('DELETE FROM idempotency_records WHERE request_id = $1', [requestId]);
        expect(forgotten.rowCount).toBe(1);
      } finally {
        await pool.end();
      }
      const second = await t.request('POST', path, { as: partner, body, headers: { 'MS-RequestId': requestId } });
      expect(second.status).toBe(201);
      expect(second.body).toEqual(first.body);
      const ofRequest = (await readAllEvents(t)).filter((e) => e.metadata.requestId === requestId);
      expect(ofRequest.map((e) => e.type)).toEqual(['OrderPlaced']);
    });

    it('reveal key: the same key again, and recorded again as a retry (every key shown is recorded)', async () => {
      const order = await placeOrderOk(t, partner, customer.id, [{ offerId: OFFERS.perpetual }]);
      const r = await twice('POST', `/v1/customers/${customer.id}/software/${softwareIdOf(order.id, 0)}/key`, {
        version: '2022',
      });
      expect(r.first.status).toBe(200);
      expect(r.second.status).toBe(200);
      expect(r.second.body).toEqual(r.first.body);
      expect(r.eventsAfterSecond).toBe(r.eventsAfterFirst + 1);
      const revealed = (await readAllEvents(t)).filter((e) => e.metadata.requestId === r.requestId);
      expect(revealed.map((e) => [e.type, e.data.retry])).toEqual([
        ['KeyRevealed', undefined],
        ['KeyRevealed', true],
      ]);
    });

    it('issue download link: the same link again, no second DownloadLinkIssued', async () => {
      const order = await placeOrderOk(t, partner, customer.id, [{ offerId: OFFERS.perpetual }]);
      const r = await twice(
        'POST',
        `/v1/customers/${customer.id}/software/${softwareIdOf(order.id, 0)}/downloadlinks`,
        {
          version: '2022',
          language: 'en-US',
          bitness: 'x64',
        },
      );
      expect(r.first.status).toBe(201);
      expect(r.second.status).toBe(201);
      expect(r.second.body).toEqual(r.first.body);
      expect(r.eventsAfterSecond).toBe(r.eventsAfterFirst);
    });

    it('cancel: the first 200 again (not already_cancelled), no second OrderCancelled', async () => {
      const order = await placeOrderOk(t, partner, customer.id, [{ offerId: OFFERS.perpetual }]);
      const r = await twice('PATCH', orderPath(customer.id, order.id), cancelBody());
      expect(r.first.status).toBe(200);
      expect(r.second.status).toBe(200);
      expect(r.second.body).toEqual(r.first.body);
      expect(r.eventsAfterSecond).toBe(r.eventsAfterFirst);
      // a new request id is a new cancellation attempt
      expectProblem(
        await t.request('PATCH', orderPath(customer.id, order.id), { as: partner, body: cancelBody() }),
        409,
        'already_cancelled',
      );
    });

    it('support request: the same request again, no second event', async () => {
      const order = await placeOrderOk(t, partner, customer.id, [{ offerId: OFFERS.perpetual }]);
      const r = await twice('POST', '/v1/supportrequests', {
        problemType: 'CSP Purchase/Refund on behalf of customers',
        impact: 'minimal',
        title: 'Retry',
        description: {
          customerTenantIdOrDomain: customer.id,
          orderIdOrSubscriptionId: order.id,
          refundReason: 'Retry test',
          amountRequested: { amount: '1.00', currencyCode: 'PLN' },
        },
        contact: { name: 'A', email: 'a@b.example', phone: '+48 600 000 000' },
      });
      expect(r.first.status).toBe(201);
      expect(r.second.body).toEqual(r.first.body);
      expect(r.eventsAfterSecond).toBe(r.eventsAfterFirst);
    });

    it('refuses the same MS-RequestId with another body (422), and treats another caller as another request', async () => {
      const requestId = randomUUID();
      const path = `/v1/customers/${customer.id}/orders`;
      const first = await t.request('POST', path, {
        as: partner,
        body: { lineItems: [{ lineItemNumber: 0, offerId: OFFERS.perpetual, quantity: 1 }] },
        headers: { 'MS-RequestId': requestId },
      });
      expect(first.status).toBe(201);
      const other = await t.request('POST', path, {
        as: partner,
        body: { lineItems: [{ lineItemNumber: 0, offerId: OFFERS.perpetual, quantity: 2 }] },
        headers: { 'MS-RequestId': requestId },
      });
      expectProblem(other, 422, 'request_id_reused');
      const colleague: Caller = {
        tenantId: partner.tenantId,
        roles: ['AdminAgent'],
        userId: 'colleague',
        upn: 'colleague@partner.example',
      };
      const byColleague = await t.request('POST', path, {
        as: colleague,
        body: { lineItems: [{ lineItemNumber: 0, offerId: OFFERS.perpetual, quantity: 1 }] },
        headers: { 'MS-RequestId': requestId },
      });
      expect(byColleague.status).toBe(201);
      expect(byColleague.body.id).not.toBe(first.body.id);
    });
  });

  describe('errors are problem+json', () => {
    it('has the RFC 9457 members, a stable code and the request’s ids', async () => {
      const res = await t.request('POST', '/v1/customers', {
        as: partner,
        body: { companyName: '', domain: 'x', country: 'ZZ' },
      });
      expectProblem(res, 400);
      expect(res.body).toMatchObject({
        type: expect.any(String),
        title: expect.any(String),
        status: 400,
        detail: expect.any(String),
        code: expect.stringMatching(/^[a-z_]+$/),
        instance: '/v1/customers',
      });
      expect(res.body.errors.length).toBeGreaterThanOrEqual(2);
      for (const e of res.body.errors)
        expect(e).toEqual(expect.objectContaining({ field: expect.any(String), message: expect.any(String) }));
    });

    it('answers 400 malformed_json to a body that is not JSON, without echoing it', async () => {
      const res = await t.request('POST', '/v1/customers', {
        as: partner,
        rawBody: '{"companyName": "Contoso", "domain": secret-value',
        headers: { 'content-type': 'application/json' },
      });
      expectProblem(res, 400, 'malformed_json');
      expect(res.text).not.toContain('secret-value');
    });

    it('answers 400 to a JSON body that is not an object', async () => {
      for (const rawBody of ['[]', '"text"', 'null', '42']) {
        const res = await t.request('POST', '/v1/customers', {
          as: partner,
          rawBody,
          headers: { 'content-type': 'application/json' },
        });
        expect(res.status).toBe(400);
        expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      }
    });

    it('answers 413 to an oversized body', async () => {
      const res = await t.request('POST', '/v1/customers', {
        as: partner,
        rawBody: JSON.stringify({ companyName: 'x'.repeat(2 * 1024 * 1024), domain: uniqueDomain(), country: 'PL' }),
        headers: { 'content-type': 'application/json' },
      });
      expectProblem(res, 413);
      expect(res.headers.get('ms-requestid')).toMatch(GUID);
    });

    it('answers 415 or 400 (never 500) to another media type', async () => {
      const res = await t.request('POST', '/v1/customers', {
        as: partner,
        rawBody: 'companyName=x',
        headers: { 'content-type': 'text/plain' },
      });
      expect([400, 415]).toContain(res.status);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    });
  });

  describe('bearer tokens', () => {
    const claims = () => ({
      sub: 'user-1',
      upn: 'user@partner.example',
      tid: partner.tenantId,
      roles: ['AdminAgent'],
      iat: Math.floor(Date.now() / 1000),
      exp: Math.floor(Date.now() / 1000) + 600,
    });
    const get = (token?: string, authorization?: string) =>
      t.request('GET', '/v1/customers', { token, headers: authorization ? { authorization } : {} });

    it('accepts a well-formed HS256 token built by hand (the control for the refusals below)', async () => {
      const res = await get(handmadeJwt({ alg: 'HS256', typ: 'JWT' }, claims(), TEST_SECRET));
      expect(res.status).toBe(200);
    });

    it.each<[string, () => Promise<string | undefined> | string | undefined, string | null]>([
      ['no token', () => undefined, null],
      ['an expired token', () => t.token(partner, -600), 'token_expired'],
      [
        'a token signed with another secret',
        () => handmadeJwt({ alg: 'HS256', typ: 'JWT' }, claims(), 'another-secret-another-secret-another-secret'),
        null,
      ],
      ['an alg "none" token', () => handmadeJwt({ alg: 'none', typ: 'JWT' }, claims()), null],
      [
        'an alg "none" token with a signature',
        () => handmadeJwt({ alg: 'none', typ: 'JWT' }, claims(), TEST_SECRET),
        null,
      ],
      [
        'a token without exp',
        () => {
          const { exp: _exp, ...noExp } = claims();
          return handmadeJwt({ alg: 'HS256', typ: 'JWT' }, noExp, TEST_SECRET);
        },
        null,
      ],
      [
        'a token whose tid is not a GUID',
        () => handmadeJwt({ alg: 'HS256', typ: 'JWT' }, { ...claims(), tid: 'contoso' }, TEST_SECRET),
        null,
      ],
      [
        'a token with a tampered payload',
        () => {
          const good = handmadeJwt({ alg: 'HS256', typ: 'JWT' }, claims(), TEST_SECRET);
          const [h, , s] = good.split('.');
          return `${h}.${b64url({ ...claims(), roles: ['AdminAgent', 'Auditor'] })}.${s}`;
        },
        null,
      ],
      ['garbage', () => 'not.a.jwt', null],
    ])('answers 401 to %s', async (_name, make, code) => {
      const res = await get(await make());
      expectProblem(res, 401, code ?? undefined);
      expect(res.headers.get('www-authenticate') ?? '').toMatch(/^Bearer/);
      expect(res.headers.get('ms-requestid')).toMatch(GUID);
    });

    it('answers 401 to a non-Bearer Authorization header', async () => {
      expectProblem(await get(undefined, `Basic ${Buffer.from('a:b').toString('base64')}`), 401);
    });
  });

  describe('OpenAPI', () => {
    it('publishes every implemented path of API.md with its methods at /docs-json, and the UI at /docs', async () => {
      const doc = await t.request('GET', '/docs-json');
      expect(doc.status).toBe(200);
      const paths = doc.body.paths as Record<string, Record<string, unknown>>;
      const expected: Record<string, string[]> = {
        '/v1/customers': ['get', 'post'],
        '/v1/customers/{customerId}': ['get'],
        '/v1/offers': ['get'],
        '/v1/customers/{customerId}/orders': ['get', 'post'],
        '/v1/customers/{customerId}/orders/{orderId}': ['get', 'patch'],
        '/v1/customers/{customerId}/orders/{orderId}/cancellationeligibility': ['get'],
        '/v1/customers/{customerId}/software': ['get'],
        '/v1/customers/{customerId}/software/{softwareId}/key': ['post'],
        '/v1/customers/{customerId}/software/{softwareId}/downloadlinks': ['post'],
        '/v1/downloads/{token}': ['get'],
        '/v1/supportrequests': ['post'],
        '/health/live': ['get'],
        '/health/ready': ['get'],
      };
      for (const [path, methods] of Object.entries(expected)) {
        expect({ path, methods: Object.keys(paths[path] ?? {}).sort() }).toEqual({
          path,
          methods: [...methods].sort(),
        });
      }
      const ui = await t.request('GET', '/docs');
      expect(ui.status).toBe(200);
      expect(ui.text).toMatch(/swagger/i);
    });

    it('documents every other path of API.md the service already answers', async () => {
      const doc = await t.request('GET', '/docs-json');
      const paths = doc.body.paths as Record<string, Record<string, unknown>>;
      const id = randomUUID();
      const contract: Array<[string, string, string]> = [
        ['get', '/v1/auditrecords', '/v1/auditrecords'],
        ['get', '/v1/events', '/v1/events'],
        ['get', '/v1/customers/{customerId}/orders/{orderId}/events', `/v1/customers/${id}/orders/${id}/events`],
        ['get', '/v1/credits', '/v1/credits?period=2024-01'],
        ['get', '/metrics', '/metrics'],
      ];
      for (const [method, documented, concrete] of contract) {
        // an unknown route answers 404; an implemented one 401 (no token) or 200 (public)
        const res = await t.request(method.toUpperCase(), concrete);
        if (res.status === 404) continue;
        expect({ path: documented, documented: Object.keys(paths[documented] ?? {}) }).toEqual({
          path: documented,
          documented: expect.arrayContaining([method]),
        });
      }
    });
  });
});
