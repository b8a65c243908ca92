import type { JobsOptions } from 'bullmq';
import type { AppQueue, QueueBackend } from '@csp/event-sourcing';

export const PROPAGATION_QUEUE = 'cancellation-propagation';
export const WINDOW_WARNING_QUEUE = 'cancellation-window-warnings';
export const MAINTENANCE_QUEUE = 'propagation-maintenance';
export const RECONCILER_SCHEDULER_ID = 'propagation-reconciler';
export const PROPAGATION_QUEUES = [PROPAGATION_QUEUE, WINDOW_WARNING_QUEUE, MAINTENANCE_QUEUE] as const;

export interface PropagationJobData {
  cancellationEventId: string;
  orderId: string;
}

export interface WindowWarningJobData {
  orderId: string;
  windowEndsAt: string;
  hoursBefore: number;
}

/** Job ids derive from what the job is about, so a re-enqueue never makes a second job. */
export const propagationJobId = (cancellationEventId: string): string => `propagate-${cancellationEventId}`;
export const windowWarningJobId = (w: WindowWarningJobData): string =>
  `warn-${w.orderId}-${Date.parse(w.windowEndsAt)}-${w.hoursBefore}h`;

export interface RetryPolicy {
  /** Tries per job, the first included. */
  attempts: number;
  /** First backoff; doubles each time. */
  backoffMs: number;
}

/**
 * 8 tries backing off 2 s, 4 s … 128 s: about 4 min 15 s of waiting in all, well inside the 15-minute
 * promise, and the reconciler starts a fresh series each minute after that until the deadline alert.
 */
export const DEFAULT_RETRY_POLICY: RetryPolicy = { attempts: 8, backoffMs: 2000 };

/** Sum of the waits between tries of one series. */
export const totalBackoffMs = (p: RetryPolicy): number => p.backoffMs * (2 ** (p.attempts - 1) - 1);

export type EnqueueOutcome = 'added' | 'exists' | 'revived' | 'promoted';

/** The three queues of propagation, and how jobs get into them. */
export class PropagationQueues {
  constructor(
    readonly backend: QueueBackend,
    private readonly retry: RetryPolicy = DEFAULT_RETRY_POLICY,
  ) {}

  get propagation(): AppQueue<PropagationJobData> {
    return this.backend.queue<PropagationJobData>(PROPAGATION_QUEUE);
  }

  get warnings(): AppQueue<WindowWarningJobData> {
    return this.backend.queue<WindowWarningJobData>(WINDOW_WARNING_QUEUE);
  }

  get maintenance(): AppQueue<Record<string, never>> {
    return this.backend.queue<Record<string, never>>(MAINTENANCE_QUEUE);
  }

  private jobOptions(): JobsOptions {
    return {
      attempts: this.retry.attempts,
      backoff: { type: 'exponential', delay: this.retry.backoffMs },
      // Kept a while for the dashboard; the durable record is the event store and our tables.
      removeOnComplete: { age: 24 * 3600, count: 1000 },
      removeOnFail: { age: 7 * 24 * 3600 },
    };
  }

  /**
   * Adds the job unless one with its id is waiting, delayed or running. With `reviveFinished` (the
   * reconciler) a failed or completed job of a still-pending cancellation is replaced by a fresh one.
   */
  async enqueuePropagation(data: PropagationJobData, reviveFinished = false): Promise<EnqueueOutcome> {
    const queue = this.propagation;
    const jobId = propagationJobId(data.cancellationEventId);
    const revived = reviveFinished ? await this.removeIfFinished(queue, jobId) : false;
    if (!revived && (await queue.getJob(jobId))) return 'exists';
    // Still idempotent if another process adds the same id between the look-up and here.
    await queue.add('propagate', data, { ...this.jobOptions(), jobId });
    return revived ? 'revived' : 'added';
  }

  /** A reminder at its instant; when it is already due (`due`), a delayed copy is promoted to run now. */
  async enqueueWindowWarning(data: WindowWarningJobData, delayMs: number, due = false): Promise<EnqueueOutcome> {
    const queue = this.warnings;
    const jobId = windowWarningJobId(data);
    const revived = due ? await this.removeIfFinished(queue, jobId) : false;
    const existing = await queue.getJob(jobId);
    if (existing) {
      if (due && (await existing.getState()) === 'delayed') {
        await existing.promote().catch(() => undefined);
        return 'promoted';
      }
      return 'exists';
    }
    await queue.add('warn', data, { ...this.jobOptions(), jobId, delay: Math.max(0, delayMs) });
    return revived ? 'revived' : 'added';
  }

  /** Idempotent: re-run by the watchdog, since a Redis that lost its data lost the scheduler too. */
  async ensureReconcilerScheduler(everyMs: number): Promise<void> {
    await this.maintenance.upsertJobScheduler(
      RECONCILER_SCHEDULER_ID,
      { every: everyMs },
      { name: 'reconcile', data: {}, opts: { removeOnComplete: { count: 50 }, removeOnFail: { count: 50 } } },
    );
  }

  /** Job counts per queue and state, for /metrics. */
  async depth(): Promise<Record<string, Record<string, number>>> {
    const out: Record<string, Record<string, number>> = {};
    for (const name of [PROPAGATION_QUEUE, WINDOW_WARNING_QUEUE]) {
      out[name] = await this.backend
        .queue(name)
        .getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'failed', 'completed');
    }
    return out;
  }

  private async removeIfFinished(queue: AppQueue, jobId: string): Promise<boolean> {
    const job = await queue.getJob(jobId);
    if (!job) return false;
    const state = await job.getState();
    if (state !== 'failed' && state !== 'completed') return false;
    // Another reconciler may have removed or replaced it meanwhile: either way a fresh job follows.
    await job.remove().catch(() => undefined);
    return true;
  }
}
