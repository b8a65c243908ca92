import { DomainError, parseSoftwareId } from '@csp/domain';
import type { Principal } from '@csp/platform';
import { ACCESS } from '@csp/capabilities/partners';
import type { AccessibleOrder, OrderAccess } from '@csp/capabilities/orders';

/** `{orderId}_{lineItemNumber}`: the id the software list gives each purchased software line. */
export function parseSoftwareRef(softwareId: string): { orderId: string; lineItemNumber: number } {
  const ref = parseSoftwareId(softwareId);
  if (!ref) {
    throw new DomainError({
      code: 'software_not_found',
      kind: 'not_found',
      detail: `No software ${softwareId} was found.`,
    });
  }
  return ref;
}

/** Which portal path a caller used: a partner through Partner Center, a customer through the admin center. */
export const channelFor = (relation: 'partner' | 'customer'): 'partnerCenter' | 'adminCenter' =>
  relation === 'partner' ? 'partnerCenter' : 'adminCenter';

/**
 * The software line a key or link command names, on an order whose customer's software the caller may use
 * (else 403 or 404), with the portal path the caller came by.
 */
export async function authorizeSoftwareLine(
  orders: OrderAccess,
  c: { principal: Principal; customerId: string; softwareId: string },
): Promise<AccessibleOrder & { lineItemNumber: number; channel: 'partnerCenter' | 'adminCenter' }> {
  const ref = parseSoftwareRef(c.softwareId);
  const access = await orders.authorize(c.principal, c.customerId, ref.orderId, ACCESS.software);
  return { ...access, lineItemNumber: ref.lineItemNumber, channel: channelFor(access.relation) };
}
