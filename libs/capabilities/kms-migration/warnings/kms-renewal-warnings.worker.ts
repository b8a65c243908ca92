import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { Job } from 'bullmq';
import type { Pool } from 'pg';
import { kmsDeviceGroupsProjection } from '../projections/kms-device-groups.projection';
import { migrateProjectionTables, QueueBackend, DATABASE_POOL } from '@csp/event-sourcing';
import { KmsRenewalSweep } from './kms-renewal-sweep.service';
import {
  KMS_SWEEP_EVERY_MS,
  KMS_SWEEP_JOB,
  KMS_SWEEP_SCHEDULER_ID,
  KMS_WARNING_JOB,
  KMS_WARNING_JOB_OPTIONS,
  KMS_WARNINGS_QUEUE,
  KmsWarningJob,
} from './kms-renewal-warnings.queue';
import { RecordRenewalWarningService } from './record-renewal-warning.service';

/**
 * Worker side: processes the delayed warning jobs and the sweep, which a BullMQ job scheduler runs every
 * few minutes (one run per interval across workers) and which also runs once at start-up.
 */
@Injectable()
export class KmsRenewalWarningsWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('KmsRenewalWarnings');
  private startup?: Promise<void>;

  constructor(
    private readonly queues: QueueBackend,
    @Inject(KMS_WARNINGS_QUEUE) private readonly queueName: string,
    private readonly warnings: RecordRenewalWarningService,
    private readonly sweep: KmsRenewalSweep,
    @Inject(DATABASE_POOL) private readonly pool: Pool,
  ) {}

  /** What a job does; public so that tests can run a job's processor directly. */
  async process(job: Pick<Job<KmsWarningJob>, 'name' | 'data' | 'id'>): Promise<unknown> {
    if (job.name === KMS_SWEEP_JOB) return this.sweep.run();
    if (job.name === KMS_WARNING_JOB) {
      const { customerId, groupId, kind } = job.data;
      return { appended: await this.warnings.record(customerId, groupId, kind, `job:${String(job.id)}`) };
    }
    throw new Error(`unknown KMS warnings job ${job.name}`);
  }

  async onApplicationBootstrap(): Promise<void> {
    this.queues.worker<KmsWarningJob>(this.queueName, (job) => this.process(job), { concurrency: 4 });
    const queue = this.queues.queue(this.queueName, KMS_WARNING_JOB_OPTIONS);
    try {
      await queue.upsertJobScheduler(
        KMS_SWEEP_SCHEDULER_ID,
        { every: KMS_SWEEP_EVERY_MS },
        { name: KMS_SWEEP_JOB, data: {} },
      );
    } catch (error) {
      this.logger.warn(`could not schedule the KMS renewal sweep: ${String(error)}`);
    }
    // Jobs Redis forgot while we were down: catch up now rather than in five minutes.
    this.startup = migrateProjectionTables(this.pool, [kmsDeviceGroupsProjection])
      .then(() => this.sweep.run())
      .then((r) => void (r.appended.length && this.logger.log(`start-up sweep: ${r.appended.length} warning(s)`)))
      .catch((error: unknown) => this.logger.warn(`start-up sweep failed: ${String(error)}`));
  }

  /** Before the pools close: let the start-up sweep finish on live connections. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.startup;
  }
}
