export { Permit } from './access/access.guard';
export { ACCESS, CustomerAccess } from './access/customer-access';
export type { AccessRule, Relation } from './access/customer-access';
export { TenantDirectory, customerStreamId } from './access/tenant-directory';
export type { RegisteredCustomer } from './access/tenant-directory';
export { PartnerRegistry } from './partner-registry';
export { PartnersModule } from './partners.module';
