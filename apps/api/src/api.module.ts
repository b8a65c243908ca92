import { DynamicModule, Inject, Module, OnModuleInit } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import type { Pool } from 'pg';
import { ActivityModule } from '@csp/capabilities/activity';
import { AuditTrailModule } from '@csp/capabilities/audit-trail';
import { CatalogModule } from '@csp/capabilities/catalog';
import { CreditsModule } from '@csp/capabilities/credits';
import { CustomersModule } from '@csp/capabilities/customers';
import { EventHistoryModule } from '@csp/capabilities/event-history';
import { HealthModule } from '@csp/capabilities/health';
import { KeyPoolModule } from '@csp/capabilities/key-pool';
import { KmsMigrationModule } from '@csp/capabilities/kms-migration';
import { OrdersModule } from '@csp/capabilities/orders';
import { PartnersModule } from '@csp/capabilities/partners';
import { PropagationModule } from '@csp/capabilities/propagation';
import { SoftwareModule, SoftwarePortsModule } from '@csp/capabilities/software';
import { SupportModule } from '@csp/capabilities/support';
import { WebhooksModule } from '@csp/capabilities/webhooks';
import {
  DATABASE_POOL,
  EventSourcingModule,
  type EventSourcingOptions,
  migrateProjectionTables,
} from '@csp/event-sourcing';
import { AppConfig, IdempotencyModule, PlatformModule } from '@csp/platform';
import { PROJECTIONS } from '../../worker/src/projections';
import { WORKER_PARTS } from '../../worker/src/worker.module';

export interface ApiModuleOptions extends EventSourcingOptions {
  /** Run the worker's parts in this process too (ROLE=all, the embedded default). */
  withWorker?: boolean;
}

/**
 * The HTTP process: platform (config, auth, errors), event sourcing (store, pool, clock, command handling, checkpoints,
 * queues; once), and the capabilities' HTTP sides. With `withWorker` it also runs every worker part.
 */
@Module({})
export class ApiModule implements OnModuleInit {
  constructor(@Inject(DATABASE_POOL) private readonly pool: Pool) {}

  static forRoot(config: AppConfig, options: ApiModuleOptions = {}): DynamicModule {
    const { withWorker, ...eventSourcing } = options;
    return {
      module: ApiModule,
      imports: [
        PlatformModule.forRoot(config),
        EventSourcingModule.forRoot(eventSourcing),
        IdempotencyModule.forRootAsync({ inject: [DATABASE_POOL], useFactory: (pool: Pool) => ({ pool }) }),
        CqrsModule.forRoot(),
        SoftwarePortsModule,
        PartnersModule,
        // The order of the HTTP sides is the order of openapi.json's paths.
        HealthModule,
        CustomersModule,
        CatalogModule,
        OrdersModule,
        SoftwareModule,
        KeyPoolModule,
        SupportModule,
        AuditTrailModule,
        CreditsModule,
        WebhooksModule,
        KmsMigrationModule,
        ActivityModule,
        EventHistoryModule,
        PropagationModule,
        ...(withWorker ? WORKER_PARTS : []),
      ],
    };
  }

  /** Tables the API reads must exist before the first request, whether or not a worker ran yet. */
  async onModuleInit(): Promise<void> {
    await migrateProjectionTables(this.pool, PROJECTIONS);
  }
}
