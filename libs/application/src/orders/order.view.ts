import { formatMoney, Money, PlacedOrderState } from '@csp/domain';

/** The API's order resource (API.md "Orders"), derived from the order's folded state. */
export interface OrderView {
  id: string;
  customerId: string;
  status: 'completed' | 'cancelled';
  creationDate: string;
  currencyCode: string;
  taxInclusive: boolean;
  total: Money;
  lineItems: Array<{
    lineItemNumber: number;
    offerId: string;
    friendlyName: string;
    kind: string;
    /** 0 once cancelled (Partner Center's convention); the purchase keeps `originalQuantity`. */
    quantity: number;
    originalQuantity: number;
    unitPrice: Money;
    termDuration: string | null;
    cancelled: boolean;
    credit: Money | null;
  }>;
  cancellations: Array<{
    requestedAt: string;
    propagationDeadline: string;
    status: 'propagating' | 'propagated';
    propagatedAt: string | null;
    credit: Money;
    lineItemNumbers: number[];
    policyVersion: string;
  }>;
  catalogVersion: string;
  policyVersion: string;
  links: { self: { uri: string; method: 'GET' }; cancellationEligibility: { uri: string; method: 'GET' } };
}

export function orderUri(customerId: string, orderId: string): string {
  return `/v1/customers/${customerId}/orders/${orderId}`;
}

export function toOrderView(state: PlacedOrderState): OrderView {
  const money = (minor: number): Money => formatMoney(minor, state.currencyCode);
  const self = orderUri(state.customerId, state.orderId);
  const c = state.cancellation;
  return {
    id: state.orderId,
    customerId: state.customerId,
    status: state.status,
    creationDate: state.placedAt,
    currencyCode: state.currencyCode,
    taxInclusive: state.taxInclusive,
    total: money(state.total),
    lineItems: state.lineItems.map((l) => ({
      lineItemNumber: l.lineItemNumber,
      offerId: l.offerId,
      friendlyName: l.friendlyName,
      kind: l.kind,
      quantity: l.cancelled ? 0 : l.quantity,
      originalQuantity: l.quantity,
      unitPrice: money(l.unitPrice),
      termDuration: l.termDuration,
      cancelled: l.cancelled,
      credit: l.credit === null ? null : money(l.credit),
    })),
    cancellations: c
      ? [
          {
            requestedAt: c.cancelledAt,
            propagationDeadline: c.propagationDeadline,
            status: c.propagatedAt ? 'propagated' : 'propagating',
            propagatedAt: c.propagatedAt,
            credit: money(c.totalCredit),
            lineItemNumbers: c.lineItemNumbers,
            policyVersion: c.policyVersion,
          },
        ]
      : [],
    catalogVersion: state.catalogVersion,
    policyVersion: state.policyVersion,
    links: {
      self: { uri: self, method: 'GET' },
      cancellationEligibility: { uri: `${self}/cancellationeligibility`, method: 'GET' },
    },
  };
}
