/**
 * Who may do what: DOMAIN.md's role table as data and the decision it implies, pure. The HTTP guard and the
 * customer/order access checks both decide through these functions, so the table lives in one place.
 */

/** Role names a token may carry (DOMAIN.md). Other names grant nothing. */
export const TENANT_ROLES = [
  'AdminAgent',
  'GlobalAdmin',
  'AccountAdmin',
  'ReferralAdmin',
  'MarketingContentAdmin',
  'Auditor',
  'BillingAdmin',
] as const;
export type TenantRole = (typeof TENANT_ROLES)[number];

/**
 * What the caller's tenant is: a partner (a reseller), a registered customer, or neither. Deciding which is the
 * tenant directory's job (the application); the policy only says what each kind may do. `unknown` may do nothing.
 */
export type TenantKind = 'partner' | 'customer' | 'unknown';

/** How the caller stands to one customer: its partner, or the customer tenant itself. */
export type CustomerRelation = 'partner' | 'customer';

/**
 * `tenant`: about the caller's own tenant (its customer list, its activity log); `customer`: names one customer
 * (in the path, or in the body for support requests), which must be the caller's, else 404.
 */
export type PermissionScope = 'tenant' | 'customer';

export interface PermissionRule {
  scope: PermissionScope;
  /** Roles that allow it in a partner tenant; 'any': every authenticated partner user. */
  partner: readonly TenantRole[] | 'any';
  /** Roles that allow it to a customer's own users; empty: customers' users may not. */
  customer: readonly TenantRole[] | 'any';
}

const PARTNER_ADMINS = ['AdminAgent', 'GlobalAdmin'] as const;
const NOBODY = [] as const;

/** DOMAIN.md's role table. A customer's users may do only the software row (and read the public catalog). */
export const PERMISSIONS = {
  registerCustomer: { scope: 'tenant', partner: PARTNER_ADMINS, customer: NOBODY },
  listCustomers: { scope: 'tenant', partner: PARTNER_ADMINS, customer: NOBODY },
  readCustomer: { scope: 'customer', partner: PARTNER_ADMINS, customer: NOBODY },
  readCatalog: { scope: 'tenant', partner: 'any', customer: 'any' },
  placeOrder: { scope: 'customer', partner: PARTNER_ADMINS, customer: NOBODY },
  readOrders: { scope: 'customer', partner: PARTNER_ADMINS, customer: NOBODY },
  cancelOrder: { scope: 'customer', partner: ['AdminAgent'], customer: NOBODY },
  software: { scope: 'customer', partner: ['AdminAgent'], customer: ['GlobalAdmin'] },
  fileSupportRequest: { scope: 'customer', partner: ['AdminAgent'], customer: NOBODY },
  readActivityLog: {
    scope: 'tenant',
    partner: ['GlobalAdmin', 'AccountAdmin', 'ReferralAdmin', 'MarketingContentAdmin', 'Auditor'],
    customer: NOBODY,
  },
  readEventHistory: { scope: 'tenant', partner: ['Auditor'], customer: NOBODY },
  readOrderHistory: { scope: 'customer', partner: ['Auditor'], customer: NOBODY },
  readCredits: { scope: 'tenant', partner: ['BillingAdmin'], customer: NOBODY },
  /** Audit digests, signing keys, proofs, event export (issue 17). */
  readAuditTrail: { scope: 'tenant', partner: ['Auditor'], customer: NOBODY },
  /** Issue 16: closing a month, and the webhook endpoints and deliveries of the finance feeds. */
  closeStatements: { scope: 'tenant', partner: ['BillingAdmin'], customer: NOBODY },
  manageWebhooks: { scope: 'tenant', partner: ['BillingAdmin'], customer: NOBODY },
  /** The customer follows its own migration (issue 7's decision); only the partner's AdminAgent changes it. */
  readKmsMigration: { scope: 'customer', partner: ['AdminAgent'], customer: ['GlobalAdmin'] },
  writeKmsMigration: { scope: 'customer', partner: ['AdminAgent'], customer: NOBODY },
  /** The key pool (issue 15): the partner's AdminAgent imports and tunes; its Auditor also reads the stock. */
  importKeys: { scope: 'tenant', partner: ['AdminAgent'], customer: NOBODY },
  readKeyStock: { scope: 'tenant', partner: ['AdminAgent', 'Auditor'], customer: NOBODY },
  tuneKeyStock: { scope: 'tenant', partner: ['AdminAgent'], customer: NOBODY },
} as const satisfies Record<string, PermissionRule>;

export type Permission = keyof typeof PERMISSIONS;
export const ALL_PERMISSIONS = Object.keys(PERMISSIONS) as Permission[];

const grants = (allowed: readonly TenantRole[] | 'any', roles: readonly string[]): boolean =>
  allowed === 'any' || allowed.some((r) => roles.includes(r));

/** May a caller of this tenant kind with these roles do this (wherever it points)? */
export function isPermitted(permission: Permission, kind: TenantKind, roles: readonly string[]): boolean {
  const rule: PermissionRule = PERMISSIONS[permission];
  if (kind === 'unknown') return false;
  return grants(kind === 'partner' ? rule.partner : rule.customer, roles);
}

/** The roles that allow a permission, for error messages: partner's first, then a customer's own. */
export function rolesFor(permission: Permission, kind: 'partner' | 'customer'): readonly string[] | 'any' {
  const rule: PermissionRule = PERMISSIONS[permission];
  return kind === 'partner' ? rule.partner : rule.customer;
}

/** The caller's relation to a customer: its partner, the customer's own tenant, or none (another tenant's). */
export function relationTo(
  tenantId: string,
  customer: { customerId: string; partnerTenantId: string },
): CustomerRelation | undefined {
  const tid = tenantId.toLowerCase();
  if (tid === customer.partnerTenantId.toLowerCase()) return 'partner';
  if (tid === customer.customerId.toLowerCase()) return 'customer';
  return undefined;
}

export type AccessDecision = 'allow' | 'forbidden' | 'not_found';

/**
 * A request naming one customer. `relation` is undefined when the customer does not exist or is another
 * tenant's; then `callerKind` is the caller's own kind. Forbidden depends only on the caller (its kind and
 * roles), never on the customer named, so a 403 tells nothing about another tenant's ids; an allowed caller
 * naming a customer that is not its own gets not_found, the same for a foreign one as for one that does not exist.
 */
export function decideCustomerAccess(
  permission: Permission,
  roles: readonly string[],
  relation: CustomerRelation | undefined,
  callerKind: TenantKind,
): AccessDecision {
  if (!isPermitted(permission, relation ?? callerKind, roles)) return 'forbidden';
  return relation ? 'allow' : 'not_found';
}

/** A request about the caller's own tenant. */
export function decideTenantAccess(
  permission: Permission,
  roles: readonly string[],
  callerKind: TenantKind,
): Exclude<AccessDecision, 'not_found'> {
  return isPermitted(permission, callerKind, roles) ? 'allow' : 'forbidden';
}
