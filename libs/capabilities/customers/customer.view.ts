import type { RegisteredCustomer } from '@csp/capabilities/partners';

/** API.md's customer resource (the same shape in a list and alone). */
export interface CustomerView {
  id: string;
  partnerTenantId: string;
  companyName: string;
  domain: string;
  country: string;
  currencyCode: string;
  taxInclusivePricing: boolean;
  registeredAt: string;
  links: { self: { uri: string; method: 'GET' } };
  attributes: { objectType: 'Customer' };
}

export const CUSTOMER_ATTRIBUTES: CustomerView['attributes'] = { objectType: 'Customer' };

export const customerLinks = (customerId: string): CustomerView['links'] => ({
  self: { uri: `/v1/customers/${customerId}`, method: 'GET' },
});

export function toCustomerView(c: RegisteredCustomer): CustomerView {
  return {
    id: c.customerId,
    partnerTenantId: c.partnerTenantId,
    companyName: c.companyName,
    domain: c.domain,
    country: c.country,
    currencyCode: c.currencyCode,
    taxInclusivePricing: c.taxInclusivePricing,
    registeredAt: c.registeredAt,
    links: customerLinks(c.customerId),
    attributes: CUSTOMER_ATTRIBUTES,
  };
}
