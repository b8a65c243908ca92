import type { Actor } from '../shared/types';

/** A device group as a caller describes it (from JSON or a CSV row; the decider validates every field). */
export type DeviceGroupInput = {
  /** Chosen by the application (a GUID). */
  groupId: string;
  name: string;
  deviceCount: number;
  /** ISO 8601 instant, or a date (YYYY-MM-DD, read as 00:00 UTC). */
  lastKmsActivationAt: string;
  coveringOrderId?: string | null;
};

/**
 * The application's answer to "does this covering order belong to the customer?": the ids it found among
 * the customer's orders. The domain does no I/O, so it only compares.
 */
export type CoveringOrderCheck = { customerOrderIds: string[] };

export type RegisterDeviceGroup = {
  type: 'RegisterDeviceGroup';
  data: DeviceGroupInput & { customerId: string; partnerTenantId: string; registeredBy?: Actor } & CoveringOrderCheck;
};

/** A CSV import: every row valid or nothing registered (one append). Issues are named `rows[i].field`. */
export type ImportDeviceGroups = {
  type: 'ImportDeviceGroups';
  data: {
    customerId: string;
    partnerTenantId: string;
    rows: DeviceGroupInput[];
    /** 1-based line of each row in the file, quoted in the messages. */
    lines?: number[];
    registeredBy?: Actor;
  } & CoveringOrderCheck;
};

export type MakDeploymentMethod = 'manual' | 'script';
export const MAK_DEPLOYMENT_METHODS: readonly MakDeploymentMethod[] = ['manual', 'script'];

export type RecordMakDeployment = {
  type: 'RecordMakDeployment';
  data: { groupId: string; deployedAt: string; method: MakDeploymentMethod; recordedBy?: Actor };
};

export type RenewalWarningKind = 'dueSoon' | 'overdue';
export const RENEWAL_WARNING_KINDS: readonly RenewalWarningKind[] = ['dueSoon', 'overdue'];

/** From the warnings job or the sweep: a no-op unless the group is in that status now and not yet warned. */
export type RecordRenewalWarning = {
  type: 'RecordRenewalWarning';
  data: { groupId: string; kind: RenewalWarningKind };
};

export type KmsMigrationCommand = RegisterDeviceGroup | ImportDeviceGroups | RecordMakDeployment | RecordRenewalWarning;
