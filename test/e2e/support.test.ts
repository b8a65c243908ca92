import { streamIdOf } from '@csp/domain';
import { createHash } from 'node:crypto';
import type { Pool } from 'pg';
import { DATABASE_POOL } from '@csp/event-sourcing';
import { Caller, startTestApp, TestApp } from '../support/app';
import {
  adminAgent,
  expectProblem,
  fieldsOf,
  Json,
  OFFERS,
  placeOrderOk,
  registerCustomer,
  streamEvents,
} from './e2e-helpers';

/** The partner's own customer (by domain) and order: a support request names only those (else 404). */
const refs = { domain: '', orderId: '' };

const validRequest = () => ({
  problemType: 'CSP Purchase/Refund on behalf of customers',
  impact: 'moderate',
  title: 'Refund for an order past the cancellation window',
  description: {
    customerTenantIdOrDomain: refs.domain,
    orderIdOrSubscriptionId: refs.orderId,
    refundReason: 'The customer ordered the wrong edition and noticed on day 31.',
    amountRequested: { amount: '4276.00', currencyCode: 'PLN' },
  },
  contact: { name: 'Anna Kowalska', email: 'anna@contoso.example', phone: '+48 22 123 45 67' },
});

describe('support requests over HTTP', () => {
  let t: TestApp;
  let partner: Caller;
  beforeAll(async () => {
    t = await startTestApp();
    partner = adminAgent();
    const customer = await registerCustomer(t, partner, 'PL');
    refs.domain = customer.body.domain;
    refs.orderId = (await placeOrderOk(t, partner, customer.id, [{ offerId: OFFERS.perpetual }])).id;
  });
  afterAll(async () => {
    await t?.close();
  });

  const submit = (body: unknown, as: Caller = partner) => t.request('POST', '/v1/supportrequests', { as, body });

  it('files a refund request: 201 with its id and status submitted, recorded as an event', async () => {
    const body = validRequest();
    const res = await submit(body);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      status: 'submitted',
      problemType: body.problemType,
      impact: 'moderate',
      title: body.title,
    });
    expect(Number(res.headers.get('x-event-position'))).toBeGreaterThan(0);
    const events = await streamEvents(t, streamIdOf('supportRequest', res.body.id));
    expect(events.map((e) => e.type)).toEqual(['SupportRequestSubmitted']);
    expect(events[0].data).toMatchObject({
      partnerTenantId: partner.tenantId,
      description: {
        orderIdOrSubscriptionId: body.description.orderIdOrSubscriptionId,
        refundReason: body.description.refundReason,
      },
      contact: body.contact,
      status: 'submitted',
    });
  });

  it('accepts attachments and records their size and SHA-256', async () => {
    const content = Buffer.from('%PDF-1.4 invoice copy for the refund request\n');
    const body = {
      ...validRequest(),
      attachments: [
        { fileName: 'invoice.pdf', contentType: 'application/pdf', contentBase64: content.toString('base64') },
        { fileName: 'notes.txt', contentType: 'text/plain', contentBase64: Buffer.from('notes').toString('base64') },
      ],
    };
    const res = await submit(body);
    expect(res.status).toBe(201);
    const [event] = await streamEvents(t, streamIdOf('supportRequest', res.body.id));
    expect(event.data.attachments).toEqual([
      {
        fileName: 'invoice.pdf',
        contentType: 'application/pdf',
        size: content.length,
        sha256: createHash('sha256').update(content).digest('hex'),
      },
      expect.objectContaining({ fileName: 'notes.txt', size: 5 }),
    ]);
    const rows = await t.app
      .get<Pool>(DATABASE_POOL)
      .query(
        'SELECT file_name, content FROM support_request_attachments WHERE support_request_id = $1 ORDER BY ordinal',
        [res.body.id],
      );
    expect(rows.rows.map((r: { file_name: string }) => r.file_name)).toEqual(['invoice.pdf', 'notes.txt']);
    expect(Buffer.compare(rows.rows[0].content, content)).toBe(0);
  });

  it.each([
    ['problemType', (b: Json) => delete b.problemType],
    ['impact', (b: Json) => delete b.impact],
    ['title', (b: Json) => delete b.title],
    ['description', (b: Json) => delete b.description],
    ['description.customerTenantIdOrDomain', (b: Json) => delete b.description.customerTenantIdOrDomain],
    ['description.orderIdOrSubscriptionId', (b: Json) => delete b.description.orderIdOrSubscriptionId],
    ['description.refundReason', (b: Json) => delete b.description.refundReason],
    ['description.amountRequested', (b: Json) => delete b.description.amountRequested],
    ['contact', (b: Json) => delete b.contact],
    ['contact.name', (b: Json) => delete b.contact.name],
    ['contact.email', (b: Json) => delete b.contact.email],
    ['contact.phone', (b: Json) => delete b.contact.phone],
  ])('names a missing %s', async (field, remove) => {
    const body = validRequest();
    remove(body);
    const res = await submit(body);
    expectProblem(res, 400);
    expect([...new Set(fieldsOf(res))]).toEqual([field]);
  });

  it.each([
    ['contact.email', (b: Json) => (b.contact.email = 'not-an-email')],
    ['contact.phone', (b: Json) => (b.contact.phone = 'call me')],
    ['impact', (b: Json) => (b.impact = 'apocalyptic')],
    ['problemType', (b: Json) => (b.problemType = 'Billing question')],
    ['description.customerTenantIdOrDomain', (b: Json) => (b.description.customerTenantIdOrDomain = 'not a tenant')],
    ['description.refundReason', (b: Json) => (b.description.refundReason = '   ')],
    ['description.amountRequested.amount', (b: Json) => (b.description.amountRequested.amount = '12.345')],
    ['contact.email', (b: Json) => (b.contact.email = 42)],
    [
      'attachments[0].contentBase64',
      (b: Json) => (b.attachments = [{ fileName: 'a.pdf', contentType: 'application/pdf', contentBase64: '***' }]),
    ],
    [
      'attachments[0].fileName',
      (b: Json) => (b.attachments = [{ fileName: '../etc/passwd', contentType: 'text/plain', contentBase64: 'aGk=' }]),
    ],
    ['urgent', (b: Json) => (b.urgent = true)],
  ])('names an invalid %s', async (field, change) => {
    const body = validRequest();
    change(body);
    const res = await submit(body);
    expectProblem(res, 400);
    expect([...new Set(fieldsOf(res))]).toEqual([field]);
  });

  it('names every bad field of one request', async () => {
    const body: Json = validRequest();
    body.contact.email = 'nope';
    body.contact.phone = 'x';
    body.description.refundReason = '';
    body.impact = 'whenever';
    const res = await submit(body);
    expectProblem(res, 400);
    expect(new Set(fieldsOf(res))).toEqual(
      new Set(['contact.email', 'contact.phone', 'description.refundReason', 'impact']),
    );
  });

  it('is for the partner’s AdminAgent only', async () => {
    expectProblem(
      await submit(validRequest(), { tenantId: partner.tenantId, roles: ['GlobalAdmin'] }),
      403,
      'forbidden',
    );
    expectProblem(await t.request('POST', '/v1/supportrequests', { body: validRequest() }), 401);
  });
});
