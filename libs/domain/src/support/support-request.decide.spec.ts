import { deciderSpec } from '../testing/decider-spec';
import { ADMIN_AGENT, ctxAt, PARTNER, T0 } from '../testing/fixtures';
import type { SubmitSupportRequest } from './support-request.commands';
import { supportRequestDecider } from './support-request.decide';
import { REFUND_PROBLEM_TYPE, type SupportRequestSubmitted } from './support-request.events';

const spec = deciderSpec(supportRequestDecider, () => ctxAt(T0));
const SHA = 'b'.repeat(64);
const request = (): SubmitSupportRequest => ({
  type: 'SubmitSupportRequest',
  data: {
    supportRequestId: 'sr-1',
    partnerTenantId: PARTNER,
    problemType: REFUND_PROBLEM_TYPE,
    impact: 'Moderate',
    title: 'Refund for a cancelled Windows Server order',
    description: {
      customerTenantIdOrDomain: 'Contoso.onmicrosoft.com',
      orderIdOrSubscriptionId: '33333333-3333-4333-8333-333333333333',
      refundReason: 'Ordered the wrong edition 35 days ago',
      amountRequested: { amount: '1069', currencyCode: 'USD' },
    },
    contact: { name: 'Anna Nowak', email: 'anna@partner.example', phone: '+48 22 123 45 67' },
    attachments: [{ fileName: 'invoice.pdf', contentType: 'application/pdf', size: 12345, sha256: SHA }],
    submittedBy: ADMIN_AGENT,
  },
});

describe('SubmitSupportRequest', () => {
  it('records every field, attachments as metadata only', () => {
    const expected: SupportRequestSubmitted = {
      type: 'SupportRequestSubmitted',
      data: {
        supportRequestId: 'sr-1',
        partnerTenantId: PARTNER,
        problemType: REFUND_PROBLEM_TYPE,
        impact: 'moderate',
        title: 'Refund for a cancelled Windows Server order',
        description: {
          customerTenantIdOrDomain: 'contoso.onmicrosoft.com',
          orderIdOrSubscriptionId: '33333333-3333-4333-8333-333333333333',
          refundReason: 'Ordered the wrong edition 35 days ago',
          amountRequested: { amount: '1069.00', currencyCode: 'USD' },
          amountRequestedMinor: 106900,
        },
        contact: { name: 'Anna Nowak', email: 'anna@partner.example', phone: '+48 22 123 45 67' },
        attachments: [{ fileName: 'invoice.pdf', contentType: 'application/pdf', size: 12345, sha256: SHA }],
        submittedBy: { userId: ADMIN_AGENT.userId, upn: ADMIN_AGENT.upn, tenantId: PARTNER },
        submittedAt: T0.toISOString(),
        status: 'submitted',
      },
    };
    spec.given([]).when(request()).then([expected]);
  });

  it('accepts a tenant GUID and no attachments', () => {
    const r = request();
    r.data.description.customerTenantIdOrDomain = '22222222-2222-4222-8222-222222222222';
    delete r.data.attachments;
    spec
      .given([])
      .when(r)
      .thenMatches((e) => expect(e[0].data.attachments).toEqual([]));
  });

  it('names every missing field', () => {
    const r = request();
    r.data.problemType = '';
    r.data.impact = '';
    r.data.title = ' ';
    r.data.description = {
      customerTenantIdOrDomain: '',
      orderIdOrSubscriptionId: '',
      refundReason: '',
      amountRequested: undefined as never,
    };
    r.data.contact = { name: '', email: '', phone: '' };
    const e = spec.given([]).when(r).thenError({ code: 'required', kind: 'validation' });
    expect(e.errors.map((i) => i.field)).toEqual([
      'problemType',
      'impact',
      'title',
      'description.customerTenantIdOrDomain',
      'description.orderIdOrSubscriptionId',
      'description.refundReason',
      'description.amountRequested',
      'contact.name',
      'contact.email',
      'contact.phone',
    ]);
  });

  it('names missing description and contact objects', () => {
    const r = request();
    (r.data as { description?: unknown }).description = undefined;
    (r.data as { contact?: unknown }).contact = undefined;
    const e = spec.given([]).when(r).thenError({ code: 'required' });
    expect(e.errors.map((i) => i.field)).toEqual(
      expect.arrayContaining(['description', 'contact', 'description.refundReason', 'contact.email']),
    );
  });

  it('names every invalid field', () => {
    const r = request();
    r.data.problemType = 'Billing';
    r.data.impact = 'urgent';
    r.data.description.customerTenantIdOrDomain = 'not a tenant';
    r.data.description.amountRequested = { amount: '10.123', currencyCode: 'USD' };
    r.data.contact.email = 'anna';
    r.data.contact.phone = 'call me';
    r.data.attachments = [{ fileName: '../etc/passwd', contentType: 'pdf', size: 0, sha256: 'x' }];
    const e = spec.given([]).when(r).thenError({ code: 'validation_failed', kind: 'validation' });
    expect(e.errors.map((i) => `${i.field}:${i.code}`)).toEqual([
      'problemType:invalid_problem_type',
      'impact:invalid_impact',
      'description.customerTenantIdOrDomain:invalid_tenant',
      'description.amountRequested.amount:invalid_money',
      'contact.email:invalid_email',
      'contact.phone:invalid_phone',
      'attachments[0].fileName:invalid_file_name',
      'attachments[0].contentType:invalid_content_type',
      'attachments[0].size:invalid_size',
      'attachments[0].sha256:invalid_sha256',
    ]);
  });

  it('JPY amounts have no decimals; KWD three', () => {
    const jp = request();
    jp.data.description.amountRequested = { amount: '160400', currencyCode: 'JPY' };
    spec
      .given([])
      .when(jp)
      .thenMatches((e) =>
        expect(e[0].data.description.amountRequested).toEqual({ amount: '160400', currencyCode: 'JPY' }),
      );
    const bad = request();
    bad.data.description.amountRequested = { amount: '100.5', currencyCode: 'JPY' };
    spec.given([]).when(bad).thenThrows({ code: 'invalid_money', field: 'description.amountRequested.amount' });
    const kw = request();
    kw.data.description.amountRequested = { amount: '328.18', currencyCode: 'KWD' };
    spec
      .given([])
      .when(kw)
      .thenMatches((e) =>
        expect(e[0].data.description.amountRequested).toEqual({ amount: '328.180', currencyCode: 'KWD' }),
      );
  });

  it('limits attachments to 5 of at most 10 MiB', () => {
    const r = request();
    r.data.attachments = Array.from({ length: 6 }, (_, i) => ({
      fileName: `f${i}.pdf`,
      contentType: 'application/pdf',
      size: 1,
      sha256: SHA,
    }));
    spec.given([]).when(r).thenThrows({ code: 'too_many_attachments', field: 'attachments' });
    const big = request();
    big.data.attachments = [
      { fileName: 'big.zip', contentType: 'application/zip', size: 10 * 1024 * 1024 + 1, sha256: SHA },
    ];
    spec.given([]).when(big).thenThrows({ code: 'attachment_too_large', field: 'attachments[0].size' });
  });

  it('a support request id is used once', () => {
    const events = supportRequestDecider.decide(request(), supportRequestDecider.initialState(), ctxAt(T0));
    spec.given(events).when(request()).thenThrows({ code: 'support_request_exists', kind: 'conflict' });
  });
});
