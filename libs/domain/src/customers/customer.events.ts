import type { IsoDateTime } from '../shared/types';

export type CustomerRegistered = {
  type: 'CustomerRegistered';
  data: {
    /** The customer's tenant GUID (its users' tokens carry it as `tid`). */
    customerId: string;
    partnerTenantId: string;
    companyName: string;
    /** Normalised (lowercase, trimmed, no trailing dot). */
    domain: string;
    /** ISO 3166-1 alpha-2, uppercase. */
    country: string;
    currencyCode: string;
    taxInclusivePricing: boolean;
    registeredAt: IsoDateTime;
    marketsVersion: string;
    policyVersion: string;
  };
};

/**
 * A registration that claimed `domain` did not complete (a crash or a lost race between the claim and the
 * registration), and another registration took the claim over. Written to the unregistered customer's stream
 * first, so that the stalled registration can no longer complete with that domain: the fence that makes the
 * take-over safe on any event store, with single-stream expected versions only.
 */
export type CustomerDomainClaimLapsed = {
  type: 'CustomerDomainClaimLapsed';
  data: { customerId: string; domain: string; lapsedAt: IsoDateTime };
};

export type CustomerEvent = CustomerRegistered | CustomerDomainClaimLapsed;
export type CustomerEventType = CustomerEvent['type'];
export const CUSTOMER_EVENT_TYPES: readonly CustomerEventType[] = ['CustomerRegistered', 'CustomerDomainClaimLapsed'];
