import { Command } from '@nestjs/cqrs';
import type { Principal } from '@csp/platform';
import type { OrderLineItemInput, PartnerCenterOrderInput } from '@csp/domain';
import type { OrderResource } from '../order.view';

/** The order as its events now say, the position to read it at, its revision (ETag). */
export interface PlaceOrderResult {
  order: OrderResource;
  position?: number;
  version: number;
}

export class PlaceOrderCommand extends Command<PlaceOrderResult> {
  constructor(
    readonly principal: Principal,
    readonly customerId: string,
    readonly lineItems: OrderLineItemInput[],
    readonly partnerCenter: PartnerCenterOrderInput = {},
  ) {
    super();
  }
}
