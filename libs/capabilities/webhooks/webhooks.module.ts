import { Inject, Module, OnModuleInit } from '@nestjs/common';
import type { Pool } from 'pg';
import { DATABASE_POOL, migrateProjectionTables } from '@csp/event-sourcing';
import { WebhookDeliveriesService } from './deliveries/webhook-deliveries.service';
import { webhookDispatcher } from './dispatch/webhook-dispatcher.projection';
import { WebhookEndpointsService } from './endpoints/webhook-endpoints.service';
import { WebhookEndpointOwnerGuard } from './endpoints/webhook-endpoint-owner.guard';
import { WebhooksCoreModule } from './webhooks-core.module';
import { WebhooksController } from './webhooks.controller';

/** Webhook endpoints and deliveries over HTTP (BillingAdmin). */
@Module({
  imports: [WebhooksCoreModule],
  controllers: [WebhooksController],
  providers: [WebhookEndpointsService, WebhookEndpointOwnerGuard, WebhookDeliveriesService],
})
export class WebhooksModule implements OnModuleInit {
  constructor(@Inject(DATABASE_POOL) private readonly pool: Pool) {}

  /** The webhook tables exist before the first request, whether or not a worker ran yet. */
  async onModuleInit(): Promise<void> {
    await migrateProjectionTables(this.pool, [webhookDispatcher({ enqueue: async () => undefined })]);
  }
}
