import { Global, Module } from '@nestjs/common';
import { TENANT_DIRECTORY } from '@csp/platform';
import { domainDataProvider } from '../shared/domain-data.provider';
import { StreamCommands } from '@csp/event-sourcing/command-handling';
import { TenantDirectory } from '../shared/tenant-directory';
import { PartnerRegistry } from './partner-registry';
import { PartnerSeeding } from './partner-seeding';
import { TenantDirectoryService } from './tenant-directory.service';

/**
 * Who is a partner and who a customer: the partner registry, its start-up seeding, and the tenant directory the
 * platform's AuthGuard asks (global, so the guard, provided by PlatformModule, can inject it).
 */
@Global()
@Module({
  providers: [
    domainDataProvider,
    StreamCommands,
    TenantDirectory,
    PartnerRegistry,
    PartnerSeeding,
    TenantDirectoryService,
    { provide: TENANT_DIRECTORY, useExisting: TenantDirectoryService },
  ],
  exports: [PartnerRegistry, TENANT_DIRECTORY],
})
export class TenancyModule {}
