import type { MakDeploymentMethod } from '@csp/domain';
import type { Principal } from '@csp/platform';

export class RecordMakDeploymentCommand {
  constructor(
    readonly principal: Principal,
    readonly customerId: string,
    readonly groupId: string,
    readonly method: MakDeploymentMethod,
    /** Absent: now (the injected clock). */
    readonly deployedAt?: string,
  ) {}
}
