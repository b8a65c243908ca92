import { Module, OnModuleInit, Optional } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { KmsMigrationPlanService } from './get-migration-plan/kms-migration-plan.service';
import { registerCsvBodyParser } from './import-device-groups/csv-body.parser';
import { ImportDeviceGroupsHandler } from './import-device-groups/import-device-groups.handler';
import { KmsMigrationController } from './kms-migration.controller';
import { KmsMigrationPlans, kmsMigrationPoliciesProvider } from './kms-migration.plans';
import { RecordMakDeploymentHandler } from './record-mak-deployment/record-mak-deployment.handler';
import { RegisterDeviceGroupHandler } from './register-device-group/register-device-group.handler';
import { KmsRenewalWarningScheduler, kmsWarningsQueueProvider } from './warnings/kms-renewal-warnings.queue';

/**
 * Issue 7's HTTP side: the plan endpoints under /v1/customers/{customerId}/kmsmigration and the scheduling of
 * the warning jobs. Needs EventSourcingModule (event store, queues, clock) and the global CqrsModule.
 */
@Module({
  controllers: [KmsMigrationController],
  providers: [
    kmsMigrationPoliciesProvider,
    kmsWarningsQueueProvider,
    KmsMigrationPlans,
    KmsMigrationPlanService,
    KmsRenewalWarningScheduler,
    RegisterDeviceGroupHandler,
    ImportDeviceGroupsHandler,
    RecordMakDeploymentHandler,
  ],
})
export class KmsMigrationModule implements OnModuleInit {
  constructor(@Optional() private readonly http?: HttpAdapterHost) {}

  /** Before the server listens: the import endpoint takes text/csv. */
  onModuleInit(): void {
    const fastify = this.http?.httpAdapter?.getInstance() as FastifyInstance | undefined;
    if (fastify && typeof fastify.addContentTypeParser === 'function') registerCsvBodyParser(fastify);
  }
}
