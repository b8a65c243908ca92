export * from './kms-migration.module';
export * from './kms-migration.worker.module';
export { KmsRenewalSweep } from './warnings/kms-renewal-sweep.service';
export { KmsRenewalWarningsWorker } from './warnings/kms-renewal-warnings.worker';
export { kmsWarningJobId, KMS_WARNINGS_QUEUE } from './warnings/kms-renewal-warnings.queue';
