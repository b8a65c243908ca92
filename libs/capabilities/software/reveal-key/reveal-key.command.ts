import type { Principal } from '@csp/platform';

export class RevealKeyCommand {
  constructor(
    readonly principal: Principal,
    readonly customerId: string,
    readonly softwareId: string,
    readonly version: string,
    readonly keyType: string | undefined,
    /** The caller's retry of an earlier reveal (same MS-RequestId, route and body). */
    readonly retry = false,
  ) {}
}
