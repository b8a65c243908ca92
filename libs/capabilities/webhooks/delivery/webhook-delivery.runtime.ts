import { Webhook } from 'standardwebhooks';
import { nextAttempt, parseRetryAfter } from '@csp/domain';
import type { WebhookSettings } from '@csp/platform';
import type { AppQueue, AppWorker, QueueBackend } from '@csp/event-sourcing';
import type { DueDelivery } from '../dispatch/webhook-dispatcher.projection';
import type { ClaimedDelivery, WebhookDeliveryStore } from '../store/webhook-delivery.store';
import type { WebhookSecretVault } from '../store/webhook-secret.vault';
import type { WebhookMetrics } from '../webhook.metrics';
import { sendWebhook } from './webhook-sender';

export const WEBHOOK_QUEUE = 'webhook-deliveries';

/** Job ids name the delivery and its attempt, so enqueuing the same attempt again adds nothing. */
export const webhookJobId = (d: DueDelivery): string =>
  d.orphanedAt === undefined ? `${d.id}-${d.attempt}` : `${d.id}-${d.attempt}-r${d.orphanedAt}`;

export interface WebhookLogger {
  info(m: string): void;
  warn(m: string): void;
  error(m: string): void;
}

/** Enqueues delivery attempts (the api for retries and replays, the worker for everything). */
export class WebhookQueue {
  readonly queue: AppQueue<{ id: string }>;
  constructor(readonly backend: QueueBackend) {
    this.queue = backend.queue<{ id: string }>(WEBHOOK_QUEUE, {
      removeOnComplete: true,
      removeOnFail: true,
      attempts: 1,
    });
  }

  async enqueue(deliveries: readonly DueDelivery[], delayMs = 0): Promise<void> {
    if (deliveries.length === 0) return;
    await this.queue.addBulk(
      deliveries.map((d) => ({
        name: 'deliver',
        data: { id: d.id },
        opts: { jobId: webhookJobId(d), delay: delayMs },
      })),
    );
  }
}

export interface WebhookDeliveryDeps {
  store: WebhookDeliveryStore;
  vault: WebhookSecretVault;
  queue: WebhookQueue;
  settings: WebhookSettings;
  metrics: WebhookMetrics;
  now(): Date;
  /** Appends WebhookEndpointDisabled (410, or N failed deliveries in a row). */
  disable(endpointId: string, reason: 'gone' | 'failing', detail: string): Promise<void>;
  logger: WebhookLogger;
}

/**
 * The delivery worker: one BullMQ job per attempt. An attempt claims its delivery (a lease), signs the stored body
 * with the endpoint's secret (and the previous one during a rotation's overlap), POSTs it and records the attempt;
 * 2xx succeeds, 410 disables the endpoint, anything else (timeouts included) is retried on the schedule with jitter
 * and Retry-After, until the delivery fails. A reconciler enqueues due deliveries whose job was lost (a worker
 * killed mid-attempt: its lease expires and the same delivery, same webhook-id, is sent again).
 */
export class WebhookDeliveryRuntime {
  private worker?: AppWorker<{ id: string }, void>;
  private timer?: NodeJS.Timeout;
  private reconciling?: Promise<void>;

  constructor(private readonly deps: WebhookDeliveryDeps) {}

  start(): void {
    const { settings } = this.deps;
    this.worker = this.deps.queue.backend.worker<{ id: string }, void>(
      WEBHOOK_QUEUE,
      (job) => this.attempt(job.data.id),
      {
        concurrency: settings.concurrency,
        lockDuration: settings.lockMs,
        stalledInterval: settings.stalledCheckMs,
      },
    );
    this.timer = setInterval(() => void this.reconcileNow(), settings.reconcileEveryMs);
    this.timer.unref();
    void this.reconcileNow();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.reconciling;
    await this.worker?.close();
  }

  reconcileNow(): Promise<void> {
    this.reconciling ??= (async () => {
      try {
        await this.deps.queue.enqueue(await this.deps.store.due());
      } catch (error) {
        this.deps.logger.warn(`webhook reconciler: ${String(error)}`);
      } finally {
        this.reconciling = undefined;
      }
    })();
    return this.reconciling;
  }

