import type { IsoDateTime } from '../shared/types';
import type { MakDeploymentMethod } from './kms-migration.commands';

type By = { userId: string; upn: string } | null;

export type DeviceGroupRegistered = {
  type: 'DeviceGroupRegistered';
  data: {
    customerId: string;
    partnerTenantId: string;
    groupId: string;
    name: string;
    deviceCount: number;
    lastKmsActivationAt: IsoDateTime;
    coveringOrderId: string | null;
    /** Derived with `policyVersion` and kept so readers (projections, the activity log) need no policy. */
    dueSoonFrom: IsoDateTime;
    renewalDeadline: IsoDateTime;
    registeredAt: IsoDateTime;
    source: 'api' | 'csvImport';
    registeredBy: By;
    policyVersion: string;
  };
};

export type MakDeploymentRecorded = {
  type: 'MakDeploymentRecorded';
  data: {
    customerId: string;
    groupId: string;
    deployedAt: IsoDateTime;
    method: MakDeploymentMethod;
    /** Whether the MAK went in before the renewal deadline (no downtime expected). */
    beforeDeadline: boolean;
    recordedAt: IsoDateTime;
    recordedBy: By;
    policyVersion: string;
  };
};

/** The group entered its warning window: deploy the MAK before `renewalDeadline`. */
export type KmsRenewalDueSoonWarned = {
  type: 'KmsRenewalDueSoonWarned';
  data: {
    customerId: string;
    groupId: string;
    name: string;
    deviceCount: number;
    renewalDeadline: IsoDateTime;
    daysToDeadline: number;
    warnedAt: IsoDateTime;
    policyVersion: string;
  };
};

/** The renewal deadline passed without a MAK deployment: devices may be limited until reactivated. */
export type KmsRenewalOverdueWarned = {
  type: 'KmsRenewalOverdueWarned';
  data: {
    customerId: string;
    groupId: string;
    name: string;
    deviceCount: number;
    renewalDeadline: IsoDateTime;
    warnedAt: IsoDateTime;
    policyVersion: string;
  };
};

export type KmsMigrationEvent =
  DeviceGroupRegistered | MakDeploymentRecorded | KmsRenewalDueSoonWarned | KmsRenewalOverdueWarned;
export type KmsMigrationEventType = KmsMigrationEvent['type'];
export const KMS_MIGRATION_EVENT_TYPES: readonly KmsMigrationEventType[] = [
  'DeviceGroupRegistered',
  'MakDeploymentRecorded',
  'KmsRenewalDueSoonWarned',
  'KmsRenewalOverdueWarned',
];
