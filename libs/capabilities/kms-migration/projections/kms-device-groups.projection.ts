import type {
  DeviceGroupRegistered,
  KmsRenewalDueSoonWarned,
  KmsRenewalOverdueWarned,
  MakDeploymentRecorded,
} from '@csp/domain';
import type { RecordedEvent } from '@csp/event-store';
import type { PoolClient } from 'pg';
import type { MigrateOptions, Projection, Recorded } from '@csp/event-sourcing';
import { migrateDdl, columns } from '@csp/event-sourcing';
import { KMS_DEVICE_GROUPS_DDL, KMS_DEVICE_GROUPS_QUERY_INDEXES } from './kms-device-groups.schema';

type KmsEvent = DeviceGroupRegistered | MakDeploymentRecorded | KmsRenewalDueSoonWarned | KmsRenewalOverdueWarned;
const EVENT_TYPES: readonly KmsEvent['type'][] = [
  'DeviceGroupRegistered',
  'MakDeploymentRecorded',
  'KmsRenewalDueSoonWarned',
  'KmsRenewalOverdueWarned',
];

const INSERT = `INSERT INTO rm_kms_device_groups
    (group_id, customer_id, partner_tenant_id, name, device_count, due_soon_from, renewal_deadline, position)
  SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::integer[], $6::timestamptz[],
                       $7::timestamptz[], $8::bigint[])
  ON CONFLICT (group_id) DO NOTHING`;
type GroupRow = {
  groupId: string;
  customerId: string;
  partnerTenantId: string;
  name: string;
  deviceCount: number;
  dueSoonFrom: string;
  renewalDeadline: string;
  position: number;
};
const GROUP_COLUMNS = [
  'groupId',
  'customerId',
  'partnerTenantId',
  'name',
  'deviceCount',
  'dueSoonFrom',
  'renewalDeadline',
  'position',
] as const;

// A group's events of a batch in one row: per column the last value and its position, and the last position of
// all. Applied one by one, each event past the row's position sets its column and moves the position, so the
// row ends with every column's last value that is past the old position, at the batch's last position; a
// redelivered event (at or below the row's position) changes nothing.
const UPDATE = `UPDATE rm_kms_device_groups g SET
    migrated_at = CASE WHEN u.migrated_position > g.position THEN u.migrated_at ELSE g.migrated_at END,
    due_soon_warned_at =
      CASE WHEN u.due_soon_position > g.position THEN u.due_soon_warned_at ELSE g.due_soon_warned_at END,
    overdue_warned_at =
      CASE WHEN u.overdue_position > g.position THEN u.overdue_warned_at ELSE g.overdue_warned_at END,
    position = u.position
  FROM unnest($1::text[], $2::timestamptz[], $3::bigint[], $4::timestamptz[], $5::bigint[], $6::timestamptz[],
              $7::bigint[], $8::bigint[])
    AS u(group_id, migrated_at, migrated_position, due_soon_warned_at, due_soon_position, overdue_warned_at,
         overdue_position, position)
  WHERE g.group_id = u.group_id AND g.position < u.position`;
type UpdateRow = {
  groupId: string;
  migratedAt?: string;
  migratedPosition?: number;
  dueSoonWarnedAt?: string;
  dueSoonPosition?: number;
  overdueWarnedAt?: string;
  overduePosition?: number;
  position: number;
};
const UPDATE_COLUMNS = [
  'groupId',
  'migratedAt',
  'migratedPosition',
  'dueSoonWarnedAt',
  'dueSoonPosition',
  'overdueWarnedAt',
  'overduePosition',
  'position',
] as const;

/**
 * Device groups of every customer's KMS → MAK plan, for the warnings sweep (which groups are due a warning).
 * The plan endpoints fold the plan's stream instead: it is small and always current. Per batch: one insert of
 * the registered groups, then one update of the others.
 */
export const kmsDeviceGroupsProjection: Projection = {
  name: 'kms-device-groups',
  version: 1,
  eventTypes: EVENT_TYPES,
  migrate: (client: PoolClient, options?: MigrateOptions) =>
    migrateDdl(client, KMS_DEVICE_GROUPS_DDL, KMS_DEVICE_GROUPS_QUERY_INDEXES, options),
  async apply(client: PoolClient, events: RecordedEvent[]): Promise<void> {
    const groups = new Map<string, GroupRow>();
    const updates = new Map<string, UpdateRow>();
    const update = (groupId: string, position: number): UpdateRow => {
      const row = updates.get(groupId) ?? { groupId, position };
      row.position = position;
      updates.set(groupId, row);
      return row;
    };
    for (const event of events as Recorded<KmsEvent>[]) {
      const at = event.globalPosition;
      switch (event.type) {
        case 'DeviceGroupRegistered': {
          const d = event.data;
          // The first registration wins, as with one insert per event.
          if (groups.has(d.groupId)) break;
          groups.set(d.groupId, {
            groupId: d.groupId,
            customerId: d.customerId,
            partnerTenantId: d.partnerTenantId,
            name: d.name,
            deviceCount: d.deviceCount,
            dueSoonFrom: d.dueSoonFrom,
            renewalDeadline: d.renewalDeadline,
            position: at,
          });
          break;
        }
        case 'MakDeploymentRecorded':
          Object.assign(update(event.data.groupId, at), { migratedAt: event.data.deployedAt, migratedPosition: at });
          break;
        case 'KmsRenewalDueSoonWarned':
          Object.assign(update(event.data.groupId, at), { dueSoonWarnedAt: event.data.warnedAt, dueSoonPosition: at });
          break;
        case 'KmsRenewalOverdueWarned':
          Object.assign(update(event.data.groupId, at), { overdueWarnedAt: event.data.warnedAt, overduePosition: at });
          break;
      }
    }
    // Registrations first: a group registered earlier in the batch is then there for its updates.
    if (groups.size > 0) await client.query(INSERT, columns([...groups.values()], GROUP_COLUMNS));
    if (updates.size > 0) await client.query(UPDATE, columns([...updates.values()], UPDATE_COLUMNS));
  },
};
