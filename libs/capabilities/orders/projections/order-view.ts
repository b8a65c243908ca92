import {
  formatMoney,
  type CancellationPropagated,
  type Money,
  type OfferKind,
  type OrderCancelled,
  type OrderEvent,
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
  /** The line's credit once cancelled (null before). */
  credit: Money | null;
  // Partner Center's line fields, only when the order gave them (friendlyName is then the partner's name).
  partnerIdOnRecord?: string;
  additionalPartnerIdsOnRecord?: string[];
  provisioningContext?: Record<string, string>;
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
  /** Partner Center billing cycle; absent on documents folded before it existed (one_time). */
  billingCycle?: string;
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
    friendlyName: l.partnerFriendlyName ?? l.friendlyName,
    kind: l.kind,
    quantity: l.quantity,
    originalQuantity: l.quantity,
    unitPrice: formatMoney(l.unitPrice, d.currencyCode),
    termDuration: l.termDuration,
    cancelled: false,
    credit: null,
    ...(l.partnerIdOnRecord !== undefined ? { partnerIdOnRecord: l.partnerIdOnRecord } : {}),
    ...(l.additionalPartnerIdsOnRecord !== undefined
      ? { additionalPartnerIdsOnRecord: l.additionalPartnerIdsOnRecord }
      : {}),
    ...(l.provisioningContext !== undefined ? { provisioningContext: l.provisioningContext } : {}),
  })),
  cancellations: [],
  billingCycle: d.billingCycle ?? 'one_time',
});

export const orderViewCancelled = (view: OrderView, d: OrderCancelled['data']): OrderView => {
  const credits = new Map(d.lineItems.map((l) => [l.lineItemNumber, l.credit]));
  return {
    ...view,
    status: d.statusAfter,
    lineItems: view.lineItems.map((l) =>
      credits.has(l.lineItemNumber)
        ? {
            ...l,
            quantity: 0,
            cancelled: true,
            credit: formatMoney(credits.get(l.lineItemNumber) ?? 0, d.currencyCode),
          }
        : l,
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

/**
 * The order document from its stream's events: the same fold the projection applies, so a single order
 * (also `?asOf`) and the list show one shape. Null when the events hold no OrderPlaced.
 */
export const foldOrderView = (events: readonly OrderEvent[]): OrderView | null => {
  let view: OrderView | null = null;
  for (const e of events) {
    if (e.type === 'OrderPlaced') view = orderViewPlaced(e.data);
    else if (view && e.type === 'OrderCancelled') view = orderViewCancelled(view, e.data);
    else if (view && e.type === 'CancellationPropagated') view = orderViewPropagated(view, e.data);
  }
  return view;
};
