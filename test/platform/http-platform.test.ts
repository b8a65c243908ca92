import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { SignJWT, UnsecuredJWT, generateKeyPair } from 'jose';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createTestApp, OTHER_TENANT, SECRET, TENANT, TestApp, token } from './support/platform-test-app';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// Problem bodies are checked member by member, so a loose type keeps the assertions short.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

function expectProblem(
  res: { statusCode: number; headers: Record<string, unknown>; json(): Json },
  status: number,
  code: string,
): Json {
  expect(res.statusCode).toBe(status);
  expect(String(res.headers['content-type'])).toMatch(/^application\/problem\+json/);
  const body = res.json();
  expect(body).toMatchObject({
    status,
    code,
    type: expect.any(String),
    title: expect.any(String),
    detail: expect.any(String),
  });
  expect(body.instance).toEqual(expect.stringMatching(/^\//));
  expect(body.correlationId).toMatch(GUID);
  expect(res.headers['ms-correlationid']).toBe(body.correlationId);
  expect(res.headers['ms-requestid']).toMatch(GUID);
  return body;
}

describe('platform HTTP behaviour (Nest on Fastify)', () => {
  let t: TestApp;
  let app: NestFastifyApplication;

  beforeAll(async () => {
    t = await createTestApp();
    app = t.app;
  });
  afterAll(async () => {
    await app.close();
  });

  describe('authentication', () => {
    it('lets a valid token through and exposes the principal in the handler and the request context', async () => {
      const res = await app.inject({
        method: 'GET',
        url: '/me',
        headers: { authorization: `Bearer ${await token(['Auditor'])}` },
      });
      expect(res.statusCode).toBe(200);
      const principal = { userId: 'user-1', upn: 'ann@contoso.com', tenantId: TENANT, roles: ['Auditor'] };
      expect(res.json()).toMatchObject({
        principal,
        context: { principal, correlationId: res.headers['ms-correlationid'] },
      });
    });

    it('401 without a token', async () => {
      const res = await app.inject({ method: 'GET', url: '/me' });
      const body = expectProblem(res, 401, 'unauthorized');
      expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
      expect(body.instance).toBe('/me');
    });

    it('401 for a non-bearer header', async () => {
      expectProblem(
        await app.inject({ method: 'GET', url: '/me', headers: { authorization: 'Basic abc' } }),
        401,
        'unauthorized',
      );
    });

    it('401 token_expired for an expired token', async () => {
      const res = await app.inject({
        method: 'GET',
        url: '/me',
        headers: { authorization: `Bearer ${await token(['AdminAgent'], { ttl: '-1h' })}` },
      });
      expectProblem(res, 401, 'token_expired');
    });

    it('401 for a token signed with another key', async () => {
      const forged = await token(['AdminAgent'], { secret: 'x'.repeat(40) });
      const body = expectProblem(
        await app.inject({ method: 'GET', url: '/me', headers: { authorization: `Bearer ${forged}` } }),
        401,
        'unauthorized',
      );
      expect(body.detail).toBe('The token signature is invalid.');
      expect(JSON.stringify(body)).not.toContain(forged);
    });

    it('401 for alg none', async () => {
      const none = new UnsecuredJWT({ tid: TENANT, roles: ['AdminAgent'] })
        .setSubject('user-1')
        .setExpirationTime('1h')
        .encode();
      expectProblem(
        await app.inject({ method: 'GET', url: '/me', headers: { authorization: `Bearer ${none}` } }),
        401,
        'unauthorized',
      );
    });

    it('401 for an RS256 token (wrong algorithm family) and for a token without exp', async () => {
      const { privateKey } = await generateKeyPair('RS256');
      const rs = await new SignJWT({ tid: TENANT, roles: ['AdminAgent'] })
        .setProtectedHeader({ alg: 'RS256' })
        .setSubject('u')
        .setExpirationTime('1h')
        .sign(privateKey);
      expectProblem(
        await app.inject({ method: 'GET', url: '/me', headers: { authorization: `Bearer ${rs}` } }),
        401,
        'unauthorized',
      );
      const noExp = await new SignJWT({ tid: TENANT, roles: ['AdminAgent'] })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('u')
        .sign(new TextEncoder().encode(SECRET));
      expectProblem(
        await app.inject({ method: 'GET', url: '/me', headers: { authorization: `Bearer ${noExp}` } }),
        401,
        'unauthorized',
      );
    });

    it('public routes need no token', async () => {
      const res = await app.inject({ method: 'GET', url: '/health/live' });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ status: 'ok' });
    });
  });

  describe('roles', () => {
    it('403 forbidden for a known user without the role', async () => {
      const res = await app.inject({
        method: 'GET',
        url: '/admin',
        headers: { authorization: `Bearer ${await token(['Auditor', 'GlobalAdmin'])}` },
      });
      const body = expectProblem(res, 403, 'forbidden');
      expect(body.requiredRoles).toEqual(['AdminAgent']);
    });

    it('200 with the role', async () => {
      const res = await app.inject({
        method: 'GET',
        url: '/admin',
        headers: { authorization: `Bearer ${await token(['AdminAgent'])}` },
      });
      expect(res.statusCode).toBe(200);
    });

    it('401 (not 403) without a token on a role-protected route', async () => {
      expectProblem(await app.inject({ method: 'GET', url: '/admin' }), 401, 'unauthorized');
    });
  });

  describe('problem+json', () => {
    const post = async (payload: string, contentType = 'application/json') =>
      app.inject({
        method: 'POST',
        url: '/orders',
        headers: { authorization: `Bearer ${await token()}`, 'content-type': contentType },
        payload,
      });

    it('400 validation_failed naming every bad field, nested and unknown ones included', async () => {
      const res = await post(
        JSON.stringify({
          surprise: 1,
          lineItems: [
            { lineItemNumber: 0, offerId: 'a', quantity: 0 },
            { lineItemNumber: -1, quantity: '2', extra: true },
          ],
        }),
      );
      const body = expectProblem(res, 400, 'validation_failed');
      const fields = new Set(body.errors.map((e: { field: string }) => e.field));
      expect(fields).toEqual(
        new Set([
          'surprise',
          'lineItems[0].quantity',
          'lineItems[1].lineItemNumber',
          'lineItems[1].offerId',
          'lineItems[1].quantity',
          'lineItems[1].extra',
        ]),
      );
      for (const e of body.errors) expect(e).toEqual({ field: expect.any(String), message: expect.any(String) });
    });

    it('400 validation_failed for an empty object and for a JSON array', async () => {
      expect(
        expectProblem(await post('{}'), 400, 'validation_failed').errors.map((e: { field: string }) => e.field),
      ).toContain('lineItems');
      expectProblem(await post('[1,2]'), 400, 'validation_failed');
    });

    it('400 malformed_json without echoing the body', async () => {
      const body = expectProblem(
        await post('{"productKey": "ABCDE-FGHIJ-KLMNO-PQRST-UVWXY", oops'),
        400,
        'malformed_json',
      );
      expect(JSON.stringify(body)).not.toContain('ABCDE');
      expectProblem(await post(''), 400, 'malformed_json');
      expectProblem(await post('{"__proto__": {"x": 1}}'), 400, 'malformed_json');
    });

    it('accepts application/*+json', async () => {
      const res = await post(
        JSON.stringify({ lineItems: [{ lineItemNumber: 0, offerId: 'a', quantity: 1 }] }),
        'application/merge-patch+json',
      );
      expect(res.statusCode).toBe(201);
    });

    it('413 payload_too_large above BODY_LIMIT_BYTES', async () => {
      const big = JSON.stringify({ lineItems: [{ lineItemNumber: 0, offerId: 'x'.repeat(5000), quantity: 1 }] });
      expectProblem(await post(big), 413, 'payload_too_large');
    });

    it('415 for an unsupported media type', async () => {
      expectProblem(await post('<order/>', 'application/xml'), 415, 'unsupported_media_type');
    });

    it('404 not_found for an unknown route, with the ids echoed', async () => {
      const correlationId = randomUUID();
      const res = await app.inject({
        method: 'GET',
        url: '/nowhere?x=1',
        headers: { 'ms-correlationid': correlationId },
      });
      const body = expectProblem(res, 404, 'not_found');
      expect(body.instance).toBe('/nowhere');
      expect(body.correlationId).toBe(correlationId);
    });

    it('maps application errors by kind, keeping their data', async () => {
      const auth = { authorization: `Bearer ${await token()}` };
      const gone = expectProblem(await app.inject({ method: 'GET', url: '/gone', headers: auth }), 410, 'link_expired');
      expect(gone).toMatchObject({ detail: 'The link has expired.', expiredAt: '2025-01-01T00:00:00Z' });
      const conflict = await app.inject({ method: 'GET', url: '/conflict', headers: auth });
      expectProblem(conflict, 409, 'concurrency_conflict');
      const unavailable = await app.inject({ method: 'GET', url: '/unavailable', headers: auth });
      expectProblem(unavailable, 503, 'service_unavailable');
      expect(unavailable.headers['retry-after']).toBe('5');
      expect(unavailable.body).not.toContain('5432');
    });

    it('500 internal_error leaks nothing and is logged with the correlation id', async () => {
      const correlationId = randomUUID();
      const res = await app.inject({
        method: 'GET',
        url: '/boom',
        headers: { authorization: `Bearer ${await token()}`, 'ms-correlationid': correlationId },
      });
      const body = expectProblem(res, 500, 'internal_error');
      expect(res.body).not.toContain('hunter2');
      expect(Object.keys(body).sort()).toEqual([
        'code',
        'correlationId',
        'detail',
        'instance',
        'requestId',
        'status',
        'title',
        'type',
      ]);
      const logged = t.logs.find((l) => l.msg === 'request failed' && l.correlationId === correlationId);
      expect(logged).toBeDefined();
      expect(JSON.stringify(logged)).toContain('hunter2'); // the log has the internals, the response does not
    });
  });

  describe('MS-CorrelationId / MS-RequestId', () => {
    it('echoes the given ids on success', async () => {
      const correlationId = randomUUID();
      const requestId = randomUUID();
      const res = await app.inject({
        method: 'GET',
        url: '/me',
        headers: {
          authorization: `Bearer ${await token()}`,
          'MS-CorrelationId': correlationId,
          'MS-RequestId': requestId,
        },
      });
      expect(res.statusCode).toBe(200);
      expect(res.headers['ms-correlationid']).toBe(correlationId);
      expect(res.headers['ms-requestid']).toBe(requestId);
      expect(res.json().context).toMatchObject({ correlationId, requestId });
    });

    it('generates GUIDs when absent, on errors too', async () => {
      const res = await app.inject({ method: 'GET', url: '/me' });
      expect(res.statusCode).toBe(401);
      expect(res.headers['ms-correlationid']).toMatch(GUID);
      expect(res.headers['ms-requestid']).toMatch(GUID);
      expect(res.headers['ms-requestid']).not.toBe(res.headers['ms-correlationid']);
    });

    it('400 invalid_header naming a non-GUID header', async () => {
      const res = await app.inject({ method: 'GET', url: '/health/live', headers: { 'MS-RequestId': 'not-a-guid' } });
      const body = expectProblem(res, 400, 'invalid_header');
      expect(body.detail).toContain('MS-RequestId');
      expect(body.errors).toEqual([{ field: 'MS-RequestId', message: 'MS-RequestId must be a GUID' }]);
      const res2 = await app.inject({ method: 'GET', url: '/health/live', headers: { 'MS-CorrelationId': '123' } });
      expect(expectProblem(res2, 400, 'invalid_header').detail).toContain('MS-CorrelationId');
    });

    it('logs each request with its ids', async () => {
      const correlationId = randomUUID();
      await app.inject({ method: 'GET', url: '/health/live', headers: { 'ms-correlationid': correlationId } });
      expect(t.logs).toContainEqual(
        expect.objectContaining({ msg: 'request completed', correlationId, statusCode: 200, path: '/health/live' }),
      );
    });
  });

  describe('OpenAPI', () => {
    it('serves /docs-json with the bearer scheme and /docs with the UI', async () => {
      const json = await app.inject({ method: 'GET', url: '/docs-json' });
      expect(json.statusCode).toBe(200);
      const doc = json.json();
      expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
      expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/orders', '/me']));
      const ui = await app.inject({ method: 'GET', url: '/docs' });
      expect(ui.statusCode).toBe(200);
      expect(ui.body).toContain('swagger-ui-bundle.js');
      const asset = await app.inject({ method: 'GET', url: '/docs/swagger-ui-bundle.js' });
      expect(asset.statusCode).toBe(200);
      expect(asset.headers['ms-correlationid']).toMatch(GUID);
      expectProblem(await app.inject({ method: 'GET', url: '/docs/package.json' }), 404, 'not_found');
    });
  });

  it('works over a real socket too', async () => {
    const other = await createTestApp();
    await other.app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const { port } = other.app.getHttpServer().address() as AddressInfo;
      const res = await fetch(`http://127.0.0.1:${port}/me`, {
        headers: { authorization: `Bearer ${await token(['Auditor'], { tid: OTHER_TENANT })}` },
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('ms-correlationid')).toMatch(GUID);
      expect(((await res.json()) as { principal: { tenantId: string } }).principal.tenantId).toBe(OTHER_TENANT);
      const bad = await fetch(`http://127.0.0.1:${port}/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{',
      });
      // Fastify parses the body before any guard runs, so malformed JSON is refused first.
      expect(bad.status).toBe(400);
      expect(bad.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(((await bad.json()) as { code: string }).code).toBe('malformed_json');
    } finally {
      await other.app.close();
    }
  });
});

describe('rate limit', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { RATE_LIMIT_PER_MINUTE: '5' } });
  });
  afterAll(() => t.app.close());

  it('allows RATE_LIMIT_PER_MINUTE per tenant, then 429 rate_limited with Retry-After', async () => {
    const a = { authorization: `Bearer ${await token(['Auditor'])}` };
    const b = { authorization: `Bearer ${await token(['Auditor'], { tid: OTHER_TENANT })}` };
    for (let i = 0; i < 5; i++)
      expect((await t.app.inject({ method: 'GET', url: '/me', headers: a })).statusCode).toBe(200);
    const limited = await t.app.inject({ method: 'GET', url: '/me', headers: a });
    expectProblem(limited, 429, 'rate_limited');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    // Another user of the same tenant shares the bucket; another tenant has its own.
    const sameTenant = { authorization: `Bearer ${await token(['Auditor'], { sub: 'user-2' })}` };
    expect((await t.app.inject({ method: 'GET', url: '/me', headers: sameTenant })).statusCode).toBe(429);
    expect((await t.app.inject({ method: 'GET', url: '/me', headers: b })).statusCode).toBe(200);
  });
});
