import fc from 'fast-check';
import { startTestApp, TestApp } from '../support/app';
import { testPool } from '../support/database';
import {
  allRoles,
  eventStoreOf,
  listEndpoints,
  placeOrder,
  problemDefect,
  registerCustomer,
  readAll,
} from './chaos-helpers';
import { TEMPLATES } from './request-templates';
import { Body, bodyArb, FuzzRequest, junkIdArb, payloadOf, queryArb } from './fuzz-arbitraries';
import { seedTenants, sendCounting, writeRequestArb } from './fuzz-refusals';

/**
 * 5,000 malformed, oversized and type-confused requests across every endpoint the OpenAPI document lists:
 * no 5xx, no dropped connection, errors as problem+json, no command accepted and no event written.
 * Every generated request is bad by construction (see `bodyArb`), so any 2xx command or new event is a bug.
 */
const SEED = 0x5eed_2026;
const BATCH = 50;
const RUNS = 100; // × BATCH = 5,000 requests

describe('chaos: fuzzing every endpoint with bad requests', () => {
  let t: TestApp;
  beforeAll(async () => {
    // Webhook endpoints point at 127.0.0.1:9 (refused at once): private networks allowed, as in the webhook suites.
    t = await startTestApp({
      env: {
        WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
        WEBHOOK_RETRY_SCHEDULE: '0',
        WEBHOOK_DISABLE_AFTER_FAILURES: '1000',
      },
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('answers 5,000 bad requests without a 5xx, without accepting a command, without writing an event', async () => {
    const partner = allRoles();
    const customer = await registerCustomer(t, partner);
    const order = (await placeOrder(t, partner, customer.id)).body as { id: string };
    expect(order.id).toBeTruthy();
    const realIds: Record<string, string> = {
      customerId: customer.id,
      orderId: order.id,
      softwareId: `${order.id}_0`,
    };
    const bearer = await t.token(partner);

    const endpoints = await listEndpoints(t);
    // The ones we know must be among them, or the fuzz would silently cover less.
    for (const key of Object.keys(TEMPLATES)) expect(endpoints.map((e) => `${e.method} ${e.template}`)).toContain(key);

    const requestArb: fc.Arbitrary<FuzzRequest> = fc.constantFrom(...endpoints).chain((e) => {
      const template = TEMPLATES[`${e.method} ${e.template}`];
      const hasBody = e.method !== 'get' && e.method !== 'delete';
      const idArb = (name: string) =>
        realIds[name]
          ? fc.oneof({ arbitrary: fc.constant(realIds[name]!), weight: 3 }, { arbitrary: junkIdArb, weight: 1 })
          : junkIdArb;
      // A valid body is sent only to a path whose ids are all junk (nothing there to change).
      const validBodyOnJunkIds =
        template && e.params.length > 0
          ? [
              fc.record({
                ids: fc.tuple(...e.params.map(() => junkIdArb)),
                body: fc.constant({ body: { kind: 'json', value: template.base } as Body, mode: 'valid-body-bad-id' }),
              }),
            ]
          : [];
      const shape = fc.oneof(
        fc.record({
          ids: e.params.length ? fc.tuple(...e.params.map(idArb)) : fc.constant([] as string[]),
          body: hasBody ? bodyArb(template) : fc.constant({ body: { kind: 'none' } as Body, mode: 'no-body' }),
        }),
        ...validBodyOnJunkIds,
      );
      return fc
        .record({
          shape,
          query: fc.oneof(fc.constant(''), queryArb),
          auth: fc.oneof(
            { arbitrary: fc.constant(`Bearer ${bearer}`), weight: 8 },
            {
              arbitrary: fc.constantFrom('', 'Bearer', 'Bearer x.y.z', `Basic ${bearer}`, `Bearer ${bearer}x`),
              weight: 1,
            },
          ),
          requestId: fc.oneof(fc.constant(undefined), fc.uuid(), fc.string({ maxLength: 80 })),
          accept: fc.constantFrom(undefined, 'application/json', 'text/csv', 'application/xml', '*/*', 'garbage'),
        })
        .map(({ shape, query, auth, requestId, accept }) => {
          let i = 0;
          const path = e.template.replace(/\{\w+\}/g, () => shape.ids[i++]!);
          const headers: Record<string, string> = {};
          if (auth) headers.authorization = auth;
          if (requestId !== undefined) headers['ms-requestid'] = requestId.replace(/[^\x20-\x7e]/g, '');
          if (accept) headers.accept = accept;
          return {
            label: `${e.method.toUpperCase()} ${e.template} [${shape.body.mode}]`,
            method: e.method.toUpperCase(),
            path,
            query,
            headers,
            body: shape.body.body,
            mustFail: hasBody,
          };
        });
    });

    const slow = new Map<string, { n: number; ms: number }>();
    const send = async (
      r: FuzzRequest,
    ): Promise<{ r: FuzzRequest; status: number; problem?: string; text: string }> => {
      const t0 = performance.now();
      const result = await sendOnce(r);
      const s = slow.get(r.label) ?? { n: 0, ms: 0 };
      slow.set(r.label, { n: s.n + 1, ms: s.ms + performance.now() - t0 });
      return result;
    };
    const sendOnce = async (
      r: FuzzRequest,
    ): Promise<{ r: FuzzRequest; status: number; problem?: string; text: string }> => {
      const headers = { ...r.headers };
      const { payload, contentType } = payloadOf(r.body);
      if (contentType) headers['content-type'] = contentType;
      try {
        const res = await fetch(`${t.baseUrl}${r.path}${r.query ? `?${r.query}` : ''}`, {
          method: r.method,
          headers,
          body: payload,
          redirect: 'manual',
          signal: AbortSignal.timeout(30_000),
        });
        const text = await res.text();
        let body: unknown;
        try {
          body = /json/.test(res.headers.get('content-type') ?? '') ? JSON.parse(text) : undefined;
        } catch {
          body = undefined;
        }
        const problem =
          res.status >= 400 ? problemDefect({ status: res.status, headers: res.headers, body, text }) : undefined;
        return { r, status: res.status, problem, text: text.slice(0, 300) };
      } catch (error) {
        return { r, status: 0, text: String(error) };
      }
    };

    const store = eventStoreOf(t);
    const headBefore = await store.headPosition();
    const statuses = new Map<number, number>();
    // Defects grouped by endpoint, mode and answer, so that one run names every distinct one.
    const defects = new Map<string, { count: number; example: string }>();
    let sent = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(requestArb, { minLength: BATCH, maxLength: BATCH }), async (batch) => {
        const results = await Promise.all(batch.map(send));
        sent += results.length;
        for (const x of results) {
          statuses.set(x.status, (statuses.get(x.status) ?? 0) + 1);
          const why =
            x.status === 0
              ? 'no answer'
              : x.status >= 500
                ? '5xx'
                : x.r.mustFail && x.status < 400
                  ? 'bad command accepted'
                  : x.status >= 400 && x.problem
                    ? x.problem
                    : undefined;
          if (!why) continue;
          const code = /"code":"([^"]+)"/.exec(x.text)?.[1] ?? '';
          const key = `${x.r.method} → ${x.status} ${why} ${code}`;
          const d = defects.get(key);
          if (d) d.count++;
          else
            defects.set(key, { count: 1, example: `${x.r.label} ${x.r.path.slice(0, 100)} ${x.text.slice(0, 160)}` });
        }
      }),
      { numRuns: RUNS, seed: SEED },
    );
    expect([...defects].map(([key, d]) => `${key} (×${d.count}) e.g. ${d.example}`)).toEqual([]);
    expect(sent).toBe(RUNS * BATCH);

    // Nothing was written, and the service still serves.
    expect(await store.headPosition()).toBe(headBefore);
    const after = await readAll(store);
    expect(after.filter((e) => e.globalPosition > headBefore)).toEqual([]);
    expect((await t.request('GET', '/health/ready')).status).toBe(200);
    expect((await placeOrder(t, partner, customer.id)).status).toBe(201);
    const slowest = [...slow].sort((a, b) => b[1].ms - a[1].ms).slice(0, 5);
    console.log(slowest.map(([l, v]) => `${l}: ${v.n} × ${Math.round(v.ms / v.n)} ms`).join('\n'));
    console.log(`fuzz: ${sent} requests, statuses ${JSON.stringify(Object.fromEntries([...statuses].sort()))}`);
  }, 120_000);

  // Valid and broken bodies, every caller (two partners, each single role, a customer's admin, bad tokens),
  // own, foreign and junk ids, fresh, shared and junk request ids: sent one at a time, so that the events
  // each one wrote are known. A refused request (4xx) must have written none; nothing may answer 5xx.
  it('on every write route, a refused request writes no event, and nothing answers 5xx', async () => {
    const { ids, tokens } = await seedTenants(t);
    const endpoints = await listEndpoints(t);
    const writes = endpoints.filter((e) => e.method !== 'get').map((e) => `${e.method} ${e.template}`);
    for (const key of Object.keys(TEMPLATES)) expect(writes).toContain(key);
    const store = eventStoreOf(t);
    const pool = testPool({ connectionString: t.db.url, max: 1 });
    const statuses = new Map<number, number>();
    const defects = new Map<string, { count: number; example: string }>();
    await fc
      .assert(
        fc.asyncProperty(writeRequestArb(endpoints, ids, tokens), async (r) => {
          const { status, written, text } = await sendCounting(store, pool, t.baseUrl, r);
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
          const why =
            status === 0
              ? 'no answer'
              : status >= 500
                ? '5xx'
                : status >= 400 && written.length
                  ? `refused but wrote ${written.join(',')}`
                  : undefined;
          if (!why) return;
          const key = `${r.label} → ${status} ${why}`;
          const d = defects.get(key);
          if (d) d.count++;
          else defects.set(key, { count: 1, example: `${r.path.slice(0, 100)} ${text}` });
        }),
        { numRuns: 600, seed: SEED },
      )
      .finally(() => pool.end());
    console.log(`write fuzz: statuses ${JSON.stringify(Object.fromEntries([...statuses].sort()))}`);
    expect([...defects].map(([key, d]) => `${key} (×${d.count}) e.g. ${d.example}`)).toEqual([]);
    // Both kinds of answer were exercised: commands carried out and commands refused.
    const count = (from: number, to: number) =>
      [...statuses].filter(([s]) => s >= from && s < to).reduce((n, [, c]) => n + c, 0);
    expect(count(200, 300)).toBeGreaterThan(10);
    expect(count(400, 500)).toBeGreaterThan(200);
  }, 180_000);
});
