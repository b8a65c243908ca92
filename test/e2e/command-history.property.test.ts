import { streamIdOf, streamTypeOf } from '@csp/domain';
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import type { RecordedEvent } from '@csp/event-store';
import { Caller, startTestApp, TestApp, TestResponse } from '../support/app';
import {
  cancelBody,
  Json,
  OFFERS,
  orderPath,
  readAllEvents,
  registerCustomer,
  softwareIdOf,
  WORKER_EVENT_TYPES,
} from './e2e-helpers';

/**
 * Issue 12: random sequences of commands by several users of two tenants, with fresh, reused and shared
 * MS-RequestIds, then the event history replayed: every key served has its KeyRevealed, every acknowledged
 * cancellation its OrderCancelled, every link its DownloadLinkIssued, every download its SoftwareDownloaded
 * (a constant MS-RequestId included), nothing else was written, and no tenant
 * reached another's customer or order.
 */

type RequestIdChoice = { kind: 'fresh' } | { kind: 'pool'; index: number };
type Command =
  | { type: 'place'; user: number; rid: RequestIdChoice; quantity: number }
  | { type: 'reveal'; user: number; order: OrderChoice; line: number; version: string; rid: RequestIdChoice }
  | { type: 'link'; user: number; order: OrderChoice; line: number; rid: RequestIdChoice }
  | { type: 'cancel'; user: number; order: OrderChoice; rid: RequestIdChoice }
  /** Anonymous: the link's holder, with a request id of the pool (a constant one must not skip the record). */
  | { type: 'download'; link: number; rid: RequestIdChoice };
type OrderChoice = { foreign: boolean; back: number };

interface Tenant {
  partnerTenantId: string;
  customerId: string;
}

interface Served {
  kind: 'key' | 'link' | 'cancel' | 'place' | 'download';
  caller: Caller;
  requestId: string;
  orderId: string;
  line?: number;
  linkId?: string;
  /** The link's path (links) or the downloaded link's id (downloads). */
  path?: string;
}

const POOL = 4;
const ridArb: fc.Arbitrary<RequestIdChoice> = fc.oneof(
  { arbitrary: fc.constant({ kind: 'fresh' as const }), weight: 1 },
  { arbitrary: fc.nat(POOL - 1).map((index) => ({ kind: 'pool' as const, index })), weight: 2 },
);
const userArb = fc.nat(5);
/** Mostly an order of the caller's own tenant, most recent first; sometimes another tenant's. */
const orderArb = fc
  .record({ foreign: fc.nat(4), back: fc.nat(3) })
  .map(({ foreign, back }) => ({ foreign: foreign === 0, back }));
const commandArb: fc.Arbitrary<Command> = fc.oneof(
  fc.record({ type: fc.constant('place' as const), user: userArb, rid: ridArb, quantity: fc.constantFrom(1, 2) }),
  fc.record({
    type: fc.constant('reveal' as const),
    user: userArb,
    order: orderArb,
    line: fc.constantFrom(0, 0, 1, 5),
    version: fc.constantFrom('2022', '2022', '2019', '1999'),
    rid: ridArb,
  }),
  fc.record({
    type: fc.constant('link' as const),
    user: userArb,
    order: orderArb,
    line: fc.constantFrom(0, 1, 5),
    rid: ridArb,
  }),
  fc.record({ type: fc.constant('cancel' as const), user: userArb, order: orderArb, rid: ridArb }),
  fc.record({ type: fc.constant('download' as const), link: fc.nat(3), rid: ridArb }),
  {
    arbitrary: fc.record({
      type: fc.constant('reveal' as const),
      user: userArb,
      order: orderArb,
      line: fc.constant(0),
      version: fc.constant('2022'),
      rid: ridArb,
    }),
    weight: 2,
  },
);

