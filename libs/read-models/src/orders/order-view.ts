import {
  formatMoney,
  type CancellationPropagated,
  type Money,
  type OfferKind,
  type OrderCancelled,
  type OrderPlaced,
  type TermDuration,
} from '@csp/domain';

export interface OrderViewLineItem {
  lineItemNumber: number;
  offerId: string;
  friendlyName: string;
  kind: OfferKind;
  /** 0 once the line is cancelled (Partner Center's convention); see originalQuantity. */
  quantity: number;
  originalQuantity: number;
  unitPrice: Money;
  termDuration: TermDuration | null;
  cancelled: boolean;
}

export interface OrderViewCancellation {
  requestedAt: string;
  propagationDeadline: string;
  status: 'propagating' | 'propagated';
  propagatedAt: string | null;
  credit: Money;
  lineItems: { lineItemNumber: number; offerId: string; quantity: number; credit: Money; basis: 'full' | 'prorated' }[];
}

/** The order document as the API shows it (the HTTP layer adds `links`). */
export interface OrderView {
  id: string;
  customerId: string;
  status: 'completed' | 'cancelled';
  creationDate: string;
  currencyCode: string;
  taxInclusive: boolean;
  /** The amount of the purchase; credits of cancellations are in `cancellations`. */
  total: Money;
  lineItems: OrderViewLineItem[];
  cancellations: OrderViewCancellation[];
}

/** Pure folds of the order events onto the view (the projection decides which events are new). */
export const orderViewPlaced = (d: OrderPlaced['data']): OrderView => ({
  id: d.orderId,
  customerId: d.customerId,
  status: d.status,
  creationDate: d.placedAt,
  currencyCode: d.currencyCode,
  taxInclusive: d.taxInclusive,
  total: formatMoney(d.total, d.currencyCode),
  lineItems: d.lineItems.map((l) => ({
    lineItemNumber: l.lineItemNumber,
    offerId: l.offerId,
    friendlyName: l.friendlyName,
    kind: l.kind,
    quantity: l.quantity,
    originalQuantity: l.quantity,
    unitPrice: formatMoney(l.unitPrice, d.currencyCode),
    termDuration: l.termDuration,
    cancelled: false,
  })),
  cancellations: [],
});

export const orderViewCancelled = (view: OrderView, d: OrderCancelled['data']): OrderView => {
  const cancelled = new Set(d.lineItems.map((l) => l.lineItemNumber));
  return {
    ...view,
    status: d.statusAfter,
    lineItems: view.lineItems.map((l) =>
      cancelled.has(l.lineItemNumber) ? { ...l, quantity: 0, cancelled: true } : l,
    ),
    cancellations: [
      ...view.cancellations,
      {
        requestedAt: d.cancelledAt,
        propagationDeadline: d.propagationDeadline,
        status: 'propagating',
        propagatedAt: null,
        credit: formatMoney(d.totalCredit, d.currencyCode),
        lineItems: d.lineItems.map((l) => ({
          lineItemNumber: l.lineItemNumber,
          offerId: l.offerId,
          quantity: l.quantity,
          credit: formatMoney(l.credit, d.currencyCode),
          basis: l.basis,
        })),
      },
    ],
  };
};

export const orderViewPropagated = (view: OrderView, d: CancellationPropagated['data']): OrderView => ({
  ...view,
  cancellations: view.cancellations.map((c) =>
    c.requestedAt === d.cancelledAt ? { ...c, status: 'propagated', propagatedAt: d.propagatedAt } : c,
  ),
});
