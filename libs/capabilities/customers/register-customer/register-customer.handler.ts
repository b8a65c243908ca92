import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import {
  claimStanding,
  customerDecider,
  domainTaken,
  DomainError,
  normalizeDomain,
  type RegisterCustomer,
} from '@csp/domain';
import { WrongExpectedVersionError } from '@csp/event-store';
import { PartnerRegistry } from '@csp/capabilities/partners';
import { newEntityId, StreamCommands } from '@csp/event-sourcing';
import { RegisterCustomerCommand, RegisterCustomerResult } from './register-customer.command';

/**
 * Registers a customer under the calling partner. The domain is unique across all customers: a claim stream per
 * domain (`customer-domain-{domain}`) names the customer registering with it, then the customer's stream gets
 * CustomerRegistered. The two appends are not one transaction on every store, so a claim only holds while its
 * customer is registered with the domain: a claim left by a registration that stopped between the two appends is
 * taken over, after fencing that customer's stream so it can never complete (see customer-domain-claim.ts).
 * Every rule is checked before the first append, so a refused request writes nothing.
 */
@CommandHandler(RegisterCustomerCommand)
export class RegisterCustomerHandler implements ICommandHandler<RegisterCustomerCommand> {
  constructor(
    private readonly streams: StreamCommands,
    private readonly partners: PartnerRegistry,
  ) {}

  async execute(command: RegisterCustomerCommand): Promise<RegisterCustomerResult> {
    // Only partners register customers: a customer tenant's own admin may not.
    if (!(await this.partners.isPartner(command.principal.tenantId))) throw customerTenantForbidden();
    const customerId = (command.tenantId ?? newEntityId('customer')).toLowerCase();
    const registration: RegisterCustomer = {
      type: 'RegisterCustomer',
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
        // The caller's own tenant included: a partner tenant is never a customer.
        tenantIsPartner: await this.partners.isPartner(customerId),
      },
    };
    // Validate first (pure, nothing written), including "already registered".
    const existing = await this.streams.load('customer', customerId);
    customerDecider.decide(registration, existing.state, this.streams.context());

    await this.claimDomain(normalizeDomain(command.domain), customerId, registration.data.partnerTenantId);
    const result = await this.streams.handle('customer', customerId, registration);
    if (result.state.status !== 'registered') throw new Error('customer registration produced no customer');
    return { customer: result.state, position: result.position };
  }

  private async claimDomain(domain: string, customerId: string, partnerTenantId: string): Promise<void> {
    const claim = await this.streams.load('customerDomain', domain);
    let lapsedClaimant: string | undefined;
    if (claim.state.status === 'claimed' && claim.state.customerId !== customerId) {
      const claimant = claim.state.customerId;
      const holder = await this.streams.load('customer', claimant);
      const standing = claimStanding(holder.state, domain);
      if (standing === 'held') throw domainTaken(domain);
      if (standing === 'unfinished') {
        // Fence the stalled registration first: after this it cannot complete with the domain, so taking its claim
        // over can never give the domain to two customers. If it completed meanwhile, this throws domain_taken.
        await this.streams.handle('customer', claimant, {
          type: 'LapseDomainClaim',
          data: { customerId: claimant, domain },
        });
      }
      lapsedClaimant = claimant;
    }
    try {
      await this.streams.handle('customerDomain', domain, {
        type: 'ClaimCustomerDomain',
        data: { domain, customerId, partnerTenantId, ...(lapsedClaimant ? { lapsedClaimant } : {}) },
      });
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) throw domainTaken(domain);
      throw error;
    }
  }
}

function customerTenantForbidden(): DomainError {
  return new DomainError({
    code: 'forbidden',
    kind: 'forbidden',
    detail: 'Customers are registered by their partner; a customer tenant’s users cannot register customers.',
  });
}
