import type { Decider } from '../shared/decider';
import type { DomainContext } from '../shared/context';
import { DomainError } from '../shared/domain-error';

/**
 * A customer's domain is unique across all customers. Each domain has a claim stream
 * (`customer-domain-{domain}`); the first claim wins, so the check is atomic without a read model.
 */
export type CustomerDomainClaimed = {
  type: 'CustomerDomainClaimed';
  data: { domain: string; customerId: string; partnerTenantId: string; claimedAt: string };
};

export type ClaimCustomerDomain = {
  type: 'ClaimCustomerDomain';
  data: { domain: string; customerId: string; partnerTenantId: string };
};

export type CustomerDomainClaimState = { status: 'free' } | { status: 'claimed'; customerId: string };

export const customerDomainDecider: Decider<
  ClaimCustomerDomain,
  CustomerDomainClaimed,
  CustomerDomainClaimState,
  DomainContext
> = {
  initialState: () => ({ status: 'free' }),
  evolve: (_state, event) => ({ status: 'claimed', customerId: event.data.customerId }),
  decide: (command, state, ctx) => {
    if (state.status === 'claimed') {
      // The same customer claiming again (a retried registration) changes nothing.
      if (state.customerId === command.data.customerId) return [];
      throw new DomainError({
        code: 'domain_taken',
        kind: 'conflict',
        field: 'domain',
        detail: `The domain ${command.data.domain} is already registered to a customer.`,
      });
    }
    return [{ type: 'CustomerDomainClaimed', data: { ...command.data, claimedAt: ctx.now.toISOString() } }];
  },
};
