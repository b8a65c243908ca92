export { HousekeepingWorkerModule } from './housekeeping.worker.module';
export { IdempotencyPurgeWorker } from './purge-idempotency-records/idempotency-purge.worker';
export {
  IDEMPOTENCY_PURGE_JOB,
  IDEMPOTENCY_PURGE_QUEUE,
  IDEMPOTENCY_PURGE_SCHEDULER_ID,
} from './purge-idempotency-records/idempotency-purge.queue';
