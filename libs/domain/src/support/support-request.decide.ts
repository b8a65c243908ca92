import { isGuid, isValidDomain } from '../customers/customer-domain';
import { formatMoney, parseMoney } from '../money/money';
import type { DomainContext } from '../shared/context';
import type { Decider } from '../shared/decider';
import { DomainError, IssueCollector } from '../shared/domain-error';
import type { SubmitSupportRequest, SupportRequestCommand } from './support-request.commands';
import {
  REFUND_PROBLEM_TYPE,
  SUPPORT_IMPACTS,
  type SupportAttachmentMeta,
  type SupportImpact,
  type SupportRequestEvent,
  type SupportRequestSubmitted,
} from './support-request.events';
import { evolveSupportRequest, initialSupportRequestState, type SupportRequestState } from './support-request.state';

export const SUPPORT_LIMITS = {
  titleMax: 200,
  refundReasonMax: 4000,
  idMax: 100,
  nameMax: 200,
  emailMax: 254,
  attachmentsMax: 5,
  attachmentBytesMax: 10 * 1024 * 1024,
  fileNameMax: 255,
} as const;

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]{2,}$/;
const PHONE = /^\+?[0-9 ()./-]{6,30}$/;
const CONTENT_TYPE = /^[a-z]+\/[a-z0-9.+-]+$/i;

const str = (v: unknown): string => (typeof v === 'string' ? v.trim() : '');

const requireText = (issues: IssueCollector, field: string, v: unknown, max: number): string => {
  const s = str(v);
  if (s === '') issues.add(field, 'required', `${field} is required`);
  else if (s.length > max) issues.add(field, 'too_long', `${field} must be at most ${max} characters`);
  return s;
};

