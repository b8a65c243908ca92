export const KMS_DEVICE_GROUPS_TABLE = 'rm_kms_device_groups';

export const KMS_DEVICE_GROUPS_DDL = [
  `CREATE TABLE IF NOT EXISTS rm_kms_device_groups (
     group_id text PRIMARY KEY,
     customer_id text NOT NULL,
     partner_tenant_id text NOT NULL,
     name text NOT NULL,
     device_count integer NOT NULL,
     due_soon_from timestamptz NOT NULL,
     renewal_deadline timestamptz NOT NULL,
     migrated_at timestamptz,
     due_soon_warned_at timestamptz,
     overdue_warned_at timestamptz,
     position bigint NOT NULL
   )`,
];

/** Indexes only the queries use (see MigrateOptions). */
export const KMS_DEVICE_GROUPS_QUERY_INDEXES = [
  // The sweep looks for unmigrated groups whose window opened or whose deadline passed.
  `CREATE INDEX IF NOT EXISTS rm_kms_device_groups_pending ON rm_kms_device_groups (due_soon_from)
     WHERE migrated_at IS NULL AND overdue_warned_at IS NULL`,
];
