import { foldOrderView, OrderView } from '@csp/read-models';

/**
 * API.md's order resource: the read model's order document (one fold of the order's events, shared with
 * the order-views projection, so a single order, `?asOf` and the list show the same shape) plus links.
 */
export type OrderResource = OrderView & {
  links: { self: { uri: string; method: 'GET' }; cancellationEligibility: { uri: string; method: 'GET' } };
};

export function orderUri(customerId: string, orderId: string): string {
  return `/v1/customers/${customerId}/orders/${orderId}`;
}

export function toOrderResource(view: OrderView): OrderResource {
  const self = orderUri(view.customerId, view.id);
  return {
    ...view,
    links: {
      self: { uri: self, method: 'GET' },
      cancellationEligibility: { uri: `${self}/cancellationeligibility`, method: 'GET' },
    },
  };
}

/** The resource from an order stream's events; undefined when they hold no OrderPlaced (yet). */
export function orderResourceFromEvents(events: readonly { type: string; data: unknown }[]): OrderResource | undefined {
  const view = foldOrderView(events);
  return view ? toOrderResource(view) : undefined;
}
