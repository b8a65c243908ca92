import { isGuid } from '../customers/customer-domain';
import type { DomainContext } from '../shared/context';
import type { Decider } from '../shared/decider';
import { DomainError, IssueCollector } from '../shared/domain-error';
import type { Actor } from '../shared/types';
import {
  MAK_DEPLOYMENT_METHODS,
  RENEWAL_WARNING_KINDS,
  type DeviceGroupInput,
  type ImportDeviceGroups,
  type KmsMigrationCommand,
  type MakDeploymentMethod,
  type RecordMakDeployment,
  type RecordRenewalWarning,
  type RegisterDeviceGroup,
} from './kms-migration.commands';
import type {
  DeviceGroupRegistered,
  KmsMigrationEvent,
  KmsRenewalDueSoonWarned,
  KmsRenewalOverdueWarned,
  MakDeploymentRecorded,
} from './kms-migration.events';
import {
  currentKmsMigrationPolicy,
  defaultKmsMigrationPolicies,
  type KmsMigrationPolicy,
  type KmsMigrationPolicyBook,
} from './kms-migration-policy';
import {
  evolveKmsMigration,
  findDeviceGroup,
  initialKmsMigrationState,
  type DeviceGroupState,
  type KmsMigrationState,
} from './kms-migration.state';
import { daysToDeadline, dueWarning, groupPolicy, renewalSchedule } from './kms-migration.status';

/** Sane bounds (our decisions). */
export const DEVICE_GROUP_NAME_MAX = 100;
export const DEVICE_COUNT_MAX = 100_000;
export const MAX_IMPORT_ROWS = 1_000;
/** KMS (Volume Activation 2.0) shipped with Windows Vista: an earlier activation is a typo. */
export const EARLIEST_KMS_ACTIVATION = '2006-11-30T00:00:00.000Z';

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i;

/**
 * An ISO 8601 instant with a zone, or a bare date read as 00:00 UTC (spreadsheets export dates);
 * undefined when malformed or not a real calendar date (2024-02-30).
 */
export const parseInstantInput = (value: unknown): Date | undefined => {
  if (typeof value !== 'string') return undefined;
  const v = value.trim();
  if (!DATE_ONLY.test(v) && !INSTANT.test(v)) return undefined;
  const d = new Date(DATE_ONLY.test(v) ? `${v}T00:00:00.000Z` : v);
  if (Number.isNaN(d.getTime())) return undefined;
  // Date() rolls 30 February over to 1 March; the calendar date written must exist as written.
  const [y, m, day] = v.slice(0, 10).split('-').map(Number);
  const probe = new Date(Date.UTC(y, m - 1, day));
  if (probe.getUTCFullYear() !== y || probe.getUTCMonth() !== m - 1 || probe.getUTCDate() !== day) return undefined;
  return d;
};

/** Names compare trimmed, case- and space-insensitively: "Sales PCs" and " sales  pcs" are one group. */
export const deviceGroupNameKey = (name: string): string => name.trim().replace(/\s+/g, ' ').toLowerCase();

const deviceGroupNotFound = (groupId: string): DomainError =>
  new DomainError({
    code: 'device_group_not_found',
    kind: 'not_found',
    detail: `No device group ${groupId} is in this customer's migration plan.`,
    data: { groupId },
  });

const by = (actor: Actor | undefined): { userId: string; upn: string } | null =>
  actor ? { userId: actor.userId, upn: actor.upn } : null;

type ValidGroup = { name: string; deviceCount: number; lastKmsActivationAt: Date; coveringOrderId: string | null };

