import { Command } from '@nestjs/cqrs';
import type { Principal } from '@csp/platform';

export interface RevealKeyResult {
  productKey: string;
  keyType: 'MAK';
  version: string;
  position?: number;
}

export class RevealKeyCommand extends Command<RevealKeyResult> {
  constructor(
    readonly principal: Principal,
    readonly customerId: string,
    readonly softwareId: string,
    readonly version: string,
    readonly keyType: string | undefined,
    /** The caller's retry of an earlier reveal (same MS-RequestId, route and body). */
    readonly retry = false,
  ) {
    super();
  }
}
