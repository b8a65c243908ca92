import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { supportRequestDecider, SupportRequestState, streamIdOf } from '@csp/domain';
import type { Principal } from '@csp/platform';
import { newEntityId } from '../../shared/entity-id';
import { StreamCommandExecutor } from '../../shared/stream-command.executor';
import { SupportAttachmentStore } from './support-attachment.store';
import { SubmitSupportRequestDto } from './submit-support-request.request.dto';

export const supportRequestStreamId = (id: string): string => streamIdOf('supportRequest', id);

/**
 * Files a "CSP Purchase/Refund on behalf of customers" request. The domain validates every field and names
 * each bad one; attachments are stored once the request is accepted (their hashes are in the event).
 */
@Injectable()
export class SubmitSupportRequestHandler {
  constructor(
    private readonly executor: StreamCommandExecutor,
    private readonly attachments: SupportAttachmentStore,
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
    const result = await this.executor.execute(supportRequestStreamId(id), supportRequestDecider, {
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
    });
    if (!result.replayed) await this.attachments.save(id, files);
    return { request: result.state, position: result.position };
  }
}
