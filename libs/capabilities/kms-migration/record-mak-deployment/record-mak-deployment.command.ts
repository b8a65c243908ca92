import { Command } from '@nestjs/cqrs';
import type { MakDeploymentMethod } from '@csp/domain';
import type { Principal } from '@csp/platform';
import type { DeviceGroupView } from '../kms-migration.view';

export type RecordMakDeploymentResult = { group: DeviceGroupView; position?: number };

export class RecordMakDeploymentCommand extends Command<RecordMakDeploymentResult> {
  constructor(
    readonly principal: Principal,
    readonly customerId: string,
    readonly groupId: string,
    readonly method: MakDeploymentMethod,
    /** Absent: now (the injected clock). */
    readonly deployedAt?: string,
  ) {
    super();
  }
}
