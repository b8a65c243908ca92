import { defaultDomainContext } from '../shared/default-data';
import type { DomainContext } from '../shared/context';
import { deciderSpec } from '../testing/decider-spec';
import { ADMIN_AGENT, CUSTOMER, DAY, PARTNER, at } from '../testing/fixtures';
import kmsMigrationPolicyJson from '../../../../config/kms-migration-policy.json';
import type { DeviceGroupInput, KmsMigrationCommand } from './kms-migration.commands';
import { kmsMigrationDecider, parseInstantInput } from './kms-migration.decide';
import type { DeviceGroupRegistered, KmsMigrationEvent } from './kms-migration.events';
import {
  currentKmsMigrationPolicy,
  defaultKmsMigrationPolicies,
  validateKmsMigrationPolicies,
} from './kms-migration-policy';
import { daysToDeadline, dueWarnings, groupStatus } from './kms-migration.status';

/** The last KMS activation; "day N" below is this instant + N × 24 h. */
const ACT = new Date('2024-01-10T08:00:00.000Z');
const day = (n: number): Date => at(ACT, n * DAY);
const GROUP = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
const GROUP2 = 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb';
const ORDER = '33333333-3333-4333-8333-333333333333';

let now = day(10);
const spec = deciderSpec(kmsMigrationDecider, (): DomainContext => defaultDomainContext(now));

const input = (over: Partial<DeviceGroupInput> = {}): DeviceGroupInput => ({
  groupId: GROUP,
  name: 'Warsaw office PCs',
  deviceCount: 120,
  lastKmsActivationAt: ACT.toISOString(),
  ...over,
});
const register = (over: Partial<DeviceGroupInput> = {}, customerOrderIds: string[] = [ORDER]): KmsMigrationCommand => ({
  type: 'RegisterDeviceGroup',
  data: { ...input(over), customerId: CUSTOMER, partnerTenantId: PARTNER, customerOrderIds, registeredBy: ADMIN_AGENT },
});
const registered = (over: Partial<DeviceGroupRegistered['data']> = {}): DeviceGroupRegistered => ({
  type: 'DeviceGroupRegistered',
  data: {
    customerId: CUSTOMER,
    partnerTenantId: PARTNER,
    groupId: GROUP,
    name: 'Warsaw office PCs',
    deviceCount: 120,
    lastKmsActivationAt: ACT.toISOString(),
    coveringOrderId: null,
    dueSoonFrom: day(150).toISOString(),
    renewalDeadline: day(180).toISOString(),
    registeredAt: day(10).toISOString(),
    source: 'api',
    registeredBy: { userId: ADMIN_AGENT.userId, upn: ADMIN_AGENT.upn },
    policyVersion: '2024-01',
    ...over,
  },
});
const deploy = (deployedAt: Date, method: 'manual' | 'script' = 'script'): KmsMigrationCommand => ({
  type: 'RecordMakDeployment',
  data: { groupId: GROUP, deployedAt: deployedAt.toISOString(), method, recordedBy: ADMIN_AGENT },
});
const warn = (kind: 'dueSoon' | 'overdue', groupId = GROUP): KmsMigrationCommand => ({
  type: 'RecordRenewalWarning',
  data: { groupId, kind },
});
const importRows = (rows: DeviceGroupInput[]): KmsMigrationCommand => ({
  type: 'ImportDeviceGroups',
  data: {
    customerId: CUSTOMER,
    partnerTenantId: PARTNER,
    rows,
    lines: rows.map((_, i) => i + 2),
    customerOrderIds: [],
  },
});
const policy = () => currentKmsMigrationPolicy(defaultKmsMigrationPolicies());

beforeEach(() => {
  now = day(10);
});

describe('policy', () => {
  it('the bundled file is valid: 180 days, warned 30 days before', () => {
    expect(validateKmsMigrationPolicies(kmsMigrationPolicyJson)).toEqual([]);
    expect(policy()).toMatchObject({ version: '2024-01', renewalDays: 180, warningDays: 30 });
  });
  it('names every problem of a broken file', () => {
    expect(
      validateKmsMigrationPolicies({
        current: 'x',
        versions: [{ version: 'a', effectiveFrom: 'soon', renewalDays: 0, warningDays: 30 }],
      }),
    ).toEqual([
      'current must name one of the versions',
      'versions[0].effectiveFrom must be an ISO timestamp',
      'versions[0].renewalDays must be a positive integer',
    ]);
    expect(
      validateKmsMigrationPolicies({
        current: 'a',
        versions: [{ version: 'a', effectiveFrom: '2024-01-01T00:00:00Z', renewalDays: 30, warningDays: 30 }],
      }),
    ).toEqual(['versions[0].warningDays must be less than renewalDays']);
  });
});

