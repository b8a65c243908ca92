import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import type { Pool } from 'pg';
import type { EventStore } from '@csp/event-store';
import { ALL_ROLES } from '../e2e/e2e-helpers';
import { Caller, TestApp } from '../support/app';
import { allRoles, Endpoint, placeOrder, registerCustomer } from './chaos-helpers';
import { Body, bodyArb, junkIdArb, payloadOf } from './fuzz-arbitraries';
import { RAW_BODIES, TEMPLATES } from './request-templates';

/** Events the in-process worker appends on its own schedule: never a request's doing. */
const WORKER_EVENT_TYPES = new Set([
  'CancellationPropagated',
  'CancellationPropagationOverdue',
  'CancellationWindowClosing',
  'KmsRenewalDueSoonWarned',
  'KmsRenewalOverdueWarned',
]);
/** A few request ids shared by every route and caller, so that reuse and collisions are exercised. */
const SHARED_REQUEST_IDS = [randomUUID(), randomUUID(), randomUUID()];

export interface WriteRequest {
  label: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Body;
}

/** Two partners, each with a customer, an order, a device group and a webhook endpoint: the ids the fuzz aims at. */
export async function seedTenants(
  t: TestApp,
): Promise<{ callers: Caller[]; ids: Record<string, string[]>; tokens: string[] }> {
  const own = allRoles();
  const other = allRoles();
  const ids: Record<string, string[]> = { customerId: [], orderId: [], softwareId: [], groupId: [], endpointId: [] };
  const customers: string[] = [];
  for (const partner of [own, other]) {
    const customer = await registerCustomer(t, partner);
    const order = (await placeOrder(t, partner, customer.id)).body as { id: string };
    const group = await t.request('POST', `/v1/customers/${customer.id}/kmsmigration/devicegroups`, {
      as: partner,
      body: TEMPLATES['post /v1/customers/{customerId}/kmsmigration/devicegroups']!.base,
    });
    if (group.status !== 201) throw new Error(`device group: ${group.status} ${group.text}`);
    customers.push(customer.id);
    ids.customerId!.push(customer.id);
    ids.orderId!.push(order.id);
    ids.softwareId!.push(`${order.id}_0`);
    ids.groupId!.push((group.body as { id: string }).id);
    const endpoint = await t.request('POST', '/v1/webhooks/endpoints', {
      as: partner,
      body: TEMPLATES['post /v1/webhooks/endpoints']!.base,
    });
    if (endpoint.status !== 201) throw new Error(`webhook endpoint: ${endpoint.status} ${endpoint.text}`);
    ids.endpointId!.push((endpoint.body as { id: string }).id);
  }
  const callers: Caller[] = [
    own,
    other,
    ...ALL_ROLES.map((role) => ({ tenantId: own.tenantId, roles: [role], userId: `only-${role}` })),
    { tenantId: customers[0]!, roles: ['GlobalAdmin'], userId: 'customer-admin' },
  ];
  const tokens = await Promise.all(callers.map((c) => t.token(c)));
  return { callers, ids, tokens };
}

