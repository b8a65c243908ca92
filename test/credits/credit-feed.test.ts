import { createHash } from 'node:crypto';
import { canonicalStatementContent, statementStreamId, type StatementClosed } from '@csp/domain';
import { ControllableClock } from '@csp/event-sourcing';
import { newTenant, startTestApp, type Caller, type TestApp } from '../support/app';
import {
  adminAgent,
  cancelBody,
  eventStore,
  expectProblem,
  fieldsOf,
  OFFERS,
  orderPath,
  placeOrderOk,
  registerCustomer,
  sleep,
  type Json,
} from '../e2e/e2e-helpers';

/**
 * Issue 16's credit change feed and monthly statements, through HTTP on the whole app (api + worker in one
 * process, real PostgreSQL and Redis). The clock starts in November so that November can be closed in December;
 * propagation is slowed down (PROPAGATION_TEST_STEP_DELAY_MS) so that a credit is still pending when its month
 * closes and has to go to the next open month.
 */
describe('credit change feed and statements', () => {
  let t: TestApp;
  const clock = new ControllableClock('2026-11-20T10:00:00.000Z');
  const tenant = newTenant();
  const agent = adminAgent(tenant);
  const billing: Caller = {
    tenantId: tenant,
    roles: ['BillingAdmin'],
    userId: 'billing-1',
    upn: 'billing@partner.example',
  };
  let customerId: string;
  let orderA: Json;
  let orderB: Json;

  beforeAll(async () => {
    t = await startTestApp({ clock, env: { PROPAGATION_TEST_STEP_DELAY_MS: '2500' } });
    customerId = (await registerCustomer(t, agent, 'PL')).id;
    orderA = await placeOrderOk(t, agent, customerId, [
      { offerId: OFFERS.perpetual },
      { offerId: OFFERS.sqlPerpetual },
    ]);
    orderB = await placeOrderOk(t, agent, customerId, [{ offerId: OFFERS.perpetual }]);
  }, 60_000);
  afterAll(() => t?.close());

  const changes = async (after?: string, size?: number): Promise<Json> => {
    const q = new URLSearchParams({ ...(after ? { after } : {}), ...(size ? { size: String(size) } : {}) });
    const res = await t.request('GET', `/v1/credits/changes?${q}`, { as: billing });
    expect(res.status).toBe(200);
    return res.body;
  };
  const allChanges = async (size = 1000): Promise<Json[]> => {
    const out: Json[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await changes(after, size);
      out.push(...page.items);
      after = page.next;
      if (!page.hasMore) return out;
    }
  };
  const until = async (what: string, check: (items: Json[]) => boolean, ms = 30_000): Promise<Json[]> => {
    const end = Date.now() + ms;
    for (;;) {
      const items = await allChanges();
      if (check(items)) return items;
      if (Date.now() > end) throw new Error(`${what}: ${JSON.stringify(items)}`);
      await sleep(200);
    }
  };

  it('posts A in November, closes November with A only, and B (pending at the close) moves to December', async () => {
    const cancelA = await t.request('PATCH', orderPath(customerId, orderA.id), { as: agent, body: cancelBody() });
    expect(cancelA.status).toBe(200);
    await until('A posted', (items) => items.filter((c) => c.change === 'posted').length === 2);

    clock.set('2026-11-30T23:00:00.000Z');
    const cancelB = await t.request('PATCH', orderPath(customerId, orderB.id), { as: agent, body: cancelBody() });
    expect(cancelB.status).toBe(200);
    clock.set('2026-12-01T01:00:00.000Z');

    const closed = await t.request('POST', '/v1/credits/statements', { as: billing, body: { period: '2026-11' } });
    expect(closed.status).toBe(201);
    expect(closed.body).toMatchObject({
      period: '2026-11',
      closedAt: '2026-12-01T01:00:00.000Z',
      lineCount: 2,
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(closed.body.lines.map((l: Json) => l.orderId)).toEqual([orderA.id, orderA.id]);
    expect(closed.body.totals).toHaveLength(1);
    expect(closed.body.totals[0].currencyCode).toBe('PLN');

    // The digest is SHA-256 of the canonical content of what the event holds: anyone can recompute it.
    const stream = await eventStore(t).readStream(statementStreamId(tenant, '2026-11'));
    const event = stream.events[0].data as StatementClosed['data'];
    const digest = createHash('sha256')
      .update(canonicalStatementContent(tenant, '2026-11', event.lines))
      .digest('hex');
    expect(closed.body.sha256).toBe(digest);

    const items = await until('B posted', (all) =>
      all.some((c) => c.change === 'posted' && c.credit.orderId === orderB.id),
    );
    const ofB = items.filter((c) => c.credit.orderId === orderB.id);
    expect(ofB.map((c) => [c.change, c.credit.period, c.credit.originalPeriod])).toEqual([
      ['created', '2026-11', '2026-11'],
      ['moved', '2026-12', '2026-11'],
      ['posted', '2026-12', '2026-11'],
    ]);
    const ofA = items.filter((c) => c.credit.orderId === orderA.id);
    expect(ofA.map((c) => c.change)).toEqual(['created', 'created', 'posted', 'posted']);

    // GET /v1/credits lists a credit in the month it is invoiced in (DOMAIN.md: the next monthly invoice): B,
    // cancelled in November but not posted when November closed, is December's, and says where it came from.
    const month = async (period: string): Promise<Json[]> => {
      const res = await t.request('GET', `/v1/credits?period=${period}`, { as: billing });
      expect(res.status).toBe(200);
      return res.body.items;
    };
    const november = await month('2026-11');
    expect(november.map((l) => [l.orderId, l.period, l.originalPeriod, l.statementPeriod])).toEqual([
      [orderA.id, '2026-11', '2026-11', '2026-11'],
      [orderA.id, '2026-11', '2026-11', '2026-11'],
    ]);
    const december = await month('2026-12');
    expect(december).toEqual([
      expect.objectContaining({ orderId: orderB.id, period: '2026-12', originalPeriod: '2026-11', status: 'posted' }),
    ]);
    // One credited line wherever it is shown: the feed's last change of B is the line GET /v1/credits lists.
    expect(ofB[ofB.length - 1].credit).toEqual(december[0]);

    // Reading it back: JSON equals the closing answer, CSV has a header and its two lines; the list has it.
    const read = await t.request('GET', '/v1/credits/statements/2026-11', { as: billing });
    expect(read.status).toBe(200);
    expect(read.body).toEqual(closed.body);
    const csv = await t.request('GET', '/v1/credits/statements/2026-11', {
      as: billing,
      headers: { accept: 'text/csv' },
    });
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.text.trim().split('\n')).toHaveLength(3);
    const list = await t.request(
      'GET',
      `/v1/credits/statements?minPosition=${closed.headers.get('x-event-position')}`,
      {
        as: billing,
      },
    );
    expect(list.body.items).toEqual([
      {
        period: '2026-11',
        closedAt: closed.body.closedAt,
        sha256: closed.body.sha256,
        lineCount: 2,
        totals: closed.body.totals,
      },
    ]);
  }, 90_000);

  it('refuses a second close (409), the current month (422), a bad month (400) and an unknown statement (404)', async () => {
    expectProblem(
      await t.request('POST', '/v1/credits/statements', { as: billing, body: { period: '2026-11' } }),
      409,
      'statement_closed',
    );
    expectProblem(
      await t.request('POST', '/v1/credits/statements', { as: billing, body: { period: '2026-12' } }),
      422,
      'period_not_ended',
    );
    expectProblem(
      await t.request('POST', '/v1/credits/statements', { as: billing, body: { period: '2027-05' } }),
      422,
      'period_not_ended',
    );
    const bad = await t.request('POST', '/v1/credits/statements', { as: billing, body: { period: '2026-13' } });
    expectProblem(bad, 400, 'invalid_period');
    expect(fieldsOf(bad)).toEqual(['period']);
    expectProblem(
      await t.request('GET', '/v1/credits/statements/2026-10', { as: billing }),
      404,
      'statement_not_found',
    );
  });

  it('pages the feed exactly once in order from any cursor: one by one gives what one page gives', async () => {
    const whole = await allChanges();
    const oneByOne = await allChanges(1);
    expect(oneByOne).toEqual(whole);
    expect(new Set(whole.map((c) => c.cursor)).size).toBe(whole.length);
    // Resuming from the middle gives the rest; from the end, nothing and the same cursor back.
    const rest = await changes(whole[2].cursor);
    expect(rest.items).toEqual(whole.slice(3));
    const end = await changes(whole[whole.length - 1].cursor);
    expect(end).toMatchObject({ items: [], hasMore: false, next: whole[whole.length - 1].cursor });
    const junk = await t.request('GET', '/v1/credits/changes?after=yesterday', { as: billing });
    expectProblem(junk, 400, 'invalid_cursor');
    expect(fieldsOf(junk)).toEqual(['after']);
  });

  it('shows another partner nothing of this one', async () => {
    const other: Caller = { tenantId: newTenant(), roles: ['BillingAdmin'] };
    expect((await t.request('GET', '/v1/credits/changes', { as: other })).body.items).toEqual([]);
    expect((await t.request('GET', '/v1/credits/statements', { as: other })).body.items).toEqual([]);
    expectProblem(await t.request('GET', '/v1/credits/statements/2026-11', { as: other }), 404);
  });
});
