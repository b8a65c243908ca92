import { DomainError, parseSoftwareId } from '@csp/domain';

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
