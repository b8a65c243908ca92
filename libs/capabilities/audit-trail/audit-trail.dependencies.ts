// What the audit trail takes from the shared kit, in one place: the structure step moves these (issue 14).
export { CLOCK, DATABASE_POOL, domainDataProvider } from '@csp/application';
export type { Clock } from '@csp/application';
export { Permit } from '@csp/application/shared/access.guard';
export { CustomerAccess } from '@csp/application/shared/customer-access';
export { TenantDirectory } from '@csp/application/shared/tenant-directory';
export { StreamCommands } from '@csp/event-sourcing/command-handling';
export { CollectionDto } from '@csp/application/shared/response.dto';
export { parseSize } from '@csp/application/shared/collection';
