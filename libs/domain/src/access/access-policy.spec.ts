import fc from 'fast-check';
import {
  ALL_PERMISSIONS,
  decideCustomerAccess,
  decideTenantAccess,
  isPermitted,
  Permission,
  relationTo,
  TENANT_ROLES,
} from './access-policy';

const PARTNER = 'aaaaaaaa-0000-4000-8000-000000000001';
const CUSTOMER = 'cccccccc-0000-4000-8000-000000000002';
const customer = { customerId: CUSTOMER, partnerTenantId: PARTNER };

/** DOMAIN.md's role table, restated: who may, per tenant kind (everyone else is refused). */
const TABLE: Record<Permission, { partner: readonly string[] | 'any'; customer: readonly string[] | 'any' }> = {
  registerCustomer: { partner: ['AdminAgent', 'GlobalAdmin'], customer: [] },
  listCustomers: { partner: ['AdminAgent', 'GlobalAdmin'], customer: [] },
  readCustomer: { partner: ['AdminAgent', 'GlobalAdmin'], customer: [] },
  readCatalog: { partner: 'any', customer: 'any' },
  placeOrder: { partner: ['AdminAgent', 'GlobalAdmin'], customer: [] },
  readOrders: { partner: ['AdminAgent', 'GlobalAdmin'], customer: [] },
  cancelOrder: { partner: ['AdminAgent'], customer: [] },
  software: { partner: ['AdminAgent'], customer: ['GlobalAdmin'] },
  fileSupportRequest: { partner: ['AdminAgent'], customer: [] },
  readActivityLog: {
    partner: ['GlobalAdmin', 'AccountAdmin', 'ReferralAdmin', 'MarketingContentAdmin', 'Auditor'],
    customer: [],
  },
  readEventHistory: { partner: ['Auditor'], customer: [] },
  readOrderHistory: { partner: ['Auditor'], customer: [] },
  readCredits: { partner: ['BillingAdmin'], customer: [] },
  readAuditTrail: { partner: ['Auditor'], customer: [] },
  closeStatements: { partner: ['BillingAdmin'], customer: [] },
  manageWebhooks: { partner: ['BillingAdmin'], customer: [] },
  readKmsMigration: { partner: ['AdminAgent'], customer: ['GlobalAdmin'] },
  writeKmsMigration: { partner: ['AdminAgent'], customer: [] },
  importKeys: { partner: ['AdminAgent'], customer: [] },
  readKeyStock: { partner: ['AdminAgent', 'Auditor'], customer: [] },
  tuneKeyStock: { partner: ['AdminAgent'], customer: [] },
};

const ROLE_SETS: string[][] = [...TENANT_ROLES.map((r) => [r]), [], ['SomethingElse']];
const KINDS = ['partner', 'customer'] as const;

describe('access policy: the role table', () => {
  const cells = ALL_PERMISSIONS.flatMap((p) =>
    KINDS.flatMap((kind) => ROLE_SETS.map((roles) => [p, kind, roles.join('+') || 'no role', roles] as const)),
  );

  it.each(cells)('%s as a %s user with %s', (permission, kind, _name, roles) => {
    const allowed = TABLE[permission][kind];
    const expected = allowed === 'any' || roles.some((r) => allowed.includes(r));
    expect(isPermitted(permission, kind, roles)).toBe(expected);
  });

  it('covers every permission, and nothing for a tenant that is neither a partner nor a customer', () => {
    expect(new Set(ALL_PERMISSIONS)).toEqual(new Set(Object.keys(TABLE)));
    for (const p of ALL_PERMISSIONS) for (const r of ROLE_SETS) expect(isPermitted(p, 'unknown', r)).toBe(false);
  });

  it('a customer’s users may use software (GlobalAdmin) and the catalog, nothing else of the table', () => {
    const allowed = ALL_PERMISSIONS.filter((p) => TENANT_ROLES.some((r) => isPermitted(p, 'customer', [r])));
    expect(allowed.sort()).toEqual(['readCatalog', 'readKmsMigration', 'software']);
  });
});

describe('access policy: one customer', () => {
  it('given the customer’s partner, when it has the role, then allow; without it, forbidden', () => {
    const relation = relationTo(PARTNER, customer);
    expect(relation).toBe('partner');
    expect(decideCustomerAccess('cancelOrder', ['AdminAgent'], relation, 'partner')).toBe('allow');
    expect(decideCustomerAccess('cancelOrder', ['GlobalAdmin'], relation, 'partner')).toBe('forbidden');
  });

  it('given the customer’s own GlobalAdmin, then software is allowed and orders are forbidden', () => {
    const relation = relationTo(CUSTOMER.toUpperCase(), customer);
    expect(relation).toBe('customer');
    expect(decideCustomerAccess('software', ['GlobalAdmin'], relation, 'customer')).toBe('allow');
    expect(decideCustomerAccess('readOrders', ['GlobalAdmin'], relation, 'customer')).toBe('forbidden');
    expect(decideCustomerAccess('readCustomer', ['GlobalAdmin'], relation, 'customer')).toBe('forbidden');
  });

  it('given another tenant, when its roles allow the action, then not_found; when they do not, forbidden', () => {
    const relation = relationTo('eeeeeeee-0000-4000-8000-000000000003', customer);
    expect(relation).toBeUndefined();
    expect(decideCustomerAccess('readOrders', ['AdminAgent'], relation, 'partner')).toBe('not_found');
    expect(decideCustomerAccess('readOrders', ['GlobalAdmin'], relation, 'customer')).toBe('forbidden');
    expect(decideCustomerAccess('readOrders', ['AdminAgent'], relation, 'unknown')).toBe('forbidden');
  });

  it('forbidden depends on the caller only, never on the customer it names (no id leaks through 403 vs 404)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ALL_PERMISSIONS),
        fc.subarray([...TENANT_ROLES, 'Other']),
        fc.constantFrom<'partner' | 'customer'>('partner', 'customer'),
        (permission, roles, kind) => {
          const own = decideCustomerAccess(permission, roles, kind, kind);
          const foreign = decideCustomerAccess(permission, roles, undefined, kind);
          expect(own === 'forbidden').toBe(foreign === 'forbidden');
          if (own !== 'forbidden') expect([own, foreign]).toEqual(['allow', 'not_found']);
        },
      ),
    );
  });
});

describe('access policy: the caller’s own tenant', () => {
  it('given a customer’s user, the activity log is forbidden whatever its roles', () => {
    for (const r of ROLE_SETS) expect(decideTenantAccess('readActivityLog', r, 'customer')).toBe('forbidden');
    expect(decideTenantAccess('readActivityLog', ['ReferralAdmin'], 'partner')).toBe('allow');
  });

  it('given a partner, event history is the Auditor’s and credits the BillingAdmin’s', () => {
    expect(decideTenantAccess('readEventHistory', ['Auditor'], 'partner')).toBe('allow');
    expect(decideTenantAccess('readEventHistory', ['AdminAgent', 'GlobalAdmin'], 'partner')).toBe('forbidden');
    expect(decideTenantAccess('readCredits', ['BillingAdmin'], 'partner')).toBe('allow');
    expect(decideTenantAccess('readCredits', ['BillingAdmin'], 'customer')).toBe('forbidden');
  });
});
