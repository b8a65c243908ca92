import type { RegisteredCustomer } from '../shared/customer-access';

/** API.md's customer resource. */
export interface CustomerView {
  id: string;
  companyName: string;
  domain: string;
  country: string;
  currencyCode: string;
  taxInclusivePricing: boolean;
  registeredAt: string;
  links: { self: { uri: string; method: 'GET' } };
  attributes: { objectType: 'Customer' };
}

export function toCustomerView(c: RegisteredCustomer): CustomerView {
  return {
    id: c.customerId,
    companyName: c.companyName,
    domain: c.domain,
    country: c.country,
    currencyCode: c.currencyCode,
    taxInclusivePricing: c.taxInclusivePricing,
    registeredAt: c.registeredAt,
    links: { self: { uri: `/v1/customers/${c.customerId}`, method: 'GET' } },
    attributes: { objectType: 'Customer' },
  };
}
