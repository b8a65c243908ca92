import type { AccessRule } from '@csp/capabilities/partners';

/**
 * Issue 7: the plan is read by the partner's AdminAgent and the customer's own GlobalAdmin (the customer
 * follows its migration), and changed by the partner's AdminAgent only (libs/domain access-policy).
 */
export const KMS_MIGRATION_ACCESS = {
  read: 'readKmsMigration',
  write: 'writeKmsMigration',
} as const satisfies Record<string, AccessRule>;
