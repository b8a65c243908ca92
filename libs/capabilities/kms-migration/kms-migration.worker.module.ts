import { Module } from '@nestjs/common';
import { KmsMigrationPlans, kmsMigrationPoliciesProvider } from './kms-migration.plans';
import { KmsRenewalSweep } from './warnings/kms-renewal-sweep.service';
import { kmsWarningsQueueProvider } from './warnings/kms-renewal-warnings.queue';
import { KmsRenewalWarningsWorker } from './warnings/kms-renewal-warnings.worker';
import { RecordRenewalWarningService } from './warnings/record-renewal-warning.service';

/**
 * Issue 7's worker side (ROLE=worker, or all-in-one): the BullMQ processor of the renewal warnings and the
 * reconciling sweep. Needs EventSourcingModule; the plan's projection runs with the others.
 */
@Module({
  providers: [
    kmsMigrationPoliciesProvider,
    kmsWarningsQueueProvider,
    KmsMigrationPlans,
    RecordRenewalWarningService,
    KmsRenewalSweep,
    KmsRenewalWarningsWorker,
  ],
  exports: [KmsRenewalSweep, KmsRenewalWarningsWorker],
})
export class KmsMigrationWorkerModule {}
