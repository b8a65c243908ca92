import { ProblemException } from '../errors/problem-details';

/** What a token's `tid` is to this service: a registered partner, a registered customer, or nothing. */
export type TenantKind = 'partner' | 'customer';

/**
 * The port through which authentication learns a tenant's kind. The application implements it from the partner
 * registry and the customers; platform knows no more than this shape.
 */
export interface TenantDirectory {
  kindOf(tenantId: string): Promise<TenantKind | undefined>;
}

export const TENANT_DIRECTORY = Symbol('TENANT_DIRECTORY');

export function tenantNotRegistered(): ProblemException {
  return new ProblemException(
    403,
    'tenant_not_registered',
    'The token’s tenant is neither a registered partner nor a registered customer of this service.',
  );
}
