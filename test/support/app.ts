import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ControllableClock } from '@csp/event-sourcing';
import { customerDecider, defaultDomainContext, foldEvents, streamIdOf } from '@csp/domain';
import { EVENT_STORE, type EventStore } from '@csp/event-store';
import { createHttpApp, isGuid, loadConfig, signLocalToken } from '@csp/platform';
import { registerPartner } from '../../libs/capabilities/partners/register-partner/register-partner';
import { ApiModule } from '../../apps/api/src/api.module';
import { createTestDatabase, dropQueueKeys, TestDatabase } from './database';

export const TEST_SECRET = 'test-secret-that-is-long-enough-for-hs256-0123456789';
/** An Ed25519 key for the audit digests (PKCS#8, base64), so that tests need not generate one per data dir. */
export const TEST_AUDIT_SIGNING_KEYS = 'test-audit:MC4CAQAwBQYDK2VwBCIEIM8y9bL6hyV9AMuo1+eNjFs4VGLZhayqtEZCL4O4cdnI';

export interface Caller {
  tenantId: string;
  roles: string[];
  upn?: string;
  userId?: string;
  /**
   * Leave the tenant unregistered. By default the test app registers a caller's tenant as a partner, the way an
   * operator would (`npm run cli -- partners add`), unless it is a registered customer: suites make up partner
   * tenants as they go, so they cannot all be listed in PARTNER_TENANTS up front.
   */
  unregistered?: boolean;
}

export interface TestApp {
  app: NestFastifyApplication;
  baseUrl: string;
  clock: ControllableClock;
  db: TestDatabase;
  token(caller: Caller, ttl?: string | number): Promise<string>;
  /** Real HTTP through the listening Fastify server. */
  request(method: string, path: string, options?: RequestOptions): Promise<TestResponse>;
  close(): Promise<void>;
}

export interface RequestOptions {
  as?: Caller;
  token?: string;
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
}

export interface TestResponse {
  status: number;
  headers: Headers;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  text: string;
}

/**
 * The whole service (api + projections in one process, as `npm start` runs it) on a fresh database of
 * the machine's PostgreSQL and on its Redis, with a controllable clock. Nothing of ours is mocked.
 */
export async function startTestApp(
  options: { queue?: 'redis' | 'postgres'; clock?: ControllableClock; env?: Record<string, string> } = {},
): Promise<TestApp> {
  const db = await createTestDatabase('csp_e2e');
  const dataDir = mkdtempSync(join(tmpdir(), 'csp-e2e-'));
  const clock = options.clock ?? new ControllableClock(new Date());
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: db.url,
    ...(options.queue === 'postgres' ? {} : { REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379' }),
    AUTH_JWT_SECRET: TEST_SECRET,
    KEY_DERIVATION_SECRET: 'key-derivation-secret-for-tests-0123456789abcdef',
    LINK_SIGNING_SECRET: 'link-signing-secret-for-tests-0123456789abcdef',
    WEBHOOK_SECRETS_KEY: 'webhook-secrets-key-for-tests-0123456789abcdef',
    AUDIT_SIGNING_KEYS: TEST_AUDIT_SIGNING_KEYS,
    DATA_DIR: dataDir,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    RATE_LIMIT_PER_MINUTE: '0',
    // Derived keys by default (LICENSING_ADAPTER unset outside production); a KEK so that the pool can import.
    KEY_ENCRYPTION_KEYS: `t1:${Buffer.alloc(32, 0x5a).toString('base64')}`,
    ...options.env,
  });
  const app = await createHttpApp(ApiModule.forRoot(config, { withWorker: true, clock }), config, { swagger: {} });
  try {
    await app.listen({ port: 0, host: '127.0.0.1' });
  } catch (error) {
    // A start-up that refuses (say a bad PARTNER_TENANTS) must not leave its connections behind.
    await app.close().catch(() => undefined);
    await db.drop();
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const baseUrl = `http://127.0.0.1:${port}`;

  const store = app.get<EventStore>(EVENT_STORE);
  const partners = new Set<string>();
  const registerTenant = async (caller: Caller): Promise<void> => {
    const tid = caller.tenantId.toLowerCase();
    if (caller.unregistered || !isGuid(tid) || partners.has(tid)) return;
    const customer = await store.readStream(streamIdOf('customer', tid));
    const state = foldEvents(customerDecider.evolve, customerDecider.initialState(), customer.events as never[]);
    if (state.status === 'registered') return;
    await registerPartner(store, () => defaultDomainContext(clock.now()), {
      partnerTenantId: tid,
      name: `Test partner ${tid.slice(0, 8)}`,
      source: 'cli',
      metadata: { userId: 'test-setup', upn: 'test-setup', tenantId: tid },
    });
    partners.add(tid);
  };

  const token = async (caller: Caller, ttl: string | number = '1h'): Promise<string> => {
    await registerTenant(caller);
    return signLocalToken(
      {
        sub: caller.userId ?? `user-${caller.roles.join('-')}`,
        upn: caller.upn ?? `${caller.roles[0] ?? 'user'}@example.test`,
        tid: caller.tenantId,
        roles: caller.roles,
      },
      { secret: TEST_SECRET, ttl },
    );
  };

  const request = async (method: string, path: string, o: RequestOptions = {}): Promise<TestResponse> => {
    const headers: Record<string, string> = { ...o.headers };
    const bearer = o.token ?? (o.as ? await token(o.as) : undefined);
    if (bearer) headers.authorization = `Bearer ${bearer}`;
    let body: string | undefined = o.rawBody;
    if (o.body !== undefined) {
      body = JSON.stringify(o.body);
      headers['content-type'] ??= 'application/json';
    }
    const res = await fetch(`${baseUrl}${path}`, { method, headers, body, redirect: 'manual' });
    const text = await res.text();
    let parsed: unknown = undefined;
    // JSON and problem+json; not NDJSON (the audit export), which is lines of JSON.
    if (text && /^application\/([\w.-]+\+)?json/.test(res.headers.get('content-type') ?? '')) parsed = JSON.parse(text);
    return { status: res.status, headers: res.headers, body: parsed, text };
  };

  return {
    app,
    baseUrl,
    clock,
    db,
    token,
    request,
    async close() {
      await app.close();
      await db.drop();
      rmSync(dataDir, { recursive: true, force: true });
      // db.drop() removed the keys of db.name; a DATABASE_URL of the test's own names another namespace.
      const effective = new URL(options.env?.DATABASE_URL ?? db.url).pathname.slice(1);
      const namespace = options.env?.QUEUE_NAMESPACE ?? effective;
      if (options.queue !== 'postgres' && namespace !== db.name) await dropQueueKeys(namespace);
    },
  };
}

export const newTenant = (): string => randomUUID();