  /** One attempt of one delivery (a no-op when another worker holds it or it is no longer due). */
  async attempt(id: string): Promise<void> {
    const { store, settings, metrics } = this.deps;
    const d = await store.claim(id, settings.timeoutMs + 2000);
    if (!d) return;
    if (!d.endpoint || d.endpoint.status !== 'active') {
      await store.finish(d.id, null, { status: 'failed', error: `endpoint ${d.endpoint?.status ?? 'deleted'}` });
      metrics.deliveries.inc({ outcome: 'failed' });
      return;
    }
    const secrets = await this.signingSecrets(d);
    const timestamp = new Date();
    const startedAt = new Date();
    const result =
      secrets.length === 0
        ? { statusCode: null, durationMs: 0, body: '', retryAfter: null, error: 'no signing secret for the endpoint' }
        : await sendWebhook({
            url: d.endpoint.url,
            body: d.payload,
            headers: {
              'webhook-id': d.id,
              'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
              'webhook-signature': secrets.map((s) => new Webhook(s).sign(d.id, timestamp, d.payload)).join(' '),
            },
            timeoutMs: settings.timeoutMs,
            allowPrivate: settings.allowPrivateNetworks,
          });
    const attempt = {
      attempt: d.attempt,
      startedAt,
      durationMs: result.durationMs,
      statusCode: result.statusCode,
      responseBody: result.body || null,
      error: result.error,
    };
    const code = result.statusCode;
    const seconds = result.durationMs / 1000;
    if (code !== null && code >= 200 && code < 300) {
      await store.finish(d.id, attempt, { status: 'succeeded', statusCode: code });
      await store.countEndpointOutcome(d.endpointId, true);
      metrics.attempts.observe({ outcome: 'success' }, seconds);
      metrics.deliveries.inc({ outcome: 'succeeded' });
      metrics.lag.observe(Math.max(0, Date.now() - d.eventRecordedAt.getTime()) / 1000);
      return;
    }
    if (code === 410) {
      await store.finish(d.id, attempt, { status: 'failed', statusCode: code, error: 'endpoint answered 410 Gone' });
      metrics.attempts.observe({ outcome: 'gone' }, seconds);
      metrics.deliveries.inc({ outcome: 'failed' });
      await this.disable(d.endpointId, 'gone', 'the endpoint answered 410 Gone');
      return;
    }
    const error = result.error ?? `HTTP ${code}`;
    const next = nextAttempt(
      settings.retryScheduleMs,
      d.scheduledAttempt,
      Math.random(),
      parseRetryAfter(result.retryAfter, Date.now()),
    );
    if (next) {
      await store.finish(d.id, attempt, { status: 'pending', nextAttemptInMs: next.delayMs, statusCode: code, error });
      metrics.attempts.observe({ outcome: 'retry' }, seconds);
      await this.deps.queue.enqueue([{ id: d.id, attempt: d.attempt + 1 }], next.delayMs);
      return;
    }
    await store.finish(d.id, attempt, { status: 'failed', statusCode: code, error });
    metrics.attempts.observe({ outcome: 'failed' }, seconds);
    metrics.deliveries.inc({ outcome: 'failed' });
    const inARow = await store.countEndpointOutcome(d.endpointId, false);
    if (inARow >= settings.disableAfterFailures)
      await this.disable(d.endpointId, 'failing', `${inARow} deliveries in a row failed`);
  }

  /** The current secret, and the previous one while the rotation's overlap lasts (both signatures are sent). */
  private async signingSecrets(d: ClaimedDelivery): Promise<string[]> {
    const e = d.endpoint!;
    const versions = [e.secretVersion];
    if (e.secretVersion > 1 && e.previousSecretExpiresAt && e.previousSecretExpiresAt > this.deps.now())
      versions.push(e.secretVersion - 1);
    try {
      return await this.deps.vault.get(d.endpointId, versions);
    } catch {
      this.deps.logger.error(`webhook secrets of endpoint ${d.endpointId} do not decrypt (WEBHOOK_SECRETS_KEY?)`);
      return [];
    }
  }

  private async disable(endpointId: string, reason: 'gone' | 'failing', detail: string): Promise<void> {
    try {
      await this.deps.disable(endpointId, reason, detail);
      this.deps.metrics.disabled.inc({ reason });
      this.deps.logger.warn(`webhook endpoint ${endpointId} disabled: ${detail}`);
    } catch (error) {
      this.deps.logger.error(`disabling webhook endpoint ${endpointId}: ${String(error)}`);
    }
  }
}
