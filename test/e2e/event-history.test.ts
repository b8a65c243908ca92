import { streamIdOf } from '@csp/domain';
import { randomUUID } from 'node:crypto';
import type { RecordedEvent } from '@csp/event-store';
import { Caller, startTestApp, TestApp } from '../support/app';
import {
  adminAgent,
  cancelBody,
  MAK_FORMAT,
  offer,
  OFFERS,
  orderPath,
  readAllEvents,
  softwareIdOf,
  streamEvents,
  uniqueDomain,
  WORKER_EVENT_TYPES,
} from './e2e-helpers';

/**
 * Every effect of the API is an event whose metadata ties it to the request (MS-RequestId,
 * MS-CorrelationId), the user and the tenant; no product key is ever in an event, another response or a log.
 */
describe('the event history', () => {
  let t: TestApp;
  const logLines: string[] = [];
  const spies: jest.SpyInstance[] = [];

  beforeAll(async () => {
    // Capture what the app's pino loggers write to stdout while this suite runs, at debug level. Under jest
    // pino sees a patched process.stdout and writes through it (else it would use fd 1 directly).
    const stdoutWrite = process.stdout.write.bind(process.stdout);
    spies.push(
      jest.spyOn(process.stdout, 'write').mockImplementation(((chunk: unknown, ...rest: unknown[]) => {
        const text = Buffer.isBuffer(chunk) ? chunk.toString('utf8') : String(chunk);
        if (text.startsWith('{"level"')) {
          logLines.push(text);
          const cb = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
          cb?.();
          return true;
        }
        return (stdoutWrite as (...a: unknown[]) => boolean)(chunk, ...rest);
      }) as typeof process.stdout.write),
    );
    t = await startTestApp({ env: { LOG_LEVEL: 'debug' } });
  });
  afterAll(async () => {
    await t?.close();
    for (const s of spies) s.mockRestore();
  });

  const correlationId = randomUUID();
  let partner: Caller;
  let customerId: string;
  let orderId: string;
  let productKey: string;
  let customerKey: string;
  const requestIds: Record<string, string> = {};
  const otherResponses: string[] = [];

  const call = (step: string, method: string, path: string, options: { as?: Caller; body?: unknown } = {}) => {
    requestIds[step] = randomUUID();
    return t.request(method, path, {
      ...options,
      headers: { 'MS-RequestId': requestIds[step], 'MS-CorrelationId': correlationId },
    });
  };

  const metadataOf = (e: RecordedEvent) => e.metadata;

  it('runs a whole purchase, each request echoing its ids', async () => {
    partner = { ...adminAgent(), userId: 'agent-007', upn: 'agent007@partner.example' };
    const reg = await call('register', 'POST', '/v1/customers', {
      as: partner,
      body: { companyName: 'Wingtip', domain: uniqueDomain('wingtip'), country: 'PL' },
    });
    expect(reg.status).toBe(201);
    expect(reg.headers.get('ms-requestid')).toBe(requestIds.register);
    expect(reg.headers.get('ms-correlationid')).toBe(correlationId);
    customerId = reg.body.id;

    const order = await call('place', 'POST', `/v1/customers/${customerId}/orders`, {
      as: partner,
      body: {
        lineItems: [
          { lineItemNumber: 0, offerId: OFFERS.perpetual, quantity: 1 },
          { lineItemNumber: 1, offerId: OFFERS.subscription1y, quantity: 2 },
        ],
      },
    });
    expect(order.status).toBe(201);
    orderId = order.body.id;

    const key = await call('reveal', 'POST', `/v1/customers/${customerId}/software/${softwareIdOf(orderId, 0)}/key`, {
      as: partner,
      body: { version: '2022' },
    });
    expect(key.status).toBe(200);
    productKey = key.body.productKey;
    expect(productKey).toMatch(MAK_FORMAT);
    const customerAdmin: Caller = {
      tenantId: customerId,
      roles: ['GlobalAdmin'],
      userId: 'cust-admin',
      upn: 'admin@wingtip.example',
    };
    const key2 = await call(
      'revealByCustomer',
      'POST',
      `/v1/customers/${customerId}/software/${softwareIdOf(orderId, 1)}/key`,
      {
        as: customerAdmin,
        body: { version: '2019' },
      },
    );
    expect(key2.status).toBe(200);
    customerKey = key2.body.productKey;

    const link = await call(
      'link',
      'POST',
      `/v1/customers/${customerId}/software/${softwareIdOf(orderId, 0)}/downloadlinks`,
      {
        as: partner,
        body: { version: '2022', language: 'pl-PL', bitness: 'x64' },
      },
    );
    expect(link.status).toBe(201);
    const dl = await call('download', 'GET', new URL(link.body.uri).pathname);
    expect(dl.status).toBe(200);
    expect(dl.headers.get('ms-requestid')).toBe(requestIds.download);

    // other reads: none may carry a key
    for (const path of [
      `/v1/customers/${customerId}`,
      '/v1/customers',
      `/v1/customers/${customerId}/orders`,
      orderPath(customerId, orderId),
      `${orderPath(customerId, orderId)}/cancellationeligibility`,
      `/v1/customers/${customerId}/software`,
    ]) {
      const r = await t.request('GET', path, { as: partner });
      expect(r.status).toBe(200);
      otherResponses.push(r.text);
    }

    const cancel = await call('cancel', 'PATCH', orderPath(customerId, orderId), { as: partner, body: cancelBody() });
    expect(cancel.status).toBe(200);
    otherResponses.push(cancel.text);
    // refusals are logged too (debug): a revoked reveal and a KMS request
    const revoked = await t.request('POST', `/v1/customers/${customerId}/software/${softwareIdOf(orderId, 0)}/key`, {
      as: partner,
      body: { version: '2022' },
    });
    expect(revoked.status).toBe(410);
    const kms = await t.request('POST', `/v1/customers/${customerId}/software/${softwareIdOf(orderId, 1)}/key`, {
      as: partner,
      body: { version: '2022', keyType: 'KMS' },
    });
    expect(kms.status).toBe(400);
    otherResponses.push(revoked.text, kms.text);
    const support = await call('support', 'POST', '/v1/supportrequests', {
      as: partner,
      body: {
        problemType: 'CSP Purchase/Refund on behalf of customers',
        impact: 'minimal',
        title: `Refund for ${orderId}`,
        description: {
          customerTenantIdOrDomain: customerId,
          orderIdOrSubscriptionId: orderId,
          refundReason: 'Wrong edition.',
          amountRequested: { amount: '10.00', currencyCode: 'PLN' },
        },
        contact: { name: 'Jan', email: 'jan@partner.example', phone: '+48 600 000 000' },
      },
    });
    expect(support.status).toBe(201);
    otherResponses.push(support.text);
    const afterwards = await t.request(
      'GET',
      `/v1/customers/${customerId}/software?minPosition=${cancel.headers.get('x-event-position')}`,
      { as: partner },
    );
    otherResponses.push(afterwards.text);
  });

  it('records each effect as an event carrying the request’s ids, the user and the tenant', async () => {
    const customerEvents = await streamEvents(t, streamIdOf('customer', customerId));
    expect(customerEvents.map((e) => e.type)).toEqual(['CustomerRegistered']);
    expect(metadataOf(customerEvents[0])).toMatchObject({
      requestId: requestIds.register,
      correlationId,
      userId: partner.userId,
      upn: partner.upn,
      tenantId: partner.tenantId,
    });
    expect(customerEvents[0].data).toMatchObject({
      customerId,
      partnerTenantId: partner.tenantId,
      country: 'PL',
      currencyCode: 'PLN',
    });

    const events = await streamEvents(t, streamIdOf('order', orderId));
    expect(events.map((e) => e.type)).toEqual([
      'OrderPlaced',
      'KeyRevealed',
      'KeyRevealed',
      'DownloadLinkIssued',
      'SoftwareDownloaded',
      'OrderCancelled',
    ]);
    const [placed, revealed, revealedByCustomer, issued, downloaded, cancelled] = events;
    const partnerMeta = { correlationId, userId: partner.userId, upn: partner.upn, tenantId: partner.tenantId };
    expect(metadataOf(placed)).toMatchObject({ ...partnerMeta, requestId: requestIds.place });
    expect(metadataOf(revealed)).toMatchObject({ ...partnerMeta, requestId: requestIds.reveal });
    expect(revealed.data).toMatchObject({
      lineItemNumber: 0,
      version: '2022',
      keyType: 'MAK',
      channel: 'partnerCenter',
      userId: partner.userId,
    });
    expect(metadataOf(revealedByCustomer)).toMatchObject({
      correlationId,
      requestId: requestIds.revealByCustomer,
      userId: 'cust-admin',
      tenantId: customerId,
    });
    expect(revealedByCustomer.data).toMatchObject({ channel: 'adminCenter', userTenantId: customerId });
    expect(metadataOf(issued)).toMatchObject({ ...partnerMeta, requestId: requestIds.link });
    expect(issued.data).toMatchObject({ language: 'pl-PL', bitness: 'x64', maxDownloads: 50 });
    // the download is anonymous (the link is the credential) but still tied to its request
    expect(metadataOf(downloaded)).toMatchObject({ correlationId, requestId: requestIds.download });
    expect(downloaded.data).toMatchObject({
      linkId: issued.data.linkId,
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(metadataOf(cancelled)).toMatchObject({
      ...partnerMeta,
      requestId: requestIds.cancel,
      policyVersion: '2024-01',
    });
    expect(cancelled.data).toMatchObject({
      policyVersion: '2024-01',
      earlyTerminationFee: 0,
      statusAfter: 'cancelled',
      lineItems: [
        expect.objectContaining({ lineItemNumber: 0, basis: 'full', credit: offer(OFFERS.perpetual).prices.PLN }),
        expect.objectContaining({ lineItemNumber: 1, basis: 'prorated', credit: expect.any(Number) }),
      ],
    });

    const all = await readAllEvents(t);
    const support = all.filter((e) => e.type === 'SupportRequestSubmitted');
    expect(support).toHaveLength(1);
    expect(metadataOf(support[0])).toMatchObject({ ...partnerMeta, requestId: requestIds.support });
    // every event of the store has metadata tying it to a request (partner registrations are the operator's setup)
    for (const e of all.filter((x) => !WORKER_EVENT_TYPES.has(x.type) && x.type !== 'PartnerRegistered'))
      expect(e.metadata.correlationId).toBe(correlationId);
    // global order is the order of the requests
    const positions = all.map((e) => e.globalPosition);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  });

  it('never stores a product key: not in any event, not in any other response', async () => {
    const all = await readAllEvents(t);
    expect(all.length).toBeGreaterThanOrEqual(9);
    const serialized = JSON.stringify(all);
    for (const key of [productKey, customerKey]) {
      expect(serialized).not.toContain(key);
      expect(serialized).not.toContain(key.replace(/-/g, ''));
      for (const body of otherResponses) expect(body).not.toContain(key);
    }
    expect(serialized).not.toMatch(/[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5}/);
    expect(serialized).not.toMatch(/productKey/i);
  });

  it('never logs a product key (app booted at debug level, its stdout captured)', async () => {
    const logs = logLines.join('');
    // the capture works: the request lines of this suite are in it
    expect(logs).toContain('request completed');
    expect(logs).toContain(requestIds.reveal);
    expect(logs).toContain('request refused');
    for (const key of [productKey, customerKey]) {
      expect(logs).not.toContain(key);
      expect(logs).not.toContain(key.replace(/-/g, ''));
    }
  });
});
