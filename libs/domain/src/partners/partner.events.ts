import type { IsoDateTime } from '../shared/types';

/** Where a partner registration came from: the PARTNER_TENANTS setting at start-up, or the operator CLI. */
export type PartnerRegistrationSource = 'configuration' | 'cli';

export type PartnerRegistered = {
  type: 'PartnerRegistered';
  data: {
    /** The partner's tenant GUID (lowercase): its users' tokens carry it as `tid`. */
    partnerTenantId: string;
    name: string;
    source: PartnerRegistrationSource;
    registeredAt: IsoDateTime;
  };
};

export type PartnerEvent = PartnerRegistered;
export const PARTNER_EVENT_TYPES: readonly PartnerEvent['type'][] = ['PartnerRegistered'];
