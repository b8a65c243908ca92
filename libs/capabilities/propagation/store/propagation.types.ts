// What the propagation store keeps and hands out: cancellations to propagate, their steps, credits, warnings.

/** One cancellation to propagate, as the reactor recorded it. */
export interface CancellationRef {
  cancellationEventId: string;
  orderId: string;
  streamId: string;
  customerId: string;
  cancelledAt: string;
  propagationDeadline: string;
}

export interface PropagationRow extends CancellationRef {
  keysRevokedAt: string | null;
  linksRevokedAt: string | null;
  creditPostedAt: string | null;
  propagatedAt: string | null;
  overdueAt: string | null;
  failures: number;
}

/** A line credit as finance reads it: minor units, currency, basis, tax treatment, invoice period. */
export interface LedgerCredit {
  orderId: string;
  lineItemNumber: number;
  customerId: string;
  partnerTenantId: string;
  offerId: string;
  kind: string;
  /** YYYY-MM, the calendar month (UTC) in which the cancellation took effect. */
  period: string;
  amountMinor: number;
  currencyCode: string;
  basis: 'full' | 'prorated';
  taxInclusive: boolean;
  cancelledAt: string;
}

export interface RevokedLink {
  linkId: string;
  lineItemNumber: number;
}

export interface WindowWarningRef {
  orderId: string;
  windowEndsAt: string;
  hoursBefore: number;
  dueAt: string;
}

export type WarningOutcome = 'warned' | 'cancelled' | 'expired' | 'not_applicable';

/** An instant for an order (propagated, overdue, cancelled). */
export interface OrderMark {
  orderId: string;
  at: string;
}
