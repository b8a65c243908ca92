import { Injectable } from '@nestjs/common';
import type { TenantDirectory, TenantKind } from '@csp/platform';
import { CustomerAccess } from '../shared/customer-access';
import { PartnerRegistry } from './partner-registry';

/**
 * A token's tenant is a partner only if the registry says so, a customer only if it is registered as one;
 * anything else is refused by the AuthGuard. A tenant is never both: a partner's tenant cannot be registered as a
 * customer and a customer's cannot be registered as a partner. Cached answers first, so the hot path reads nothing.
 */
@Injectable()
export class TenantDirectoryService implements TenantDirectory {
  constructor(
    private readonly partners: PartnerRegistry,
    private readonly customers: CustomerAccess,
  ) {}

  async kindOf(tenantId: string): Promise<TenantKind | undefined> {
    if (this.partners.isKnownPartner(tenantId)) return 'partner';
    if (await this.customers.load(tenantId)) return 'customer';
    if (await this.partners.isPartner(tenantId)) return 'partner';
    return undefined;
  }
}
