import { Injectable } from '@nestjs/common';
import { DomainError, isGuid, isPlacedOrder, PlacedOrderState, streamIdOf } from '@csp/domain';
import type { Principal } from '@csp/platform';
import { AccessRule, CustomerAccess, RegisteredCustomer, Relation } from '@csp/capabilities/partners';
import { type LoadedStream, StreamCommands } from '@csp/event-sourcing';
import type { OrderEvent, OrderState } from '@csp/domain';

export const orderStreamId = (orderId: string): string => streamIdOf('order', orderId);

export interface AccessibleOrder {
  customer: RegisteredCustomer;
  relation: Relation;
  order: PlacedOrderState;
  stream: LoadedStream<OrderState, OrderEvent>;
}

/** An order reachable by the caller: its customer must be, and the order must belong to that customer. */
@Injectable()
export class OrderAccess {
  constructor(
    private readonly customers: CustomerAccess,
    private readonly streams: StreamCommands,
  ) {}

  async authorize(
    principal: Principal,
    customerId: string,
    orderId: string,
    rule: AccessRule,
  ): Promise<AccessibleOrder> {
    const { customer, relation } = await this.customers.authorize(principal, customerId, rule);
    if (!isGuid(orderId)) throw orderNotFound(orderId);
    const stream = await this.streams.load('order', orderId.toLowerCase());
    const order = stream.state;
    if (!isPlacedOrder(order) || order.customerId !== customer.customerId) throw orderNotFound(orderId);
    return { customer, relation, order, stream };
  }
}

export function orderNotFound(orderId: string): DomainError {
  return new DomainError({
    code: 'order_not_found',
    kind: 'not_found',
    detail: `No order ${orderId} was found for this customer.`,
  });
}
