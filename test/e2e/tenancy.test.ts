import { streamIdOf } from '@csp/domain';
import { randomUUID } from 'node:crypto';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { EVENT_STORE, EventStore } from '@csp/event-store';
import { createTestDatabase } from '../support/database';
import { Caller, newTenant, startTestApp, TestApp } from '../support/app';
import { adminAgent, ALL_ROLES, expectProblem, Json, registerCustomer, uniqueDomain } from './e2e-helpers';

/**
 * Issue 12, item 4 and the partner part of item 10: tenants are registered, never inferred from a token. A
 * partner's tenant cannot be squatted as a customer, an unregistered tenant reaches nothing, and a domain claim
 * left by a registration that stopped half-way never keeps the domain.
 */
const run = promisify(execFile);
const root = join(__dirname, '..', '..');

const unregistered = (roles: string[] = [...ALL_ROLES]): Caller => ({
  tenantId: newTenant(),
  roles,
  userId: 'stranger',
  unregistered: true,
});

function cli(args: string[], databaseUrl: string) {
  return run(join(root, 'node_modules', '.bin', 'tsx'), [join(root, 'apps/cli/src/cli.ts'), ...args], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: 'silent' },
  });
}

const withoutRequestIds = (body: Json): Json => {
  const { instance: _i, requestId: _r, correlationId: _c, traceId: _t, ...rest } = body;
  return rest;
};

