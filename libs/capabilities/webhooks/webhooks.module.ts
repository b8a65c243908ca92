import { Inject, Module, OnModuleInit } from '@nestjs/common';
import type { Pool } from 'pg';
import { CheckpointWatcher, migrateReadModels } from '@csp/read-models';
import { DATABASE_POOL } from '@csp/application/infrastructure/database-pool';
import { CustomerAccess } from '@csp/application/shared/customer-access';
import { domainDataProvider } from '@csp/application/shared/domain-data.provider';
import { CHECKPOINT_WATCHER, ReadYourWrites } from '@csp/application/shared/read-your-writes';
import { StreamCommandExecutor } from '@csp/application/shared/stream-command.executor';
import { TenantDirectory } from '@csp/application/shared/tenant-directory';
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
  providers: [
    domainDataProvider,
    StreamCommandExecutor,
    TenantDirectory,
    CustomerAccess,
    ReadYourWrites,
    WebhookEndpointsService,
    WebhookEndpointOwnerGuard,
    WebhookDeliveriesService,
    { provide: CHECKPOINT_WATCHER, inject: [DATABASE_POOL], useFactory: (pool: Pool) => new CheckpointWatcher(pool) },
  ],
})
export class WebhooksModule implements OnModuleInit {
  constructor(@Inject(DATABASE_POOL) private readonly pool: Pool) {}

  /** The webhook tables exist before the first request, whether or not a worker ran yet. */
  async onModuleInit(): Promise<void> {
    await migrateReadModels(this.pool, [webhookDispatcher({ enqueue: async () => undefined })]);
  }
}
