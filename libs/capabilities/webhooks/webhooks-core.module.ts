import { Injectable, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import type { Pool } from 'pg';
import type { EventStoreHandle } from '@csp/event-store';
import { AppConfig, MetricsRegistries } from '@csp/platform';
import { QueueBackend } from '@csp/propagation';
import { DATABASE_POOL } from '@csp/application/infrastructure/database-pool';
import { EVENT_STORE_HANDLE } from '@csp/application/infrastructure/infrastructure.module';
import { queueNamespace } from '@csp/application/propagation/propagation-core.module';
import { WebhookQueue } from './delivery/webhook-delivery.runtime';
import { WebhookDeliveryStore } from './store/webhook-delivery.store';
import { WebhookSecretVault } from './store/webhook-secret.vault';
import { WebhookQueries } from './store/webhook.queries';
import { WebhookMetrics } from './webhook.metrics';

@Injectable()
class WebhooksCoreLifecycle implements OnApplicationShutdown {
  private readonly logger = new Logger('Webhooks');
  constructor(private readonly queue: WebhookQueue) {}

  /** After the delivery worker has closed (beforeApplicationShutdown), before the pool closes. */
  async onApplicationShutdown(): Promise<void> {
    await this.queue.backend.close().catch((e: unknown) => this.logger.warn(`closing queues: ${String(e)}`));
  }
}

/** What the webhook api and worker share: the secret vault, the deliveries store, the queue, the metrics. */
@Module({
  providers: [
    {
      provide: WebhookSecretVault,
      inject: [DATABASE_POOL, AppConfig],
      useFactory: (pool: Pool, config: AppConfig) => new WebhookSecretVault(pool, config.webhooks.secretsKey),
    },
    {
      provide: WebhookDeliveryStore,
      inject: [DATABASE_POOL],
      useFactory: (pool: Pool) => new WebhookDeliveryStore(pool),
    },
    { provide: WebhookQueries, inject: [DATABASE_POOL], useFactory: (pool: Pool) => new WebhookQueries(pool) },
    {
      provide: WebhookMetrics,
      inject: [WebhookDeliveryStore, MetricsRegistries],
      useFactory: (store: WebhookDeliveryStore, registries: MetricsRegistries) => {
        const metrics = new WebhookMetrics(store);
        registries.add(metrics.registry);
        return metrics;
      },
    },
    {
      provide: WebhookQueue,
      inject: [AppConfig, EVENT_STORE_HANDLE],
      useFactory: (config: AppConfig, h: EventStoreHandle) => {
        const logger = new Logger('Webhooks');
        return new WebhookQueue(
          new QueueBackend({
            redisUrl: config.redisUrl,
            databaseUrl: h.databaseUrl,
            namespace: queueNamespace(h.databaseUrl),
            onWarning: (w) => logger.warn(w),
          }),
        );
      },
    },
    WebhooksCoreLifecycle,
  ],
  exports: [WebhookSecretVault, WebhookDeliveryStore, WebhookQueries, WebhookMetrics, WebhookQueue],
})
export class WebhooksCoreModule {}
