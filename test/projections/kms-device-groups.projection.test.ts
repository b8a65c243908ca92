import type { DomainEvent } from '@csp/event-store';
import { projectionSpec } from '@csp/event-sourcing/testing/projection-spec';
import { kmsDeviceGroupsProjection } from '@csp/capabilities/kms-migration';
import { createTestDatabase } from '../support/database';
import { DAY, PARTNER_A, T0, at } from './projections.fixtures';

const C1 = 'c1c1c1c1-0000-4000-8000-00000000000d';
const G1 = '91919191-0000-4000-8000-00000000000d';
const G2 = '92929292-0000-4000-8000-00000000000e';
const iso = (days: number): string => at(T0, days * DAY).toISOString();

const registered = (groupId: string, name: string): DomainEvent => ({
  type: 'DeviceGroupRegistered',
  data: {
    customerId: C1,
    partnerTenantId: PARTNER_A,
    groupId,
    name,
    deviceCount: 25,
    lastKmsActivationAt: T0.toISOString(),
    coveringOrderId: null,
    dueSoonFrom: iso(150),
    renewalDeadline: iso(180),
    registeredAt: T0.toISOString(),
    source: 'api',
    registeredBy: null,
    policyVersion: '2024-01',
  },
});
const warned = (type: 'KmsRenewalDueSoonWarned' | 'KmsRenewalOverdueWarned', groupId: string, days: number) => ({
  type,
  data: { customerId: C1, groupId, name: groupId, deviceCount: 25, renewalDeadline: iso(180), warnedAt: iso(days) },
});
const deployed = (groupId: string, days: number): DomainEvent => ({
  type: 'MakDeploymentRecorded',
  data: { customerId: C1, groupId, deployedAt: iso(days), method: 'manual', beforeDeadline: true },
});

/** The row of a group registered by `registered`, with what later events set. */
const row = (groupId: string, name: string, position: number, set: Record<string, string> = {}) => ({
  group_id: groupId,
  customer_id: C1,
  partner_tenant_id: PARTNER_A,
  name,
  device_count: 25,
  due_soon_from: iso(150),
  renewal_deadline: iso(180),
  migrated_at: null,
  due_soon_warned_at: null,
  overdue_warned_at: null,
  position,
  ...set,
});

describe('KMS device groups projection', () => {
  const spec = projectionSpec(kmsDeviceGroupsProjection, { database: () => createTestDatabase('csp_rm_kms') });

  it('a registered group is a row; its warnings and its MAK deployment set their columns', () =>
    spec
      .given([registered(G1, 'Finance'), registered(G2, 'Plant')])
      .when([warned('KmsRenewalDueSoonWarned', G1, 150), deployed(G1, 160), warned('KmsRenewalOverdueWarned', G2, 181)])
      .then({
        rm_kms_device_groups: [
          row(G1, 'Finance', 4, { due_soon_warned_at: iso(150), migrated_at: iso(160) }),
          row(G2, 'Plant', 5, { overdue_warned_at: iso(181) }),
        ],
      }));

  it('the first registration wins; an event of a group not registered yet changes nothing', () =>
    spec
      .given([warned('KmsRenewalDueSoonWarned', G1, 140), registered(G1, 'Finance')])
      .when([registered(G1, 'Finance again')])
      .then({ rm_kms_device_groups: [row(G1, 'Finance', 2)] }));

  it('later warnings and deployments replace earlier ones', () =>
    spec
      .given([registered(G1, 'Finance'), warned('KmsRenewalDueSoonWarned', G1, 150), deployed(G1, 160)])
      .when([warned('KmsRenewalDueSoonWarned', G1, 165), deployed(G1, 170)])
      .then({
        rm_kms_device_groups: [row(G1, 'Finance', 5, { due_soon_warned_at: iso(165), migrated_at: iso(170) })],
      }));
});