describe('status boundaries (injected clock, day N = last activation + N × 24 h)', () => {
  const group = { lastKmsActivationAt: ACT.toISOString(), deployment: null };
  it.each([
    [0, 'safe', 180],
    [149, 'safe', 31],
    [150, 'dueSoon', 30],
    [179.99, 'dueSoon', 1],
    [180, 'overdue', 0],
    [181, 'overdue', -1],
  ] as const)('day %d: %s, %d days to the deadline', (n, status, days) => {
    expect(groupStatus(group, day(n), policy())).toBe(status);
    expect(daysToDeadline(day(180), day(n))).toBe(days);
  });
  it('one millisecond before day 150 is still safe; the deadline instant itself is overdue', () => {
    expect(groupStatus(group, at(day(150), -1), policy())).toBe('safe');
    expect(groupStatus(group, at(day(180), -1), policy())).toBe('dueSoon');
    expect(groupStatus(group, day(180), policy())).toBe('overdue');
  });
  it('migrated wins over overdue (and over everything else)', () => {
    const migrated = { ...group, deployment: { deployedAt: day(200).toISOString() } };
    for (const n of [0, 150, 180, 400]) expect(groupStatus(migrated, day(n), policy())).toBe('migrated');
  });
  it('a policy with other days moves the boundaries', () => {
    const p = { ...policy(), renewalDays: 90, warningDays: 10 };
    expect(groupStatus(group, day(79), p)).toBe('safe');
    expect(groupStatus(group, day(80), p)).toBe('dueSoon');
    expect(groupStatus(group, day(90), p)).toBe('overdue');
  });
});

describe('RegisterDeviceGroup', () => {
  it('registers a group with its deadline (day 180) and warning start (day 150) under the current policy', () =>
    spec.given([]).when(register()).then([registered()]));

  it('accepts a covering order of the customer and a bare date (00:00 UTC)', () =>
    spec
      .given([])
      .when(register({ coveringOrderId: ORDER.toUpperCase(), lastKmsActivationAt: '2024-01-10' }))
      .then([
        registered({
          coveringOrderId: ORDER,
          lastKmsActivationAt: '2024-01-10T00:00:00.000Z',
          dueSoonFrom: '2024-06-08T00:00:00.000Z',
          renewalDeadline: '2024-07-08T00:00:00.000Z',
        }),
      ]));

  it('names every bad field at once', () => {
    const e = spec
      .given([])
      .when(register({ name: ' ', deviceCount: 0, lastKmsActivationAt: 'yesterday', coveringOrderId: 'x' }))
      .thenError({ code: 'validation_failed', kind: 'validation' });
    expect(e.errors.map((i) => [i.field, i.code])).toEqual([
      ['name', 'invalid_name'],
      ['deviceCount', 'invalid_device_count'],
      ['lastKmsActivationAt', 'invalid_timestamp'],
      ['coveringOrderId', 'invalid_order_id'],
    ]);
  });

  it.each([
    [{ name: 'x'.repeat(101) }, 'name', 'invalid_name'],
    [{ name: 'tab\there' }, 'name', 'invalid_name'],
    [{ deviceCount: 1.5 }, 'deviceCount', 'invalid_device_count'],
    [{ deviceCount: 100_001 }, 'deviceCount', 'invalid_device_count'],
    [{ lastKmsActivationAt: at(day(10), 1).toISOString() }, 'lastKmsActivationAt', 'activation_in_future'],
    [{ lastKmsActivationAt: '2005-01-01' }, 'lastKmsActivationAt', 'activation_too_early'],
    [{ lastKmsActivationAt: '2024-02-30' }, 'lastKmsActivationAt', 'invalid_timestamp'],
    [{ lastKmsActivationAt: '2024-01-10T08:00:00' }, 'lastKmsActivationAt', 'invalid_timestamp'], // no zone
    [{ coveringOrderId: '44444444-4444-4444-8444-444444444444' }, 'coveringOrderId', 'covering_order_not_found'],
  ] as const)('%j → 400 naming %s', (over, field, code) =>
    spec
      .given([])
      .when(register(over as Partial<DeviceGroupInput>))
      .thenThrows({ code, kind: 'validation', field }),
  );

  it('a second group with the same name (any case and spacing) is a 409', () =>
    spec
      .given([registered()])
      .when(register({ groupId: GROUP2, name: '  warsaw   OFFICE pcs ' }))
      .thenThrows({ code: 'device_group_name_taken', kind: 'conflict', field: 'name' }));

  it('the same group id twice is a 409', () =>
    spec
      .given([registered()])
      .when(register({ name: 'Other' }))
      .thenThrows({ code: 'device_group_exists', kind: 'conflict' }));
});

