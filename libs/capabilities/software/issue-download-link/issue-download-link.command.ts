import { Command } from '@nestjs/cqrs';
import type { Principal } from '@csp/platform';

export interface IssuedLink {
  uri: string;
  expiresAt: string;
  maxDownloads: number;
  linkId: string;
  position?: number;
}

export class IssueDownloadLinkCommand extends Command<IssuedLink> {
  constructor(
    readonly principal: Principal,
    readonly customerId: string,
    readonly softwareId: string,
    readonly version: string,
    readonly language: string,
    readonly bitness: string,
  ) {
    super();
  }
}
