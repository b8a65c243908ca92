import fc from 'fast-check';
import { startTestApp, TestApp } from '../support/app';
import {
  allRoles,
  eventStoreOf,
  listEndpoints,
  placeOrder,
  problemDefect,
  registerCustomer,
  readAll,
} from './chaos-helpers';
import { Kind, Template, TEMPLATES } from './request-templates';

/**
 * 5,000 malformed, oversized and type-confused requests across every endpoint the OpenAPI document lists:
 * no 5xx, no dropped connection, errors as problem+json, no command accepted and no event written.
 * Every generated request is bad by construction (see `bodyArb`), so any 2xx command or new event is a bug.
 */
const SEED = 0x5eed_2026;
const BATCH = 50;
const RUNS = 100; // × BATCH = 5,000 requests
const BODY_LIMIT = 1024 * 1024;

/** What to send; a huge body is described, not generated, and built only when sent. */
type Body =
  | { kind: 'none' }
  | { kind: 'json'; value: unknown; contentType?: string }
  | { kind: 'text'; text: string; contentType: string }
  | { kind: 'huge'; bytes: number; field: string };

interface FuzzRequest {
  label: string;
  method: string;
  path: string;
  query: string;
  headers: Record<string, string>;
  body: Body;
  /** A command whose inputs are all bad: a 2xx answer would be a bug. */
  mustFail: boolean;
}

const wrongTypeArb = (kind: Kind): fc.Arbitrary<unknown> => {
  const scalars = [
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.double({ noNaN: true }).filter((d) => !Number.isInteger(d)),
  ];
  const containers = [
    fc.array(fc.jsonValue(), { maxLength: 3 }),
    fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 3 }),
  ];
  switch (kind) {
    case 'string':
      return fc.oneof(...scalars, ...containers);
    case 'int':
      return fc.oneof(fc.string(), fc.constant('1'), ...scalars.filter((_, i) => i !== 2), ...containers);
    case 'bool':
      return fc.oneof(fc.string(), fc.constant('true'), fc.constant(null), fc.integer(), ...containers);
    case 'enum':
      return fc.oneof(
        fc.string().filter((s) => s !== 'cancelled'),
        fc.constant('CANCELLED'),
        ...scalars,
        ...containers,
      );
    case 'array':
      return fc.oneof(
        fc.constant([]),
        fc.string(),
        ...scalars,
        fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 3 }),
      );
    case 'object':
      return fc.oneof(fc.string(), ...scalars, fc.array(fc.jsonValue(), { maxLength: 3 }));
  }
};

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

function setAt(root: Record<string, unknown>, path: (string | number)[], value: unknown, remove = false): void {
  let node: Record<string | number, unknown> = root;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  const last = path.at(-1)!;
  if (remove) {
    if (Array.isArray(node)) node.splice(Number(last), 1);
    else delete node[last];
  } else node[last] = value;
}