/** Checks one group's fields, adding an issue per bad field under `prefix` (e.g. `rows[3].`). */
const checkGroup = (
  input: DeviceGroupInput,
  prefix: string,
  where: string,
  customerOrderIds: readonly string[],
  issues: IssueCollector,
  now: Date,
): ValidGroup | undefined => {
  const before = issues.issues.length;
  const add = (field: string, code: string, message: string) => issues.add(`${prefix}${field}`, code, where + message);
  if (!isGuid(input.groupId)) add('groupId', 'invalid_group_id', 'groupId must be a GUID');
  const name = typeof input.name === 'string' ? input.name.trim() : '';
  if (name === '') add('name', 'invalid_name', 'name is required');
  else if (name.length > DEVICE_GROUP_NAME_MAX)
    add('name', 'invalid_name', `name must be at most ${DEVICE_GROUP_NAME_MAX} characters`);
  // eslint-disable-next-line no-control-regex
  else if (/[\u0000-\u001f\u007f]/.test(name)) add('name', 'invalid_name', 'name must not contain control characters');
  const count = input.deviceCount;
  if (!Number.isInteger(count) || count < 1 || count > DEVICE_COUNT_MAX)
    add('deviceCount', 'invalid_device_count', `deviceCount must be an integer from 1 to ${DEVICE_COUNT_MAX}`);
  const activation = parseInstantInput(input.lastKmsActivationAt);
  if (!activation)
    add(
      'lastKmsActivationAt',
      'invalid_timestamp',
      'lastKmsActivationAt must be an ISO 8601 instant (2024-03-01T08:00:00Z) or a date (2024-03-01)',
    );
  else if (activation.getTime() > now.getTime())
    add(
      'lastKmsActivationAt',
      'activation_in_future',
      `lastKmsActivationAt must not be after now (${now.toISOString()})`,
    );
  else if (activation.getTime() < Date.parse(EARLIEST_KMS_ACTIVATION))
    add(
      'lastKmsActivationAt',
      'activation_too_early',
      `lastKmsActivationAt must not be before ${EARLIEST_KMS_ACTIVATION.slice(0, 10)} (KMS did not exist yet)`,
    );
  const order = input.coveringOrderId;
  if (order !== undefined && order !== null && order !== '') {
    if (!isGuid(order)) add('coveringOrderId', 'invalid_order_id', 'coveringOrderId must be an order id (a GUID)');
    else if (!customerOrderIds.some((id) => id.toLowerCase() === order.toLowerCase()))
      add('coveringOrderId', 'covering_order_not_found', `order ${order} is not an order of this customer`);
  }
  if (issues.issues.length > before) return undefined;
  return {
    name,
    deviceCount: count,
    lastKmsActivationAt: activation as Date,
    coveringOrderId: order ? order.toLowerCase() : null,
  };
};

const registered = (
  customer: { customerId: string; partnerTenantId: string },
  groupId: string,
  g: ValidGroup,
  policy: KmsMigrationPolicy,
  ctx: DomainContext,
  source: DeviceGroupRegistered['data']['source'],
  registeredBy: Actor | undefined,
): DeviceGroupRegistered => {
  const { dueSoonFrom, renewalDeadline } = renewalSchedule(g.lastKmsActivationAt, policy);
  return {
    type: 'DeviceGroupRegistered',
    data: {
      customerId: customer.customerId,
      partnerTenantId: customer.partnerTenantId,
      groupId: groupId.toLowerCase(),
      name: g.name,
      deviceCount: g.deviceCount,
      lastKmsActivationAt: g.lastKmsActivationAt.toISOString(),
      coveringOrderId: g.coveringOrderId,
      dueSoonFrom: dueSoonFrom.toISOString(),
      renewalDeadline: renewalDeadline.toISOString(),
      registeredAt: ctx.now.toISOString(),
      source,
      registeredBy: by(registeredBy),
      policyVersion: policy.version,
    },
  };
};

const checkSameCustomer = (state: KmsMigrationState, customerId: string): void => {
  if (state.customerId !== null && state.customerId !== customerId)
    throw new Error(`plan of ${state.customerId} given a command for ${customerId}`);
};

// ---------------------------------------------------------------- RegisterDeviceGroup

const registerDeviceGroup = (
  command: RegisterDeviceGroup,
  state: KmsMigrationState,
  ctx: DomainContext,
  book: KmsMigrationPolicyBook,
): DeviceGroupRegistered[] => {
  const { customerId, partnerTenantId, customerOrderIds, registeredBy, ...input } = command.data;
  checkSameCustomer(state, customerId);
  const issues = new IssueCollector();
  const group = checkGroup(input, '', '', customerOrderIds, issues, ctx.now);
  issues.throwIfAny();
  const valid = group as ValidGroup;
  if (findDeviceGroup(state, input.groupId.toLowerCase()))
    throw new DomainError({
      code: 'device_group_exists',
      kind: 'conflict',
      detail: `device group ${input.groupId} already exists`,
      data: { groupId: input.groupId },
    });
  const taken = state.groups.find((g) => deviceGroupNameKey(g.name) === deviceGroupNameKey(valid.name));
  if (taken)
    throw new DomainError({
      code: 'device_group_name_taken',
      kind: 'conflict',
      field: 'name',
      detail: `This customer already has a device group named "${taken.name}".`,
      data: { groupId: taken.groupId },
    });
  const policy = currentKmsMigrationPolicy(book);
  return [registered({ customerId, partnerTenantId }, input.groupId, valid, policy, ctx, 'api', registeredBy)];
};

