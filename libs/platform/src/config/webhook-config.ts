import { DEFAULT_RETRY_SCHEDULE, parseDuration, parseRetrySchedule } from '@csp/domain';
import { ConfigError } from './config.error';
import { resolveSecret } from './local-secret';

/** Webhook delivery (issue 16): WEBHOOK_* settings. */
export interface WebhookSettings {
  /** WEBHOOK_RETRY_SCHEDULE: the delay before each attempt, the first one's included. */
  readonly retryScheduleMs: readonly number[];
  /** WEBHOOK_TIMEOUT_MS: one attempt's whole request (Standard Webhooks: 15 s). */
  readonly timeoutMs: number;
  /** WEBHOOK_ALLOW_PRIVATE_NETWORKS: tests deliver to 127.0.0.1; refused in production. */
  readonly allowPrivateNetworks: boolean;
  /** Only https:// endpoint URLs (always in production). */
  readonly httpsOnly: boolean;
  /** WEBHOOK_DISABLE_AFTER_FAILURES: failed deliveries in a row that disable an endpoint. */
  readonly disableAfterFailures: number;
  /** WEBHOOK_SECRET_ROTATION_OVERLAP: how long the previous secret keeps signing after a rotation. */
  readonly secretOverlapMs: number;
  /** WEBHOOK_CONCURRENCY: deliveries a worker process sends at once. */
  readonly concurrency: number;
  /** WEBHOOK_RECONCILE_EVERY_MS: how often due deliveries the queue lost are enqueued again. */
  readonly reconcileEveryMs: number;
  /**
   * WEBHOOK_LOCK_MS, WEBHOOK_STALLED_CHECK_MS: a killed worker's delivery jobs run elsewhere after at most lock +
   * check (BullMQ's 30 s + 30 s left a job fetched but not yet claimed pending for a minute). The lock is renewed
   * every half of it whatever the attempt's timeout; the same trade-off as PROPAGATION_LOCK_MS (docs/scaling.md).
   */
  readonly lockMs: number;
  readonly stalledCheckMs: number;
  /** WEBHOOK_SECRETS_KEY: encrypts the endpoint secrets at rest (AES-256-GCM). */
  readonly secretsKey: string;
}

type Get = (name: string) => string | undefined;

export function loadWebhookSettings(
  get: Get,
  opts: {
    production: boolean;
    dataDir: string;
    warn: (m: string) => void;
    int: (name: string, fallback: number, min: number, max: number) => number;
    bool: (name: string, fallback: boolean) => boolean;
    /** The fail-over defaults every queue shares. */
    failOver: { lockMs: number; stalledCheckMs: number };
  },
): WebhookSettings {
  const schedule = parseRetrySchedule(get('WEBHOOK_RETRY_SCHEDULE') ?? DEFAULT_RETRY_SCHEDULE);
  if (!schedule.ok) throw new ConfigError('WEBHOOK_RETRY_SCHEDULE', schedule.reason);
  const allowPrivateNetworks = opts.bool('WEBHOOK_ALLOW_PRIVATE_NETWORKS', false);
  if (opts.production && allowPrivateNetworks)
    throw new ConfigError('WEBHOOK_ALLOW_PRIVATE_NETWORKS', 'must not be true in production (SSRF guard)');
  const overlapText = get('WEBHOOK_SECRET_ROTATION_OVERLAP') ?? '24h';
  const secretOverlapMs = parseDuration(overlapText);
  if (secretOverlapMs === undefined || secretOverlapMs > 30 * 86_400_000)
    throw new ConfigError(
      'WEBHOOK_SECRET_ROTATION_OVERLAP',
      `must be a duration up to 30d such as 24h (got "${overlapText}")`,
    );
  return Object.freeze({
    retryScheduleMs: Object.freeze(schedule.delaysMs),
    timeoutMs: opts.int('WEBHOOK_TIMEOUT_MS', 15_000, 100, 60_000),
    allowPrivateNetworks,
    httpsOnly: opts.production,
    disableAfterFailures: opts.int('WEBHOOK_DISABLE_AFTER_FAILURES', 5, 1, 1000),
    secretOverlapMs,
    concurrency: opts.int('WEBHOOK_CONCURRENCY', 16, 1, 200),
    reconcileEveryMs: opts.int('WEBHOOK_RECONCILE_EVERY_MS', 30_000, 100, 3_600_000),
    lockMs: opts.int('WEBHOOK_LOCK_MS', opts.failOver.lockMs, 1000, 600_000),
    stalledCheckMs: opts.int('WEBHOOK_STALLED_CHECK_MS', opts.failOver.stalledCheckMs, 500, 600_000),
    secretsKey: resolveSecret({
      name: 'WEBHOOK_SECRETS_KEY',
      value: get('WEBHOOK_SECRETS_KEY'),
      dataDir: opts.dataDir,
      production: opts.production,
      warn: opts.warn,
    }).value,
  });
}
