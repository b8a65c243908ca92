import {
  daysToDeadline,
  DEVICE_GROUP_STATUSES,
  DeviceGroupState,
  DeviceGroupStatus,
  groupPolicy,
  groupStatus,
  KmsMigrationPolicyBook,
  KmsMigrationState,
  MakDeploymentMethod,
  currentKmsMigrationPolicy,
} from '@csp/domain';

type Link = { uri: string; method: 'GET' | 'POST' };

/** A device group of the plan, its status computed at `asOf` (the injected clock). */
export interface DeviceGroupView {
  id: string;
  customerId: string;
  name: string;
  deviceCount: number;
  lastKmsActivationAt: string;
  coveringOrderId: string | null;
  /** Start of the warning window: deadline − warningDays. */
  dueSoonFrom: string;
  renewalDeadline: string;
  status: DeviceGroupStatus;
  /** Whole days left, rounded up; negative once overdue; null once migrated. */
  daysToDeadline: number | null;
  makDeployment: {
    deployedAt: string;
    method: MakDeploymentMethod;
    recordedAt: string;
    beforeDeadline: boolean;
  } | null;
  warnings: { dueSoonAt: string | null; overdueAt: string | null };
  registeredAt: string;
  source: 'api' | 'csvImport';
  policyVersion: string;
  links: { self: Link; makDeployments: Link };
}

export type StatusCount = { groups: number; devices: number };

export interface KmsMigrationPlanView {
  customerId: string;
  /** The instant the statuses were computed for. */
  asOf: string;
  /** The rules new groups get. Each group keeps the version it was registered under. */
  policy: { version: string; renewalDays: number; warningDays: number };
  totals: StatusCount;
  countsByStatus: Record<DeviceGroupStatus, StatusCount>;
  /** The earliest deadline of a group not yet migrated. */
  nextRenewalDeadline: string | null;
  groups: DeviceGroupView[];
  links: { self: Link; deviceGroups: Link; import: Link };
}

export const kmsMigrationUri = (customerId: string): string => `/v1/customers/${customerId}/kmsmigration`;
export const deviceGroupUri = (customerId: string, groupId: string): string =>
  `${kmsMigrationUri(customerId)}/devicegroups/${groupId}`;

export function toDeviceGroupView(
  customerId: string,
  g: DeviceGroupState,
  now: Date,
  book: KmsMigrationPolicyBook,
): DeviceGroupView {
  const status = groupStatus(g, now, groupPolicy(g, book));
  const self = deviceGroupUri(customerId, g.groupId);
  return {
    id: g.groupId,
    customerId,
    name: g.name,
    deviceCount: g.deviceCount,
    lastKmsActivationAt: g.lastKmsActivationAt,
    coveringOrderId: g.coveringOrderId,
    dueSoonFrom: g.dueSoonFrom,
    renewalDeadline: g.renewalDeadline,
    status,
    daysToDeadline: status === 'migrated' ? null : daysToDeadline(new Date(g.renewalDeadline), now),
    makDeployment: g.deployment,
    warnings: { dueSoonAt: g.dueSoonWarnedAt, overdueAt: g.overdueWarnedAt },
    registeredAt: g.registeredAt,
    source: g.source,
    policyVersion: g.policyVersion,
    links: { self: { uri: self, method: 'GET' }, makDeployments: { uri: `${self}/makdeployments`, method: 'POST' } },
  };
}

export function toPlanView(
  customerId: string,
  state: KmsMigrationState,
  now: Date,
  book: KmsMigrationPolicyBook,
): KmsMigrationPlanView {
  const groups = state.groups.map((g) => toDeviceGroupView(customerId, g, now, book));
  const count = (gs: DeviceGroupView[]): StatusCount => ({
    groups: gs.length,
    devices: gs.reduce((n, g) => n + g.deviceCount, 0),
  });
  const countsByStatus = Object.fromEntries(
    DEVICE_GROUP_STATUSES.map((s) => [s, count(groups.filter((g) => g.status === s))]),
  ) as Record<DeviceGroupStatus, StatusCount>;
  const pending = groups.filter((g) => g.status !== 'migrated').map((g) => g.renewalDeadline);
  const policy = currentKmsMigrationPolicy(book);
  const self = kmsMigrationUri(customerId);
  return {
    customerId,
    asOf: now.toISOString(),
    policy: { version: policy.version, renewalDays: policy.renewalDays, warningDays: policy.warningDays },
    totals: count(groups),
    countsByStatus,
    nextRenewalDeadline: pending.length ? pending.sort()[0] : null,
    groups,
    links: {
      self: { uri: self, method: 'GET' },
      deviceGroups: { uri: `${self}/devicegroups`, method: 'GET' },
      import: { uri: `${self}/devicegroups/import`, method: 'POST' },
    },
  };
}