describe('property: the event history holds every key, link and cancellation served, across tenants and users', () => {
  let t: TestApp;
  let tenants: Tenant[];
  /** Per tenant: two partner AdminAgents and the customer's GlobalAdmin. */
  let users: Array<{ caller: Caller; tenant: number }>;
  /** Orders placed before the runs: one per tenant, so every run can reach an order at once. */
  const seeded: Array<{ orderId: string; tenant: number }> = [];

  beforeAll(async () => {
    t = await startTestApp();
    tenants = [];
    users = [];
    for (let i = 0; i < 2; i++) {
      const partnerTenantId = randomUUID();
      const agent: Caller = {
        tenantId: partnerTenantId,
        roles: ['AdminAgent'],
        userId: 'agent-1',
        upn: 'a1@p.example',
      };
      const customer = await registerCustomer(t, agent, 'PL');
      tenants.push({ partnerTenantId, customerId: customer.id });
      // The same `sub` in both tenants, on purpose: a sub means something only with its tenant.
      users.push({ caller: agent, tenant: i });
      users.push({
        caller: { tenantId: partnerTenantId, roles: ['AdminAgent'], userId: 'agent-2', upn: 'a2@p.example' },
        tenant: i,
      });
      users.push({
        caller: { tenantId: customer.id, roles: ['GlobalAdmin'], userId: 'agent-1', upn: 'admin@c.example' },
        tenant: i,
      });
      const placed = await t.request('POST', `/v1/customers/${customer.id}/orders`, {
        as: agent,
        body: { lineItems: lineItems(1) },
      });
      expect(placed.status).toBe(201);
      seeded.push({ orderId: placed.body.id, tenant: i });
    }
  });
  afterAll(async () => {
    await t?.close();
  });

  const lineItems = (quantity: number) => [
    { lineItemNumber: 0, offerId: OFFERS.perpetual, quantity },
    { lineItemNumber: 1, offerId: OFFERS.sqlPerpetual, quantity: 1 },
  ];

  it('random command sequences with reused and shared request ids leave a complete, tenant-tight history', async () => {
    const served: Served[] = [];
    const acknowledgedCancellations = new Set<string>();
    const statuses = new Map<string, number>();
    const started = Date.now();

    await fc.assert(
      fc.asyncProperty(fc.array(commandArb, { minLength: 8, maxLength: 24 }), async (commands) => {
        const pool = Array.from({ length: POOL }, () => randomUUID());
        const orders = [...seeded];
        /** First use of each (caller, request id) in this run: what a reuse must match to be a retry. */
        const firstUse = new Map<string, string>();
        for (const c of commands) {
          if (c.type === 'download') {
            await download(c, c.rid.kind === 'fresh' ? randomUUID() : pool[c.rid.index]!);
            continue;
          }
          const { caller, tenant } = users[c.user % users.length]!;
          const requestId = c.rid.kind === 'fresh' ? randomUUID() : pool[c.rid.index]!;
          const target = c.type === 'place' ? undefined : pickOrder(orders, c.order, tenant);
          const own = target ? target.tenant === tenant : true;
          const customerId = tenants[target ? target.tenant : tenant]!.customerId;
          const { method, path, body } = requestOf(c, customerId, target?.orderId);
          const res = await t.request(method, path, { as: caller, body, headers: { 'MS-RequestId': requestId } });
          statuses.set(`${c.type} ${res.status}`, (statuses.get(`${c.type} ${res.status}`) ?? 0) + 1);
          expectOneOf(c, res, [200, 201, 400, 403, 404, 409, 410, 422]);
          // Another tenant's order: never reached (a reuse of my own id may be refused as such first).
          if (!own) expectOneOf(c, res, [403, 404, 422]);
          // A reuse of my id on another route or body is refused; only an identical request is a retry.
          const who = `${caller.tenantId}/${caller.userId}/${requestId}`;
          const signature = `${method} ${path} ${JSON.stringify(body)}`;
          const first = firstUse.get(who);
          // (another tenant's path is refused as such first: 404)
          if (first !== undefined && first !== signature) expectOneOf(c, res, own ? [403, 422] : [403, 404, 422]);
          if (first === undefined && res.status < 400) firstUse.set(who, signature);
          record(c, res, caller, requestId, target?.orderId);
          if (
            c.type === 'reveal' &&
            target &&
            acknowledgedCancellations.has(target.orderId) &&
            own &&
            res.status !== 422
          )
            expectOneOf(c, res, [404, 410, 422]);
        }
        /** The link's holder downloads it anonymously: the most recent links first. */
        async function download(c: Extract<Command, { type: 'download' }>, requestId: string) {
          const links = served.filter((s) => s.kind === 'link');
          const link = links[links.length - 1 - (c.link % Math.max(1, links.length))];
          if (!link) return;
          const res = await fetch(`${t.baseUrl}${link.path}`, {
            headers: { 'MS-RequestId': requestId },
            redirect: 'manual',
          });
          await res.arrayBuffer();
          statuses.set(`download ${res.status}`, (statuses.get(`download ${res.status}`) ?? 0) + 1);
          if (![200, 410].includes(res.status)) throw new Error(`download answered ${res.status} for ${link.path}`);
          if (res.status === 200)
            served.push({ ...link, kind: 'download', requestId, path: undefined, linkId: link.linkId });
        }
        function record(c: Command, res: TestResponse, caller: Caller, requestId: string, orderId?: string) {
          if (c.type === 'place' && res.status === 201) {
            orders.push({ orderId: res.body.id, tenant: users[c.user % users.length]!.tenant });
            served.push({ kind: 'place', caller, requestId, orderId: res.body.id });
          }
          if (c.type === 'reveal' && res.status === 200)
            served.push({ kind: 'key', caller, requestId, orderId: orderId!, line: c.line });
          if (c.type === 'link' && res.status === 201)
            served.push({
              kind: 'link',
              caller,
              requestId,
              orderId: orderId!,
              line: c.line,
              linkId: res.body.linkId,
              path: new URL(res.body.uri).pathname,
            });
          if (c.type === 'cancel' && res.status === 200) {
            expect(res.body.status).toBe('cancelled');
            acknowledgedCancellations.add(orderId!);
            served.push({ kind: 'cancel', caller, requestId, orderId: orderId! });
          }
        }
      }),
      { numRuns: 60, seed: 0x12_2026, endOnFailure: true },
    );

    // Replay the whole history.
    const events = await readAllEvents(t);
    const requestEvents = events.filter((e) => e.metadata.requestId !== undefined && e.metadata.userId !== undefined);
    const matches = (e: RecordedEvent, s: Served) =>
      e.metadata.requestId === s.requestId &&
      e.metadata.userId === s.caller.userId &&
      e.metadata.tenantId === s.caller.tenantId &&
      e.streamId === streamIdOf('order', s.orderId);

    // Every key served is one KeyRevealed (a retry too), and no KeyRevealed without a key served.
    const keys = served.filter((s) => s.kind === 'key');
    const revealed = requestEvents.filter((e) => e.type === 'KeyRevealed');
    expect(revealed.length).toBe(keys.length);
    for (const s of keys) {
      const own = revealed.filter((e) => matches(e, s) && e.data.lineItemNumber === s.line);
      expect(own.length).toBe(
        keys.filter(
          (k) => k.requestId === s.requestId && sameCaller(k, s) && k.orderId === s.orderId && k.line === s.line,
        ).length,
      );
    }
    // Every acknowledged cancellation happened, by the caller that was told so.
    for (const s of served.filter((x) => x.kind === 'cancel')) {
      expect(requestEvents.filter((e) => e.type === 'OrderCancelled' && matches(e, s))).toHaveLength(1);
    }
    // Every link handed out is recorded.
    const links = new Set(requestEvents.filter((e) => e.type === 'DownloadLinkIssued').map((e) => e.data.linkId));
    for (const s of served.filter((x) => x.kind === 'link')) expect(links.has(s.linkId)).toBe(true);
    // Every download served is one SoftwareDownloaded of its link, whatever MS-RequestId it carried.
    const downloaded = events.filter((e) => e.type === 'SoftwareDownloaded');
    const downloads = served.filter((x) => x.kind === 'download');
    expect(downloaded.length).toBe(downloads.length);
    for (const linkId of new Set(downloads.map((d) => d.linkId)))
      expect(downloaded.filter((e) => e.data.linkId === linkId).length).toBe(
        downloads.filter((d) => d.linkId === linkId).length,
      );
    // Every order acknowledged exists once.
    for (const s of served.filter((x) => x.kind === 'place'))
      expect(requestEvents.filter((e) => e.type === 'OrderPlaced' && e.data.orderId === s.orderId)).toHaveLength(1);

    // No tenant's command landed on another tenant's data.
    const tenantOfOrder = new Map<string, number>();
    for (const e of events.filter((x) => x.type === 'OrderPlaced'))
      tenantOfOrder.set(
        e.streamId,
        tenants.findIndex((tn) => tn.partnerTenantId === e.data.partnerTenantId),
      );
    for (const e of requestEvents.filter(
      (x) => streamTypeOf(x.streamId) === 'order' && !WORKER_EVENT_TYPES.has(x.type),
    )) {
      const tn = tenants[tenantOfOrder.get(e.streamId)!]!;
      expect([tn.partnerTenantId, tn.customerId]).toContain(e.metadata.tenantId);
    }
    for (const [i, tn] of tenants.entries()) {
      const other = tenants[1 - i]!;
      const partner: Caller = { tenantId: tn.partnerTenantId, roles: ['AdminAgent'], userId: 'agent-1' };
      const list = await t.request('GET', '/v1/customers', { as: partner });
      expect(list.body.items.map((c: Json) => c.id)).toEqual([tn.customerId]);
      expect((await t.request('GET', `/v1/customers/${other.customerId}/software`, { as: partner })).status).toBe(404);
    }
    expect(Date.now() - started).toBeLessThan(60_000);
    console.log(
      `history property: ${served.length} served, ${events.length} events, answers ${JSON.stringify(Object.fromEntries([...statuses].sort()))}`,
    );
    // The runs must have exercised the interesting answers, or the property proves little.
    for (const answer of [
      'reveal 200',
      'reveal 422',
      'reveal 404',
      'cancel 200',
      'link 201',
      'place 201',
      'download 200',
    ])
      expect([...statuses.keys()]).toContain(answer);
  }, 90_000);
});

