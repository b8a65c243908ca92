import { Module, OnModuleInit } from '@nestjs/common';
import { OrdersModule } from '@csp/capabilities/orders';
import { SubmitSupportRequestHandler } from './submit-support-request/submit-support-request.handler';
import { SupportAttachmentStore } from './submit-support-request/support-attachment.store';
import { SupportRequestReferences } from './submit-support-request/support-request-references';
import { SupportController } from './support.controller';

/** Support requests, HTTP side: submitting one with its attachments. */
@Module({
  imports: [OrdersModule],
  controllers: [SupportController],
  providers: [SubmitSupportRequestHandler, SupportAttachmentStore, SupportRequestReferences],
})
export class SupportModule implements OnModuleInit {
  constructor(private readonly attachments: SupportAttachmentStore) {}

  /** The attachments' table must exist before the first request. */
  async onModuleInit(): Promise<void> {
    await this.attachments.migrate();
  }
}
