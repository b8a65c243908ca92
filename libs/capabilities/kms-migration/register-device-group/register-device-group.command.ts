import type { Principal } from '@csp/platform';

export class RegisterDeviceGroupCommand {
  constructor(
    readonly principal: Principal,
    readonly customerId: string,
    readonly group: { name: string; deviceCount: number; lastKmsActivationAt: string; coveringOrderId?: string },
  ) {}
}
