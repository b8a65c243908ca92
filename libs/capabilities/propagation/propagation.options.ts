import { PROPAGATION_LOCK_MS_DEFAULT, PROPAGATION_STALLED_CHECK_MS_DEFAULT } from '@csp/platform';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './jobs/propagation.queues';

export interface PropagationOptions {
  retry: RetryPolicy;
  /** Reconciler period (BullMQ job scheduler) and watchdog period. */
  reconcileEveryMs: number;
  /** Propagation jobs run at once per worker process. */
  concurrency: number;
  /** BullMQ job lock: a killed worker's job is taken over after this (and the next stalled check). */
  lockDurationMs: number;
  stalledIntervalMs: number;
  /** Test hook only: pause inside each propagation job (after the keys step). 0 in production. */
  stepDelayMs: number;
}

/**
 * The production defaults, the same as the PROPAGATION_* settings' defaults in the platform config (which
 * is what a process reads at boot; see PropagationCoreModule). A job spends most of its time waiting on
 * PostgreSQL, so one worker runs 16 at once: at 5, 1,000 cancellations in 7 s queued for seconds.
 */
export const DEFAULT_PROPAGATION_OPTIONS: PropagationOptions = {
  retry: DEFAULT_RETRY_POLICY,
  reconcileEveryMs: 60_000,
  concurrency: 16,
  lockDurationMs: PROPAGATION_LOCK_MS_DEFAULT,
  stalledIntervalMs: PROPAGATION_STALLED_CHECK_MS_DEFAULT,
  stepDelayMs: 0,
};
