import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import {
  customerDecider,
  customerDomainDecider,
  domainReservationStreamId,
  DomainError,
  normalizeDomain,
} from '@csp/domain';
import { WrongExpectedVersionError } from '@csp/event-store';
import { CustomerAccess, customerStreamId, RegisteredCustomer } from '../../shared/customer-access';
import { newEntityId } from '../../shared/entity-id';
import { StreamCommandExecutor } from '../../shared/stream-command.executor';
import { RegisterCustomerCommand } from './register-customer.command';

export interface RegisterCustomerResult {
  customer: RegisteredCustomer;
  position?: number;
}

/**
 * Registers a customer under the calling partner. The domain is unique across all customers: a claim
 * stream per domain (`customer-domain-{domain}`, expected version "no stream") makes the check atomic
 * without a lock or a read model. The rules are validated before the claim so a bad request claims nothing.
 */
@CommandHandler(RegisterCustomerCommand)
export class RegisterCustomerHandler implements ICommandHandler<RegisterCustomerCommand, RegisterCustomerResult> {
  constructor(
    private readonly executor: StreamCommandExecutor,
    private readonly access: CustomerAccess,
  ) {}

  async execute(command: RegisterCustomerCommand): Promise<RegisterCustomerResult> {
    // Only partners register customers: a customer tenant's own admin (token tid = a customer) may not.
    if (await this.access.load(command.principal.tenantId)) throw customerTenantForbidden();
    const customerId = (command.tenantId ?? newEntityId('customer')).toLowerCase();
    if (customerId === command.principal.tenantId.toLowerCase()) {
      throw new DomainError({
        code: 'invalid_tenant_id',
        kind: 'validation',
        field: 'tenantId',
        detail: 'tenantId is the calling partner’s own tenant; a customer has a tenant of its own.',
      });
    }
    const registration = {
      type: 'RegisterCustomer' as const,
      data: {
        customerId,
        companyName: command.companyName,
        domain: command.domain,
        country: command.country,
        partnerTenantId: command.principal.tenantId.toLowerCase(),
        requestedBy: {
          userId: command.principal.userId,
          upn: command.principal.upn,
          tenantId: command.principal.tenantId,
        },
      },
    };
    // Validate first (pure, nothing written), including "already registered".
    const existing = await this.executor.load(customerStreamId(customerId), customerDecider);
    customerDecider.decide(registration, existing.state, this.executor.context());

    const domain = normalizeDomain(command.domain);
    try {
      await this.executor.execute(domainReservationStreamId(domain), customerDomainDecider, {
        type: 'ClaimCustomerDomain',
        data: { domain, customerId, partnerTenantId: registration.data.partnerTenantId },
      });
    } catch (error) {
      if (
        error instanceof WrongExpectedVersionError ||
        (error instanceof DomainError && error.code === 'domain_taken')
      ) {
        throw domainTaken(domain);
      }
      throw error;
    }
    const result = await this.executor.execute(customerStreamId(customerId), customerDecider, registration);
    if (result.state.status !== 'registered') throw new Error('customer registration produced no customer');
    return { customer: result.state, position: result.position };
  }
}

function customerTenantForbidden(): DomainError {
  return new DomainError({
    code: 'forbidden',
    kind: 'forbidden',
    detail: 'Customers are registered by their partner; a customer tenant’s users cannot register customers.',
  });
}

function domainTaken(domain: string): DomainError {
  return new DomainError({
    code: 'domain_taken',
    kind: 'conflict',
    field: 'domain',
    detail: `The domain ${domain} is already registered to a customer.`,
  });
}
