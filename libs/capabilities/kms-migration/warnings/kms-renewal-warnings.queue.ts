import { Inject, Injectable, Logger, Provider } from '@nestjs/common';
import type { JobsOptions } from 'bullmq';
import type { EventStoreHandle } from '@csp/event-store';
import { DeviceGroupRegistered, RenewalWarningKind } from '@csp/domain';
import { QueueBackend, EVENT_STORE_HANDLE, databaseQueueName, CLOCK, Clock } from '@csp/event-sourcing';

/** A warning job: record `kind` for the group if it is still due (the decider no-ops otherwise). */
export type KmsWarningJob = { customerId: string; groupId: string; kind: RenewalWarningKind };

export const KMS_WARNING_JOB = 'warn';
export const KMS_SWEEP_JOB = 'sweep';
export const KMS_SWEEP_SCHEDULER_ID = 'kms-renewal-sweep';
export const KMS_SWEEP_EVERY_MS = 5 * 60_000;

/** One job per group and kind: adding it again (a retried request, a re-run) is a no-op in BullMQ. */
export const kmsWarningJobId = (groupId: string, kind: RenewalWarningKind): string => `kms-warning-${groupId}-${kind}`;

export const KMS_WARNINGS_QUEUE = Symbol('KMS_WARNINGS_QUEUE');

/**
 * The queue is named after the database, so deployments (and test databases) sharing one Redis never
 * take each other's warning jobs: a job handled against another database would be lost.
 */
export const kmsWarningsQueueProvider: Provider = {
  provide: KMS_WARNINGS_QUEUE,
  inject: [EVENT_STORE_HANDLE],
  useFactory: (handle: EventStoreHandle): string => databaseQueueName('kms-renewal-warnings', handle.databaseUrl),
};

export const KMS_WARNING_JOB_OPTIONS: JobsOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 2_000 },
  removeOnComplete: { age: 7 * 24 * 3600 },
  removeOnFail: { age: 30 * 24 * 3600 },
};

/**
 * API side: after groups are registered, one delayed job per group and kind, due when the group enters
 * its warning window and at its deadline, with delays from the injected clock. A lost job (Redis keeps
 * nothing on disk) is made good by the sweep.
 */
@Injectable()
export class KmsRenewalWarningScheduler {
  private readonly logger = new Logger('KmsRenewalWarnings');

  constructor(
    private readonly queues: QueueBackend,
    @Inject(KMS_WARNINGS_QUEUE) private readonly queueName: string,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async schedule(groups: readonly DeviceGroupRegistered['data'][]): Promise<void> {
    const queue = this.queues.queue<KmsWarningJob>(this.queueName, KMS_WARNING_JOB_OPTIONS);
    const now = this.clock.now().getTime();
    const jobs = groups.flatMap((g) =>
      (
        [
          ['dueSoon', g.dueSoonFrom],
          ['overdue', g.renewalDeadline],
        ] as const
      ).map(([kind, at]) => ({
        name: KMS_WARNING_JOB,
        data: { customerId: g.customerId, groupId: g.groupId, kind },
        opts: {
          ...KMS_WARNING_JOB_OPTIONS,
          jobId: kmsWarningJobId(g.groupId, kind),
          delay: Math.max(0, Date.parse(at) - now),
        },
      })),
    );
    try {
      await queue.addBulk(jobs);
    } catch (error) {
      // The groups are registered (the events are the truth); the sweep will warn in time.
      this.logger.warn(`could not schedule ${jobs.length} KMS renewal warning job(s): ${String(error)}`);
    }
  }
}
