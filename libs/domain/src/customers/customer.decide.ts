import { resolveMarket } from '../markets/markets';
import { currentPolicy } from '../policies/policies';
import type { DomainContext } from '../shared/context';
import { DomainError, IssueCollector } from '../shared/domain-error';
import type { Decider } from '../shared/decider';
import type { CustomerCommand, RegisterCustomer } from './customer.commands';
import { COMPANY_NAME_MAX, isValidDomain, normalizeDomain } from './customer-domain';
import type { CustomerEvent, CustomerRegistered } from './customer.events';
import { evolveCustomer, initialCustomerState, type CustomerState } from './customer.state';

const registerCustomer = (
  command: RegisterCustomer,
  state: CustomerState,
  ctx: DomainContext,
): CustomerRegistered[] => {
  const { customerId, companyName, domain, country, partnerTenantId } = command.data;
  if (state.status === 'registered') {
    throw new DomainError({
      code: 'customer_already_registered',
      kind: 'conflict',
      detail: `customer ${state.customerId} is already registered`,
      data: { customerId: state.customerId },
    });
  }
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

export const decideCustomer = (
  command: CustomerCommand,
  state: CustomerState,
  context: DomainContext,
): CustomerEvent[] => {
  switch (command.type) {
    case 'RegisterCustomer':
      return registerCustomer(command, state, context);
    default: {
      const never: never = command.type;
      throw new Error(`unknown customer command ${String(never)}`);
    }
  }
};

export const customerDecider: Decider<CustomerCommand, CustomerEvent, CustomerState> = {
  decide: decideCustomer,
  evolve: evolveCustomer,
  initialState: initialCustomerState,
};
