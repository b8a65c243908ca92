import type { Actor } from '../shared/types';

/**
 * Fields are `unknown`-tolerant strings: the decider validates every one and names each bad field
 * (`description.refundReason`, `contact.email`, `attachments[0].size`, ...).
 */
export type SubmitSupportRequest = {
  type: 'SubmitSupportRequest';
  data: {
    supportRequestId: string;
    partnerTenantId: string;
    problemType: string;
    impact: string;
    title: string;
    description: {
      customerTenantIdOrDomain: string;
      orderIdOrSubscriptionId: string;
      refundReason: string;
      amountRequested: { amount: string; currencyCode: string };
    };
    contact: { name: string; email: string; phone: string };
    attachments?: { fileName: string; contentType: string; size: number; sha256: string }[];
    submittedBy: Actor;
  };
};

export type SupportRequestCommand = SubmitSupportRequest;
