import { Command } from '@nestjs/cqrs';
import type { Principal } from '@csp/platform';
import type { DeviceGroupView } from '../kms-migration.view';

export type RegisterDeviceGroupResult = { group: DeviceGroupView; position?: number };

export class RegisterDeviceGroupCommand extends Command<RegisterDeviceGroupResult> {
  constructor(
    readonly principal: Principal,
    readonly customerId: string,
    readonly group: { name: string; deviceCount: number; lastKmsActivationAt: string; coveringOrderId?: string },
  ) {
    super();
  }
}
