import type { Principal } from '@csp/platform';

export class IssueDownloadLinkCommand {
  constructor(
    readonly principal: Principal,
    readonly customerId: string,
    readonly softwareId: string,
    readonly version: string,
    readonly language: string,
    readonly bitness: string,
  ) {}
}
