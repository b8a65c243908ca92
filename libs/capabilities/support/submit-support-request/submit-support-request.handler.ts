import { createHash } from 'node:crypto';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { SubmitSupportRequest, supportRequestDecider } from '@csp/domain';
import { newEntityId, StreamCommands } from '@csp/event-sourcing';
import { SupportAttachmentStore } from './support-attachment.store';
import { SupportRequestReferences } from './support-request-references';
import { SubmitSupportRequestCommand, SubmitSupportRequestResult } from './submit-support-request.command';

/**
 * Files a "CSP Purchase/Refund on behalf of customers" request. The domain validates every field and names
 * each bad one; the customer and order it names must be the caller's (404 otherwise); attachments are stored
 * once the request is accepted (their hashes are in the event).
 */
@CommandHandler(SubmitSupportRequestCommand)
export class SubmitSupportRequestHandler implements ICommandHandler<SubmitSupportRequestCommand> {
  constructor(
    private readonly streams: StreamCommands,
    private readonly attachments: SupportAttachmentStore,
    private readonly references: SupportRequestReferences,
  ) {}

  async execute({ principal, body }: SubmitSupportRequestCommand): Promise<SubmitSupportRequestResult> {
    const id = newEntityId('support-request');
    const files = (body.attachments ?? []).map((a) => {
      const content = Buffer.from(a.contentBase64, 'base64');
      return {
        fileName: a.fileName,
        contentType: a.contentType,
        content,
        size: content.length,
        sha256: createHash('sha256').update(content).digest('hex'),
      };
    });
    const command: SubmitSupportRequest = {
      type: 'SubmitSupportRequest',
      data: {
        supportRequestId: id,
        partnerTenantId: principal.tenantId.toLowerCase(),
        problemType: body.problemType,
        impact: body.impact,
        title: body.title,
        description: { ...body.description, amountRequested: { ...body.description.amountRequested } },
        contact: { ...body.contact },
        attachments: files.map(({ fileName, contentType, size, sha256 }) => ({ fileName, contentType, size, sha256 })),
        submittedBy: { userId: principal.userId, upn: principal.upn, tenantId: principal.tenantId },
      },
    };
    // Validate first (pure, nothing written): a bad field is a 400 whatever the request names.
    supportRequestDecider.decide(command, supportRequestDecider.initialState(), this.streams.context());
    await this.references.authorize(principal, body.description);
    const result = await this.streams.handle('supportRequest', id, command);
    if (!result.replayed) await this.attachments.save(id, files);
    return { request: result.state, position: result.position };
  }
}
