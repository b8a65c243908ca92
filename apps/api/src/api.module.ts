import { DynamicModule, Module } from '@nestjs/common';
import {
  ApplicationModule,
  DATABASE_POOL,
  HousekeepingWorkerModule,
  InfrastructureModule,
  InfrastructureOptions,
  ProjectionsModule,
  PropagationModule,
} from '@csp/application';
import { KmsMigrationWorkerModule } from '@csp/application/kms-migration';
import { CreditFeedModule, CreditFeedWorkerModule } from '@csp/capabilities/credits';
import { AppConfig, IdempotencyModule, PlatformModule } from '@csp/platform';
import { AuditTrailModule, AuditTrailWorkerModule } from '@csp/capabilities/audit-trail';
import type { Pool } from 'pg';

export interface ApiModuleOptions extends InfrastructureOptions {
  /** Run the worker's projections in this process too (ROLE=all, the embedded default). */
  withWorker?: boolean;
}

/** The HTTP process: platform (config, auth, errors), infrastructure (stores, ports), the v1 API. */
@Module({})
export class ApiModule {
  static forRoot(config: AppConfig, options: ApiModuleOptions = {}): DynamicModule {
    return {
      module: ApiModule,
      imports: [
        PlatformModule.forRoot(config),
        InfrastructureModule.forRoot(options),
        IdempotencyModule.forRootAsync({ inject: [DATABASE_POOL], useFactory: (pool: Pool) => ({ pool }) }),
        ApplicationModule,
        AuditTrailModule,
        CreditFeedModule,
        ...(options.withWorker
          ? [
              ProjectionsModule,
              KmsMigrationWorkerModule,
              PropagationModule,
              HousekeepingWorkerModule,
              AuditTrailWorkerModule,
              CreditFeedWorkerModule,
            ]
          : []),
      ],
    };
  }
}
