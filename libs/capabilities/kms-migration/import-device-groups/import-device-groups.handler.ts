import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { DeviceGroupRegistered, FieldIssue, findDeviceGroup, ImportDeviceGroups, validationErrors } from '@csp/domain';
import { CustomerAccess } from '@csp/capabilities/partners';
import { newEntityId, StreamCommands } from '@csp/event-sourcing';
import { KMS_MIGRATION_ACCESS } from '../kms-migration.access';
import { KmsMigrationPlans } from '../kms-migration.plans';
import { toDeviceGroupView } from '../kms-migration.view';
import { KmsRenewalWarningScheduler } from '../warnings/kms-renewal-warnings.queue';
import { parseDeviceGroupsCsv } from './device-groups.csv';
import { ImportDeviceGroupsCommand, ImportDeviceGroupsResult } from './import-device-groups.command';

/** All or nothing: every row is valid and all groups are appended at once (expected version), or none is. */
@CommandHandler(ImportDeviceGroupsCommand)
export class ImportDeviceGroupsHandler implements ICommandHandler<ImportDeviceGroupsCommand> {
  constructor(
    private readonly customers: CustomerAccess,
    private readonly plans: KmsMigrationPlans,
    private readonly streams: StreamCommands,
    private readonly warnings: KmsRenewalWarningScheduler,
  ) {}

  async execute({ principal, customerId, csv }: ImportDeviceGroupsCommand): Promise<ImportDeviceGroupsResult> {
    const { customer } = await this.customers.authorize(principal, customerId, KMS_MIGRATION_ACCESS.write);
    const parsed = parseDeviceGroupsCsv(csv);
    const command: ImportDeviceGroups = {
      type: 'ImportDeviceGroups',
      data: {
        customerId: customer.customerId,
        partnerTenantId: customer.partnerTenantId,
        rows: parsed.rows.map((row, i) => ({ ...row, groupId: newEntityId(`kms-device-group-${i}`) })),
        lines: parsed.lines,
        customerOrderIds: await this.plans.customerOrderIds(
          customer.customerId,
          parsed.rows.map((r) => r.coveringOrderId),
        ),
        registeredBy: { userId: principal.userId, upn: principal.upn, tenantId: principal.tenantId },
      },
    };
    if (parsed.issues.length) await this.refuseWithEveryIssue(customer.customerId, command, parsed.issues);
    const result = await this.streams.handle('kmsMigration', customer.customerId, command);
    const registered = result.events.filter((e): e is DeviceGroupRegistered => e.type === 'DeviceGroupRegistered');
    await this.warnings.schedule(registered.map((e) => e.data));
    const now = this.plans.now();
    return {
      groups: registered.map((e) => {
        const group = findDeviceGroup(result.state, e.data.groupId);
        if (!group) throw new Error(`imported group ${e.data.groupId} is not in the plan`);
        return toDeviceGroupView(customer.customerId, group, now, this.plans.policies);
      }),
      position: result.position,
    };
  }

  /**
   * The file already has problems of its own: decide without appending only to learn the domain's issues
   * too, so that one 400 names every bad row and field.
   */
  private async refuseWithEveryIssue(
    customerId: string,
    command: ImportDeviceGroups,
    fileIssues: FieldIssue[],
  ): Promise<never> {
    const rejection = await this.plans.dryRun(customerId, command);
    const issues = [...fileIssues, ...(rejection?.kind === 'validation' ? rejection.errors : [])];
    const rowOf = (field: string): number => Number(/^rows\[(\d+)\]/.exec(field)?.[1] ?? -1);
    const rows = new Set(issues.map((i) => rowOf(i.field)).filter((r) => r >= 0));
    throw validationErrors(
      issues.sort((a, b) => rowOf(a.field) - rowOf(b.field)),
      `${rows.size} of ${command.data.rows.length} rows are invalid; nothing was imported: ${issues.map((i) => i.field).join(', ')}`,
    );
  }
}
