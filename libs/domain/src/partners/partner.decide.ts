import { isGuid } from '../customers/customer-domain';
import type { DomainContext } from '../shared/context';
import type { Decider } from '../shared/decider';
import { DomainError, IssueCollector } from '../shared/domain-error';
import type { PartnerCommand } from './partner.commands';
import type { PartnerEvent } from './partner.events';
import { evolvePartner, initialPartnerState, type PartnerState } from './partner.state';

export const PARTNER_NAME_MAX = 200;

/**
 * Partner tenants are registered, never inferred from a token. Registering a partner that is already
 * registered writes nothing (start-up seeding runs on every start); a customer's tenant can never become a partner.
 */
export const decidePartner = (command: PartnerCommand, state: PartnerState, ctx: DomainContext): PartnerEvent[] => {
  const { partnerTenantId, name, source, tenantIsCustomer } = command.data;
  const issues = new IssueCollector();
  if (!isGuid(partnerTenantId)) issues.add('partnerTenantId', 'invalid_tenant_id', 'a partner tenant id is a GUID');
  const trimmed = name?.trim() ?? '';
  if (trimmed.length > PARTNER_NAME_MAX)
    issues.add('name', 'invalid_partner_name', `a partner name has at most ${PARTNER_NAME_MAX} characters`);
  issues.throwIfAny();
  if (state.status === 'registered') return [];
  if (tenantIsCustomer) {
    throw new DomainError({
      code: 'tenant_is_customer',
      kind: 'conflict',
      field: 'partnerTenantId',
      detail: `The tenant ${partnerTenantId} is a registered customer; a customer's tenant cannot be a partner.`,
    });
  }
  const tenantId = partnerTenantId.toLowerCase();
  return [
    {
      type: 'PartnerRegistered',
      data: { partnerTenantId: tenantId, name: trimmed || tenantId, source, registeredAt: ctx.now.toISOString() },
    },
  ];
};

export const partnerDecider: Decider<PartnerCommand, PartnerEvent, PartnerState> = {
  decide: decidePartner,
  evolve: evolvePartner,
  initialState: initialPartnerState,
};