describe('ImportDeviceGroups (all or nothing)', () => {
  const row = (i: number, over: Partial<DeviceGroupInput> = {}): DeviceGroupInput =>
    input({ groupId: `cccccccc-cccc-4ccc-8ccc-${String(i).padStart(12, '0')}`, name: `Group ${i}`, ...over });

  it('registers every row in one decision', () =>
    spec
      .given([])
      .when(importRows([row(1), row(2, { deviceCount: 5 })]))
      .thenMatches((events, state) => {
        expect(events.map((e) => e.type)).toEqual(['DeviceGroupRegistered', 'DeviceGroupRegistered']);
        expect(events.every((e) => (e as DeviceGroupRegistered).data.source === 'csvImport')).toBe(true);
        expect(state.groups.map((g) => [g.name, g.deviceCount])).toEqual([
          ['Group 1', 120],
          ['Group 2', 5],
        ]);
      }));

  it('one bad row refuses the whole file, naming rows[i].field with its line', () => {
    const e = spec
      .given([registered()])
      .when(
        importRows([
          row(0),
          row(1, { deviceCount: -3 }),
          row(2, { name: 'group 0' }),
          row(3, { name: 'Warsaw office PCs', lastKmsActivationAt: '31/12/2023' }),
        ]),
      )
      .thenError({ code: 'validation_failed', kind: 'validation' });
    expect(e.errors.map((i) => [i.field, i.code])).toEqual([
      ['rows[1].deviceCount', 'invalid_device_count'],
      ['rows[2].name', 'duplicate_name'],
      ['rows[3].lastKmsActivationAt', 'invalid_timestamp'],
      ['rows[3].name', 'device_group_name_taken'],
    ]);
    expect(e.errors[0].message).toMatch(/^line 3: deviceCount/);
    expect(e.detail).toMatch(/^3 of 4 rows are invalid; nothing was imported/);
  });

  it('an empty import is a 400 naming rows', () =>
    spec.given([]).when(importRows([])).thenThrows({ code: 'no_rows', field: 'rows' }));
});

describe('RecordMakDeployment', () => {
  it('records a scripted deployment before the deadline', () => {
    now = day(160);
    spec
      .given([registered()])
      .when(deploy(day(155)))
      .then([
        {
          type: 'MakDeploymentRecorded',
          data: {
            customerId: CUSTOMER,
            groupId: GROUP,
            deployedAt: day(155).toISOString(),
            method: 'script',
            beforeDeadline: true,
            recordedAt: day(160).toISOString(),
            recordedBy: { userId: ADMIN_AGENT.userId, upn: ADMIN_AGENT.upn },
            policyVersion: '2024-01',
          },
        },
      ]);
  });

  it('refuses a deployment in the future, before the activation, or by an unknown method', () => {
    now = day(20);
    spec
      .given([registered()])
      .when(deploy(day(21)))
      .thenThrows({ code: 'deployment_in_future', field: 'deployedAt' });
    spec
      .given([registered()])
      .when(deploy(at(ACT, -1)))
      .thenThrows({ code: 'deployment_before_activation', field: 'deployedAt' });
    spec
      .given([registered()])
      .when({ type: 'RecordMakDeployment', data: { groupId: GROUP, deployedAt: 'x', method: 'gpo' as 'manual' } })
      .thenError({ code: 'validation_failed' });
  });

  it('an unknown group is a 404, a second deployment a 409', () => {
    now = day(20);
    spec
      .given([])
      .when(deploy(day(15)))
      .thenThrows({ code: 'device_group_not_found', kind: 'not_found' });
    const first = spec
      .given([registered()])
      .when(deploy(day(15)))
      .events();
    spec
      .given([registered(), ...first])
      .when(deploy(day(16)))
      .thenThrows({ code: 'device_group_already_migrated', kind: 'conflict' });
  });
});

