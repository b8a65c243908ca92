import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { SubmitSupportRequest, supportRequestDecider, SupportRequestState, streamIdOf } from '@csp/domain';
import type { Principal } from '@csp/platform';
import { newEntityId, StreamCommandExecutor } from '@csp/event-sourcing';
import { SupportAttachmentStore } from './support-attachment.store';
import { SupportRequestReferences } from './support-request-references';
import { SubmitSupportRequestDto } from './submit-support-request.request.dto';

export const supportRequestStreamId = (id: string): string => streamIdOf('supportRequest', id);

/**
 * Files a "CSP Purchase/Refund on behalf of customers" request. The domain validates every field and names
 * each bad one; the customer and order it names must be the caller's (404 otherwise); attachments are stored
 * once the request is accepted (their hashes are in the event).
 */
@Injectable()
export class SubmitSupportRequestHandler {
  constructor(
    private readonly executor: StreamCommandExecutor,
    private readonly attachments: SupportAttachmentStore,
    private readonly references: SupportRequestReferences,
  ) {}

  async execute(
    principal: Principal,
    body: SubmitSupportRequestDto,
  ): Promise<{ request: SupportRequestState; position?: number }> {
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
    supportRequestDecider.decide(command, supportRequestDecider.initialState(), this.executor.context());
    await this.references.authorize(principal, body.description);
    const result = await this.executor.execute(supportRequestStreamId(id), supportRequestDecider, command);
    if (!result.replayed) await this.attachments.save(id, files);
    return { request: result.state, position: result.position };
  }
}