/** Any write route, with real ids of either partner or junk, any caller, valid or broken bodies, any headers. */
export function writeRequestArb(
  endpoints: Endpoint[],
  ids: Record<string, string[]>,
  tokens: string[],
): fc.Arbitrary<WriteRequest> {
  const writes = endpoints.filter((e) => e.method !== 'get');
  return fc.constantFrom(...writes).chain((e) => {
    const key = `${e.method} ${e.template}`;
    const template = TEMPLATES[key];
    const raw = RAW_BODIES[key];
    const idArb = (name: string): fc.Arbitrary<string> =>
      ids[name]?.length
        ? fc.oneof(
            { arbitrary: fc.constant(ids[name]![0]!), weight: 6 },
            { arbitrary: fc.constantFrom(...ids[name]!.slice(1)), weight: 2 },
            { arbitrary: junkIdArb, weight: 1 },
          )
        : junkIdArb;
    const bodies: fc.Arbitrary<{ body: Body; mode: string }>[] = [bodyArb(template)];
    if (template) {
      bodies.push(
        fc.constant({ body: { kind: 'json', value: template.base } as Body, mode: 'valid' }),
        fc.constant({ body: { kind: 'json', value: template.base } as Body, mode: 'valid' }),
        fc.constant({ body: { kind: 'json', value: template.base } as Body, mode: 'valid' }),
        fc
          .tuple(fc.constantFrom(...Object.keys(template.base)), fc.oneof(fc.jsonValue(), fc.string()))
          .map(([field, value]) => ({
            body: { kind: 'json', value: { ...template.base, [field]: value } } as Body,
            mode: `any ${field}`,
          })),
      );
    }
    if (raw) {
      bodies.push(
        fc.constant({ body: { kind: 'text', ...raw } as Body, mode: 'valid csv' }),
        fc.string({ maxLength: 200 }).map((text) => ({
          body: { kind: 'text', text, contentType: raw.contentType } as Body,
          mode: 'any csv',
        })),
      );
    }
    bodies.push(
      fc.integer({ min: 20, max: 5000 }).map((n) => ({
        body: { kind: 'text', text: '{"x":'.repeat(n) + '1' + '}'.repeat(n), contentType: 'application/json' } as Body,
        mode: 'deep',
      })),
    );
    return fc
      .record({
        ids: e.params.length ? fc.tuple(...e.params.map(idArb)) : fc.constant([] as string[]),
        body: fc.oneof(...bodies),
        auth: fc.oneof(
          // The first partner, with every role, most of the time: the commands that can succeed.
          { arbitrary: fc.constant(`Bearer ${tokens[0]}`), weight: 8 },
          { arbitrary: fc.constantFrom(...tokens.slice(1)).map((tk) => `Bearer ${tk}`), weight: 4 },
          { arbitrary: fc.constantFrom('', 'Bearer', 'Bearer x.y.z', `Bearer ${tokens[0]}x`), weight: 1 },
        ),
        requestId: fc.oneof(
          fc.constant(undefined),
          fc.uuid(),
          fc.constantFrom(...SHARED_REQUEST_IDS),
          fc.string({ maxLength: 60 }),
        ),
        correlationId: fc.oneof(
          { arbitrary: fc.uuid(), weight: 3 },
          { arbitrary: fc.string({ maxLength: 40 }), weight: 1 },
        ),
        contentType: fc.oneof(
          { arbitrary: fc.constant(undefined), weight: 6 },
          {
            arbitrary: fc.constantFrom(
              'text/plain',
              'application/merge-patch+json',
              'application/json; charset=latin1',
            ),
            weight: 1,
          },
        ),
        accept: fc.constantFrom(undefined, 'application/json', 'text/csv', '*/*', 'garbage'),
      })
      .map((r) => {
        let i = 0;
        const headers: Record<string, string> = {};
        if (r.auth) headers.authorization = r.auth;
        const printable = (s: string): string => s.replace(/[^\x20-\x7e]/g, '');
        if (r.requestId !== undefined) headers['ms-requestid'] = printable(r.requestId);
        headers['ms-correlationid'] = printable(r.correlationId);
        if (r.accept) headers.accept = r.accept;
        if (r.contentType) headers['content-type'] = r.contentType;
        return {
          label: `${e.method.toUpperCase()} ${e.template} [${r.body.mode}]`,
          method: e.method.toUpperCase(),
          path: e.template.replace(/\{\w+\}/g, () => r.ids[i++]!),
          headers,
          body: r.body.body,
        };
      });
  });
}

/**
 * The store's head once every committed event is readable. The safe horizon holds events back while an older
 * transaction (a projection's batch, under load) is still open: read before that, an earlier request's event would
 * show up later as if the next request had written it, and read after a request, an event of its own could be
 * missed.
 */
async function settledHead(store: EventStore, pool: Pool): Promise<number> {
  const { rows } = await pool.query<{ p: string }>('SELECT coalesce(max(global_position), 0) AS p FROM es_events');
  const committed = Number(rows[0]!.p);
  for (const deadline = Date.now() + 20_000; ;) {
    const head = await store.headPosition();
    if (head >= committed || Date.now() > deadline) return head;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Sends one request; answers its status and the events it wrote (by its correlation id, or of a request's type). */
export async function sendCounting(
  store: EventStore,
  pool: Pool,
  baseUrl: string,
  r: WriteRequest,
): Promise<{ status: number; written: string[]; text: string }> {
  const before = await settledHead(store, pool);
  const { payload, contentType } = payloadOf(r.body);
  const headers = { ...r.headers };
  if (contentType) headers['content-type'] ??= contentType;
  let status = 0;
  let text = '';
  let correlationId: string | null = null;
  try {
    const res = await fetch(`${baseUrl}${r.path}`, {
      method: r.method,
      headers,
      body: payload,
      redirect: 'manual',
      signal: AbortSignal.timeout(30_000),
    });
    status = res.status;
    text = (await res.text()).slice(0, 200);
    correlationId = res.headers.get('ms-correlationid');
  } catch (error) {
    text = String(error);
  }
  await settledHead(store, pool);
  const after = await store.readAll({ after: before, maxCount: 100 });
  const written = after.events
    .filter((e) => e.metadata?.correlationId === correlationId || !WORKER_EVENT_TYPES.has(e.type))
    .map((e) => e.type);
  return { status, written, text };
}