const submit = (
  command: SubmitSupportRequest,
  state: SupportRequestState,
  ctx: DomainContext,
): SupportRequestSubmitted[] => {
  if (state.status !== 'none') {
    throw new DomainError({
      code: 'support_request_exists',
      kind: 'conflict',
      detail: `support request ${state.supportRequestId} already exists`,
    });
  }
  const d = command.data ?? ({} as SubmitSupportRequest['data']);
  const issues = new IssueCollector();
  if (str(d.supportRequestId) === '') issues.add('supportRequestId', 'required', 'supportRequestId is required');
  if (str(d.partnerTenantId) === '') issues.add('partnerTenantId', 'required', 'partnerTenantId is required');

  if (str(d.problemType) === '') issues.add('problemType', 'required', 'problemType is required');
  else if (d.problemType !== REFUND_PROBLEM_TYPE)
    issues.add('problemType', 'invalid_problem_type', `problemType must be "${REFUND_PROBLEM_TYPE}"`);

  const impact = str(d.impact).toLowerCase();
  if (impact === '') issues.add('impact', 'required', 'impact is required');
  else if (!SUPPORT_IMPACTS.includes(impact as SupportImpact))
    issues.add('impact', 'invalid_impact', `impact must be one of ${SUPPORT_IMPACTS.join(', ')}`);

  const title = requireText(issues, 'title', d.title, SUPPORT_LIMITS.titleMax);

  const desc = (d.description ?? {}) as Partial<SubmitSupportRequest['data']['description']>;
  if (typeof d.description !== 'object' || d.description === null)
    issues.add('description', 'required', 'description is required');
  const tenant = str(desc.customerTenantIdOrDomain);
  if (tenant === '')
    issues.add('description.customerTenantIdOrDomain', 'required', 'description.customerTenantIdOrDomain is required');
  else if (!isGuid(tenant) && !isValidDomain(tenant)) {
    issues.add(
      'description.customerTenantIdOrDomain',
      'invalid_tenant',
      'description.customerTenantIdOrDomain must be a tenant GUID or a domain name',
    );
  }
  const orderRef = requireText(
    issues,
    'description.orderIdOrSubscriptionId',
    desc.orderIdOrSubscriptionId,
    SUPPORT_LIMITS.idMax,
  );
  const reason = requireText(issues, 'description.refundReason', desc.refundReason, SUPPORT_LIMITS.refundReasonMax);
  let amount: { amountMinor: number; currencyCode: string } | null = null;
  if (typeof desc.amountRequested !== 'object' || desc.amountRequested === null) {
    issues.add(
      'description.amountRequested',
      'required',
      'description.amountRequested is required ({ amount, currencyCode })',
    );
  } else {
    const parsed = parseMoney(desc.amountRequested);
    if (!parsed.ok) issues.add(`description.amountRequested.${parsed.field}`, 'invalid_money', parsed.message);
    else if (parsed.amountMinor <= 0)
      issues.add('description.amountRequested.amount', 'invalid_money', 'the amount requested must be positive');
    else amount = parsed;
  }

  const contact = (d.contact ?? {}) as Partial<SubmitSupportRequest['data']['contact']>;
  if (typeof d.contact !== 'object' || d.contact === null) issues.add('contact', 'required', 'contact is required');
  const name = requireText(issues, 'contact.name', contact.name, SUPPORT_LIMITS.nameMax);
  const email = str(contact.email);
  if (email === '') issues.add('contact.email', 'required', 'contact.email is required');
  else if (email.length > SUPPORT_LIMITS.emailMax || !EMAIL.test(email))
    issues.add('contact.email', 'invalid_email', 'contact.email must be an email address');
  const phone = str(contact.phone);
  if (phone === '') issues.add('contact.phone', 'required', 'contact.phone is required');
  else if (!PHONE.test(phone) || phone.replace(/\D/g, '').length < 6)
    issues.add('contact.phone', 'invalid_phone', 'contact.phone must be a phone number such as +48 22 123 45 67');

  const attachments: SupportAttachmentMeta[] = [];
  if (d.attachments !== undefined && d.attachments !== null) {
    if (!Array.isArray(d.attachments)) issues.add('attachments', 'invalid_attachments', 'attachments must be an array');
    else {
      if (d.attachments.length > SUPPORT_LIMITS.attachmentsMax)
        issues.add('attachments', 'too_many_attachments', `at most ${SUPPORT_LIMITS.attachmentsMax} attachments`);
      d.attachments.forEach((a, i) => {
        const at = `attachments[${i}]`;
        const fileName = str(a?.fileName);
        if (fileName === '') issues.add(`${at}.fileName`, 'required', `${at}.fileName is required`);
        else if (fileName.length > SUPPORT_LIMITS.fileNameMax || /[\\/\0]/.test(fileName))
          issues.add(`${at}.fileName`, 'invalid_file_name', 'fileName must be a plain file name');
        const contentType = str(a?.contentType);
        if (!CONTENT_TYPE.test(contentType))
          issues.add(
            `${at}.contentType`,
            'invalid_content_type',
            'contentType must be a media type such as application/pdf',
          );
        if (!Number.isSafeInteger(a?.size) || a.size <= 0)
          issues.add(`${at}.size`, 'invalid_size', 'the attachment must not be empty');
        else if (a.size > SUPPORT_LIMITS.attachmentBytesMax)
          issues.add(
            `${at}.size`,
            'attachment_too_large',
            `an attachment is at most ${SUPPORT_LIMITS.attachmentBytesMax} bytes`,
          );
        if (typeof a?.sha256 !== 'string' || !/^[0-9a-f]{64}$/i.test(a.sha256))
          issues.add(`${at}.sha256`, 'invalid_sha256', 'sha256 must be 64 hexadecimal characters');
        attachments.push({
          fileName,
          contentType: contentType.toLowerCase(),
          size: a?.size,
          sha256: str(a?.sha256).toLowerCase(),
        });
      });
    }
  }
  if (!d.submittedBy || str(d.submittedBy.userId) === '')
    issues.add('submittedBy.userId', 'required', 'the submitting user is required');
  issues.throwIfAny(
    issues.issues.length > 1
      ? `the support request has ${issues.issues.length} invalid fields: ${issues.issues.map((i) => i.field).join(', ')}`
      : undefined,
  );

  const money = amount as { amountMinor: number; currencyCode: string };
  return [
    {
      type: 'SupportRequestSubmitted',
      data: {
        supportRequestId: d.supportRequestId,
        partnerTenantId: d.partnerTenantId,
        problemType: REFUND_PROBLEM_TYPE,
        impact: impact as SupportImpact,
        title,
        description: {
          customerTenantIdOrDomain: tenant.toLowerCase(),
          orderIdOrSubscriptionId: orderRef,
          refundReason: reason,
          amountRequested: formatMoney(money.amountMinor, money.currencyCode),
          amountRequestedMinor: money.amountMinor,
        },
        contact: { name, email, phone },
        attachments,
        submittedBy: { userId: d.submittedBy.userId, upn: d.submittedBy.upn, tenantId: d.submittedBy.tenantId },
        submittedAt: ctx.now.toISOString(),
        status: 'submitted',
      },
    },
  ];
};

export const decideSupportRequest = (
  command: SupportRequestCommand,
  state: SupportRequestState,
  context: DomainContext,
): SupportRequestEvent[] => {
  switch (command.type) {
    case 'SubmitSupportRequest':
      return submit(command, state, context);
    default: {
      const never: never = command.type;
      throw new Error(`unknown support request command ${String(never)}`);
    }
  }
};

export const supportRequestDecider: Decider<SupportRequestCommand, SupportRequestEvent, SupportRequestState> = {
  decide: decideSupportRequest,
  evolve: evolveSupportRequest,
  initialState: initialSupportRequestState,
};