/** A body that no endpoint should accept. */
function bodyArb(template: Template | undefined): fc.Arbitrary<{ body: Body; mode: string }> {
  const base = template?.base ?? { fuzz: true };
  const modes: fc.Arbitrary<{ body: Body; mode: string }>[] = [
    // unknown fields are refused (forbidNonWhitelisted), also next to valid ones
    fc
      .tuple(
        fc.string({ minLength: 1 }).map((s) => `x_${s}`),
        fc.jsonValue(),
      )
      .map(([k, v]) => ({ body: { kind: 'json', value: { ...clone(base), [k]: v } } as Body, mode: 'unknown-field' })),
    // not JSON at all, or cut short
    fc.tuple(fc.nat(), fc.constantFrom('', '}', ',', ']]', '\u0000', 'garbage')).map(([n, tail]) => {
      const text = JSON.stringify(base);
      return {
        body: {
          kind: 'text',
          text: text.slice(0, 1 + (n % (text.length - 1))) + tail,
          contentType: 'application/json',
        } as Body,
        mode: 'bad-json',
      };
    }),
    // JSON, but not an object
    fc
      .oneof(fc.array(fc.jsonValue(), { maxLength: 3 }), fc.string(), fc.integer(), fc.constant(null), fc.boolean())
      .map((value) => ({ body: { kind: 'json', value } as Body, mode: 'not-an-object' })),
    // larger than BODY_LIMIT_BYTES
    fc
      .tuple(
        fc.integer({ min: BODY_LIMIT + 1, max: BODY_LIMIT + 64 * 1024 }),
        fc.string({ minLength: 1, maxLength: 12 }),
      )
      .map(([bytes, field]) => ({ body: { kind: 'huge', bytes, field } as Body, mode: 'oversized' })),
    // a valid JSON body under a media type we do not take
    fc
      .constantFrom(
        'text/plain',
        'application/xml',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=x',
      )
      .map((contentType) => ({
        body: { kind: 'json', value: { ...clone(base), x_fuzz: 1 }, contentType } as Body,
        mode: 'media-type',
      })),
  ];
  if (template) {
    const { required } = template;
    const typed = [...required, ...(template.optional ?? [])];
    modes.push(
      fc
        .integer({ min: 0, max: typed.length - 1 })
        .chain((i) => wrongTypeArb(typed[i]!.kind).map((v) => ({ i, v })))
        .map(({ i, v }) => {
          const value = clone(template.base);
          setAt(value, typed[i]!.path, v);
          return { body: { kind: 'json', value } as Body, mode: `wrong-type ${typed[i]!.path.join('.')}` };
        }),
      fc.integer({ min: 0, max: required.length - 1 }).map((i) => {
        const value = clone(template.base);
        setAt(value, required[i]!.path, undefined, true);
        return { body: { kind: 'json', value } as Body, mode: `missing ${required[i]!.path.join('.')}` };
      }),
    );
  }
  return fc.oneof(...modes);
}

const junkIdArb: fc.Arbitrary<string> = fc.oneof(
  fc.uuid().map(encodeURIComponent),
  fc.string({ minLength: 1, maxLength: 40 }).map(encodeURIComponent),
  fc.constantFrom(
    '%',
    '%E0%A4%A',
    '..%2F..%2Fetc%2Fpasswd',
    '%00',
    'null',
    '-1',
    '0',
    'a'.repeat(3000),
    '%F0%9F%92%A9',
  ),
);

const queryArb: fc.Arbitrary<string> = fc
  .dictionary(
    fc.constantFrom(
      'size',
      'continuationToken',
      'minPosition',
      'asOf',
      'country',
      'startDate',
      'endDate',
      'customerId',
      'operationType',
      'after',
      'type',
      'period',
      'status',
      'x_unknown',
    ),
    fc.oneof(
      fc.string({ maxLength: 30 }),
      fc.constantFrom(
        '-1',
        '0',
        '1e9',
        'NaN',
        'Infinity',
        '99999999999999999999999',
        '2020-13-45',
        '1000001',
        'true',
        '[]',
        '{}',
      ),
      fc.nat({ max: 5000 }).map((n) => 'z'.repeat(n)),
    ),
    { maxKeys: 4 },
  )
  .map((q) => new URLSearchParams(q).toString());

describe('chaos: fuzzing every endpoint with bad requests', () => {
  let t: TestApp;
  afterAll(async () => {
    await t?.close();
  });

  it('answers 5,000 bad requests without a 5xx, without accepting a command, without writing an event', async () => {
    t = await startTestApp();
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
      let payload: string | undefined;
      switch (r.body.kind) {
        case 'json':
          payload = JSON.stringify(r.body.value);
          headers['content-type'] = r.body.contentType ?? 'application/json';
          break;
        case 'text':
          payload = r.body.text;
          headers['content-type'] = r.body.contentType;
          break;
        case 'huge':
          payload = JSON.stringify({ [r.body.field]: 'x'.repeat(r.body.bytes) });
          headers['content-type'] = 'application/json';
          break;
      }
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
});
