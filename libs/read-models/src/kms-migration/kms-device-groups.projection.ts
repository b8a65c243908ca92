import type {
  DeviceGroupRegistered,
  KmsRenewalDueSoonWarned,
  KmsRenewalOverdueWarned,
  MakDeploymentRecorded,
} from '@csp/domain';
import type { RecordedEvent } from '@csp/event-store';
import type { PoolClient } from 'pg';
import type { Projection } from '../projection';
import type { Recorded } from '../shared/recorded';
import { KMS_DEVICE_GROUPS_DDL } from './kms-device-groups.schema';

type KmsEvent = DeviceGroupRegistered | MakDeploymentRecorded | KmsRenewalDueSoonWarned | KmsRenewalOverdueWarned;
const EVENT_TYPES: readonly KmsEvent['type'][] = [
  'DeviceGroupRegistered',
  'MakDeploymentRecorded',
  'KmsRenewalDueSoonWarned',
  'KmsRenewalOverdueWarned',
];

const INSERT = `INSERT INTO rm_kms_device_groups
    (group_id, customer_id, partner_tenant_id, name, device_count, due_soon_from, renewal_deadline, position)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (group_id) DO NOTHING`;
// The position guard makes a redelivered event a no-op.
const update = (column: string): string =>
  `UPDATE rm_kms_device_groups SET ${column} = $2, position = $3 WHERE group_id = $1 AND position < $3`;

/**
 * Device groups of every customer's KMS → MAK plan, for the warnings sweep (which groups are due a warning).
 * The plan endpoints fold the plan's stream instead: it is small and always current.
 */
export const kmsDeviceGroupsProjection: Projection = {
  name: 'kms-device-groups',
  version: 1,
  eventTypes: EVENT_TYPES,
  async migrate(client: PoolClient): Promise<void> {
    for (const ddl of KMS_DEVICE_GROUPS_DDL) await client.query(ddl);
  },
  async apply(client: PoolClient, events: RecordedEvent[]): Promise<void> {
    for (const event of events as Recorded<KmsEvent>[]) {
      const at = event.globalPosition;
      switch (event.type) {
        case 'DeviceGroupRegistered': {
          const d = event.data;
          await client.query(INSERT, [
            d.groupId,
            d.customerId,
            d.partnerTenantId,
            d.name,
            d.deviceCount,
            d.dueSoonFrom,
            d.renewalDeadline,
            at,
          ]);
          break;
        }
        case 'MakDeploymentRecorded':
          await client.query(update('migrated_at'), [event.data.groupId, event.data.deployedAt, at]);
          break;
        case 'KmsRenewalDueSoonWarned':
          await client.query(update('due_soon_warned_at'), [event.data.groupId, event.data.warnedAt, at]);
          break;
        case 'KmsRenewalOverdueWarned':
          await client.query(update('overdue_warned_at'), [event.data.groupId, event.data.warnedAt, at]);
          break;
      }
    }
  },
};
