import { currencySymbol, isSoftwareKind, softwareIdOf, type OrderEvent } from '@csp/domain';
import { foldOrderView, OrderView, OrderViewLineItem } from './projections/order-view';

/** A link as Partner Center gives it. */
export type ResourceLink = { uri: string; method: 'GET' | 'POST' | 'PATCH'; headers: { key: string; value: string }[] };

const link = (uri: string, method: ResourceLink['method'] = 'GET'): ResourceLink => ({ uri, method, headers: [] });

export type OrderLineItemResource = OrderViewLineItem & {
  links: { key?: ResourceLink; downloadLinks?: ResourceLink };
  attributes: { objectType: 'OrderLineItem' };
};

/**
 * API.md's order resource: the order document of the order-views projection (one fold of the order's events, shared with
 * the order-views projection, so a single order, `?asOf` and the list show the same shape) plus Partner
 * Center's fields and links.
 */
export type OrderResource = Omit<OrderView, 'lineItems' | 'billingCycle'> & {
  alternateId: string;
  referenceCustomerId: string;
  billingCycle: string;
  currencySymbol: string;
  transactionType: 'UserPurchase';
  lineItems: OrderLineItemResource[];
  links: {
    self: ResourceLink;
    provisioningStatus: ResourceLink;
    patchOperation: ResourceLink;
    cancellationEligibility: ResourceLink;
  };
  attributes: { objectType: 'Order' };
};

export function orderUri(customerId: string, orderId: string): string {
  return `/v1/customers/${customerId}/orders/${orderId}`;
}

export function toOrderResource(view: OrderView): OrderResource {
  const self = orderUri(view.customerId, view.id);
  const software = `/v1/customers/${view.customerId}/software`;
  return {
    ...view,
    // A friendly form of the id that is still unique: its 32 hex digits.
    alternateId: view.id.replace(/-/g, ''),
    referenceCustomerId: view.customerId,
    billingCycle: view.billingCycle ?? 'one_time',
    currencySymbol: currencySymbol(view.currencyCode),
    transactionType: 'UserPurchase',
    lineItems: view.lineItems.map((l) => {
      const id = softwareIdOf(view.id, l.lineItemNumber);
      return {
        ...l,
        links: isSoftwareKind(l.kind)
          ? {
              key: link(`${software}/${id}/key`, 'POST'),
              downloadLinks: link(`${software}/${id}/downloadlinks`, 'POST'),
            }
          : {},
        attributes: { objectType: 'OrderLineItem' },
      };
    }),
    links: {
      self: link(self),
      provisioningStatus: link(`${self}/provisioningstatus`),
      patchOperation: link(self, 'PATCH'),
      cancellationEligibility: link(`${self}/cancellationeligibility`),
    },
    attributes: { objectType: 'Order' },
  };
}

/** The resource from an order stream's events; undefined when they hold no OrderPlaced (yet). */
export function orderResourceFromEvents(events: readonly OrderEvent[]): OrderResource | undefined {
  const view = foldOrderView(events);
  return view ? toOrderResource(view) : undefined;
}
