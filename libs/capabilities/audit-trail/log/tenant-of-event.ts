/**
 * Which partner tenant's tree an event is a leaf of. Every event lands in exactly one tree:
 *  1. the partner its data names (`partnerTenantId`: orders, customers, domain claims, partners, support, KMS plans);
 *  2. else the tenant of its stream, fixed by the stream's first event (e.g. CancellationPropagated in order-…,
 *     MakDeploymentRecorded in kms-migration-…);
 *  3. else the partner of the customer its data names (`customerId`), learnt from earlier events
 *     (e.g. CustomerDomainClaimLapsed, written first to a customer stream that never registered);
 *  4. else the system log, so that no event is outside every tree (a foreign stream, an orphan).
 * Pure and decided in global order, so a rebuild from the same history attributes the same way.
 */
export const SYSTEM_LOG = 'system';

const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v.toLowerCase() : undefined);

export interface EventForAttribution {
  streamId: string;
  data: object;
}

export const partnerNamedBy = (e: EventForAttribution): string | undefined =>
  text((e.data as { partnerTenantId?: unknown }).partnerTenantId);

export const customerNamedBy = (e: EventForAttribution): string | undefined =>
  text((e.data as { customerId?: unknown }).customerId);

export function tenantOf(
  e: EventForAttribution,
  streamTenant: string | undefined,
  partnerOfCustomer: (customerId: string) => string | undefined,
): string {
  return tenantOfNamed(partnerNamedBy(e), customerNamedBy(e), streamTenant, partnerOfCustomer);
}

/** The same rule, given what the event names (its partner, its customer). */
export function tenantOfNamed(
  partner: string | undefined,
  customer: string | undefined,
  streamTenant: string | undefined,
  partnerOfCustomer: (customerId: string) => string | undefined,
): string {
  return partner ?? streamTenant ?? (customer && partnerOfCustomer(customer)) ?? SYSTEM_LOG;
}
