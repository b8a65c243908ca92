import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { Pool } from 'pg';
import { AppConfig, IdempotencyStore } from '@csp/platform';
import { QueueBackend, DATABASE_POOL } from '@csp/event-sourcing';
import {
  IDEMPOTENCY_PURGE_EVERY_MS,
  IDEMPOTENCY_PURGE_JOB,
  IDEMPOTENCY_PURGE_JOB_OPTIONS,
  IDEMPOTENCY_PURGE_QUEUE,
  IDEMPOTENCY_PURGE_SCHEDULER_ID,
} from './idempotency-purge.queue';

/**
 * Forgets idempotency records older than IDEMPOTENCY_RETENTION_HOURS: a BullMQ job scheduler runs the purge
 * every quarter of an hour (one run per interval across workers). A retry after that is a new request.
 */
@Injectable()
export class IdempotencyPurgeWorker implements OnApplicationBootstrap {
  private readonly logger = new Logger('IdempotencyPurge');
  // The worker process has no IdempotencyModule: it reaches the same table through a store of its own.
  private readonly store: IdempotencyStore;

  constructor(
    private readonly queues: QueueBackend,
    @Inject(IDEMPOTENCY_PURGE_QUEUE) private readonly queueName: string,
    @Inject(DATABASE_POOL) pool: Pool,
    private readonly config: AppConfig,
  ) {
    this.store = new IdempotencyStore(pool);
  }

  /** One run: what the scheduled job does. */
  async purge(): Promise<{ deleted: number }> {
    const deleted = await this.store.purgeOlderThan(this.config.idempotencyRetentionHours);
    if (deleted > 0) this.logger.log(`purged ${deleted} idempotency record(s)`);
    return { deleted };
  }

  async onApplicationBootstrap(): Promise<void> {
    // The table may not exist yet when the worker starts before any API process did.
    await this.store.migrate();
    this.queues.worker(this.queueName, async (job) => {
      if (job.name !== IDEMPOTENCY_PURGE_JOB) throw new Error(`unknown idempotency purge job ${job.name}`);
      return this.purge();
    });
    try {
      await this.queues
        .queue(this.queueName, IDEMPOTENCY_PURGE_JOB_OPTIONS)
        .upsertJobScheduler(
          IDEMPOTENCY_PURGE_SCHEDULER_ID,
          { every: IDEMPOTENCY_PURGE_EVERY_MS },
          { name: IDEMPOTENCY_PURGE_JOB, data: {}, opts: IDEMPOTENCY_PURGE_JOB_OPTIONS },
        );
    } catch (error) {
      this.logger.warn(`could not schedule the idempotency purge: ${String(error)}`);
    }
  }
}
