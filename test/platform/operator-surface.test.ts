import { randomUUID } from 'node:crypto';
import { Caller, startTestApp, TestApp, TestResponse } from '../support/app';
import { ALL_ROLES, adminAgent, registerCustomer } from '../e2e/e2e-helpers';

const OPERATOR_TOKEN = `op-${randomUUID()}-${randomUUID()}`;
const METRICS_TOKEN = `me-${randomUUID()}-${randomUUID()}`;
const QUEUES = '/admin/queues/api/queues';
const PAUSE = '/admin/queues/api/queues/cancellation-propagation/pause';
const RESUME = '/admin/queues/api/queues/cancellation-propagation/resume';
const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });
const basic = (password: string, user = 'ops'): Record<string, string> => ({
  authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
});
/** A production deployment as the tests can run it (PARTNER_TENANTS is for the partner registry). */
const production = (partner: string, env: Record<string, string> = {}): Record<string, string> => ({
  NODE_ENV: 'production',
  PARTNER_TENANTS: partner,
  // Tests run on derived keys (the key-pool suites run pool mode on their own).
  LICENSING_ADAPTER: 'derived',
  ALLOW_DERIVED_KEYS: 'true',
  ...env,
});

function expectOperatorRefusal(res: TestResponse): void {
  expect(res.status).toBe(401);
  expect(res.headers.get('www-authenticate')).toMatch(/^Basic realm="[^"]+"/);
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
}

async function paused(t: TestApp): Promise<boolean> {
  const res = await t.request('GET', QUEUES, { headers: bearer(OPERATOR_TOKEN) });
  expect(res.status).toBe(200);
  const queue = (res.body.queues as Array<{ name: string; isPaused: boolean }>).find(
    (q) => q.name === 'cancellation-propagation',
  );
  return queue!.isPaused;
}

