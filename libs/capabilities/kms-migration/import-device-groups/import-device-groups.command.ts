import type { Principal } from '@csp/platform';

export class ImportDeviceGroupsCommand {
  constructor(
    readonly principal: Principal,
    readonly customerId: string,
    /** The CSV file as sent (text/csv). */
    readonly csv: string,
  ) {}
}
