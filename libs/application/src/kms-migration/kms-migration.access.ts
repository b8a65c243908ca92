import type { AccessRule } from '../shared/customer-access';

/**
 * Issue 7: the plan is read by the partner's AdminAgent and the customer's own GlobalAdmin (the customer
 * follows its migration), and changed by the partner's AdminAgent only.
 */
export const KMS_MIGRATION_ACCESS = {
  read: { partnerRoles: ['AdminAgent'], customerRoles: ['GlobalAdmin'] },
  write: { partnerRoles: ['AdminAgent'], customerRoles: [] },
} as const satisfies Record<string, AccessRule>;
