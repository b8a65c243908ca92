import type { IsoDateTime, Money } from '../shared/types';

export type SupportImpact = 'minimal' | 'moderate' | 'important' | 'critical';
export const SUPPORT_IMPACTS: readonly SupportImpact[] = ['minimal', 'moderate', 'important', 'critical'];
export const REFUND_PROBLEM_TYPE = 'CSP Purchase/Refund on behalf of customers';

export type SupportAttachmentMeta = {
  fileName: string;
  contentType: string;
  /** Bytes. */
  size: number;
  /** Hex SHA-256 of the content (computed outside the domain). */
  sha256: string;
};

export type SupportRequestSubmitted = {
  type: 'SupportRequestSubmitted';
  data: {
    supportRequestId: string;
    partnerTenantId: string;
    problemType: string;
    impact: SupportImpact;
    title: string;
    description: {
      customerTenantIdOrDomain: string;
      orderIdOrSubscriptionId: string;
      refundReason: string;
      /** As given, normalised to the currency's minor digits. */
      amountRequested: Money;
      amountRequestedMinor: number;
    };
    contact: { name: string; email: string; phone: string };
    attachments: SupportAttachmentMeta[];
    submittedBy: { userId: string; upn: string; tenantId: string };
    submittedAt: IsoDateTime;
    status: 'submitted';
  };
};

export type SupportRequestEvent = SupportRequestSubmitted;
export type SupportRequestEventType = SupportRequestEvent['type'];
