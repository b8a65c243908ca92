import { DynamicModule, Module } from '@nestjs/common';
import {
  HousekeepingWorkerModule,
  InfrastructureModule,
  InfrastructureOptions,
  ProjectionsModule,
  PropagationModule,
} from '@csp/application';
import { KmsMigrationWorkerModule } from '@csp/application/kms-migration';
import { CreditFeedWorkerModule } from '@csp/capabilities/credits';
import { AppConfig, PlatformModule } from '@csp/platform';
import { AuditTrailWorkerModule } from '@csp/capabilities/audit-trail';

/** The background process: projection runners and propagation (reactor, BullMQ workers, reconciler). */
@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig, options: InfrastructureOptions = {}): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        PlatformModule.forRoot(config),
        InfrastructureModule.forRoot(options),
        ProjectionsModule,
        KmsMigrationWorkerModule,
        PropagationModule,
        HousekeepingWorkerModule,
        AuditTrailWorkerModule,
        CreditFeedWorkerModule,
      ],
    };
  }
}
