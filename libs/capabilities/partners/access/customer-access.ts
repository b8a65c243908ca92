import { Injectable } from '@nestjs/common';
import {
  decideCustomerAccess,
  DomainError,
  type CustomerRelation,
  type Permission,
  relationTo,
  rolesFor,
} from '@csp/domain';
import type { Principal } from '@csp/platform';
import { RegisteredCustomer, TenantDirectory } from './tenant-directory';

export { customerStreamId, type RegisteredCustomer } from './tenant-directory';

/** Who the caller is with respect to one customer. */
export type Relation = CustomerRelation;

/** A permission of DOMAIN.md's role table (libs/domain access-policy), named by the use case. */
export type AccessRule = Permission;

/**
 * Tenant isolation: resolves a customer for the caller or answers 404 (another tenant's ids do not leak),
 * 403 when the caller's roles do not allow the action (decided by the domain's access policy).
 */
@Injectable()
export class CustomerAccess {
  constructor(private readonly tenants: TenantDirectory) {}

  load(customerId: string): Promise<RegisteredCustomer | undefined> {
    return this.tenants.customer(customerId);
  }

  async authorize(
    principal: Principal,
    customerId: string,
    permission: Permission,
  ): Promise<{ customer: RegisteredCustomer; relation: Relation }> {
    const customer = await this.load(customerId);
    const relation = customer ? relationTo(principal.tenantId, customer) : undefined;
    // The caller's own kind matters only when the customer is not its own (then 403 vs 404).
    const kind = relation ?? (await this.tenants.kindOf(principal.tenantId));
    const decision = decideCustomerAccess(permission, principal.roles, relation, kind);
    if (decision === 'forbidden') throw forbiddenFor(permission, kind);
    if (decision === 'not_found' || !customer || !relation) throw customerNotFound(customerId);
    return { customer, relation };
  }
}

export function forbiddenFor(permission: Permission, kind: string): DomainError {
  const needed = kind === 'partner' || kind === 'customer' ? rolesFor(permission, kind) : [];
  return new DomainError({
    code: 'forbidden',
    kind: 'forbidden',
    detail:
      needed === 'any' || needed.length === 0
        ? kind === 'customer'
          ? 'This action is for the customer’s partner only.'
          : 'This tenant may not do this.'
        : `This action needs one of the roles ${needed.join(', ')}.`,
  });
}

export function customerNotFound(customerId: string): DomainError {
  return new DomainError({
    code: 'customer_not_found',
    kind: 'not_found',
    detail: `No customer ${customerId} was found for this tenant.`,
  });
}

/** Permissions per use case, from DOMAIN.md's role table (libs/domain access-policy). */
export const ACCESS = {
  readCustomer: 'readCustomer',
  placeOrder: 'placeOrder',
  readOrders: 'readOrders',
  cancel: 'cancelOrder',
  software: 'software',
  orderHistory: 'readOrderHistory',
  supportRequest: 'fileSupportRequest',
} as const satisfies Record<string, Permission>;