// ---------------------------------------------------------------- ImportDeviceGroups

const importDeviceGroups = (
  command: ImportDeviceGroups,
  state: KmsMigrationState,
  ctx: DomainContext,
  book: KmsMigrationPolicyBook,
): DeviceGroupRegistered[] => {
  const { customerId, partnerTenantId, rows, lines, customerOrderIds, registeredBy } = command.data;
  checkSameCustomer(state, customerId);
  const issues = new IssueCollector();
  if (!Array.isArray(rows) || rows.length === 0) {
    issues.add('rows', 'no_rows', 'the import has no device groups');
    issues.throwIfAny();
  }
  if (rows.length > MAX_IMPORT_ROWS) {
    issues.add('rows', 'too_many_rows', `an import has at most ${MAX_IMPORT_ROWS} device groups`);
    issues.throwIfAny();
  }
  const existingNames = new Map(state.groups.map((g) => [deviceGroupNameKey(g.name), g.name]));
  const existingIds = new Set(state.groups.map((g) => g.groupId));
  const seenNames = new Map<string, number>();
  const seenIds = new Set<string>();
  const valid = rows.map((row, i) => {
    const where = lines?.[i] ? `line ${lines[i]}: ` : '';
    const group = checkGroup(row, `rows[${i}].`, where, customerOrderIds, issues, ctx.now);
    const id = typeof row.groupId === 'string' ? row.groupId.toLowerCase() : '';
    if (existingIds.has(id) || seenIds.has(id))
      issues.add(`rows[${i}].groupId`, 'device_group_exists', `${where}device group ${id} already exists`);
    seenIds.add(id);
    if (typeof row.name === 'string' && row.name.trim() !== '') {
      const key = deviceGroupNameKey(row.name);
      const earlier = seenNames.get(key);
      if (existingNames.has(key))
        issues.add(
          `rows[${i}].name`,
          'device_group_name_taken',
          `${where}this customer already has a device group named "${existingNames.get(key)}"`,
        );
      else if (earlier !== undefined)
        issues.add(`rows[${i}].name`, 'duplicate_name', `${where}the name is also used by rows[${earlier}]`);
      else seenNames.set(key, i);
    }
    return group;
  });
  issues.throwIfAny(
    issues.issues.length === 1
      ? undefined
      : `${new Set(issues.issues.map((x) => x.field.replace(/\..*$/, ''))).size} of ${rows.length} rows are invalid; nothing was imported: ${issues.issues.map((x) => x.field).join(', ')}`,
  );
  const policy = currentKmsMigrationPolicy(book);
  return valid.map((g, i) =>
    registered(
      { customerId, partnerTenantId },
      rows[i].groupId,
      g as ValidGroup,
      policy,
      ctx,
      'csvImport',
      registeredBy,
    ),
  );
};

// ---------------------------------------------------------------- RecordMakDeployment

const requireGroup = (state: KmsMigrationState, groupId: unknown): DeviceGroupState => {
  const group = typeof groupId === 'string' ? findDeviceGroup(state, groupId.toLowerCase()) : undefined;
  if (!group) throw deviceGroupNotFound(String(groupId));
  return group;
};

