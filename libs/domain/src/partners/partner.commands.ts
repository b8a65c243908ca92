import type { PartnerRegistrationSource } from './partner.events';

export type RegisterPartner = {
  type: 'RegisterPartner';
  data: {
    partnerTenantId: string;
    /** Optional: the tenant id stands in for a partner registered without a name. */
    name?: string;
    source: PartnerRegistrationSource;
    /** A fact the caller looked up: the tenant is already a registered customer. */
    tenantIsCustomer: boolean;
  };
};

export type PartnerCommand = RegisterPartner;
