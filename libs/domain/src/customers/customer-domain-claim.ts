import type { Decider } from '../shared/decider';
import type { DomainContext } from '../shared/context';
import { domainTaken } from './customer.decide';
import type { CustomerState } from './customer.state';

/**
 * A customer's domain is unique across all customers. Each domain has a claim stream
 * (`customer-domain-{domain}`); the claim names the customer that registers with it.
 *
 * Claiming and registering are two appends to two streams, and a process can stop between them. So a claim is
 * not the fact that a domain is taken: the domain is taken while the claim's customer is registered with it.
 * A claim whose customer never registered is taken over, after fencing that customer's stream
 * (`LapseDomainClaim`), so the stalled registration can no longer complete: no orphaned claim keeps a domain,
 * and no two customers ever hold one, on any event store.
 */
export type CustomerDomainClaimed = {
  type: 'CustomerDomainClaimed';
  data: {
    domain: string;
    customerId: string;
    partnerTenantId: string;
    claimedAt: string;
    /** The customer whose stalled claim this one took over. */
    supersedes?: string;
  };
};

export type ClaimCustomerDomain = {
  type: 'ClaimCustomerDomain';
  data: {
    domain: string;
    customerId: string;
    partnerTenantId: string;
    /** The current claimant, checked lapsed (and fenced) by the caller: its claim may be taken over. */
    lapsedClaimant?: string;
  };
};

export type CustomerDomainClaimState = { status: 'free' } | { status: 'claimed'; customerId: string };

/** What a claim means, given the state of the customer it names. */
export type ClaimStanding = 'held' | 'lapsed' | 'unfinished';

export const claimStanding = (claimant: CustomerState, domain: string): ClaimStanding => {
  if (claimant.status === 'registered') return claimant.domain === domain ? 'held' : 'lapsed';
  return claimant.lapsedDomains.includes(domain) ? 'lapsed' : 'unfinished';
};

export const customerDomainDecider: Decider<
  ClaimCustomerDomain,
  CustomerDomainClaimed,
  CustomerDomainClaimState,
  DomainContext
> = {
  initialState: () => ({ status: 'free' }),
  evolve: (_state, event) => ({ status: 'claimed', customerId: event.data.customerId }),
  decide: (command, state, ctx) => {
    const { lapsedClaimant, ...claim } = command.data;
    if (state.status === 'claimed') {
      // The same customer claiming again (a retried registration) changes nothing.
      if (state.customerId === claim.customerId) return [];
      if (state.customerId !== lapsedClaimant) throw domainTaken(claim.domain);
      return [
        {
          type: 'CustomerDomainClaimed',
          data: { ...claim, claimedAt: ctx.now.toISOString(), supersedes: state.customerId },
        },
      ];
    }
    return [{ type: 'CustomerDomainClaimed', data: { ...claim, claimedAt: ctx.now.toISOString() } }];
  },
};
