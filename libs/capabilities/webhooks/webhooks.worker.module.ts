import { BeforeApplicationShutdown, Inject, Injectable, Logger, Module, OnApplicationBootstrap } from '@nestjs/common';
import type { Pool } from 'pg';
import { EVENT_STORE, type EventStore } from '@csp/event-store';
import { AppConfig } from '@csp/platform';
import { ProjectionRunner } from '@csp/event-sourcing';
import { DATABASE_POOL } from '@csp/event-sourcing';
import { StreamCommands } from '@csp/event-sourcing';
import { CLOCK, type Clock } from '@csp/event-sourcing';
import { WebhookDeliveryRuntime, WebhookQueue } from './delivery/webhook-delivery.runtime';
import { webhookDispatcher } from './dispatch/webhook-dispatcher.projection';
import { WebhookDeliveryStore } from './store/webhook-delivery.store';
import { WebhookSecretVault } from './store/webhook-secret.vault';
import { WebhookMetrics } from './webhook.metrics';
import { WebhooksCoreModule } from './webhooks-core.module';

/** Hosts the dispatcher (events → deliveries) and the delivery worker in a worker process. */
@Injectable()
export class WebhooksHost implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Webhooks');
  readonly dispatcher: ProjectionRunner;
  readonly delivery: WebhookDeliveryRuntime;

  constructor(
    @Inject(DATABASE_POOL) pool: Pool,
    @Inject(EVENT_STORE) store: EventStore,
    @Inject(CLOCK) clock: Clock,
    config: AppConfig,
    streams: StreamCommands,
    queue: WebhookQueue,
    deliveries: WebhookDeliveryStore,
    vault: WebhookSecretVault,
    metrics: WebhookMetrics,
  ) {
    const logger = {
      info: (m: string) => this.logger.log(m),
      warn: (m: string) => this.logger.warn(m),
      error: (m: string) => this.logger.error(m),
    };
    this.dispatcher = new ProjectionRunner({
      pool,
      eventStore: store,
      projection: webhookDispatcher({ enqueue: (d) => queue.enqueue(d), onError: logger.warn }),
      batchSize: 200,
      logger,
    });
    this.delivery = new WebhookDeliveryRuntime({
      store: deliveries,
      vault,
      queue,
      settings: config.webhooks,
      metrics,
      now: () => clock.now(),
      logger,
      disable: async (endpointId, reason, detail) => {
        await streams.handle(
          'webhookEndpoint',
          endpointId,
          { type: 'DisableWebhookEndpoint', data: { reason, detail } },
          { metadata: { userId: 'webhook-delivery', upn: 'webhook-delivery' } },
        );
      },
    });
  }

  onApplicationBootstrap(): void {
    this.dispatcher.start();
    this.delivery.start();
    this.logger.log('webhook dispatcher and delivery worker started');
  }

  /** The in-flight attempts finish, then the dispatcher stops, before the pools close. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.delivery.stop();
    await this.dispatcher.stop();
  }
}

@Module({
  imports: [WebhooksCoreModule],
  providers: [WebhooksHost],
  exports: [WebhooksHost],
})
export class WebhooksWorkerModule {}
