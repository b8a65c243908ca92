import type { Principal } from '@csp/platform';

export class RevealKeyCommand {
  constructor(
    readonly principal: Principal,
    readonly customerId: string,
    readonly softwareId: string,
    readonly version: string,
    readonly keyType: string | undefined,
  ) {}
}