const recordMakDeployment = (
  command: RecordMakDeployment,
  state: KmsMigrationState,
  ctx: DomainContext,
  book: KmsMigrationPolicyBook,
): MakDeploymentRecorded[] => {
  const { groupId, deployedAt, method, recordedBy } = command.data;
  const group = requireGroup(state, groupId);
  const issues = new IssueCollector();
  if (!MAK_DEPLOYMENT_METHODS.includes(method as MakDeploymentMethod))
    issues.add(
      'method',
      'invalid_method',
      `method must be one of ${MAK_DEPLOYMENT_METHODS.join(', ')} ("script": slmgr.vbs /ipk then /ato)`,
    );
  const at = parseInstantInput(deployedAt);
  if (!at) issues.add('deployedAt', 'invalid_timestamp', 'deployedAt must be an ISO 8601 instant');
  else if (at.getTime() > ctx.now.getTime())
    issues.add('deployedAt', 'deployment_in_future', `deployedAt must not be after now (${ctx.now.toISOString()})`);
  else if (at.getTime() < Date.parse(group.lastKmsActivationAt))
    issues.add(
      'deployedAt',
      'deployment_before_activation',
      `deployedAt must not be before the group's last KMS activation (${group.lastKmsActivationAt})`,
    );
  issues.throwIfAny();
  if (group.deployment)
    throw new DomainError({
      code: 'device_group_already_migrated',
      kind: 'conflict',
      detail: `A MAK deployment was already recorded for device group "${group.name}" (${group.deployment.deployedAt}).`,
      data: { groupId: group.groupId, deployedAt: group.deployment.deployedAt },
    });
  const deployed = at as Date;
  return [
    {
      type: 'MakDeploymentRecorded',
      data: {
        customerId: state.customerId as string,
        groupId: group.groupId,
        deployedAt: deployed.toISOString(),
        method,
        beforeDeadline: deployed.getTime() < Date.parse(group.renewalDeadline),
        recordedAt: ctx.now.toISOString(),
        recordedBy: by(recordedBy),
        policyVersion: groupPolicy(group, book).version,
      },
    },
  ];
};

// ---------------------------------------------------------------- RecordRenewalWarning

const recordRenewalWarning = (
  command: RecordRenewalWarning,
  state: KmsMigrationState,
  ctx: DomainContext,
  book: KmsMigrationPolicyBook,
): (KmsRenewalDueSoonWarned | KmsRenewalOverdueWarned)[] => {
  const { groupId, kind } = command.data;
  if (!RENEWAL_WARNING_KINDS.includes(kind))
    throw new DomainError({
      code: 'invalid_warning_kind',
      kind: 'validation',
      field: 'kind',
      detail: `kind must be one of ${RENEWAL_WARNING_KINDS.join(', ')}`,
    });
  const group = requireGroup(state, groupId);
  // Migrated, already warned, or not (or no longer) in that status: nothing to say.
  if (dueWarning(group, ctx.now, book) !== kind) return [];
  const common = {
    customerId: state.customerId as string,
    groupId: group.groupId,
    name: group.name,
    deviceCount: group.deviceCount,
    renewalDeadline: group.renewalDeadline,
    warnedAt: ctx.now.toISOString(),
    policyVersion: group.policyVersion,
  };
  return kind === 'dueSoon'
    ? [
        {
          type: 'KmsRenewalDueSoonWarned',
          data: { ...common, daysToDeadline: daysToDeadline(new Date(group.renewalDeadline), ctx.now) },
        },
      ]
    : [{ type: 'KmsRenewalOverdueWarned', data: common }];
};

export const decideKmsMigration = (
  command: KmsMigrationCommand,
  state: KmsMigrationState,
  context: DomainContext,
  book: KmsMigrationPolicyBook = defaultKmsMigrationPolicies(),
): KmsMigrationEvent[] => {
  switch (command.type) {
    case 'RegisterDeviceGroup':
      return registerDeviceGroup(command, state, context, book);
    case 'ImportDeviceGroups':
      return importDeviceGroups(command, state, context, book);
    case 'RecordMakDeployment':
      return recordMakDeployment(command, state, context, book);
    case 'RecordRenewalWarning':
      return recordRenewalWarning(command, state, context, book);
    default: {
      const never: never = command;
      throw new Error(`unknown KMS migration command ${String((never as { type: unknown }).type)}`);
    }
  }
};

/** The plan decider on a given policy book (the application passes the one it loaded). */
export const createKmsMigrationDecider = (
  book: () => KmsMigrationPolicyBook = defaultKmsMigrationPolicies,
): Decider<KmsMigrationCommand, KmsMigrationEvent, KmsMigrationState> => ({
  decide: (command, state, context) => decideKmsMigration(command, state, context, book()),
  evolve: evolveKmsMigration,
  initialState: initialKmsMigrationState,
});

/** On the bundled config/kms-migration-policy.json. */
export const kmsMigrationDecider = createKmsMigrationDecider();
