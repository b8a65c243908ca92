import type { Pool } from 'pg';

export type KmsWarningKind = 'dueSoon' | 'overdue';
export type DueKmsWarning = { customerId: string; groupId: string; kind: KmsWarningKind };

/**
 * Unmigrated groups whose warning is due at `now` and not yet recorded, oldest deadline first. The read
 * model may lag: callers re-decide on the plan's stream, which no-ops for what is already done.
 */
const DUE = `SELECT customer_id, group_id,
    CASE WHEN renewal_deadline <= $1 THEN 'overdue' ELSE 'dueSoon' END AS kind
  FROM rm_kms_device_groups
  WHERE migrated_at IS NULL AND overdue_warned_at IS NULL AND due_soon_from <= $1
    AND (renewal_deadline <= $1 OR due_soon_warned_at IS NULL)
  ORDER BY renewal_deadline, group_id
  LIMIT $2`;

export class KmsDeviceGroupsQuery {
  constructor(private readonly pool: Pool) {}

  async dueWarnings(now: Date, limit = 500): Promise<DueKmsWarning[]> {
    const result = await this.pool.query<{ customer_id: string; group_id: string; kind: KmsWarningKind }>(DUE, [
      now.toISOString(),
      limit,
    ]);
    return result.rows.map((r) => ({ customerId: r.customer_id, groupId: r.group_id, kind: r.kind }));
  }
}
