import { Global, Module } from '@nestjs/common';
import { TENANT_DIRECTORY } from '@csp/platform';
import { CustomerAccess } from './access/customer-access';
import { TenantDirectory } from './access/tenant-directory';
import { PartnerRegistry } from './partner-registry';
import { PartnerSeeding } from './partner-seeding';
import { TenantDirectoryService } from './tenant-directory.service';

/**
 * Who is a partner and who a customer, and who may act on which customer: the partner registry, its start-up
 * seeding, the tenant directory the platform's AuthGuard asks, and the customer access every capability's
 * `@Permit` checks (global, so the guards of every capability's controllers can inject them).
 */
@Global()
@Module({
  providers: [
    TenantDirectory,
    CustomerAccess,
    PartnerRegistry,
    PartnerSeeding,
    TenantDirectoryService,
    { provide: TENANT_DIRECTORY, useExisting: TenantDirectoryService },
  ],
  exports: [PartnerRegistry, TENANT_DIRECTORY, TenantDirectory, CustomerAccess],
})
export class PartnersModule {}
