import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { DeviceGroupRegistered, findDeviceGroup } from '@csp/domain';
import { CustomerAccess } from '@csp/capabilities/partners';
import { newEntityId, StreamCommands } from '@csp/event-sourcing';
import { KMS_MIGRATION_ACCESS } from '../kms-migration.access';
import { KmsMigrationPlans } from '../kms-migration.plans';
import { toDeviceGroupView } from '../kms-migration.view';
import { KmsRenewalWarningScheduler } from '../warnings/kms-renewal-warnings.queue';
import { RegisterDeviceGroupCommand, RegisterDeviceGroupResult } from './register-device-group.command';

@CommandHandler(RegisterDeviceGroupCommand)
export class RegisterDeviceGroupHandler implements ICommandHandler<RegisterDeviceGroupCommand> {
  constructor(
    private readonly customers: CustomerAccess,
    private readonly plans: KmsMigrationPlans,
    private readonly streams: StreamCommands,
    private readonly warnings: KmsRenewalWarningScheduler,
  ) {}

  async execute({ principal, customerId, group }: RegisterDeviceGroupCommand): Promise<RegisterDeviceGroupResult> {
    const { customer } = await this.customers.authorize(principal, customerId, KMS_MIGRATION_ACCESS.write);
    // Derived from MS-RequestId when given, so a retry lands on the same group.
    const groupId = newEntityId('kms-device-group');
    const result = await this.streams.handle('kmsMigration', customer.customerId, {
      type: 'RegisterDeviceGroup',
      data: {
        ...group,
        groupId,
        customerId: customer.customerId,
        partnerTenantId: customer.partnerTenantId,
        customerOrderIds: await this.plans.customerOrderIds(customer.customerId, [group.coveringOrderId]),
        registeredBy: { userId: principal.userId, upn: principal.upn, tenantId: principal.tenantId },
      },
    });
    await this.warnings.schedule(
      result.events.filter((e): e is DeviceGroupRegistered => e.type === 'DeviceGroupRegistered').map((e) => e.data),
    );
    const registered = findDeviceGroup(result.state, groupId);
    if (!registered) throw new Error('registering the device group produced no group');
    return {
      group: toDeviceGroupView(customer.customerId, registered, this.plans.now(), this.plans.policies),
      position: result.position,
    };
  }
}
