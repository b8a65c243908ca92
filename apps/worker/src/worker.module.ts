import { DynamicModule, Module } from '@nestjs/common';
import { AuditTrailWorkerModule } from '@csp/capabilities/audit-trail';
import { HousekeepingWorkerModule } from '@csp/capabilities/housekeeping';
import { KmsMigrationWorkerModule } from '@csp/capabilities/kms-migration';
import { PropagationWorkerModule } from '@csp/capabilities/propagation';
import { SoftwarePortsModule } from '@csp/capabilities/software';
import { WebhooksWorkerModule } from '@csp/capabilities/webhooks';
import { EventSourcingModule, type EventSourcingOptions, ProjectionsWorkerModule } from '@csp/event-sourcing';
import { AppConfig, PlatformModule } from '@csp/platform';
import { PROJECTIONS } from './projections';

/** What runs in the background, in a worker or beside the api (ROLE=all): every capability's worker side. */
export const WORKER_PARTS = [
  ProjectionsWorkerModule.forRoot(PROJECTIONS),
  KmsMigrationWorkerModule,
  PropagationWorkerModule,
  HousekeepingWorkerModule,
  AuditTrailWorkerModule,
  WebhooksWorkerModule,
];

/** The background process: projection runners, propagation (reactor, BullMQ workers, reconciler), housekeeping. */
@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig, options: EventSourcingOptions = {}): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        PlatformModule.forRoot(config),
        EventSourcingModule.forRoot(options),
        SoftwarePortsModule,
        ...WORKER_PARTS,
      ],
    };
  }
}
