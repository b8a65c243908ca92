import type { Actor } from '../shared/types';

export type RegisterCustomer = {
  type: 'RegisterCustomer';
  data: {
    customerId: string;
    companyName: string;
    domain: string;
    country: string;
    partnerTenantId: string;
    requestedBy?: Actor;
    /** A fact the caller looked up in the partner registry: the customer's tenant is a registered partner. */
    tenantIsPartner?: boolean;
  };
};

/** Fences a registration that claimed `domain` and never completed, before its claim is taken over. */
export type LapseDomainClaim = {
  type: 'LapseDomainClaim';
  data: { customerId: string; domain: string };
};

export type CustomerCommand = RegisterCustomer | LapseDomainClaim;