function pickOrder<O extends { tenant: number }>(orders: O[], choice: OrderChoice, tenant: number): O {
  const candidates = orders.filter((o) => (o.tenant === tenant) !== choice.foreign);
  return candidates[Math.max(0, candidates.length - 1 - choice.back)]!;
}

/** Fails naming the command, so a shrunk counterexample reads as a request. */
function expectOneOf(c: Command, res: TestResponse, statuses: number[]): void {
  if (!statuses.includes(res.status))
    throw new Error(
      `${JSON.stringify(c)} answered ${res.status} ${res.text.slice(0, 300)}; expected one of ${statuses.join(', ')}`,
    );
}

const sameCaller = (a: Served, b: Served) =>
  a.caller.tenantId === b.caller.tenantId && a.caller.userId === b.caller.userId;

function requestOf(c: Command, customerId: string, orderId?: string): { method: string; path: string; body: unknown } {
  switch (c.type) {
    case 'place':
      return {
        method: 'POST',
        path: `/v1/customers/${customerId}/orders`,
        body: {
          lineItems: [
            { lineItemNumber: 0, offerId: OFFERS.perpetual, quantity: c.quantity },
            { lineItemNumber: 1, offerId: OFFERS.sqlPerpetual, quantity: 1 },
          ],
        },
      };
    case 'reveal':
      return {
        method: 'POST',
        path: `/v1/customers/${customerId}/software/${softwareIdOf(orderId!, c.line)}/key`,
        body: { version: c.version },
      };
    case 'link':
      return {
        method: 'POST',
        path: `/v1/customers/${customerId}/software/${softwareIdOf(orderId!, c.line)}/downloadlinks`,
        body: { version: '2022', language: 'en-US', bitness: 'x64' },
      };
    case 'cancel':
      return { method: 'PATCH', path: orderPath(customerId, orderId!), body: cancelBody() };
    case 'download':
      throw new Error('a download is anonymous: it has no caller request');
  }
}
