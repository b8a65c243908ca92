import type { Principal } from '@csp/platform';

export class CancelOrderCommand {
  constructor(
    readonly principal: Principal,
    readonly customerId: string,
    readonly orderId: string,
    readonly lineItems: { lineItemNumber: number; offerId?: string }[] | undefined,
    /** Absent when the body did not carry acknowledgedCancellationNotice. */
    readonly acknowledgedNotice: boolean | undefined,
    /** Partner Center's body repeats the order id. */
    readonly bodyOrderId?: string,
    /** The revision named by If-Match, if any. */
    readonly expectedRevision?: number,
  ) {}
}
