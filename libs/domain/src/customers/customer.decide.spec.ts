import { defaultDomainContext } from '../shared/default-data';
import { deciderSpec } from '../testing/decider-spec';
import { CUSTOMER, PARTNER, T0 } from '../testing/fixtures';
import type { RegisterCustomer } from './customer.commands';
import { customerDecider } from './customer.decide';
import { domainReservationStreamId, isValidDomain, normalizeDomain } from './customer-domain';
import type { CustomerRegistered } from './customer.events';

const spec = deciderSpec(customerDecider, () => defaultDomainContext(T0));
const register = (over: Partial<RegisterCustomer['data']> = {}): RegisterCustomer => ({
  type: 'RegisterCustomer',
  data: {
    customerId: CUSTOMER,
    companyName: 'Contoso Sp. z o.o.',
    domain: 'Contoso.onmicrosoft.com',
    country: 'PL',
    partnerTenantId: PARTNER,
    ...over,
  },
});
const registered = (over: Partial<CustomerRegistered['data']> = {}): CustomerRegistered => ({
  type: 'CustomerRegistered',
  data: {
    customerId: CUSTOMER,
    partnerTenantId: PARTNER,
    companyName: 'Contoso Sp. z o.o.',
    domain: 'contoso.onmicrosoft.com',
    country: 'PL',
    currencyCode: 'PLN',
    taxInclusivePricing: false,
    registeredAt: T0.toISOString(),
    marketsVersion: '2024-01',
    policyVersion: '2024-01',
    ...over,
  },
});

describe('RegisterCustomer', () => {
  it('registers a customer with its market currency and a normalised domain', () =>
    spec.given([]).when(register()).then([registered()]));

  it.each([
    ['AU', 'AUD', true],
    ['BR', 'BRL', true],
    ['US', 'USD', false],
    ['JP', 'JPY', false],
    ['KW', 'KWD', false],
  ])('%s customers pay in %s, tax-inclusive %s', (country, currencyCode, taxInclusivePricing) =>
    spec
      .given([])
      .when(register({ country }))
      .then([registered({ country, currencyCode, taxInclusivePricing })]),
  );

  it('accepts a lowercase country code', () =>
    spec
      .given([])
      .when(register({ country: 'de' }))
      .then([registered({ country: 'DE', currencyCode: 'EUR' })]));

  it('an unknown country is a 400 naming country', () =>
    spec
      .given([])
      .when(register({ country: 'ZZ' }))
      .thenThrows({ code: 'unknown_country', kind: 'validation', field: 'country' }));

  it('a known country we do not sell in is a 422', () =>
    spec
      .given([])
      .when(register({ country: 'KP' }))
      .thenThrows({ code: 'market_not_supported', kind: 'unprocessable', field: 'country' }));

  it('names every bad field at once', () => {
    const e = spec
      .given([])
      .when(register({ companyName: '  ', domain: 'not a domain', country: 'XX' }))
      .thenError({ code: 'validation_failed', kind: 'validation' });
    expect(e.errors.map((i) => i.field)).toEqual(['companyName', 'domain', 'country']);
  });

  it('refuses a company name over 200 characters', () =>
    spec
      .given([])
      .when(register({ companyName: 'x'.repeat(201) }))
      .thenThrows({ code: 'invalid_company_name', field: 'companyName' }));

  it('refuses a second registration of the same customer', () =>
    spec.given([registered()]).when(register()).thenThrows({ code: 'customer_already_registered', kind: 'conflict' }));
});

describe('domains', () => {
  it.each(['contoso.com', 'contoso.onmicrosoft.com', 'a-b.example.co.uk', 'xn--bcher-kva.example', 'CONTOSO.COM.'])(
    '%s is valid',
    (d) => expect(isValidDomain(d)).toBe(true),
  );
  it.each([
    'contoso',
    '-contoso.com',
    'contoso-.com',
    'con toso.com',
    'contoso.c',
    'contoso..com',
    '',
    `${'a'.repeat(64)}.com`,
  ])('%s is invalid', (d) => expect(isValidDomain(d)).toBe(false));
  it('normalises for uniqueness', () => {
    expect(normalizeDomain(' Contoso.COM. ')).toBe('contoso.com');
    expect(domainReservationStreamId('Contoso.com')).toBe('customer-domain-contoso.com');
  });
});
