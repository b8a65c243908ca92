import type {
  DeviceGroupRegistered,
  KmsRenewalDueSoonWarned,
  KmsRenewalOverdueWarned,
  MakDeploymentRecorded,
} from '@csp/domain';
import { columns, documentProjection, migrateDdl, type StoredDocument } from '@csp/event-sourcing';
import type { PoolClient } from 'pg';
import { KMS_DEVICE_GROUPS_DDL, KMS_DEVICE_GROUPS_QUERY_INDEXES } from './kms-device-groups.schema';

type KmsEvent = DeviceGroupRegistered | MakDeploymentRecorded | KmsRenewalDueSoonWarned | KmsRenewalOverdueWarned;
type DeviceGroup = {
  customerId: string;
  partnerTenantId: string;
  name: string;
  deviceCount: number;
  dueSoonFrom: string;
  renewalDeadline: string;
  migratedAt: string | null;
  dueSoonWarnedAt: string | null;
  overdueWarnedAt: string | null;
};

const SELECT = `SELECT group_id, customer_id, partner_tenant_id, name, device_count, due_soon_from, renewal_deadline,
    migrated_at, due_soon_warned_at, overdue_warned_at, position
  FROM rm_kms_device_groups WHERE group_id = ANY($1::text[])`;

const UPSERT = `INSERT INTO rm_kms_device_groups AS g (group_id, customer_id, partner_tenant_id, name, device_count,
    due_soon_from, renewal_deadline, migrated_at, due_soon_warned_at, overdue_warned_at, position)
  SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::integer[], $6::timestamptz[],
                       $7::timestamptz[], $8::timestamptz[], $9::timestamptz[], $10::timestamptz[], $11::bigint[])
  ON CONFLICT (group_id) DO UPDATE SET migrated_at = EXCLUDED.migrated_at,
    due_soon_warned_at = EXCLUDED.due_soon_warned_at, overdue_warned_at = EXCLUDED.overdue_warned_at,
    position = EXCLUDED.position
  WHERE g.position < EXCLUDED.position`;
const COLUMNS = [
  'groupId',
  'customerId',
  'partnerTenantId',
  'name',
  'deviceCount',
  'dueSoonFrom',
  'renewalDeadline',
  'migratedAt',
  'dueSoonWarnedAt',
  'overdueWarnedAt',
  'position',
] as const;

type StoredRow = {
  group_id: string;
  customer_id: string;
  partner_tenant_id: string;
  name: string;
  device_count: number;
  due_soon_from: Date;
  renewal_deadline: Date;
  migrated_at: Date | null;
  due_soon_warned_at: Date | null;
  overdue_warned_at: Date | null;
  position: string;
};

async function load(client: PoolClient, groupIds: readonly string[]): Promise<StoredDocument<DeviceGroup>[]> {
  const stored = await client.query<StoredRow>(SELECT, [groupIds]);
  return stored.rows.map((r) => ({
    key: r.group_id,
    document: {
      customerId: r.customer_id,
      partnerTenantId: r.partner_tenant_id,
      name: r.name,
      deviceCount: r.device_count,
      dueSoonFrom: r.due_soon_from.toISOString(),
      renewalDeadline: r.renewal_deadline.toISOString(),
      migratedAt: r.migrated_at?.toISOString() ?? null,
      dueSoonWarnedAt: r.due_soon_warned_at?.toISOString() ?? null,
      overdueWarnedAt: r.overdue_warned_at?.toISOString() ?? null,
    },
    position: Number(r.position),
  }));
}

async function write(client: PoolClient, groups: readonly StoredDocument<DeviceGroup>[]): Promise<void> {
  const rows = groups.map((g) => ({ groupId: g.key, ...g.document, position: g.position }));
  await client.query(UPSERT, columns(rows, COLUMNS));
}

/**
 * Device groups of every customer's KMS → MAK plan, for the warnings sweep (which groups are due a warning).
 * The plan endpoints fold the plan's stream instead: it is small and always current. A document per group:
 * the first registration makes it, later events set their column; an event before the registration changes
 * nothing. Per batch: one read, one upsert.
 */
export const kmsDeviceGroupsProjection = documentProjection<KmsEvent, DeviceGroup>({
  name: 'kms-device-groups',
  version: 1,
  eventTypes: {
    DeviceGroupRegistered: true,
    MakDeploymentRecorded: true,
    KmsRenewalDueSoonWarned: true,
    KmsRenewalOverdueWarned: true,
  },
  migrate: (client, options) => migrateDdl(client, KMS_DEVICE_GROUPS_DDL, KMS_DEVICE_GROUPS_QUERY_INDEXES, options),
  key: (event) => event.data.groupId,
  evolve(group, event) {
    switch (event.type) {
      case 'DeviceGroupRegistered': {
        const d = event.data;
        return (
          group ?? {
            customerId: d.customerId,
            partnerTenantId: d.partnerTenantId,
            name: d.name,
            deviceCount: d.deviceCount,
            dueSoonFrom: d.dueSoonFrom,
            renewalDeadline: d.renewalDeadline,
            migratedAt: null,
            dueSoonWarnedAt: null,
            overdueWarnedAt: null,
          }
        );
      }
      case 'MakDeploymentRecorded':
        return group && { ...group, migratedAt: event.data.deployedAt };
      case 'KmsRenewalDueSoonWarned':
        return group && { ...group, dueSoonWarnedAt: event.data.warnedAt };
      case 'KmsRenewalOverdueWarned':
        return group && { ...group, overdueWarnedAt: event.data.warnedAt };
    }
  },
  load,
  write,
});
