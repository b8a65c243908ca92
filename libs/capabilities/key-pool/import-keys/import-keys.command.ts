import type { Principal } from '@csp/platform';

/** An import's body as received: JSON `{ keys }` or a text/csv string. */
export class ImportKeysCommand {
  constructor(
    readonly principal: Principal,
    readonly body: unknown,
  ) {}
}
