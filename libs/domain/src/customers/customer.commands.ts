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
  };
};

export type CustomerCommand = RegisterCustomer;
