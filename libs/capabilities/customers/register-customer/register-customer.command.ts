import { Command } from '@nestjs/cqrs';
import type { Principal } from '@csp/platform';
import type { RegisteredCustomer } from '@csp/capabilities/partners';

export interface RegisterCustomerResult {
  customer: RegisteredCustomer;
  position?: number;
}

export class RegisterCustomerCommand extends Command<RegisterCustomerResult> {
  constructor(
    readonly principal: Principal,
    readonly companyName: string,
    readonly domain: string,
    readonly country: string,
    readonly tenantId?: string,
  ) {
    super();
  }
}
