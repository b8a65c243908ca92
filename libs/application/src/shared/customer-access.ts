import { Injectable } from '@nestjs/common';
import { customerDecider, CustomerRegistered, DomainError, isGuid, streamIdOf } from '@csp/domain';
import { LruMap, type Principal } from '@csp/platform';
import { StreamCommandExecutor } from './stream-command.executor';

export type RegisteredCustomer = CustomerRegistered['data'];

/** Who the caller is with respect to one customer. */
export type Relation = 'partner' | 'customer';

/**
 * What each relation may do. A partner user acts on behalf of its customers; a customer's own user
 * (token `tid` = the customer's tenant) reaches only its own software (DOMAIN.md's role table).
 */
export interface AccessRule {
  partnerRoles: readonly string[];
  /** Roles a customer's own user needs; empty = customer users may not do this. */
  customerRoles: readonly string[];
}

export const customerStreamId = (customerId: string): string => streamIdOf('customer', customerId);

/**
 * Tenant isolation: resolves a customer for the caller or answers 404 (another tenant's ids do not leak),
 * then 403 when the caller is related but lacks the role for this action.
 */
@Injectable()
export class CustomerAccess {
  /**
   * Registered customers by id. A customer stream holds one event, CustomerRegistered, and nothing changes it
   * afterwards, so a registered customer can be remembered for good (bounded, least recently used out). An
   * unknown id is not remembered: it may be registered a moment later.
   */
  static readonly CACHE_SIZE = 10_000;
  private readonly registered = new LruMap<string, RegisteredCustomer>(CustomerAccess.CACHE_SIZE);

  constructor(private readonly executor: StreamCommandExecutor) {}

  async load(customerId: string): Promise<RegisteredCustomer | undefined> {
    if (!isGuid(customerId)) return undefined;
    const id = customerId.toLowerCase();
    const known = this.registered.get(id);
    if (known) return known;
    const { state } = await this.executor.load(customerStreamId(id), customerDecider);
    if (state.status !== 'registered') return undefined;
    this.registered.set(id, state);
    return state;
  }

  async authorize(
    principal: Principal,
    customerId: string,
    rule: AccessRule,
  ): Promise<{ customer: RegisteredCustomer; relation: Relation }> {
    const customer = await this.load(customerId);
    const relation = customer ? relationOf(principal, customer) : undefined;
    if (!customer || !relation) throw customerNotFound(customerId);
    const needed = relation === 'partner' ? rule.partnerRoles : rule.customerRoles;
    if (!needed.some((r) => principal.roles.includes(r))) {
      throw new DomainError({
        code: 'forbidden',
        kind: 'forbidden',
        detail:
          needed.length === 0
            ? 'This action is for the customer’s partner only.'
            : `This action needs one of the roles ${needed.join(', ')}.`,
      });
    }
    return { customer, relation };
  }
}

export function relationOf(principal: Principal, customer: RegisteredCustomer): Relation | undefined {
  const tid = principal.tenantId.toLowerCase();
  if (tid === customer.partnerTenantId.toLowerCase()) return 'partner';
  if (tid === customer.customerId.toLowerCase()) return 'customer';
  return undefined;
}

export function customerNotFound(customerId: string): DomainError {
  return new DomainError({
    code: 'customer_not_found',
    kind: 'not_found',
    detail: `No customer ${customerId} was found for this tenant.`,
  });
}

/** Access rules per action, from DOMAIN.md's role table. */
export const ACCESS = {
  readCustomer: { partnerRoles: ['AdminAgent', 'GlobalAdmin'], customerRoles: ['GlobalAdmin'] },
  placeOrder: { partnerRoles: ['AdminAgent', 'GlobalAdmin'], customerRoles: [] },
  readOrders: { partnerRoles: ['AdminAgent', 'GlobalAdmin'], customerRoles: ['GlobalAdmin'] },
  cancel: { partnerRoles: ['AdminAgent'], customerRoles: [] },
  software: { partnerRoles: ['AdminAgent'], customerRoles: ['GlobalAdmin'] },
} as const satisfies Record<string, AccessRule>;
