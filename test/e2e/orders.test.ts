import { streamIdOf } from '@csp/domain';
import { randomUUID } from 'node:crypto';
import { ControllableClock } from '@csp/event-sourcing';
import { Caller, newTenant, startTestApp, TestApp } from '../support/app';
import {
  adminAgent,
  cancelBody,
  DAY,
  expectedProratedCredit,
  expectProblem,
  fieldsOf,
  formatMinor,
  MINUTE,
  offer,
  OFFERS,
  orderPath,
  placeOrder,
  placeOrderOk,
  registerCustomer,
  sleep,
  streamEvents,
  termDaysOf,
} from './e2e-helpers';

/** A purchase whose 1-year term spans 29 February 2024 (366 days). */
const BASE = '2024-02-10T10:00:00.000Z';

describe('orders over HTTP', () => {
  let t: TestApp;
  let partner: Caller;
  let pl: { id: string };

  beforeAll(async () => {
    t = await startTestApp({ clock: new ControllableClock(BASE) });
    partner = adminAgent();
    pl = await registerCustomer(t, partner, 'PL');
  });
  beforeEach(() => {
    t.clock.set(BASE);
  });
  afterAll(async () => {
    await t?.close();
  });

  const cancel = (customerId: string, orderId: string, body: unknown = cancelBody(), as: Caller = partner) =>
    t.request('PATCH', orderPath(customerId, orderId), { as, body });

  describe('POST …/orders', () => {
    it('places a completed order priced in the customer’s currency', async () => {
      const res = await placeOrder(t, partner, pl.id, [
        { offerId: OFFERS.perpetual, quantity: 2 },
        { offerId: OFFERS.subscription1y, quantity: 3 },
        { offerId: OFFERS.suse, quantity: 1 },
      ]);
      expect(res.status).toBe(201);
      const pln = (id: string) => offer(id).prices.PLN;
      const total = pln(OFFERS.perpetual) * 2 + pln(OFFERS.subscription1y) * 3 + pln(OFFERS.suse);
      expect(res.body).toMatchObject({
        customerId: pl.id,
        status: 'completed',
        creationDate: BASE,
        currencyCode: 'PLN',
        taxInclusive: false,
        total: { amount: formatMinor(total, 2), currencyCode: 'PLN' },
      });
      expect(res.body.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(res.body.lineItems).toEqual([
        expect.objectContaining({
          lineItemNumber: 0,
          offerId: OFFERS.perpetual,
          friendlyName: offer(OFFERS.perpetual).friendlyName,
          kind: 'perpetual',
          quantity: 2,
          unitPrice: { amount: formatMinor(pln(OFFERS.perpetual), 2), currencyCode: 'PLN' },
          termDuration: null,
          cancelled: false,
        }),
        expect.objectContaining({
          lineItemNumber: 1,
          kind: 'softwareSubscription',
          quantity: 3,
          termDuration: 'P1Y',
          cancelled: false,
        }),
        expect.objectContaining({ lineItemNumber: 2, kind: 'softwarePlan', quantity: 1, cancelled: false }),
      ]);
      expect(res.body.cancellations).toEqual([]);
      expect(res.headers.get('location')).toBe(orderPath(pl.id, res.body.id));
      expect(Number(res.headers.get('x-event-position'))).toBeGreaterThan(0);
    });

    it('accepts line items in any order and returns them by number', async () => {
      const res = await placeOrder(t, partner, pl.id, [
        { lineItemNumber: 1, offerId: OFFERS.sqlPerpetual },
        { lineItemNumber: 0, offerId: OFFERS.perpetual },
      ]);
      expect(res.status).toBe(201);
      expect(
        res.body.lineItems.map((l: { lineItemNumber: number; offerId: string }) => [l.lineItemNumber, l.offerId]),
      ).toEqual([
        [0, OFFERS.perpetual],
        [1, OFFERS.sqlPerpetual],
      ]);
    });

    it('prices AU orders tax-inclusive in AUD and JP orders in whole yen', async () => {
      const au = await registerCustomer(t, partner, 'AU');
      const auOrder = await placeOrder(t, partner, au.id, [{ offerId: OFFERS.perpetual, quantity: 1 }]);
      expect(auOrder.status).toBe(201);
      expect(auOrder.body).toMatchObject({
        currencyCode: 'AUD',
        taxInclusive: true,
        total: { amount: formatMinor(offer(OFFERS.perpetual).prices.AUD, 2), currencyCode: 'AUD' },
      });
      const jp = await registerCustomer(t, partner, 'JP');
      const jpOrder = await placeOrder(t, partner, jp.id, [{ offerId: OFFERS.perpetual, quantity: 3 }]);
      expect(jpOrder.status).toBe(201);
      expect(jpOrder.body.total).toEqual({
        amount: String(offer(OFFERS.perpetual).prices.JPY * 3),
        currencyCode: 'JPY',
      });
      expect(jpOrder.body.taxInclusive).toBe(false);
    });

    it('refuses an unknown offer naming its line', async () => {
      const res = await placeOrder(t, partner, pl.id, [
        { offerId: OFFERS.perpetual },
        { offerId: 'AAAAAAAAAAAA:0001:BBBBBBBBBBBB' },
      ]);
      expectProblem(res, 400);
      expect(fieldsOf(res)).toEqual(['lineItems[1].offerId']);
      const malformed = await placeOrder(t, partner, pl.id, [{ offerId: 'windows-server' }]);
      expectProblem(malformed, 400);
      expect(fieldsOf(malformed)).toEqual(['lineItems[0].offerId']);
    });

    it.each([
      [0, 'zero'],
      [-1, 'negative'],
      [1.5, 'fractional'],
      ['2', 'a string'],
      [10_001, 'too large'],
    ])('refuses quantity %p (%s) naming the field', async (quantity, _why) => {
      const res = await t.request('POST', `/v1/customers/${pl.id}/orders`, {
        as: partner,
        body: { lineItems: [{ lineItemNumber: 0, offerId: OFFERS.perpetual, quantity }] },
      });
      expectProblem(res, 400);
      expect(new Set(fieldsOf(res))).toEqual(new Set(['lineItems[0].quantity']));
    });

    it('refuses duplicate line numbers naming the duplicate', async () => {
      const res = await placeOrder(t, partner, pl.id, [
        { lineItemNumber: 0, offerId: OFFERS.perpetual },
        { lineItemNumber: 0, offerId: OFFERS.sqlPerpetual },
      ]);
      expectProblem(res, 400);
      expect(fieldsOf(res)).toContain('lineItems[1].lineItemNumber');
    });

    it('names every bad field of one request, and refuses empty or unknown-field bodies', async () => {
      const res = await t.request('POST', `/v1/customers/${pl.id}/orders`, {
        as: partner,
        body: {
          lineItems: [
            { lineItemNumber: 0, offerId: 'AAAAAAAAAAAA:0001:BBBBBBBBBBBB', quantity: 1 },
            { lineItemNumber: 0, offerId: OFFERS.perpetual, quantity: 0 },
          ],
        },
      });
      expectProblem(res, 400);
      expect(new Set(fieldsOf(res))).toEqual(
        new Set(['lineItems[0].offerId', 'lineItems[1].lineItemNumber', 'lineItems[1].quantity']),
      );
      const empty = await t.request('POST', `/v1/customers/${pl.id}/orders`, { as: partner, body: { lineItems: [] } });
      expectProblem(empty, 400);
      expect(fieldsOf(empty)).toContain('lineItems');
      const extra = await t.request('POST', `/v1/customers/${pl.id}/orders`, {
        as: partner,
        body: { lineItems: [{ lineItemNumber: 0, offerId: OFFERS.perpetual, quantity: 1, discount: 50 }], coupon: 'x' },
      });
      expectProblem(extra, 400);
      expect(fieldsOf(extra)).toEqual(expect.arrayContaining(['coupon', 'lineItems[0].discount']));
    });

    it.each([
      ['AX', 'Åland'],
      ['BQ', 'Bonaire'],
      ['SJ', 'Svalbard'],
    ])(
      'refuses an Azure reservation in %s with 422 naming the market, and still sells perpetual there',
      async (country, name) => {
        const c = await registerCustomer(t, partner, country);
        const res = await placeOrder(t, partner, c.id, [
          { offerId: OFFERS.perpetual },
          { offerId: OFFERS.reservation },
        ]);
        expectProblem(res, 422, 'offer_not_available_in_market');
        expect(res.body.detail).toContain(country);
        expect(res.body.detail).toContain(name);
        expect(fieldsOf(res)).toEqual(['lineItems[1].offerId']);
        expect(res.body.market).toMatchObject({ code: country });
        const ok = await placeOrder(t, partner, c.id, [
          { offerId: OFFERS.perpetual },
          { offerId: OFFERS.subscription1y },
        ]);
        expect(ok.status).toBe(201);
      },
    );

    it('sells the Azure reservation outside the listed markets', async () => {
      const res = await placeOrder(t, partner, pl.id, [{ offerId: OFFERS.reservation }]);
      expect(res.status).toBe(201);
      expect(res.body.lineItems[0]).toMatchObject({ kind: 'azureReservation', termDuration: 'P1Y' });
    });

    it('answers 404 for another partner’s customer or an unknown one', async () => {
      const other = adminAgent();
      expectProblem(await placeOrder(t, other, pl.id, [{ offerId: OFFERS.perpetual }]), 404, 'customer_not_found');
      expectProblem(await placeOrder(t, partner, randomUUID(), [{ offerId: OFFERS.perpetual }]), 404);
    });
  });

  describe('GET …/orders and …/orders/{id}', () => {
    it('lists the customer’s orders (reading its own writes) and no one else’s', async () => {
      const c = await registerCustomer(t, partner, 'PL');
      const a = await placeOrderOk(t, partner, c.id, [{ offerId: OFFERS.perpetual }]);
      const b = await placeOrderOk(t, partner, c.id, [{ offerId: OFFERS.sqlPerpetual, quantity: 4 }]);
      const list = await t.request('GET', `/v1/customers/${c.id}/orders?minPosition=${b.position}`, { as: partner });
      expect(list.status).toBe(200);
      expect(list.body).toMatchObject({ totalCount: 2, attributes: { objectType: 'Collection' } });
      expect(list.body.items.map((o: { id: string }) => o.id).sort()).toEqual([a.id, b.id].sort());
      const paged = await t.request('GET', `/v1/customers/${c.id}/orders?size=1`, { as: partner });
      expect(paged.body.items).toHaveLength(1);
      expect(paged.body.links.next.uri).toMatch(/continuationToken=/);
      const second = await t.request('GET', paged.body.links.next.uri, { as: partner });
      expect(second.status).toBe(200);
      expect([paged.body.items[0].id, second.body.items[0].id].sort()).toEqual([a.id, b.id].sort());
      expectProblem(await t.request('GET', `/v1/customers/${c.id}/orders`, { as: adminAgent() }), 404);
    });

    it('gets one order, and 404 through another customer, another partner or an unknown id', async () => {
      const placed = await placeOrderOk(t, partner, pl.id, [{ offerId: OFFERS.perpetual, quantity: 5 }]);
      const got = await t.request('GET', orderPath(pl.id, placed.id), { as: partner });
      expect(got.status).toBe(200);
      const { position: _p, ...view } = placed;
      expect(got.body).toEqual(view);
      const sibling = await registerCustomer(t, partner, 'PL');
      expectProblem(await t.request('GET', orderPath(sibling.id, placed.id), { as: partner }), 404, 'order_not_found');
      expectProblem(await t.request('GET', orderPath(pl.id, placed.id), { as: adminAgent() }), 404);
      expectProblem(await t.request('GET', orderPath(pl.id, randomUUID()), { as: partner }), 404);
      expectProblem(await t.request('GET', orderPath(pl.id, 'nope'), { as: partner }), 404);
    });

    it('shows with ?asOf the order as it was between its placement and its cancellation', async () => {
      const placed = await placeOrderOk(t, partner, pl.id, [{ offerId: OFFERS.perpetual }]);
      const [placedEvent] = await streamEvents(t, streamIdOf('order', placed.id));
      await sleep(20);
      const between = new Date().toISOString();
      await sleep(20);
      const c = await cancel(pl.id, placed.id);
      expect(c.status).toBe(200);
      const events = await streamEvents(t, streamIdOf('order', placed.id));
      expect(events.map((e) => e.type)).toEqual(['OrderPlaced', 'OrderCancelled']);
      expect(events[1].recordedAt.getTime()).toBeGreaterThan(Date.parse(between));

      const then = await t.request('GET', `${orderPath(pl.id, placed.id)}?asOf=${encodeURIComponent(between)}`, {
        as: partner,
      });
      expect(then.status).toBe(200);
      expect(then.body).toMatchObject({ status: 'completed', cancellations: [] });
      expect(then.body.lineItems[0]).toMatchObject({ quantity: 1, cancelled: false });

      const now = await t.request(
        'GET',
        `${orderPath(pl.id, placed.id)}?asOf=${encodeURIComponent(new Date().toISOString())}`,
        { as: partner },
      );
      expect(now.status).toBe(200);
      expect(now.body).toMatchObject({ status: 'cancelled' });
      expect(now.body.cancellations).toHaveLength(1);

      const before = new Date(placedEvent.recordedAt.getTime() - 1000).toISOString();
      expectProblem(
        await t.request('GET', `${orderPath(pl.id, placed.id)}?asOf=${encodeURIComponent(before)}`, { as: partner }),
        404,
      );
      const bad = await t.request('GET', `${orderPath(pl.id, placed.id)}?asOf=yesterday`, { as: partner });
      expectProblem(bad, 400);
      expect(fieldsOf(bad)).toEqual(['asOf']);
    });
  });

  describe('GET …/cancellationeligibility', () => {
    it('reports days remaining, the window’s end and each line’s expected credit', async () => {
      const placed = await placeOrderOk(t, partner, pl.id, [
        { offerId: OFFERS.perpetual, quantity: 2 },
        { offerId: OFFERS.subscription1y, quantity: 3 },
        { offerId: OFFERS.suse },
      ]);
      const path = `${orderPath(pl.id, placed.id)}/cancellationeligibility`;
      const placedAt = new Date(BASE);
      const windowEndsAt = new Date(placedAt.getTime() + 30 * DAY).toISOString();
      const perpetualTotal = offer(OFFERS.perpetual).prices.PLN * 2;
      const subTotal = offer(OFFERS.subscription1y).prices.PLN * 3;

      const fresh = await t.request('GET', path, { as: partner });
      expect(fresh.status).toBe(200);
      expect(fresh.body).toMatchObject({
        orderId: placed.id,
        isEligible: true,
        daysRemaining: 30,
        windowEndsAt,
        reason: null,
        supportRequestLink: null,
      });
      expect(fresh.body.lineItems).toEqual([
        expect.objectContaining({
          lineItemNumber: 0,
          isEligible: true,
          expectedCredit: { amount: formatMinor(perpetualTotal, 2), currencyCode: 'PLN' },
        }),
        expect.objectContaining({
          lineItemNumber: 1,
          isEligible: true,
          expectedCredit: {
            amount: formatMinor(expectedProratedCredit(subTotal, placedAt, placedAt, 1), 2),
            currencyCode: 'PLN',
          },
        }),
        expect.objectContaining({
          lineItemNumber: 2,
          isEligible: false,
          expectedCredit: { amount: '0.00', currencyCode: 'PLN' },
        }),
      ]);

      t.clock.advance({ days: 10, hours: 1 });
      const later = await t.request('GET', path, { as: partner });
      expect(later.body).toMatchObject({ isEligible: true, daysRemaining: 20, windowEndsAt });
      const expectedSub = expectedProratedCredit(subTotal, placedAt, t.clock.now(), 1);
      // 11 started days of a 366-day term (the term spans 29 February 2024)
      expect(termDaysOf(placedAt, 1)).toBe(366);
      expect(later.body.lineItems[1].expectedCredit.amount).toBe(formatMinor(expectedSub, 2));

      t.clock.set(BASE).advance({ days: 29, hours: 23, minutes: 59, seconds: 59 });
      const lastSecond = await t.request('GET', path, { as: partner });
      expect(lastSecond.body).toMatchObject({ isEligible: true, daysRemaining: 1 });

      t.clock.set(BASE).advance({ days: 30 });
      const closed = await t.request('GET', path, { as: partner });
      expect(closed.body).toMatchObject({ isEligible: false, daysRemaining: 0, windowEndsAt, reason: 'window_passed' });
      expect(closed.body.supportRequestLink).toEqual(expect.objectContaining({ uri: '/v1/supportrequests' }));
      expect(closed.body.lineItems.every((l: { isEligible: boolean }) => !l.isEligible)).toBe(true);
    });

    it('says not_cancellable for a plan-only order and already_cancelled after a cancellation', async () => {
      const plan = await placeOrderOk(t, partner, pl.id, [{ offerId: OFFERS.redHat }]);
      const e = await t.request('GET', `${orderPath(pl.id, plan.id)}/cancellationeligibility`, { as: partner });
      expect(e.status).toBe(200);
      expect(e.body).toMatchObject({ isEligible: false, reason: 'not_cancellable' });
      expect(e.body.supportRequestLink.uri).toBe('/v1/supportrequests');

      const sw = await placeOrderOk(t, partner, pl.id, [{ offerId: OFFERS.perpetual }]);
      expect((await cancel(pl.id, sw.id)).status).toBe(200);
      const after = await t.request('GET', `${orderPath(pl.id, sw.id)}/cancellationeligibility`, { as: partner });
      expect(after.body).toMatchObject({ isEligible: false, reason: 'already_cancelled', daysRemaining: 0 });
      expect(after.body.lineItems[0]).toMatchObject({
        isEligible: false,
        expectedCredit: { amount: '0.00', currencyCode: 'PLN' },
      });
    });

    it('answers 404 for another partner', async () => {
      const placed = await placeOrderOk(t, partner, pl.id, [{ offerId: OFFERS.perpetual }]);
      expectProblem(
        await t.request('GET', `${orderPath(pl.id, placed.id)}/cancellationeligibility`, { as: adminAgent() }),
        404,
      );
    });
  });

  describe('PATCH …/orders/{id} (cancel)', () => {
    it('cancels a perpetual purchase with a 100 % credit and a 15-minute propagation deadline', async () => {
      const placed = await placeOrderOk(t, partner, pl.id, [{ offerId: OFFERS.perpetual, quantity: 2 }]);
      t.clock.advance({ days: 3, hours: 7 });
      const requestedAt = t.clock.now();
      const res = await cancel(pl.id, placed.id);
      expect(res.status).toBe(200);
      const lineTotal = offer(OFFERS.perpetual).prices.PLN * 2;
      expect(res.body).toMatchObject({ id: placed.id, status: 'cancelled' });
      expect(res.body.lineItems[0]).toMatchObject({
        quantity: 0,
        cancelled: true,
        credit: { amount: formatMinor(lineTotal, 2), currencyCode: 'PLN' },
      });
      expect(res.body.cancellations).toHaveLength(1);
      expect(res.body.cancellations[0]).toMatchObject({
        requestedAt: requestedAt.toISOString(),
        propagationDeadline: new Date(requestedAt.getTime() + 15 * MINUTE).toISOString(),
        status: expect.stringMatching(/^(propagating|propagated)$/),
        credit: { amount: formatMinor(lineTotal, 2), currencyCode: 'PLN' },
      });
      const got = await t.request('GET', orderPath(pl.id, placed.id), { as: partner });
      expect(got.body.status).toBe('cancelled');
      expect(got.body.lineItems[0].quantity).toBe(0);
    });

    it('prorates subscriptions by started days (day 3 keeps 3 days), 1-year and 3-year', async () => {
      const placed = await placeOrderOk(t, partner, pl.id, [
        { offerId: OFFERS.subscription1y, quantity: 2 },
        { offerId: OFFERS.subscription3y, quantity: 1 },
      ]);
      t.clock.advance({ days: 2, hours: 5 });
      const res = await cancel(pl.id, placed.id);
      expect(res.status).toBe(200);
      const placedAt = new Date(BASE);
      const now = t.clock.now();
      const c1 = expectedProratedCredit(offer(OFFERS.subscription1y).prices.PLN * 2, placedAt, now, 1);
      const c3 = expectedProratedCredit(offer(OFFERS.subscription3y).prices.PLN, placedAt, now, 3);
      expect(c1).toBeLessThan(offer(OFFERS.subscription1y).prices.PLN * 2);
      expect(res.body.lineItems[0].credit).toEqual({ amount: formatMinor(c1, 2), currencyCode: 'PLN' });
      expect(res.body.lineItems[1].credit).toEqual({ amount: formatMinor(c3, 2), currencyCode: 'PLN' });
      expect(res.body.cancellations[0].credit).toEqual({ amount: formatMinor(c1 + c3, 2), currencyCode: 'PLN' });

      const [, cancelled] = await streamEvents(t, streamIdOf('order', placed.id));
      expect(cancelled.type).toBe('OrderCancelled');
      expect(cancelled.data.lineItems).toEqual([
        expect.objectContaining({ lineItemNumber: 0, basis: 'prorated', daysUsed: 3, termDays: 366, credit: c1 }),
        expect.objectContaining({
          lineItemNumber: 1,
          basis: 'prorated',
          daysUsed: 3,
          termDays: 366 + 365 + 365,
          credit: c3,
        }),
      ]);
      expect(cancelled.data).toMatchObject({ totalCredit: c1 + c3, earlyTerminationFee: 0, policyVersion: '2024-01' });
    });

    it('credits a JPY subscription in whole yen', async () => {
      const jp = await registerCustomer(t, partner, 'JP');
      const placed = await placeOrderOk(t, partner, jp.id, [{ offerId: OFFERS.subscription1y, quantity: 1 }]);
      t.clock.advance({ days: 5 });
      const res = await cancel(jp.id, placed.id);
      expect(res.status).toBe(200);
      const c = expectedProratedCredit(offer(OFFERS.subscription1y).prices.JPY, new Date(BASE), t.clock.now(), 1);
      expect(res.body.cancellations[0].credit).toEqual({ amount: String(c), currencyCode: 'JPY' });
    });

    it('cancels chosen line items only: the order stays completed and the cancelled line shows quantity 0', async () => {
      const placed = await placeOrderOk(t, partner, pl.id, [
        { offerId: OFFERS.perpetual, quantity: 2 },
        { offerId: OFFERS.sqlPerpetual, quantity: 4 },
        { offerId: OFFERS.suse },
      ]);
      const res = await cancel(pl.id, placed.id, cancelBody([1]));
      expect(res.status).toBe(200);
      expect(res.body.status).toBe('completed');
      expect(
        res.body.lineItems.map((l: { quantity: number; cancelled: boolean }) => [l.quantity, l.cancelled]),
      ).toEqual([
        [2, false],
        [0, true],
        [1, false],
      ]);
      expect(res.body.cancellations[0].credit).toEqual({
        amount: formatMinor(offer(OFFERS.sqlPerpetual).prices.PLN * 4, 2),
        currencyCode: 'PLN',
      });
      // one cancellation per order id
      expectProblem(await cancel(pl.id, placed.id, cancelBody([0])), 409, 'already_cancelled');
    });

    it('allows a cancellation at 29 d 23:59:59 and refuses it at 30 days, saying when the window closed', async () => {
      const first = await placeOrderOk(t, partner, pl.id, [{ offerId: OFFERS.perpetual }]);
      const second = await placeOrderOk(t, partner, pl.id, [{ offerId: OFFERS.subscription1y }]);
      t.clock.advance({ days: 29, hours: 23, minutes: 59, seconds: 59 });
      const ok = await cancel(pl.id, first.id);
      expect(ok.status).toBe(200);
      t.clock.advance({ seconds: 1 });
      const late = await cancel(pl.id, second.id);
      expectProblem(late, 409, 'cancellation_window_passed');
      const closedAt = new Date(Date.parse(BASE) + 30 * DAY).toISOString();
      expect(late.body.windowEndsAt).toBe(closedAt);
      expect(late.body.detail).toContain(closedAt);
      const unchanged = await t.request('GET', orderPath(pl.id, second.id), { as: partner });
      expect(unchanged.body.status).toBe('completed');
    });

    it('refuses SUSE and Red Hat plans and Azure reservations with not_cancellable', async () => {
      for (const offerId of [OFFERS.suse, OFFERS.redHat, OFFERS.reservation]) {
        const placed = await placeOrderOk(t, partner, pl.id, [{ offerId }]);
        const res = await cancel(pl.id, placed.id);
        expectProblem(res, 409, 'not_cancellable');
      }
      const mixed = await placeOrderOk(t, partner, pl.id, [{ offerId: OFFERS.perpetual }, { offerId: OFFERS.suse }]);
      expectProblem(await cancel(pl.id, mixed.id), 409, 'not_cancellable');
      expectProblem(await cancel(pl.id, mixed.id, cancelBody([1])), 409, 'not_cancellable');
      const ok = await cancel(pl.id, mixed.id, cancelBody([0]));
      expect(ok.status).toBe(200);
      expect(ok.body.status).toBe('completed');
    });

    it('answers 409 already_cancelled to a second cancellation', async () => {
      const placed = await placeOrderOk(t, partner, pl.id, [{ offerId: OFFERS.perpetual }]);
      expect((await cancel(pl.id, placed.id)).status).toBe(200);
      expectProblem(await cancel(pl.id, placed.id), 409, 'already_cancelled');
    });

    it('refuses a false acknowledgement (422), a non-boolean one, another status and unknown line items (400 naming the field)', async () => {
      const placed = await placeOrderOk(t, partner, pl.id, [{ offerId: OFFERS.perpetual }]);
      const no = await cancel(pl.id, placed.id, { status: 'cancelled', acknowledgedCancellationNotice: false });
      expectProblem(no, 422, 'cancellation_notice_not_acknowledged');
      const stringTrue = await cancel(pl.id, placed.id, {
        status: 'cancelled',
        acknowledgedCancellationNotice: 'true',
      });
      expectProblem(stringTrue, 400);
      // One clear message for the field, not one per failed constraint.
      expect(stringTrue.body.errors).toEqual([
        { field: 'acknowledgedCancellationNotice', message: 'acknowledgedCancellationNotice must be true or false' },
      ]);
      const status = await cancel(pl.id, placed.id, { status: 'completed', acknowledgedCancellationNotice: true });
      expectProblem(status, 400);
      expect(fieldsOf(status)).toEqual(['status']);
      const unknownLine = await cancel(pl.id, placed.id, cancelBody([7]));
      expectProblem(unknownLine, 400);
      expect(fieldsOf(unknownLine).join()).toMatch(/lineItems/);
      const still = await t.request('GET', orderPath(pl.id, placed.id), { as: partner });
      expect(still.body.status).toBe('completed');
      expect((await streamEvents(t, streamIdOf('order', placed.id))).map((e) => e.type)).toEqual(['OrderPlaced']);
    });

    it('is for the partner’s AdminAgent only: 403 for a GlobalAdmin, 404 for another partner', async () => {
      const placed = await placeOrderOk(t, partner, pl.id, [{ offerId: OFFERS.perpetual }]);
      expectProblem(
        await cancel(pl.id, placed.id, cancelBody(), { tenantId: partner.tenantId, roles: ['GlobalAdmin'] }),
        403,
        'forbidden',
      );
      expectProblem(await cancel(pl.id, placed.id, cancelBody(), { tenantId: pl.id, roles: ['GlobalAdmin'] }), 403);
      expectProblem(await cancel(pl.id, placed.id, cancelBody(), adminAgent(newTenant())), 404);
      expect((await cancel(pl.id, placed.id)).status).toBe(200);
    });
  });
});
