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

export type CustomerEvent = CustomerRegistered;
export type CustomerEventType = CustomerEvent['type'];
export const CUSTOMER_EVENT_TYPES: readonly CustomerEventType[] = ['CustomerRegistered'];
