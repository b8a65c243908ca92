import { streamIdOf } from '@csp/domain';
import { createHash } from 'node:crypto';
import { Caller, startTestApp, TestApp } from '../support/app';
import {
  adminAgent,
  cancelBody,
  DAY,
  eventStore,
  expectProblem,
  fieldsOf,
  MAK_FORMAT,
  offer,
  OFFERS,
  orderPath,
  placeOrderOk,
  registerCustomer,
  softwareIdOf,
  streamEvents,
  Json,
} from './e2e-helpers';

describe('software, keys and downloads over HTTP', () => {
  let t: TestApp;
  let partner: Caller;
  let customer: { id: string };
  let base: Date;

  beforeAll(async () => {
    t = await startTestApp();
    base = t.clock.now();
    partner = adminAgent();
    customer = await registerCustomer(t, partner, 'PL');
  });
  beforeEach(() => {
    t.clock.set(base);
  });
  afterAll(async () => {
    await t?.close();
  });

  const swPath = (softwareId: string, action = '') => `/v1/customers/${customer.id}/software/${softwareId}${action}`;
  const reveal = (softwareId: string, body: unknown, as: Caller = partner) =>
    t.request('POST', swPath(softwareId, '/key'), { as, body });
  const issueLink = (softwareId: string, body: unknown, as: Caller = partner) =>
    t.request('POST', swPath(softwareId, '/downloadlinks'), { as, body });
  const cancel = (orderId: string, lines?: number[]) =>
    t.request('PATCH', orderPath(customer.id, orderId), { as: partner, body: cancelBody(lines) });
  /** Raw bytes: the download is binary. */
  const download = async (app: TestApp, uri: string) => {
    const res = await fetch(`${app.baseUrl}${new URL(uri).pathname}`, { redirect: 'manual' });
    const bytes = Buffer.from(await res.arrayBuffer());
    let body: Json;
    if (/json/.test(res.headers.get('content-type') ?? '')) body = JSON.parse(bytes.toString('utf8'));
    return { status: res.status, headers: res.headers, bytes, body, text: bytes.toString('utf8') };
  };
  const linkBody = { version: '2022', language: 'en-US', bitness: 'x64' };

  describe('GET …/software', () => {
    it('lists every software line of every order (not plans or reservations); a cancelled item stays listed without a key', async () => {
      const c = await registerCustomer(t, partner, 'PL');
      const order = await placeOrderOk(t, partner, c.id, [
        { offerId: OFFERS.perpetual, quantity: 2 },
        { offerId: OFFERS.subscription1y },
        { offerId: OFFERS.suse },
        { offerId: OFFERS.reservation },
      ]);
      const list = await t.request('GET', `/v1/customers/${c.id}/software?minPosition=${order.position}`, {
        as: partner,
      });
      expect(list.status).toBe(200);
      expect(list.body).toMatchObject({ totalCount: 2, attributes: { objectType: 'Collection' } });
      const byLine = (items: Array<{ lineItemNumber: number }>, n: number) =>
        items.find((i) => i.lineItemNumber === n) as Json;
      expect(byLine(list.body.items, 0)).toMatchObject({
        id: softwareIdOf(order.id, 0),
        orderId: order.id,
        lineItemNumber: 0,
        offerId: OFFERS.perpetual,
        friendlyName: offer(OFFERS.perpetual).friendlyName,
        kind: 'perpetual',
        purchaseDate: order.creationDate,
        status: 'active',
        keyAvailable: true,
        versions: ['2022', '2019', '2016'],
        bitness: ['x64'],
      });
      expect(byLine(list.body.items, 0).languages).toEqual(expect.arrayContaining(['en-US', 'pl-PL']));
      expect(byLine(list.body.items, 1)).toMatchObject({
        kind: 'softwareSubscription',
        status: 'active',
        keyAvailable: true,
      });

      const cancelled = await t.request('PATCH', orderPath(c.id, order.id), { as: partner, body: cancelBody([0]) });
      expect(cancelled.status).toBe(200);
      const after = await t.request(
        'GET',
        `/v1/customers/${c.id}/software?minPosition=${cancelled.headers.get('x-event-position')}`,
        { as: partner },
      );
      expect(after.status).toBe(200);
      expect(after.body.totalCount).toBe(2);
      // cancellationPending until the propagation is recorded (the worker may already have done it: then cancelled)
      const line0 = byLine(after.body.items, 0);
      expect(line0).toMatchObject({ keyAvailable: false });
      if (line0.status === 'cancelled') {
        const stream = await eventStore(t).readStream(streamIdOf('order', order.id));
        expect(stream.events.map((e) => e.type)).toContain('CancellationPropagated');
      } else {
        expect(line0.status).toBe('cancellationPending');
      }
      expect(byLine(after.body.items, 1)).toMatchObject({ status: 'active', keyAvailable: true });
      expect(after.text).not.toMatch(/[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5}/);
    });

    it('is readable by the customer’s own GlobalAdmin, not by the partner’s GlobalAdmin or another partner', async () => {
      const c = await registerCustomer(t, partner, 'PL');
      await placeOrderOk(t, partner, c.id, [{ offerId: OFFERS.perpetual }]);
      expect(
        (await t.request('GET', `/v1/customers/${c.id}/software`, { as: { tenantId: c.id, roles: ['GlobalAdmin'] } }))
          .status,
      ).toBe(200);
      expectProblem(
        await t.request('GET', `/v1/customers/${c.id}/software`, {
          as: { tenantId: partner.tenantId, roles: ['GlobalAdmin'] },
        }),
        403,
      );
      expectProblem(await t.request('GET', `/v1/customers/${c.id}/software`, { as: adminAgent() }), 404);
    });
  });

  describe('POST …/software/{id}/key', () => {
    it('reveals a MAK in the 25-character format, the same one each time, never cached', async () => {
      const order = await placeOrderOk(t, partner, customer.id, [{ offerId: OFFERS.perpetual }]);
      const id = softwareIdOf(order.id, 0);
      const first = await reveal(id, { version: '2022' });
      expect(first.status).toBe(200);
      expect(first.body).toEqual({ productKey: expect.stringMatching(MAK_FORMAT), keyType: 'MAK', version: '2022' });
      expect(first.body.productKey).toHaveLength(29);
      expect(first.body.productKey.replace(/-/g, '')).toHaveLength(25);
      expect(first.headers.get('cache-control')).toBe('no-store');
      const second = await reveal(id, { version: '2022', keyType: 'MAK' });
      expect(second.status).toBe(200);
      expect(second.body.productKey).toBe(first.body.productKey);
      // the customer's own GlobalAdmin (admin center) sees the same key
      const own = await reveal(id, { version: '2022' }, { tenantId: customer.id, roles: ['GlobalAdmin'] });
      expect(own.status).toBe(200);
      expect(own.body.productKey).toBe(first.body.productKey);
      // downgrade rights: n-2 is available too
      const older = await reveal(id, { version: '2016' });
      expect(older.status).toBe(200);
      expect(older.body).toMatchObject({ productKey: expect.stringMatching(MAK_FORMAT), version: '2016' });

      const events = (await streamEvents(t, streamIdOf('order', order.id))).filter((e) => e.type === 'KeyRevealed');
      expect(events).toHaveLength(4);
      expect(events.map((e) => e.data.channel)).toEqual([
        'partnerCenter',
        'partnerCenter',
        'adminCenter',
        'partnerCenter',
      ]);
      expect(events[0].data).toMatchObject({ version: '2022', keyType: 'MAK', lineItemNumber: 0, upn: partner.upn });
      expect(JSON.stringify(events)).not.toContain(first.body.productKey);
    });

    it.each(['KMS', 'kms'])('refuses keyType %s with kms_not_allowed and an explanation', async (keyType) => {
      const order = await placeOrderOk(t, partner, customer.id, [{ offerId: OFFERS.perpetual }]);
      const res = await reveal(softwareIdOf(order.id, 0), { version: '2022', keyType });
      expectProblem(res, 400, 'kms_not_allowed');
      expect(fieldsOf(res)).toEqual(['keyType']);
      expect(res.body.detail).toMatch(/MAK/);
      expect(res.body.detail).toMatch(/KMS/);
      expect(res.body.detail.length).toBeGreaterThan(60);
      expect((await streamEvents(t, streamIdOf('order', order.id))).map((e) => e.type)).toEqual(['OrderPlaced']);
    });

    it('refuses an unknown version, an unknown key type and bad bodies with 400 naming the field', async () => {
      const order = await placeOrderOk(t, partner, customer.id, [{ offerId: OFFERS.perpetual }]);
      const id = softwareIdOf(order.id, 0);
      const version = await reveal(id, { version: '2008' });
      expectProblem(version, 400);
      expect(fieldsOf(version)).toEqual(['version']);
      const type = await reveal(id, { version: '2022', keyType: 'OEM' });
      expectProblem(type, 400);
      expect(fieldsOf(type)).toEqual(['keyType']);
      const missing = await reveal(id, {});
      expectProblem(missing, 400);
      expect(fieldsOf(missing)).toContain('version');
      const extra = await reveal(id, { version: '2022', force: true });
      expectProblem(extra, 400);
      expect(fieldsOf(extra)).toContain('force');
    });

    it('answers 404 for a line without software and for unknown software ids', async () => {
      const order = await placeOrderOk(t, partner, customer.id, [
        { offerId: OFFERS.perpetual },
        { offerId: OFFERS.suse },
      ]);
      expectProblem(await reveal(softwareIdOf(order.id, 1), { version: '2022' }), 404, 'software_not_found');
      expectProblem(await reveal(softwareIdOf(order.id, 5), { version: '2022' }), 404);
      expectProblem(await reveal('not-a-software-id', { version: '2022' }), 404);
      expectProblem(await reveal(softwareIdOf(order.id, 0), { version: '2022' }, adminAgent()), 404);
    });

    it('answers 410 revoked once the purchase is cancelled (on the write side, at once)', async () => {
      const order = await placeOrderOk(t, partner, customer.id, [
        { offerId: OFFERS.perpetual },
        { offerId: OFFERS.sqlPerpetual },
      ]);
      expect((await reveal(softwareIdOf(order.id, 0), { version: '2022' })).status).toBe(200);
      expect((await cancel(order.id, [0])).status).toBe(200);
      const gone = await reveal(softwareIdOf(order.id, 0), { version: '2022' });
      expectProblem(gone, 410, 'revoked');
      expectProblem(
        await reveal(softwareIdOf(order.id, 0), { version: '2022' }, { tenantId: customer.id, roles: ['GlobalAdmin'] }),
        410,
        'revoked',
      );
      // the other line was not cancelled
      expect((await reveal(softwareIdOf(order.id, 1), { version: '2022' })).status).toBe(200);
    });
  });

  describe('POST …/software/{id}/downloadlinks and GET /v1/downloads/{token}', () => {
    it('issues a signed link (+14 days, 50 downloads) that serves the bits whose SHA-256 the event records', async () => {
      const order = await placeOrderOk(t, partner, customer.id, [{ offerId: OFFERS.perpetual }]);
      const link = await issueLink(softwareIdOf(order.id, 0), linkBody);
      expect(link.status).toBe(201);
      expect(link.body).toMatchObject({
        uri: expect.stringMatching(/\/v1\/downloads\/[^/]+$/),
        expiresAt: new Date(t.clock.now().getTime() + 14 * DAY).toISOString(),
        maxDownloads: 50,
      });
      expect(link.headers.get('cache-control')).toBe('no-store');

      const dl = await download(t, link.body.uri);
      expect(dl.status).toBe(200);
      expect(dl.bytes.length).toBeGreaterThan(0);
      expect(Number(dl.headers.get('content-length'))).toBe(dl.bytes.length);
      expect(dl.headers.get('content-disposition')).toMatch(/^attachment; filename=/);
      const sha = createHash('sha256').update(dl.bytes).digest('hex');

      const events = await streamEvents(t, streamIdOf('order', order.id));
      const issued = events.find((e) => e.type === 'DownloadLinkIssued')!;
      expect(issued.data).toMatchObject({
        version: '2022',
        language: 'en-US',
        bitness: 'x64',
        maxDownloads: 50,
        expiresAt: link.body.expiresAt,
      });
      const downloaded = events.filter((e) => e.type === 'SoftwareDownloaded');
      expect(downloaded).toHaveLength(1);
      expect(downloaded[0].data).toMatchObject({
        sha256: sha,
        bytes: dl.bytes.length,
        downloadNumber: 1,
        linkId: issued.data.linkId,
      });

      // the same link works again (until its limits) and serves the same bytes
      const again = await download(t, link.body.uri);
      expect(again.status).toBe(200);
      expect(createHash('sha256').update(again.bytes).digest('hex')).toBe(sha);
    });

    it('lets the customer’s own GlobalAdmin issue links too', async () => {
      const order = await placeOrderOk(t, partner, customer.id, [{ offerId: OFFERS.sqlPerpetual }]);
      const link = await issueLink(
        softwareIdOf(order.id, 0),
        { version: '2019', language: 'de-DE', bitness: 'x64' },
        { tenantId: customer.id, roles: ['GlobalAdmin'] },
      );
      expect(link.status).toBe(201);
      expect((await download(t, link.body.uri)).status).toBe(200);
    });

    it.each([
      [{ version: '2008', language: 'en-US', bitness: 'x64' }, 'version'],
      [{ version: '2016', language: 'pl-PL', bitness: 'x64' }, 'language'],
      [{ version: '2022', language: 'en-US', bitness: 'x86' }, 'bitness'],
      [{ version: '2022', language: 'en-US' }, 'bitness'],
      [{ version: '2022', language: 'en-US', bitness: 'x64', channel: 'cdn' }, 'channel'],
    ])('refuses %j with 400 naming %s', async (body, field) => {
      const order = await placeOrderOk(t, partner, customer.id, [{ offerId: OFFERS.perpetual }]);
      const res = await issueLink(softwareIdOf(order.id, 0), body);
      expectProblem(res, 400);
      expect([...new Set(fieldsOf(res))]).toEqual([field]);
      expect((await streamEvents(t, streamIdOf('order', order.id))).map((e) => e.type)).toEqual(['OrderPlaced']);
    });

    it('answers 404 for a tampered or unknown token', async () => {
      const order = await placeOrderOk(t, partner, customer.id, [{ offerId: OFFERS.perpetual }]);
      const link = await issueLink(softwareIdOf(order.id, 0), linkBody);
      const token = new URL(link.body.uri).pathname.split('/').pop()!;
      const flip = (c: string) => (c === 'A' ? 'B' : 'A');
      const tamperedSig = token.slice(0, -1) + flip(token.slice(-1));
      const mid = Math.floor(token.length / 3);
      const tamperedPayload = token.slice(0, mid) + flip(token[mid]) + token.slice(mid + 1);
      for (const bad of [tamperedSig, tamperedPayload, 'not-a-token', `${token}x`]) {
        const res = await download(t, `http://x/v1/downloads/${bad}`);
        expect(res.status).toBe(404);
        expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      }
      expect(
        (await streamEvents(t, streamIdOf('order', order.id))).filter((e) => e.type === 'SoftwareDownloaded'),
      ).toHaveLength(0);
    });

    it('answers 410 for links and downloads after the cancellation', async () => {
      const order = await placeOrderOk(t, partner, customer.id, [{ offerId: OFFERS.perpetual }]);
      const link = await issueLink(softwareIdOf(order.id, 0), linkBody);
      expect(link.status).toBe(201);
      expect((await cancel(order.id)).status).toBe(200);
      const dl = await download(t, link.body.uri);
      expect(dl.status).toBe(410);
      expect(dl.body.code).toBe('revoked');
      expectProblem(await issueLink(softwareIdOf(order.id, 0), linkBody), 410, 'revoked');
      const events = await streamEvents(t, streamIdOf('order', order.id));
      expect(events.find((e) => e.type === 'OrderCancelled')!.data.revokedLinkIds).toEqual([link.body.linkId]);
      expect(events.filter((e) => e.type === 'SoftwareDownloaded')).toHaveLength(0);
    });

    it('answers 410 once the link has expired (14 days)', async () => {
      const order = await placeOrderOk(t, partner, customer.id, [{ offerId: OFFERS.perpetual }]);
      const link = await issueLink(softwareIdOf(order.id, 0), linkBody);
      t.clock.advance({ days: 13, hours: 23, minutes: 59 });
      expect((await download(t, link.body.uri)).status).toBe(200);
      t.clock.advance({ minutes: 1 });
      const expired = await download(t, link.body.uri);
      expect(expired.status).toBe(410);
      expect(expired.body.code).toBe('link_expired');
    });
  });

  describe('with DOWNLOAD_LINK_MAX_DOWNLOADS=2', () => {
    let small: TestApp;
    beforeAll(async () => {
      small = await startTestApp({ env: { DOWNLOAD_LINK_MAX_DOWNLOADS: '2' } });
    });
    afterAll(async () => {
      await small?.close();
    });

    it('answers 410 after the link is used up', async () => {
      const p = adminAgent();
      const c = await registerCustomer(small, p, 'DE');
      const order = await placeOrderOk(small, p, c.id, [{ offerId: OFFERS.perpetual }]);
      const link = await small.request(
        'POST',
        `/v1/customers/${c.id}/software/${softwareIdOf(order.id, 0)}/downloadlinks`,
        { as: p, body: linkBody },
      );
      expect(link.status).toBe(201);
      expect(link.body.maxDownloads).toBe(2);
      expect((await download(small, link.body.uri)).status).toBe(200);
      expect((await download(small, link.body.uri)).status).toBe(200);
      const third = await download(small, link.body.uri);
      expect(third.status).toBe(410);
      expect(third.body.code).toBe('link_used_up');
      const events = await streamEvents(small, streamIdOf('order', order.id));
      expect(events.filter((e) => e.type === 'SoftwareDownloaded').map((e) => e.data.downloadNumber)).toEqual([1, 2]);
    });
  });
});
