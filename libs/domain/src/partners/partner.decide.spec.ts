import { defaultDomainContext } from '../shared/default-data';
import { deciderSpec } from '../testing/decider-spec';
import { PARTNER, T0 } from '../testing/fixtures';
import type { RegisterPartner } from './partner.commands';
import { partnerDecider } from './partner.decide';
import type { PartnerRegistered } from './partner.events';

const spec = deciderSpec(partnerDecider, () => defaultDomainContext(T0));
const register = (over: Partial<RegisterPartner['data']> = {}): RegisterPartner => ({
  type: 'RegisterPartner',
  data: { partnerTenantId: PARTNER, name: 'Fabrikam CSP', source: 'configuration', tenantIsCustomer: false, ...over },
});
const registered = (over: Partial<PartnerRegistered['data']> = {}): PartnerRegistered => ({
  type: 'PartnerRegistered',
  data: {
    partnerTenantId: PARTNER,
    name: 'Fabrikam CSP',
    source: 'configuration',
    registeredAt: T0.toISOString(),
    ...over,
  },
});

describe('RegisterPartner', () => {
  it('given no partner, when registered, then PartnerRegistered with the lowercase tenant id', () =>
    spec
      .given([])
      .when(register({ partnerTenantId: PARTNER.toUpperCase(), source: 'cli' }))
      .then([registered({ source: 'cli' })]));

  it('given no name, then the tenant id stands in for it', () =>
    spec
      .given([])
      .when(register({ name: '  ' }))
      .then([registered({ name: PARTNER })]));

  it('given a registered partner, when registered again (start-up seeding, another name), then nothing is written', () =>
    spec
      .given([registered()])
      .when(register({ name: 'Renamed', source: 'cli' }))
      .then([]));

  it('given a tenant that is a registered customer, then 409 tenant_is_customer', () =>
    spec
      .given([])
      .when(register({ tenantIsCustomer: true }))
      .thenThrows({ code: 'tenant_is_customer', kind: 'conflict', field: 'partnerTenantId' }));

  it('refuses a tenant id that is not a GUID and an overlong name, naming both', () => {
    const e = spec
      .given([])
      .when(register({ partnerTenantId: 'contoso', name: 'x'.repeat(201) }))
      .thenError({ code: 'validation_failed', kind: 'validation' });
    expect(e.errors.map((i) => i.field)).toEqual(['partnerTenantId', 'name']);
  });
});
