import { MS_PER_DAY } from '../policies/policies';
import type { RenewalWarningKind } from './kms-migration.commands';
import { findKmsMigrationPolicy, type KmsMigrationPolicy, type KmsMigrationPolicyBook } from './kms-migration-policy';
import type { DeviceGroupState, KmsMigrationState } from './kms-migration.state';

export type DeviceGroupStatus = 'safe' | 'dueSoon' | 'overdue' | 'migrated';
export const DEVICE_GROUP_STATUSES: readonly DeviceGroupStatus[] = ['safe', 'dueSoon', 'overdue', 'migrated'];

export type RenewalSchedule = { dueSoonFrom: Date; renewalDeadline: Date };

/**
 * Deadline = last activation + renewalDays × 24 h; the warning window opens warningDays × 24 h before it.
 * With 180/30: dueSoon from day 150 (inclusive), overdue from day 180, the deadline instant itself.
 */
export const renewalSchedule = (lastKmsActivationAt: Date, policy: KmsMigrationPolicy): RenewalSchedule => {
  const renewalDeadline = new Date(lastKmsActivationAt.getTime() + policy.renewalDays * MS_PER_DAY);
  return { renewalDeadline, dueSoonFrom: new Date(renewalDeadline.getTime() - policy.warningDays * MS_PER_DAY) };
};

/** What `groupStatus` reads of a group: its last activation and whether a MAK deployment was recorded. */
export type StatusInput = Pick<DeviceGroupState, 'lastKmsActivationAt'> & { deployment: unknown };

/**
 * A group's status at `now`: `migrated` once a MAK deployment is recorded (whatever the date: it wins over
 * overdue), else `overdue` from the deadline instant, `dueSoon` from the start of the warning window, `safe` before.
 */
export const groupStatus = (group: StatusInput, now: Date, policy: KmsMigrationPolicy): DeviceGroupStatus => {
  if (group.deployment) return 'migrated';
  const { dueSoonFrom, renewalDeadline } = renewalSchedule(new Date(group.lastKmsActivationAt), policy);
  if (now.getTime() >= renewalDeadline.getTime()) return 'overdue';
  if (now.getTime() >= dueSoonFrom.getTime()) return 'dueSoon';
  return 'safe';
};

/**
 * Whole days to the deadline, rounded up (30 on day 150, 1 in the last 24 h); negative once overdue
 * (0 in the first 24 h after the deadline, −1 from day 181).
 */
export const daysToDeadline = (renewalDeadline: Date, now: Date): number =>
  Math.ceil((renewalDeadline.getTime() - now.getTime()) / MS_PER_DAY) || 0;

/** The group's own policy version (the one it was registered under). */
export const groupPolicy = (group: Pick<DeviceGroupState, 'policyVersion'>, book: KmsMigrationPolicyBook) =>
  findKmsMigrationPolicy(book, group.policyVersion);

/** The warning a group should carry at `now` and does not yet: what the job and the sweep append. */
export const dueWarning = (
  group: DeviceGroupState,
  now: Date,
  book: KmsMigrationPolicyBook,
): RenewalWarningKind | null => {
  const status = groupStatus(group, now, groupPolicy(group, book));
  if (status === 'dueSoon' && !group.dueSoonWarnedAt && !group.overdueWarnedAt) return 'dueSoon';
  if (status === 'overdue' && !group.overdueWarnedAt) return 'overdue';
  return null;
};

/** Every warning of a plan that is due at `now` and not yet recorded. */
export const dueWarnings = (
  state: KmsMigrationState,
  now: Date,
  book: KmsMigrationPolicyBook,
): { groupId: string; kind: RenewalWarningKind }[] =>
  state.groups.flatMap((g) => {
    const kind = dueWarning(g, now, book);
    return kind ? [{ groupId: g.groupId, kind }] : [];
  });
