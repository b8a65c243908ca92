import type { Principal } from '@csp/platform';

export class RegisterCustomerCommand {
  constructor(
    readonly principal: Principal,
    readonly companyName: string,
    readonly domain: string,
    readonly country: string,
    readonly tenantId?: string,
  ) {}
}