describe('tenancy: partners are registered, customers cannot squat them', () => {
  let t: TestApp;
  let store: EventStore;
  beforeAll(async () => {
    t = await startTestApp();
    store = t.app.get<EventStore>(EVENT_STORE);
  });
  afterAll(async () => {
    await t?.close();
  });

  const register = (as: Caller, body: Record<string, unknown>) =>
    t.request('POST', '/v1/customers', {
      as,
      body: { companyName: 'Squat Ltd', domain: uniqueDomain('squat'), country: 'PL', ...body },
    });

  describe('a partner tenant is never a customer', () => {
    it('refuses another partner’s tenant as a customer’s tenantId (409 tenant_is_partner) and that partner keeps its access', async () => {
      const squatter = adminAgent();
      const victim = adminAgent();
      const victimCustomer = await registerCustomer(t, victim, 'PL');
      const res = await register(squatter, { tenantId: victim.tenantId });
      expectProblem(res, 409, 'tenant_is_partner');
      expect(res.body.errors.map((e: Json) => e.field)).toEqual(['tenantId']);
      // The victim is still a partner: its customers, its registrations; its GlobalAdmin has no "customer" record.
      expect((await t.request('GET', `/v1/customers/${victimCustomer.id}`, { as: victim })).status).toBe(200);
      expect((await register(victim, {})).status).toBe(201);
      const globalAdmin = { tenantId: victim.tenantId, roles: ['GlobalAdmin'] };
      // Its own tenant is no customer of anyone: 404 (or 403 where the role table refuses first), never 200.
      for (const path of [`/v1/customers/${victim.tenantId}`, `/v1/customers/${victim.tenantId}/software`]) {
        const res = await t.request('GET', path, { as: globalAdmin });
        expect([403, 404]).toContain(res.status);
      }
      expect((await store.readStream(streamIdOf('customer', victim.tenantId))).streamExists).toBe(false);
    });

    it('refuses the calling partner’s own tenant the same way', async () => {
      const partner = adminAgent();
      expectProblem(await register(partner, { tenantId: partner.tenantId }), 409, 'tenant_is_partner');
      expectProblem(await register(partner, { tenantId: partner.tenantId.toUpperCase() }), 409, 'tenant_is_partner');
    });

    it('a refused squat claims nothing: its domain stays free', async () => {
      const domain = uniqueDomain('squatted');
      const victim = adminAgent();
      await t.token(victim); // the test app registers a caller's tenant as a partner on its first token
      expectProblem(await register(adminAgent(), { tenantId: victim.tenantId, domain }), 409, 'tenant_is_partner');
      expect((await store.readStream(streamIdOf('customerDomain', domain))).streamExists).toBe(false);
      expect((await register(adminAgent(), { domain })).status).toBe(201);
    });

    it('a 409 for a registered tenant GUID says the same to its partner and to any other', async () => {
      const owner = adminAgent();
      const c = await registerCustomer(t, owner, 'PL');
      const own = await register(owner, { tenantId: c.id });
      const other = await register(adminAgent(), { tenantId: c.id });
      expectProblem(own, 409, 'customer_already_registered');
      expect(other.status).toBe(own.status);
      expect(withoutRequestIds(other.body)).toEqual(withoutRequestIds(own.body));
    });

    it('a customer tenant’s users never act as a partner', async () => {
      const c = await registerCustomer(t, adminAgent(), 'PL');
      const customerAdmin = { tenantId: c.id, roles: ['AdminAgent', 'GlobalAdmin'] };
      expectProblem(await register(customerAdmin, {}), 403, 'forbidden');
      const list = await t.request('GET', '/v1/customers', { as: customerAdmin });
      expect(list.body?.items ?? []).toEqual([]);
    });
  });

  describe('an unregistered tenant', () => {
    it('gets 403 tenant_not_registered on every authenticated route, and nothing is written', async () => {
      const docs = await t.request('GET', '/docs-json');
      expect(docs.status).toBe(200);
      const stranger = unregistered();
      const before = await store.headPosition();
      const checked: string[] = [];
      for (const [path, operations] of Object.entries(docs.body.paths as Record<string, Record<string, unknown>>)) {
        const concrete = path.replace(/\{[^}]+\}/g, () => randomUUID());
        for (const method of Object.keys(operations)) {
          const verb = method.toUpperCase();
          const body = ['POST', 'PATCH', 'PUT'].includes(verb) ? {} : undefined;
          const anonymous = await t.request(verb, concrete, { body });
          if (anonymous.status !== 401) continue; // a public route (health, docs, signed downloads)
          const res = await t.request(verb, concrete, { as: stranger, body });
          expect({ route: `${verb} ${path}`, status: res.status, code: res.body?.code }).toEqual({
            route: `${verb} ${path}`,
            status: 403,
            code: 'tenant_not_registered',
          });
          checked.push(`${verb} ${path}`);
        }
      }
      expect(checked).toEqual(
        expect.arrayContaining(['POST /v1/customers', 'GET /v1/customers', 'GET /v1/auditrecords', 'GET /v1/events']),
      );
      expect(checked.length).toBeGreaterThan(15);
      expect(await store.headPosition()).toBe(before);
    });

    it('becomes a partner once the operator adds it with the CLI, without a restart', async () => {
      const newcomer = unregistered(['AdminAgent']);
      expectProblem(await t.request('GET', '/v1/customers', { as: newcomer }), 403, 'tenant_not_registered');
      const { stdout } = await cli(['partners', 'add', newcomer.tenantId, 'Newcomer CSP'], t.db.url);
      expect(stdout).toMatch(new RegExp(`partner ${newcomer.tenantId} registered as "Newcomer CSP"`));
      expect((await t.request('GET', '/v1/customers', { as: newcomer })).status).toBe(200);
      expect((await register(newcomer, {})).status).toBe(201);
    });
  });

  describe('claiming a domain and registering the customer are one step', () => {
    /** Kills the customer's append in the database, as a crash between the two appends would. */
    async function failAppendsTo(streamId: string): Promise<() => Promise<void>> {
      const db = new Client({ connectionString: t.db.url });
      await db.connect();
      const fn = `fail_${randomUUID().replace(/-/g, '')}`;
      await db.query(`CREATE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF NEW.stream_id = '${streamId}' THEN
            RAISE EXCEPTION 'injected crash' USING ERRCODE = '57P01';
          END IF;
          RETURN NEW;
        END $$`);
      await db.query(`CREATE TRIGGER ${fn} BEFORE INSERT ON es_events FOR EACH ROW EXECUTE FUNCTION ${fn}()`);
      return async () => {
        await db.query(`DROP TRIGGER ${fn} ON es_events`);
        await db.query(`DROP FUNCTION ${fn}()`);
        await db.end();
      };
    }

    it('a registration that stopped after its claim is retried and succeeds', async () => {
      const partner = adminAgent();
      const tenantId = randomUUID();
      const domain = uniqueDomain('crash');
      const body = { companyName: 'Crash Ltd', domain, country: 'PL', tenantId };
      const heal = await failAppendsTo(streamIdOf('customer', tenantId));
      try {
        const failed = await t.request('POST', '/v1/customers', { as: partner, body });
        expect(failed.status).toBe(503);
      } finally {
        await heal();
      }
      expectProblem(await t.request('GET', `/v1/customers/${tenantId}`, { as: partner }), 404);
      const retried = await t.request('POST', '/v1/customers', { as: partner, body });
      expect(retried.status).toBe(201);
      expect(retried.body).toMatchObject({ id: tenantId, domain });
    });

    it('an orphaned claim does not keep the domain: another customer registers it, and the stalled one can no longer', async () => {
      const partner = adminAgent();
      const stalled = randomUUID();
      const domain = uniqueDomain('orphan');
      const heal = await failAppendsTo(streamIdOf('customer', stalled));
      try {
        expect((await register(partner, { tenantId: stalled, domain })).status).toBe(503);
      } finally {
        await heal();
      }
      const claim = await store.readStream(streamIdOf('customerDomain', domain));
      expect(claim.events.map((e) => (e.data as Json).customerId)).toEqual([stalled]);

      const other = adminAgent();
      const taken = await register(other, { domain });
      expect(taken.status).toBe(201);
      // The stalled registration was fenced before its claim was taken over: it cannot complete with the domain.
      expect((await store.readStream(streamIdOf('customer', stalled))).events.map((e) => e.type)).toEqual([
        'CustomerDomainClaimLapsed',
      ]);
      expectProblem(await register(partner, { tenantId: stalled, domain }), 409, 'domain_taken');
      // ...but with another domain it registers.
      expect((await register(partner, { tenantId: stalled })).status).toBe(201);
      expectProblem(await register(adminAgent(), { domain }), 409, 'domain_taken');
    });

    it('racing registrations of one domain: exactly one customer gets it', async () => {
      const domain = uniqueDomain('race');
      const partners = Array.from({ length: 6 }, () => adminAgent());
      await Promise.all(partners.map((p) => t.token(p)));
      const results = await Promise.all(partners.map((p) => register(p, { domain })));
      const statuses = results.map((r) => r.status).sort();
      expect(statuses).toEqual([201, 409, 409, 409, 409, 409]);
      for (const r of results.filter((x) => x.status === 409)) expect(r.body.code).toBe('domain_taken');
      const winner = results.find((r) => r.status === 201)!.body.id;
      const claim = await store.readStream(streamIdOf('customerDomain', domain));
      expect((claim.events[claim.events.length - 1].data as Json).customerId).toBe(winner);
    });
  });
});

