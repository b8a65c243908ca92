export { KmsMigrationWorkerModule } from './kms-migration.worker.module';
export { KmsRenewalSweep } from './warnings/kms-renewal-sweep.service';
export { KMS_WARNINGS_QUEUE, kmsWarningJobId } from './warnings/kms-renewal-warnings.queue';
export { KmsRenewalWarningsWorker } from './warnings/kms-renewal-warnings.worker';
export { KmsMigrationModule } from './kms-migration.module';
export { kmsDeviceGroupsProjection } from './projections/kms-device-groups.projection';
