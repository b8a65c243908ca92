import { Module } from '@nestjs/common';
import type { Pool } from 'pg';
import { AppConfig, MetricsRegistries } from '@csp/platform';
import { DATABASE_POOL, QueueBackend } from '@csp/event-sourcing';
import { WebhookQueue } from './delivery/webhook-delivery.runtime';
import { WebhookDeliveryStore } from './store/webhook-delivery.store';
import { WebhookSecretVault } from './store/webhook-secret.vault';
import { WebhookQueries } from './store/webhook.queries';
import { WebhookMetrics } from './webhook.metrics';

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
    { provide: WebhookQueue, inject: [QueueBackend], useFactory: (backend: QueueBackend) => new WebhookQueue(backend) },
  ],
  exports: [WebhookSecretVault, WebhookDeliveryStore, WebhookQueries, WebhookMetrics, WebhookQueue],
})
export class WebhooksCoreModule {}
