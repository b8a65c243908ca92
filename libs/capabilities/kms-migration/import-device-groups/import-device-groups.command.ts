import { Command } from '@nestjs/cqrs';
import type { Principal } from '@csp/platform';
import type { DeviceGroupView } from '../kms-migration.view';

export type ImportDeviceGroupsResult = { groups: DeviceGroupView[]; position?: number };

export class ImportDeviceGroupsCommand extends Command<ImportDeviceGroupsResult> {
  constructor(
    readonly principal: Principal,
    readonly customerId: string,
    /** The CSV file as sent (text/csv). */
    readonly csv: string,
  ) {
    super();
  }
}