describe('tenancy: PARTNER_TENANTS at start-up', () => {
  const PARTNER = randomUUID();

  it('registers the listed partners once: a second start writes nothing', async () => {
    const db = await createTestDatabase('csp_tenancy');
    const env = { DATABASE_URL: db.url, PARTNER_TENANTS: `${PARTNER}:Seeded CSP` };
    try {
      for (let start = 0; start < 2; start++) {
        const t = await startTestApp({ env, queue: 'postgres' });
        try {
          const as: Caller = { tenantId: PARTNER, roles: ['AdminAgent'], unregistered: true };
          expect((await t.request('GET', '/v1/customers', { as })).status).toBe(200);
          const stream = await t.app.get<EventStore>(EVENT_STORE).readStream(streamIdOf('partner', PARTNER));
          expect(stream.events.map((e) => [e.type, (e.data as Json).name, (e.data as Json).source])).toEqual([
            ['PartnerRegistered', 'Seeded CSP', 'configuration'],
          ]);
        } finally {
          await t.close();
        }
      }
    } finally {
      await db.drop();
    }
  });

  it('refuses to start when a listed tenant is a registered customer', async () => {
    const db = await createTestDatabase('csp_tenancy');
    try {
      const t = await startTestApp({ env: { DATABASE_URL: db.url }, queue: 'postgres' });
      const c = await registerCustomer(t, adminAgent(), 'PL');
      await t.close();
      await expect(
        startTestApp({ env: { DATABASE_URL: db.url, PARTNER_TENANTS: c.id }, queue: 'postgres' }),
      ).rejects.toThrow(`Configuration error: PARTNER_TENANTS lists ${c.id}, which is a registered customer`);
    } finally {
      await db.drop();
    }
  });
});
