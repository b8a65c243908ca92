import type { Principal } from '@csp/platform';
import type { OrderLineItemInput, PartnerCenterOrderInput } from '@csp/domain';

export class PlaceOrderCommand {
  constructor(
    readonly principal: Principal,
    readonly customerId: string,
    readonly lineItems: OrderLineItemInput[],
    readonly partnerCenter: PartnerCenterOrderInput = {},
  ) {}
}
