import { signLocalToken } from '@csp/platform';
import { newTenant, startTestApp, TEST_SECRET, TestApp } from '../support/app';
import {
  allRoles,
  Endpoint,
  listEndpoints,
  placeOrder,
  problemDefect,
  PUBLIC_ROUTES,
  registerCustomer,
} from './chaos-helpers';
import { RAW_BODIES, TEMPLATES } from './request-templates';

/**
 * Expired, forged (wrong key, `alg: none`, edited claims) and foreign-tenant tokens on every route of the
 * OpenAPI document: 401 (or 404 for another tenant's resources), and never the tenant's data.
 * Commands are sent with valid bodies, so only the token stands between the request and a change.
 */
const b64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('chaos: expired, forged and foreign-tenant tokens', () => {
  let t: TestApp;
  afterAll(async () => {
    await t?.close();
  });

  it('refuses them on every endpoint and never answers with the tenant’s data', async () => {
    t = await startTestApp();
    const owner = allRoles();
    const customer = await registerCustomer(t, owner);
    const order = (await placeOrder(t, owner, customer.id)).body as { id: string };
    const softwareId = `${order.id}_0`;
    const key = await t.request('POST', `/v1/customers/${customer.id}/software/${softwareId}/key`, {
      as: owner,
      body: { version: '2022' },
    });
    expect(key.status).toBe(200);
    const ownerCustomer = (await t.request('GET', `/v1/customers/${customer.id}`, { as: owner })).body as {
      companyName: string;
      domain: string;
    };
    // Anything that would identify the owner's data in a response.
    const secrets = [customer.id, order.id, owner.tenantId, ownerCustomer.domain, String(key.body.productKey)];
    const ids: Record<string, string> = { customerId: customer.id, orderId: order.id, softwareId };

    const now = Math.floor(Date.now() / 1000);
    const claims = { sub: owner.userId!, upn: owner.upn!, tid: owner.tenantId, roles: owner.roles };
    const valid = await signLocalToken(claims, { secret: TEST_SECRET });
    const [header, payload, signature] = valid.split('.');
    const tokens: Record<string, string> = {
      expired: await signLocalToken(claims, { secret: TEST_SECRET, now: now - 7200, ttl: 3600 }),
      'wrong key': await signLocalToken(claims, { secret: 'another-secret-that-is-long-enough-for-hs256-000' }),
      'alg none': `${b64url({ alg: 'none', typ: 'JWT' })}.${payload}.`,
      'alg none, no dot': `${b64url({ alg: 'none', typ: 'JWT' })}.${payload}`,
      'edited claims': `${header}.${b64url({ ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), roles: ['Auditor', 'AdminAgent', 'BillingAdmin'], exp: now + 86_400 })}.${signature}`,
      'no exp': `${header}.${b64url({ ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), exp: undefined })}.${signature}`,
    };
    const foreign = await t.token(allRoles(newTenant()));

    const endpoints = (await listEndpoints(t)).filter((e) => !PUBLIC_ROUTES.includes(`${e.method} ${e.template}`));
    expect(endpoints.length).toBeGreaterThan(10);
    const pathOf = (e: Endpoint) => e.template.replace(/\{(\w+)\}/g, (_, name: string) => ids[name] ?? 'unknown-id');
    const bodyOf = (e: Endpoint) => {
      const key = `${e.method} ${e.template}`;
      if (e.method === 'get' || e.method === 'delete') return {};
      const raw = RAW_BODIES[key];
      if (raw) return { rawBody: raw.text, headers: { 'content-type': raw.contentType } };
      return { body: TEMPLATES[key]?.base ?? {} };
    };

    const failures: string[] = [];
    let checked = 0;
    for (const e of endpoints) {
      const label = `${e.method.toUpperCase()} ${e.template}`;
      const results = await Promise.all(
        [...Object.entries(tokens), ['foreign tenant', foreign] as const].map(async ([kind, token]) => ({
          kind,
          res: await t.request(e.method.toUpperCase(), pathOf(e), { token, ...bodyOf(e) }),
        })),
      );
      for (const { kind, res } of results) {
        checked++;
        const leaked = res.status < 400 ? secrets.filter((s) => res.text.includes(s)) : [];
        if (leaked.length)
          failures.push(`${label} with ${kind}: ${res.status} and the owner's data (${leaked.join(', ')})`);
        if (kind === 'foreign tenant') {
          // Another tenant's customer, order or software does not exist for this caller.
          if (e.params.includes('customerId') && res.status !== 404 && res.status !== 401)
            failures.push(`${label} with ${kind}: ${res.status}, expected 404`);
        } else if (res.status !== 401) {
          failures.push(`${label} with ${kind}: ${res.status}, expected 401`);
        }
        if (res.status >= 400 && problemDefect(res)) failures.push(`${label} with ${kind}: ${problemDefect(res)}`);
      }
    }
    expect(failures).toEqual([]);
    expect(checked).toBe(endpoints.length * 7);

    // The valid token still works: the refusals above came from the tokens, not from a broken setup.
    expect((await t.request('GET', `/v1/customers/${customer.id}`, { token: valid })).status).toBe(200);
  }, 90_000);
});
