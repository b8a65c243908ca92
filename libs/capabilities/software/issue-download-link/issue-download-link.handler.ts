import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { DownloadLinkIssued } from '@csp/domain';
import { AppConfig, ProblemException } from '@csp/platform';
import { CLOCK, Clock, newEntityId, StreamCommands } from '@csp/event-sourcing';
import { DOWNLOAD_LINK_SIGNER, DownloadLinkSigner } from '../ports/download-link-signer.port';
import { OrderAccess } from '@csp/capabilities/orders';
import { authorizeSoftwareLine } from '../software-ref';
import { IssueDownloadLinkCommand, IssuedLink } from './issue-download-link.command';

/** "Copy link": a signed, expiring, revocable link to the bits that the partner can send to the customer. */
@CommandHandler(IssueDownloadLinkCommand)
export class IssueDownloadLinkHandler implements ICommandHandler<IssueDownloadLinkCommand> {
  constructor(
    private readonly orders: OrderAccess,
    private readonly streams: StreamCommands,
    private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(DOWNLOAD_LINK_SIGNER) private readonly signer: DownloadLinkSigner,
  ) {}

  async execute(c: IssueDownloadLinkCommand): Promise<IssuedLink> {
    const { order, stream, lineItemNumber, channel } = await authorizeSoftwareLine(this.orders, c);
    const linkId = newEntityId('download-link');
    const expiresAt = new Date(this.clock.now().getTime() + this.config.downloadLinkTtlDays * 86_400_000);
    const result = await this.streams.handle(
      'order',
      order.orderId,
      {
        type: 'IssueDownloadLink',
        data: {
          lineItemNumber: lineItemNumber,
          version: c.version,
          language: c.language,
          bitness: c.bitness,
          linkId,
          expiresAt: expiresAt.toISOString(),
          maxDownloads: this.config.downloadLinkMaxDownloads,
          user: { userId: c.principal.userId, upn: c.principal.upn, tenantId: c.principal.tenantId },
          channel,
        },
      },
      { loaded: stream },
    );
    // On a replayed request the link recorded the first time is handed out again.
    const issued = result.events.find((e): e is DownloadLinkIssued => e.type === 'DownloadLinkIssued');
    if (!issued) {
      // The request id's earlier events are not a link (an event from before commands were named in metadata).
      throw new ProblemException(
        422,
        'request_id_reused',
        'This MS-RequestId was already used for another command; send a new MS-RequestId for a new request.',
      );
    }
    const token = this.signer.sign({
      linkId: issued.data.linkId,
      orderId: order.orderId,
      customerId: order.customerId,
      lineItemNumber: issued.data.lineItemNumber,
      version: issued.data.version,
      language: issued.data.language,
      bitness: issued.data.bitness,
      expiresAt: new Date(issued.data.expiresAt),
    });
    return {
      uri: `${this.config.publicBaseUrl}/v1/downloads/${token}`,
      expiresAt: issued.data.expiresAt,
      maxDownloads: issued.data.maxDownloads,
      linkId: issued.data.linkId,
      position: result.position,
    };
  }
}