describe('RecordRenewalWarning', () => {
  const dueSoon = (n: number): KmsMigrationEvent => ({
    type: 'KmsRenewalDueSoonWarned',
    data: {
      customerId: CUSTOMER,
      groupId: GROUP,
      name: 'Warsaw office PCs',
      deviceCount: 120,
      renewalDeadline: day(180).toISOString(),
      daysToDeadline: Math.ceil(180 - n),
      warnedAt: day(n).toISOString(),
      policyVersion: '2024-01',
    },
  });
  const overdue = (n: number): KmsMigrationEvent => ({
    type: 'KmsRenewalOverdueWarned',
    data: {
      customerId: CUSTOMER,
      groupId: GROUP,
      name: 'Warsaw office PCs',
      deviceCount: 120,
      renewalDeadline: day(180).toISOString(),
      warnedAt: day(n).toISOString(),
      policyVersion: '2024-01',
    },
  });

  it('day 149: nothing yet; day 150: dueSoon', () => {
    now = day(149);
    spec.given([registered()]).when(warn('dueSoon')).then([]);
    now = day(150);
    spec
      .given([registered()])
      .when(warn('dueSoon'))
      .then([dueSoon(150)]);
  });

  it('day 179: no overdue yet; day 180: overdue; day 181 after it: nothing more', () => {
    now = day(179);
    spec
      .given([registered(), dueSoon(150)])
      .when(warn('overdue'))
      .then([]);
    now = day(180);
    spec
      .given([registered(), dueSoon(150)])
      .when(warn('overdue'))
      .then([overdue(180)]);
    now = day(181);
    spec
      .given([registered(), dueSoon(150), overdue(180)])
      .when(warn('overdue'))
      .then([]);
  });

  it('warns once: an already-warned group gets nothing', () => {
    now = day(160);
    spec
      .given([registered(), dueSoon(150)])
      .when(warn('dueSoon'))
      .then([]);
  });

  it('a group past its deadline gets the overdue warning only, never a late dueSoon', () => {
    now = day(181);
    spec.given([registered()]).when(warn('dueSoon')).then([]);
    spec
      .given([registered()])
      .when(warn('overdue'))
      .then([overdue(181)]);
  });

  it('nothing for a migrated group', () => {
    const migrated: KmsMigrationEvent = {
      type: 'MakDeploymentRecorded',
      data: {
        customerId: CUSTOMER,
        groupId: GROUP,
        deployedAt: day(100).toISOString(),
        method: 'manual',
        beforeDeadline: true,
        recordedAt: day(100).toISOString(),
        recordedBy: null,
        policyVersion: '2024-01',
      },
    };
    now = day(181);
    spec.given([registered(), migrated]).when(warn('overdue')).then([]);
    spec.given([registered(), migrated]).when(warn('dueSoon')).then([]);
    expect(dueWarnings(spec.given([registered(), migrated]).state(), now, defaultKmsMigrationPolicies())).toEqual([]);
  });

  it('dueWarnings lists what the sweep must append', () => {
    const state = spec.given([registered()]).state();
    const book = defaultKmsMigrationPolicies();
    expect(dueWarnings(state, day(149), book)).toEqual([]);
    expect(dueWarnings(state, day(150), book)).toEqual([{ groupId: GROUP, kind: 'dueSoon' }]);
    expect(dueWarnings(state, day(181), book)).toEqual([{ groupId: GROUP, kind: 'overdue' }]);
  });
});

describe('parseInstantInput', () => {
  it.each([
    ['2024-03-01', '2024-03-01T00:00:00.000Z'],
    ['2024-03-01T10:00:00+02:00', '2024-03-01T08:00:00.000Z'],
    ['2024-03-01T10:00Z', '2024-03-01T10:00:00.000Z'],
  ])('%s → %s', (v, iso) => expect(parseInstantInput(v)?.toISOString()).toBe(iso));
  it.each(['', '2024-3-1', '01/03/2024', '2024-02-30', '2024-03-01T10:00:00'])('%s is refused', (v) =>
    expect(parseInstantInput(v)).toBeUndefined(),
  );
});
