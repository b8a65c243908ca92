import { randomUUID } from 'node:crypto';
import { EVENT_STORE, EventStore, RecordedEvent } from '@csp/event-store';
import { Caller, newTenant, TestApp, TestResponse } from '../support/app';

/** Windows Server 2022 Standard, perpetual (config/catalog.json): sold in PL, cancellable. */
export const PERPETUAL_OFFER = 'DG7GMGF0D7FV:0001:DG7GMGF0D7FW';

export const adminAgent = (tenantId = newTenant()): Caller => ({
  tenantId,
  roles: ['AdminAgent'],
  userId: `agent-${tenantId.slice(0, 8)}`,
  upn: `agent@${tenantId.slice(0, 8)}.example`,
});

/** Every role at once, so that a refusal can only come from the tenant or the token, never from a role. */
export const allRoles = (tenantId = newTenant()): Caller => ({
  tenantId,
  roles: ['AdminAgent', 'GlobalAdmin', 'AccountAdmin', 'Auditor', 'BillingAdmin'],
  userId: `all-${tenantId.slice(0, 8)}`,
  upn: `all@${tenantId.slice(0, 8)}.example`,
});

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export const eventStoreOf = (t: TestApp): EventStore => t.app.get<EventStore>(EVENT_STORE);

export async function readAll(store: EventStore): Promise<RecordedEvent[]> {
  const out: RecordedEvent[] = [];
  let after = 0;
  for (let i = 0; i < 10_000; i++) {
    const batch = await store.readAll({ after, maxCount: 1000 });
    out.push(...batch.events);
    after = batch.lastPosition;
    if (batch.isEnd || batch.events.length === 0) break;
  }
  return out;
}

export async function registerCustomer(t: TestApp, as: Caller, country = 'PL'): Promise<{ id: string }> {
  const res = await t.request('POST', '/v1/customers', {
    as,
    body: { companyName: `Chaos ${country}`, domain: `chaos-${randomUUID().slice(0, 12)}.example.com`, country },
  });
  if (res.status !== 201) throw new Error(`register customer: ${res.status} ${res.text}`);
  return res.body as { id: string };
}

export async function placeOrder(
  t: TestApp,
  as: Caller,
  customerId: string,
  requestId?: string,
): Promise<TestResponse> {
  return t.request('POST', `/v1/customers/${customerId}/orders`, {
    as,
    headers: requestId ? { 'MS-RequestId': requestId } : {},
    body: { lineItems: [{ lineItemNumber: 0, offerId: PERPETUAL_OFFER, quantity: 1 }] },
  });
}

/** Polls until `check` stops throwing, or rethrows its last error after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T> | T, timeoutMs = 10_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() >= deadline) throw error;
      await sleep(everyMs);
    }
  }
}

/** Problem+json as the contract describes it; returns what is wrong, or undefined. */
export function problemDefect(res: TestResponse): string | undefined {
  if (!/^application\/problem\+json/.test(res.headers.get('content-type') ?? '')) return 'not problem+json';
  const b = res.body as { status?: unknown; code?: unknown; title?: unknown; detail?: unknown } | undefined;
  if (!b || b.status !== res.status) return 'status member missing or different';
  if (typeof b.code !== 'string' || !/^[a-z][a-z0-9_]*$/.test(b.code)) return 'no snake_case code';
  if (typeof b.title !== 'string' || typeof b.detail !== 'string') return 'no title/detail';
  return undefined;
}

/** A route as the OpenAPI document lists it. */
export interface Endpoint {
  method: string; // lower case
  template: string; // e.g. /v1/customers/{customerId}/orders
  params: string[];
}

/** Every route of the running service, from its own OpenAPI document, so that new routes are covered too. */
export async function listEndpoints(t: TestApp): Promise<Endpoint[]> {
  const docs = await t.request('GET', '/docs-json');
  if (docs.status !== 200) throw new Error(`/docs-json: ${docs.status}`);
  const endpoints: Endpoint[] = [];
  for (const [template, item] of Object.entries(docs.body.paths as Record<string, Record<string, unknown>>)) {
    for (const method of Object.keys(item)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      endpoints.push({ method, template, params: [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!) });
    }
  }
  return endpoints;
}

/** Routes meant to be reachable without a token: probes, metrics and the signed download link. */
export const PUBLIC_ROUTES = ['get /health/live', 'get /health/ready', 'get /metrics', 'get /v1/downloads/{token}'];
