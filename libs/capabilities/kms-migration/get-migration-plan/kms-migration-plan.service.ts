import { Injectable } from '@nestjs/common';
import { DEVICE_GROUP_STATUSES, DeviceGroupStatus, DomainError, findDeviceGroup, isGuid } from '@csp/domain';
import type { Principal } from '@csp/platform';
import {
  Collection,
  invalidContinuationToken,
  parseContinuationToken,
  parseSize,
  type PagingQuery,
} from '@csp/platform';
import { CustomerAccess } from '@csp/capabilities/partners';
import { KMS_MIGRATION_ACCESS } from '../kms-migration.access';
import { KmsMigrationPlans } from '../kms-migration.plans';
import {
  DeviceGroupView,
  KmsMigrationPlanView,
  kmsMigrationUri,
  toDeviceGroupView,
  toPlanView,
} from '../kms-migration.view';

export function deviceGroupNotFound(groupId: string): DomainError {
  return new DomainError({
    code: 'device_group_not_found',
    kind: 'not_found',
    detail: `No device group ${groupId} is in this customer's migration plan.`,
  });
}

/**
 * Reads fold the plan's stream (a customer's plan is small) and compute statuses at the injected clock's now,
 * so a status changes on time without waiting for a warning event.
 */
@Injectable()
export class KmsMigrationPlanService {
  constructor(
    private readonly customers: CustomerAccess,
    private readonly plans: KmsMigrationPlans,
  ) {}

  async plan(principal: Principal, customerId: string): Promise<KmsMigrationPlanView> {
    const { customer } = await this.customers.authorize(principal, customerId, KMS_MIGRATION_ACCESS.read);
    const { state } = await this.plans.load(customer.customerId);
    return toPlanView(customer.customerId, state, this.plans.now(), this.plans.policies);
  }

  async group(principal: Principal, customerId: string, groupId: string): Promise<DeviceGroupView> {
    const { customer } = await this.customers.authorize(principal, customerId, KMS_MIGRATION_ACCESS.read);
    const { state } = await this.plans.load(customer.customerId);
    const group = isGuid(groupId) ? findDeviceGroup(state, groupId.toLowerCase()) : undefined;
    if (!group) throw deviceGroupNotFound(groupId);
    return toDeviceGroupView(customer.customerId, group, this.plans.now(), this.plans.policies);
  }

  /**
   * The groups in registration order, optionally of one status; paged by an offset token. Folded from the plan's
   * stream on every read, so there is no projection to wait for (minPosition).
   */
  async groups(
    principal: Principal,
    customerId: string,
    statusFilter: string | undefined,
    paging: PagingQuery,
  ): Promise<Collection<DeviceGroupView>> {
    const size = parseSize(paging.size);
    const token = parseContinuationToken(paging.continuationToken);
    const offset = token === undefined ? 0 : Number(/^o(\d{1,9})$/.exec(token)?.[1] ?? Number.NaN);
    if (Number.isNaN(offset)) throw invalidContinuationToken();
    const status = statusFilter === undefined || statusFilter === '' ? undefined : statusFilter;
    if (status !== undefined && !DEVICE_GROUP_STATUSES.includes(status as DeviceGroupStatus))
      throw new DomainError({
        code: 'invalid_status',
        kind: 'validation',
        field: 'status',
        detail: `status must be one of ${DEVICE_GROUP_STATUSES.join(', ')}`,
      });
    const plan = await this.plan(principal, customerId);
    const all = plan.groups.filter((g) => status === undefined || g.status === status);
    const items = all.slice(offset, offset + size);
    const base = `${kmsMigrationUri(plan.customerId)}/devicegroups`;
    const filter = status ? `status=${status}&` : '';
    const more = offset + size < all.length;
    return {
      totalCount: all.length,
      items,
      links: {
        self: { uri: status ? `${base}?status=${status}` : base, method: 'GET' },
        ...(more
          ? {
              next: {
                uri: `${base}?${filter}size=${size}&continuationToken=o${offset + size}`,
                method: 'GET' as const,
              },
            }
          : {}),
      },
      attributes: { objectType: 'Collection' },
    };
  }
}
