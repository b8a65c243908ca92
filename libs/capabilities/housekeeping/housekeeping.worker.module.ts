import { Module } from '@nestjs/common';
import { idempotencyPurgeQueueProvider } from './purge-idempotency-records/idempotency-purge.queue';
import { IdempotencyPurgeWorker } from './purge-idempotency-records/idempotency-purge.worker';

/** Worker side (ROLE=worker, or all-in-one): scheduled housekeeping of our own tables. Needs EventSourcingModule. */
@Module({
  providers: [idempotencyPurgeQueueProvider, IdempotencyPurgeWorker],
  exports: [IdempotencyPurgeWorker],
})
export class HousekeepingWorkerModule {}
