import type { Principal } from '@csp/platform';

export class CancelOrderCommand {
  constructor(
    readonly principal: Principal,
    readonly customerId: string,
    readonly orderId: string,
    readonly lineItemNumbers: number[] | undefined,
    readonly acknowledgedNotice: boolean,
  ) {}
}
