import { Command } from '@nestjs/cqrs';
import type { Principal } from '@csp/platform';
import type { EchoedOrderField } from './echoed-order-fields';
import type { OrderResource } from '../order.view';

/** The order after the cancellation, the position to read it at, its revision (ETag). */
export interface CancelOrderResult {
  order: OrderResource;
  position?: number;
  version: number;
}

export class CancelOrderCommand extends Command<CancelOrderResult> {
  constructor(
    readonly principal: Principal,
    readonly customerId: string,
    readonly orderId: string,
    readonly lineItems: { lineItemNumber: number; offerId?: string; quantity?: number }[] | undefined,
    /** Absent when the body did not carry acknowledgedCancellationNotice. */
    readonly acknowledgedNotice: boolean | undefined,
    /** Partner Center's body repeats the order id. */
    readonly bodyOrderId?: string,
    /** The revision named by If-Match, if any. */
    readonly expectedRevision?: number,
    /** Read-only order fields sent back with the order the client read (they must be the order's). */
    readonly echoed: Partial<Record<EchoedOrderField, string>> = {},
  ) {
    super();
  }
}
