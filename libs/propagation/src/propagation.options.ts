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

export const DEFAULT_PROPAGATION_OPTIONS: PropagationOptions = {
  retry: DEFAULT_RETRY_POLICY,
  reconcileEveryMs: 60_000,
  concurrency: 5,
  lockDurationMs: 30_000,
  stalledIntervalMs: 30_000,
  stepDelayMs: 0,
};

/**
 * Tuning from the environment (all optional; a bad value stops start-up naming the variable):
 * PROPAGATION_ATTEMPTS, PROPAGATION_BACKOFF_MS, PROPAGATION_RECONCILE_EVERY_MS, PROPAGATION_CONCURRENCY,
 * PROPAGATION_LOCK_MS, PROPAGATION_STALLED_CHECK_MS and, for tests, PROPAGATION_TEST_STEP_DELAY_MS.
 */
export function propagationOptionsFromEnv(env: Record<string, string | undefined> = process.env): PropagationOptions {
  const d = DEFAULT_PROPAGATION_OPTIONS;
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name]?.trim();
    if (!raw) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${name} must be an integer from ${min} to ${max}`);
    return n;
  };
  return {
    retry: {
      attempts: int('PROPAGATION_ATTEMPTS', d.retry.attempts, 1, 50),
      backoffMs: int('PROPAGATION_BACKOFF_MS', d.retry.backoffMs, 1, 600_000),
    },
    reconcileEveryMs: int('PROPAGATION_RECONCILE_EVERY_MS', d.reconcileEveryMs, 100, 3_600_000),
    concurrency: int('PROPAGATION_CONCURRENCY', d.concurrency, 1, 100),
    lockDurationMs: int('PROPAGATION_LOCK_MS', d.lockDurationMs, 1000, 600_000),
    stalledIntervalMs: int('PROPAGATION_STALLED_CHECK_MS', d.stalledIntervalMs, 500, 600_000),
    stepDelayMs: int('PROPAGATION_TEST_STEP_DELAY_MS', 0, 0, 600_000),
  };
}
