export { HousekeepingWorkerModule } from './housekeeping.worker.module';
export { IDEMPOTENCY_PURGE_JOB, IDEMPOTENCY_PURGE_QUEUE } from './purge-idempotency-records/idempotency-purge.queue';
