import type { MakDeploymentMethod } from './kms-migration.commands';
import type { DeviceGroupRegistered, KmsMigrationEvent } from './kms-migration.events';

export type DeviceGroupState = Omit<DeviceGroupRegistered['data'], 'customerId' | 'partnerTenantId'> & {
  deployment: { deployedAt: string; method: MakDeploymentMethod; recordedAt: string; beforeDeadline: boolean } | null;
  dueSoonWarnedAt: string | null;
  overdueWarnedAt: string | null;
};

export type KmsMigrationState = {
  customerId: string | null;
  partnerTenantId: string | null;
  /** In registration order. */
  groups: DeviceGroupState[];
};

export const initialKmsMigrationState = (): KmsMigrationState => ({
  customerId: null,
  partnerTenantId: null,
  groups: [],
});

export const findDeviceGroup = (state: KmsMigrationState, groupId: string): DeviceGroupState | undefined =>
  state.groups.find((g) => g.groupId === groupId);

const updateGroup = (
  state: KmsMigrationState,
  groupId: string,
  change: (g: DeviceGroupState) => DeviceGroupState,
): KmsMigrationState => ({ ...state, groups: state.groups.map((g) => (g.groupId === groupId ? change(g) : g)) });

export const evolveKmsMigration = (state: KmsMigrationState, event: KmsMigrationEvent): KmsMigrationState => {
  switch (event.type) {
    case 'DeviceGroupRegistered': {
      const { customerId, partnerTenantId, ...group } = event.data;
      return {
        customerId,
        partnerTenantId,
        groups: [...state.groups, { ...group, deployment: null, dueSoonWarnedAt: null, overdueWarnedAt: null }],
      };
    }
    case 'MakDeploymentRecorded': {
      const { deployedAt, method, recordedAt, beforeDeadline } = event.data;
      return updateGroup(state, event.data.groupId, (g) => ({
        ...g,
        deployment: { deployedAt, method, recordedAt, beforeDeadline },
      }));
    }
    case 'KmsRenewalDueSoonWarned':
      return updateGroup(state, event.data.groupId, (g) => ({ ...g, dueSoonWarnedAt: event.data.warnedAt }));
    case 'KmsRenewalOverdueWarned':
      return updateGroup(state, event.data.groupId, (g) => ({ ...g, overdueWarnedAt: event.data.warnedAt }));
    default:
      return state;
  }
};
