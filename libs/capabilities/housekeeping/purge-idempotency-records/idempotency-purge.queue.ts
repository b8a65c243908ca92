import type { Provider } from '@nestjs/common';
import type { JobsOptions } from 'bullmq';
import type { EventStoreHandle } from '@csp/event-store';
import { EVENT_STORE_HANDLE, databaseQueueName } from '@csp/event-sourcing';

export const IDEMPOTENCY_PURGE_JOB = 'purge';
export const IDEMPOTENCY_PURGE_SCHEDULER_ID = 'idempotency-purge';
/** Often enough that a record outlives its retention by at most a quarter of an hour. */
export const IDEMPOTENCY_PURGE_EVERY_MS = 15 * 60_000;

export const IDEMPOTENCY_PURGE_QUEUE = Symbol('IDEMPOTENCY_PURGE_QUEUE');

/** Named after the database: deployments (and test databases) sharing one Redis never purge each other's rows. */
export const idempotencyPurgeQueueProvider: Provider = {
  provide: IDEMPOTENCY_PURGE_QUEUE,
  inject: [EVENT_STORE_HANDLE],
  useFactory: (handle: EventStoreHandle): string => databaseQueueName('idempotency-purge', handle.databaseUrl),
};

/** A missed run is made good by the next one: no retries, little history kept. */
export const IDEMPOTENCY_PURGE_JOB_OPTIONS: JobsOptions = {
  attempts: 1,
  removeOnComplete: { count: 50 },
  removeOnFail: { count: 50 },
};
