import { resolveMarket } from '../markets/markets';
import { currentPolicy } from '../policies/policies';
import type { DomainContext } from '../shared/context';
import { DomainError, IssueCollector } from '../shared/domain-error';
import type { Decider } from '../shared/decider';
import type { CustomerCommand, LapseDomainClaim, RegisterCustomer } from './customer.commands';
import { COMPANY_NAME_MAX, isValidDomain, normalizeDomain } from './customer-domain';
import type { CustomerDomainClaimLapsed, CustomerEvent, CustomerRegistered } from './customer.events';
import { evolveCustomer, initialCustomerState, type CustomerState } from './customer.state';

const registerCustomer = (
  command: RegisterCustomer,
  state: CustomerState,
  ctx: DomainContext,
): CustomerRegistered[] => {
  const { customerId, companyName, domain, country, partnerTenantId } = command.data;
  // The same answer whichever partner registered it: a 409 must not tell who owns a tenant.
  if (state.status === 'registered') {
    throw new DomainError({
      code: 'customer_already_registered',
      kind: 'conflict',
      detail: `customer ${state.customerId} is already registered`,
      data: { customerId: state.customerId },
    });
  }
  if (command.data.tenantIsPartner) throw tenantIsPartner(customerId);
  const issues = new IssueCollector();
  if (typeof customerId !== 'string' || customerId.trim() === '')
    issues.add('customerId', 'invalid_customer_id', 'customerId is required');
  if (typeof partnerTenantId !== 'string' || partnerTenantId.trim() === '')
    issues.add('partnerTenantId', 'invalid_partner_tenant_id', 'partnerTenantId is required');
  const name = typeof companyName === 'string' ? companyName.trim() : '';
  if (name.length === 0) issues.add('companyName', 'invalid_company_name', 'companyName is required');
  else if (name.length > COMPANY_NAME_MAX)
    issues.add('companyName', 'invalid_company_name', `companyName must be at most ${COMPANY_NAME_MAX} characters`);
  if (typeof domain !== 'string' || !isValidDomain(domain)) {
    issues.add('domain', 'invalid_domain', 'domain must be a DNS domain name such as "contoso.onmicrosoft.com"');
  }
  let market: ReturnType<typeof resolveMarket> | undefined;
  try {
    market = resolveMarket(ctx.markets, country, 'country');
  } catch (e) {
    // a bad country joins the other field issues; a country we do not sell in (422) comes after them
    if (e instanceof DomainError && e.kind === 'validation') issues.add('country', e.code, e.detail);
    else {
      issues.throwIfAny();
      throw e;
    }
  }
  issues.throwIfAny();
  // This registration's claim on the domain was taken over (it had stalled): it may not complete with it.
  if (state.lapsedDomains.includes(normalizeDomain(domain))) throw domainTaken(normalizeDomain(domain));
  const policy = currentPolicy(ctx.policies);
  const m = market as NonNullable<typeof market>;
  return [
    {
      type: 'CustomerRegistered',
      data: {
        customerId,
        partnerTenantId,
        companyName: name,
        domain: normalizeDomain(domain),
        country: m.country,
        currencyCode: m.currencyCode,
        taxInclusivePricing: policy.taxInclusiveMarkets.includes(m.country),
        registeredAt: ctx.now.toISOString(),
        marketsVersion: ctx.markets.version,
        policyVersion: policy.version,
      },
    },
  ];
};

const lapseDomainClaim = (
  command: LapseDomainClaim,
  state: CustomerState,
  ctx: DomainContext,
): CustomerDomainClaimLapsed[] => {
  const domain = normalizeDomain(command.data.domain);
  if (state.status === 'registered') {
    // Registered with that domain after all: the claim holds. Registered with another: nothing to fence.
    if (state.domain === domain) throw domainTaken(domain);
    return [];
  }
  if (state.lapsedDomains.includes(domain)) return [];
  return [
    {
      type: 'CustomerDomainClaimLapsed',
      data: { customerId: command.data.customerId, domain, lapsedAt: ctx.now.toISOString() },
    },
  ];
};

export function domainTaken(domain: string): DomainError {
  return new DomainError({
    code: 'domain_taken',
    kind: 'conflict',
    field: 'domain',
    detail: `The domain ${domain} is already registered to a customer.`,
  });
}

export function tenantIsPartner(tenantId: string): DomainError {
  return new DomainError({
    code: 'tenant_is_partner',
    kind: 'conflict',
    field: 'tenantId',
    detail: `The tenant ${tenantId} is a registered partner; a partner's tenant cannot be registered as a customer.`,
  });
}

export const decideCustomer = (
  command: CustomerCommand,
  state: CustomerState,
  context: DomainContext,
): CustomerEvent[] => {
  switch (command.type) {
    case 'RegisterCustomer':
      return registerCustomer(command, state, context);
    case 'LapseDomainClaim':
      return lapseDomainClaim(command, state, context);
    default: {
      const never: never = command;
      throw new Error(`unknown customer command ${String((never as { type: unknown }).type)}`);
    }
  }
};

export const customerDecider: Decider<CustomerCommand, CustomerEvent, CustomerState> = {
  decide: decideCustomer,
  evolve: evolveCustomer,
  initialState: initialCustomerState,
};