// The operator surface (/admin/queues, /metrics) through the whole service: an operator credential opens it,
// no tenant's JWT ever does, and production serves nothing that has no credential configured.
describe('operator surface', () => {
  describe('production, OPERATOR_TOKEN and METRICS_TOKEN set, dashboard read-only', () => {
    let t: TestApp;
    const agent = adminAgent();
    const everyRole: Caller = { tenantId: agent.tenantId, roles: [...ALL_ROLES], userId: 'everything' };
    let customerAdmin: Caller;

    beforeAll(async () => {
      t = await startTestApp({
        env: production(agent.tenantId, { OPERATOR_TOKEN, METRICS_TOKEN }),
      });
      const customer = await registerCustomer(t, agent, 'PL', { tenantId: randomUUID() });
      customerAdmin = { tenantId: customer.body.tenantId ?? customer.id, roles: ['GlobalAdmin'] };
    });
    afterAll(async () => {
      await t?.close();
    });

    it('answers 401 with a Basic challenge without a credential, to every path of the dashboard', async () => {
      for (const path of ['/admin/queues', '/admin/queues/queue/cancellation-propagation', QUEUES]) {
        expectOperatorRefusal(await t.request('GET', path));
      }
    });

    it('opens for no partner or customer JWT, whatever its roles, as Bearer or as Basic password', async () => {
      for (const caller of [agent, everyRole, customerAdmin]) {
        const jwt = await t.token(caller);
        expectOperatorRefusal(await t.request('GET', QUEUES, { headers: bearer(jwt) }));
        expectOperatorRefusal(await t.request('GET', '/admin/queues', { headers: basic(jwt) }));
      }
    });

    it('refuses a wrong, truncated or extended operator token and the metrics token', async () => {
      for (const wrong of [
        OPERATOR_TOKEN.slice(0, -1),
        `${OPERATOR_TOKEN}x`,
        METRICS_TOKEN,
        OPERATOR_TOKEN.toUpperCase(),
      ]) {
        expectOperatorRefusal(await t.request('GET', QUEUES, { headers: bearer(wrong) }));
        expectOperatorRefusal(await t.request('GET', QUEUES, { headers: basic(wrong) }));
      }
      // The token as the user name, not the password, is not the credential either.
      expectOperatorRefusal(await t.request('GET', QUEUES, { headers: basic('', OPERATOR_TOKEN) }));
    });

    it('opens with Bearer OPERATOR_TOKEN (the API) and with it as the Basic password (the browser page)', async () => {
      const api = await t.request('GET', QUEUES, { headers: bearer(OPERATOR_TOKEN) });
      expect(api.status).toBe(200);
      expect(api.headers.get('cache-control')).toBe('no-store');
      const queues = api.body.queues as Array<{ name: string; readOnlyMode: boolean }>;
      expect(queues.map((q) => q.name)).toEqual(
        expect.arrayContaining(['cancellation-propagation', 'cancellation-window-warnings', 'propagation-maintenance']),
      );
      expect(queues.every((q) => q.readOnlyMode)).toBe(true);
      const page = await t.request('GET', '/admin/queues', { headers: basic(OPERATOR_TOKEN) });
      expect(page.status).toBe(200);
      expect(page.text).toContain('<html');
    });

    it('refuses every mutating request with 403 even from the operator, and nothing changes', async () => {
      const name = 'cancellation-propagation';
      const crafted: Array<[string, string]> = [
        ['PUT', PAUSE],
        ['PUT', '/admin/queues/api/queues/pause'],
        ['PUT', `/admin/queues/api/queues/${name}/retry/failed`],
        ['PUT', `/admin/queues/api/queues/${name}/clean/completed`],
        ['PUT', `/admin/queues/api/queues/${name}/obliterate`],
        ['PUT', `/admin/queues/api/queues/${name}/empty`],
        ['POST', `/admin/queues/api/queues/${name}/add`],
        ['PATCH', `/admin/queues/api/queues/${name}/some-job/update-data`],
      ];
      for (const [method, path] of crafted) {
        const res = await t.request(method, path, { headers: bearer(OPERATOR_TOKEN), body: { name: 'x', data: {} } });
        expect({ method, path, status: res.status }).toEqual({ method, path, status: 403 });
        expect(res.body.detail).toMatch(/read-only/);
      }
      expect(await paused(t)).toBe(false);
    });

    it('a mutating request without the credential is 401, not 403 (the credential comes first)', async () => {
      expectOperatorRefusal(await t.request('PUT', PAUSE, { headers: bearer(await t.token(agent)) }));
    });

    it('/metrics answers only Bearer METRICS_TOKEN', async () => {
      const none = await t.request('GET', '/metrics');
      expect(none.status).toBe(401);
      expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
      for (const headers of [
        bearer(await t.token(everyRole)),
        bearer(OPERATOR_TOKEN),
        basic(METRICS_TOKEN),
        bearer(`${METRICS_TOKEN}x`),
        { authorization: METRICS_TOKEN },
      ]) {
        const res = await t.request('GET', '/metrics', { headers });
        expect(res.status).toBe(401);
        expect(res.text).not.toContain('csp_propagation');
      }
      const ok = await t.request('GET', '/metrics', { headers: bearer(METRICS_TOKEN) });
      expect(ok.status).toBe(200);
      expect(ok.text).toContain('# TYPE csp_propagation');
    });
  });

  describe('production without OPERATOR_TOKEN and METRICS_TOKEN', () => {
    let t: TestApp;
    const agent = adminAgent();

    beforeAll(async () => {
      t = await startTestApp({ env: production(agent.tenantId) });
    });
    afterAll(async () => {
      await t?.close();
    });

    it('does not mount the dashboard and does not serve /metrics (404 to everyone)', async () => {
      for (const path of ['/admin/queues', QUEUES, '/metrics']) {
        for (const headers of [{}, bearer(await t.token(agent)), bearer('anything-at-all-0123456789abcdef0123')]) {
          const res = await t.request('GET', path, { headers });
          expect({ path, status: res.status }).toEqual({ path, status: 404 });
          expect(res.text).not.toContain('csp_propagation');
        }
      }
      expect((await t.request('PUT', PAUSE, { headers: bearer(await t.token(agent)) })).status).toBe(404);
    });
  });

  describe('outside production, QUEUE_DASHBOARD_WRITE=true and METRICS_TOKEN set', () => {
    let t: TestApp;

    beforeAll(async () => {
      t = await startTestApp({
        env: { OPERATOR_TOKEN, METRICS_TOKEN, QUEUE_DASHBOARD_WRITE: 'true' },
      });
    });
    afterAll(async () => {
      await t?.close();
    });

    it('lets the operator pause and resume a queue, and still refuses any JWT', async () => {
      const api = await t.request('GET', QUEUES, { headers: bearer(OPERATOR_TOKEN) });
      expect((api.body.queues as Array<{ readOnlyMode: boolean }>).some((q) => q.readOnlyMode)).toBe(false);
      const jwt = await t.token(adminAgent());
      expectOperatorRefusal(await t.request('PUT', PAUSE, { headers: bearer(jwt) }));
      expect(await paused(t)).toBe(false);
      expect((await t.request('PUT', PAUSE, { headers: bearer(OPERATOR_TOKEN) })).status).toBe(200);
      expect(await paused(t)).toBe(true);
      expect((await t.request('PUT', RESUME, { headers: basic(OPERATOR_TOKEN) })).status).toBe(200);
      expect(await paused(t)).toBe(false);
    });

    it('refuses a change another site asks the browser for (cross-origin), even with the credential', async () => {
      const res = await t.request('PUT', PAUSE, {
        headers: { ...basic(OPERATOR_TOKEN), origin: 'https://evil.example' },
      });
      expect(res.status).toBe(403);
      expect(await paused(t)).toBe(false);
    });

    it('/metrics requires METRICS_TOKEN once it is set', async () => {
      expect((await t.request('GET', '/metrics')).status).toBe(401);
      expect((await t.request('GET', '/metrics', { headers: bearer(METRICS_TOKEN) })).status).toBe(200);
    });
  });
});
