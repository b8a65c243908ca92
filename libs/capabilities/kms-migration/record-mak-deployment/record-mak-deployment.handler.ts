import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { StreamCommands } from '@csp/event-sourcing';
import { findDeviceGroup, isGuid } from '@csp/domain';
import { CustomerAccess } from '@csp/capabilities/partners';
import { KMS_MIGRATION_ACCESS } from '../kms-migration.access';
import { KmsMigrationPlans } from '../kms-migration.plans';
import { toDeviceGroupView } from '../kms-migration.view';
import { deviceGroupNotFound } from '../get-migration-plan/kms-migration-plan.service';
import { RecordMakDeploymentCommand, RecordMakDeploymentResult } from './record-mak-deployment.command';

@CommandHandler(RecordMakDeploymentCommand)
export class RecordMakDeploymentHandler implements ICommandHandler<RecordMakDeploymentCommand> {
  constructor(
    private readonly customers: CustomerAccess,
    private readonly plans: KmsMigrationPlans,
    private readonly streams: StreamCommands,
  ) {}

  async execute(command: RecordMakDeploymentCommand): Promise<RecordMakDeploymentResult> {
    const { principal, customerId, method, deployedAt } = command;
    const { customer } = await this.customers.authorize(principal, customerId, KMS_MIGRATION_ACCESS.write);
    if (!isGuid(command.groupId)) throw deviceGroupNotFound(command.groupId);
    const groupId = command.groupId.toLowerCase();
    const result = await this.streams.handle('kmsMigration', customer.customerId, {
      type: 'RecordMakDeployment',
      data: {
        groupId,
        method,
        deployedAt: deployedAt ?? this.plans.now().toISOString(),
        recordedBy: { userId: principal.userId, upn: principal.upn, tenantId: principal.tenantId },
      },
    });
    const group = findDeviceGroup(result.state, groupId);
    if (!group) throw deviceGroupNotFound(groupId);
    return {
      group: toDeviceGroupView(customer.customerId, group, this.plans.now(), this.plans.policies),
      position: result.position,
    };
  }
}
