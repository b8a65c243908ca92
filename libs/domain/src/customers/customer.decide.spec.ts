import { defaultDomainContext } from '../shared/default-data';
import { deciderSpec } from '../testing/decider-spec';
import { CUSTOMER, PARTNER, T0 } from '../testing/fixtures';
import type { LapseDomainClaim, RegisterCustomer } from './customer.commands';
import { customerDecider } from './customer.decide';
import { isValidDomain, normalizeDomain } from './customer-domain';
import { domainReservationStreamId } from '../streams/stream-registry';
import {
  claimStanding,
  customerDomainDecider,
  type ClaimCustomerDomain,
  type CustomerDomainClaimed,
} from './customer-domain-claim';
import type { CustomerDomainClaimLapsed, CustomerRegistered } from './customer.events';
import type { CustomerState } from './customer.state';

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

describe('RegisterCustomer: tenants and lapsed claims', () => {
  it('given a tenant that is a registered partner, then 409 tenant_is_partner naming tenantId', () =>
    spec
      .given([])
      .when(register({ tenantIsPartner: true }))
      .thenThrows({ code: 'tenant_is_partner', kind: 'conflict', field: 'tenantId' }));

  it('given a registered customer, then the same 409 whichever partner asks (no owner leaks)', () => {
    const own = spec.given([registered()]).when(register()).thenError({ code: 'customer_already_registered' });
    const other = spec
      .given([registered()])
      .when(register({ partnerTenantId: '99999999-9999-4999-8999-999999999999' }))
      .thenError({ code: 'customer_already_registered' });
    expect(other.toJSON()).toEqual(own.toJSON());
  });

  it('given its claim on the domain lapsed, then it may not register with that domain, but with another', () => {
    const lapsed: CustomerDomainClaimLapsed = {
      type: 'CustomerDomainClaimLapsed',
      data: { customerId: CUSTOMER, domain: 'contoso.onmicrosoft.com', lapsedAt: T0.toISOString() },
    };
    spec.given([lapsed]).when(register()).thenThrows({ code: 'domain_taken', kind: 'conflict', field: 'domain' });
    spec
      .given([lapsed])
      .when(register({ domain: 'contoso.com' }))
      .then([registered({ domain: 'contoso.com' })]);
  });
});

describe('LapseDomainClaim (fencing a stalled registration)', () => {
  const lapse: LapseDomainClaim = {
    type: 'LapseDomainClaim',
    data: { customerId: CUSTOMER, domain: 'Contoso.onmicrosoft.com' },
  };
  const lapsed: CustomerDomainClaimLapsed = {
    type: 'CustomerDomainClaimLapsed',
    data: { customerId: CUSTOMER, domain: 'contoso.onmicrosoft.com', lapsedAt: T0.toISOString() },
  };

  it('given an unregistered customer, then its claim lapses', () => spec.given([]).when(lapse).then([lapsed]));
  it('given it lapsed already, then nothing more is written', () => spec.given([lapsed]).when(lapse).then([]));
  it('given the customer registered with that domain after all, then the claim holds: domain_taken', () =>
    spec.given([registered()]).when(lapse).thenThrows({ code: 'domain_taken', kind: 'conflict' }));
  it('given the customer registered with another domain, then there is nothing to fence', () =>
    spec
      .given([registered({ domain: 'contoso.com' })])
      .when(lapse)
      .then([]));
});

describe('domain claims', () => {
  const claimSpec = deciderSpec(customerDomainDecider, () => defaultDomainContext(T0));
  const OTHER = '44444444-4444-4444-8444-444444444444';
  const claim = (customerId: string, lapsedClaimant?: string): ClaimCustomerDomain => ({
    type: 'ClaimCustomerDomain',
    data: {
      domain: 'contoso.com',
      customerId,
      partnerTenantId: PARTNER,
      ...(lapsedClaimant ? { lapsedClaimant } : {}),
    },
  });
  const claimed = (customerId: string, supersedes?: string): CustomerDomainClaimed => ({
    type: 'CustomerDomainClaimed',
    data: {
      domain: 'contoso.com',
      customerId,
      partnerTenantId: PARTNER,
      claimedAt: T0.toISOString(),
      ...(supersedes ? { supersedes } : {}),
    },
  });

  it('given a free domain, then it is claimed', () =>
    claimSpec
      .given([])
      .when(claim(CUSTOMER))
      .then([claimed(CUSTOMER)]));
  it('given its own claim (a retry), then nothing is written', () =>
    claimSpec
      .given([claimed(CUSTOMER)])
      .when(claim(CUSTOMER))
      .then([]));
  it('given another customer’s claim, then domain_taken', () =>
    claimSpec
      .given([claimed(OTHER)])
      .when(claim(CUSTOMER))
      .thenThrows({ code: 'domain_taken', field: 'domain' }));
  it('given another customer’s claim checked lapsed, then it is taken over', () =>
    claimSpec
      .given([claimed(OTHER)])
      .when(claim(CUSTOMER, OTHER))
      .then([claimed(CUSTOMER, OTHER)]));
  it('given the claim moved on to a third customer meanwhile, then domain_taken (the lapse check was for another)', () =>
    claimSpec
      .given([claimed(OTHER), claimed('55555555-5555-4555-8555-555555555555', OTHER)])
      .when(claim(CUSTOMER, OTHER))
      .thenThrows({ code: 'domain_taken' }));

  it.each([
    ['registered with the domain', { status: 'registered', domain: 'contoso.com' }, 'held'],
    ['registered with another domain', { status: 'registered', domain: 'contoso.eu' }, 'lapsed'],
    ['not registered, fenced', { status: 'unregistered', lapsedDomains: ['contoso.com'] }, 'lapsed'],
    ['not registered, not fenced', { status: 'unregistered', lapsedDomains: [] }, 'unfinished'],
  ])('a claim whose customer is %s is %s', (_name, claimant, standing) =>
    expect(claimStanding(claimant as CustomerState, 'contoso.com')).toBe(standing),
  );
});
